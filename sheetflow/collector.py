"""Pausing Python's cyclic garbage collector around the bulk work of a run."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """Reading, planning and writing a register make millions of objects and free almost
    none of them in cycles; the cyclic collector would walk the whole heap (the workbook and
    everything read and planned) again and again for nothing, a fifth of a large sync.
    Reference counting still frees everything that is not a cycle."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
