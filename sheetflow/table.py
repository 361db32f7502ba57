"""Plain data that crosses the line between the core and the backends.

A backend reads sheets as rows of raw cell values and applies a ``Batch``; it knows
nothing of workflows. The core turns sheets into register rows and back into a batch.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

Cell = str | int | float | bool | datetime | date | None
Values = tuple[Cell, ...]
# The most characters one cell holds in Excel (Google Sheets holds 50,000): what sync
# writes stays within it, or the file keeps it cut and the next sync writes it again.
CELL_CHARACTERS = 32_767


@dataclass(frozen=True)
class Sheet:
    """One sheet as read: ``rows[0]`` is spreadsheet row 1."""

    name: str
    rows: tuple[Values, ...]


@dataclass(frozen=True)
class CellWrite:
    sheet: str
    row: int  # 1-based, as the spreadsheet numbers it
    column: int  # 1-based
    value: Cell


@dataclass(frozen=True)
class Chart:
    """A bar chart of a two-column table: labels in ``label_column``, numbers beside them."""

    sheet: str
    title: str
    first_row: int  # 1-based, inclusive
    last_row: int
    label_column: int = 1
    value_column: int = 2
    anchor_column: int = 4  # where the chart's top-left corner sits (row: ``first_row``)


@dataclass(frozen=True)
class Batch:
    """Everything one sync writes, applied all at once or not at all.

    Text values are written as text, never as formulas. Datetimes are naive, in the
    register's time zone, and shown with ``datetime_format``.
    """

    writes: tuple[CellWrite, ...] = ()
    appends: Mapping[str, tuple[Values, ...]] = field(default_factory=dict)
    replacements: Mapping[str, tuple[Values, ...]] = field(default_factory=dict)
    charts: tuple[Chart, ...] = ()  # drawn with the replaced sheets they chart
    datetime_format: str = "dd/mm/yyyy hh:mm"
    # Ids (1 to 2**31 - 1) this write takes for good: a write whose ids another write has
    # taken is refused whole (``WriteConflict``). Two syncs of a Google Sheet that read the
    # same form response both plan its row; only the first write may land. A file needs
    # none: it is locked while a sync runs.
    claims: tuple[int, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.writes or any(self.appends.values()) or self.replacements)
