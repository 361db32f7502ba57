"""``Riwayat`` as a hash chain: each row carries a digest of itself and of the row before,
so a row edited, inserted or deleted by hand breaks the chain from that row on.

The chain shows edits made in the spreadsheet; it cannot stop someone who recomputes it
with this code (the digest is not keyed).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from . import cells
from .sync import HistoryEntry
from .table import Cell


def link(previous: str, fields: Sequence[str]) -> str:
    return hashlib.sha256("\x1f".join([previous, *fields]).encode()).hexdigest()[:16]


def fields(entry: HistoryEntry) -> list[str]:
    """What a row's digest covers, as text: every column but the chain itself."""
    return [entry.time.isoformat(timespec="seconds"), entry.register_no, entry.from_status, entry.to_status,
            entry.role, entry.name, entry.reason, entry.fingerprint, entry.code, entry.archive]


def chain(previous: str, entries: Iterable[HistoryEntry]) -> list[str]:
    links = []
    for entry in entries:
        previous = link(previous, fields(entry))
        links.append(previous)
    return links


def raw_fields(values: Sequence[Cell]) -> list[str]:
    """The same text as ``fields``, from a row as read (a time, then nine texts)."""
    when = cells.parse_datetime(values[0] if values else None)
    first = when.isoformat(timespec="seconds") if when else cells.text(values[0] if values else None)
    rest = [cells.text(values[i] if i < len(values) else None) for i in range(1, 10)]
    rest[0] = cells.squash(rest[0])  # No. Register, as read_history keeps it
    return [first, *rest]


@dataclass(frozen=True)
class Break:
    row: int  # the spreadsheet row where the chain stops matching


def first_break(rows: Sequence[tuple[int, Sequence[Cell], str]]) -> Break | None:
    """``rows``: (row number, the row's ten covered values, its stored chain), in order."""
    previous = ""
    for number, values, stored in rows:
        previous = link(previous, raw_fields(values))
        if stored != previous:
            return Break(number)
    return None
