"""How dates, times and cell values read on paper, in Indonesian."""

from __future__ import annotations

from datetime import date, datetime

from .. import cells
from ..messages import MONTHS
from ..table import Cell
from ..workflow import Column, ColumnType, Workflow


def long_date(day: date) -> str:
    """``1 Juli 2024``."""
    return f"{day.day} {MONTHS['id'][day.month - 1]} {day.year}"


def period(start: date, end: date) -> str:
    return f"{long_date(start)} – {long_date(end)}"


def local(moment: datetime, workflow: Workflow) -> datetime:
    """``moment`` in the register's zone; a naive time is taken to be in it already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=workflow.tz)
    return moment.astimezone(workflow.tz)


def printed_on(moment: datetime, workflow: Workflow) -> str:
    """``Dicetak 3 Juli 2024 15:00 WIB``."""
    at = local(moment, workflow)
    return f"Dicetak {long_date(at.date())} {at:%H:%M} {at.tzname()}"


def shown(raw: Cell, column: Column) -> str:
    """A cell as it reads on paper: dates and times as the register shows them, else as typed.

    A value that does not parse is printed as it stands: paper shows the register, it
    does not judge it (that is ``Catatan Sistem``'s job).
    """
    if column.type is ColumnType.DATE and isinstance(day := cells.parse_date(raw), date):
        return f"{day:%d/%m/%Y}"
    if column.type is ColumnType.DATETIME and (moment := cells.parse_datetime(raw)) is not None:
        return f"{moment:%d/%m/%Y %H:%M}"
    return cells.text(raw).strip()
