"""The register for a period on paper: the hardcopy the SOP keeps beside the file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Literal

from .. import cells
from ..errors import SheetflowError
from ..sync import RowOutcome
from ..workflow import Workflow
from . import fonts, formats
from .grid import Cell, Column, Grid
from .page import Masthead, Paper, render

if TYPE_CHECKING:
    from ..api import SyncResult

SUBJECT = "Register Dokumentasi dan Konten"
EMPTY = "–"


@dataclass(frozen=True)
class Printed:
    """One column on paper: one register column, or several stacked one per line
    (the step times, which would not fit a landscape page side by side)."""

    keys: tuple[str, ...]
    width: float  # mm on A4 landscape; scaled to the page's width
    align: Literal["L", "C", "R"] = "L"


# The register has 26 columns; these are the ones a reader of the paper copy needs, in
# the register's order. The narrative and the links stay in the file (and on the
# approval sheet): on a landscape page they would leave no room for the rest.
PRINTED = (
    Printed(("register_no",), 15),
    Printed(("activity_date",), 15.5),
    Printed(("activity_name",), 26),
    Printed(("team_name",), 20),
    Printed(("documentation_count",), 18, "C"),
    Printed(("caption",), 34),
    Printed(("reviewer",), 15),
    Printed(("decision",), 15),
    Printed(("approved_by",), 19.5),
    Printed(("status",), 17.5),
    Printed(("handed_over_at", "received_at", "decided_at", "published_at"), 24.5),
    Printed(("timeliness",), 19),
    Printed(("notes",), 38),
)
# Points. The widths above fit a date-time, a register number and each head's longest
# word on one line at this size; DejaVu Sans is wide, so 6.5 pt reads like 7 pt Arial.
SIZE = 6.5


def register_pdf(result: SyncResult, *, start: date, end: date, office: str, printed_at: datetime) -> bytes:
    """The rows whose activity date falls in [start, end], then those without a readable one."""
    if start > end:
        raise SheetflowError(f"Periode tidak sah: {formats.long_date(start)} sesudah {formats.long_date(end)}.")
    wf = result.workflow
    dated, undated = _in_period(result.plan.rows, start, end, wf)
    subject = f"{SUBJECT} · Periode {formats.period(start, end)} · waktu dalam {formats.local(printed_at, wf):%Z}"
    masthead = Masthead.of(wf, office=office, subject=subject, printed_at=printed_at)

    def draw(pdf: Paper) -> None:
        printed = [p for p in PRINTED if all(k in wf.column for k in p.keys)]
        scale = (pdf.w - pdf.l_margin - pdf.r_margin) / sum(p.width for p in printed)
        heads = [Column("\n".join(wf.column[k].header for k in p.keys), p.width * scale, p.align) for p in printed]
        grid = Grid(pdf, heads, size=SIZE)
        grid.start()
        for row in dated:
            grid.row([_cell(row, p, wf) for p in printed])
        if undated:
            grid.banner(f"{_date_header(wf)} belum diisi atau tidak terbaca")
            for row in undated:
                grid.row([_cell(row, p, wf) for p in printed])
        if not dated and not undated:
            pdf.set_y(pdf.get_y() + 2)
            pdf.set_font(fonts.FAMILY, size=8)
            pdf.cell(0, 4, f"Tidak ada kegiatan dengan {_date_header(wf)} dalam periode ini.")

    return render("landscape", masthead, draw)


def _in_period(
    rows: tuple[RowOutcome, ...], start: date, end: date, wf: Workflow
) -> tuple[list[RowOutcome], list[RowOutcome]]:
    dated: list[tuple[date, RowOutcome]] = []
    undated: list[RowOutcome] = []
    for row in rows:
        day = cells.parse_date(row.values.get(wf.dated_by)) if wf.dated_by else None
        if not isinstance(day, date):
            undated.append(row)
        elif start <= day <= end:
            dated.append((day, row))
    dated.sort(key=lambda pair: (pair[0], pair[1].register_no))
    return [row for _, row in dated], sorted(undated, key=lambda row: row.register_no)


def _cell(row: RowOutcome, printed: Printed, wf: Workflow) -> Cell:
    if printed.keys == ("status",):
        status = wf.status[row.after]
        return Cell(status.label, fill=status.colour)
    shown = [formats.shown(row.values.get(key), wf.column[key]) or EMPTY for key in printed.keys]
    # A lone empty cell stays blank; a stack keeps its dashes so each line stays beside its head.
    return Cell("\n".join(shown) if len(shown) > 1 or shown != [EMPTY] else "")


def _date_header(wf: Workflow) -> str:
    return wf.column[wf.dated_by].header if wf.dated_by else "Tanggal"
