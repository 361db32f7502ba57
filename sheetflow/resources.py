"""Files that ship with sheetflow: the blank register template, the demo register and
the bundled workflow definitions.

In an installed wheel they sit inside the package (``sheetflow/templates``); in a source
checkout they sit in the repository's ``templates/`` folder, where the generator writes them.
"""

from __future__ import annotations

from importlib import resources as importlib_resources
from importlib.resources.abc import Traversable
from pathlib import Path

TEMPLATE = "register.xlsx"
DEMO = "demo.xlsx"
DEFAULT_WORKFLOW = "sop-010-2024"


def template() -> Traversable:
    return _find(TEMPLATE)


def demo() -> Traversable:
    return _find(DEMO)


def _find(name: str) -> Traversable:
    packaged = importlib_resources.files("sheetflow") / "templates" / name
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parent.parent / "templates" / name


def workflow(name: str) -> Traversable:
    """A bundled workflow definition by name (it may not exist)."""
    return importlib_resources.files("sheetflow") / "workflows" / f"{name}.toml"
