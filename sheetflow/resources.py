"""Files that ship with sheetflow: the blank register template and the demo register.

In an installed wheel they sit inside the package (``sheetflow/templates``); in a source
checkout they sit in the repository's ``templates/`` folder, where the generator writes them.
"""

from __future__ import annotations

from importlib import resources as importlib_resources
from importlib.resources.abc import Traversable
from pathlib import Path

TEMPLATE = "register.xlsx"
DEMO = "demo.xlsx"


def template() -> Traversable:
    return _find(TEMPLATE)


def demo() -> Traversable:
    return _find(DEMO)


def _find(name: str) -> Traversable:
    packaged = importlib_resources.files("sheetflow") / "templates" / name
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parent.parent / "templates" / name
