"""The approval sheet for one item: what was approved, by whom and when, signed on paper (SOP step 5).

The decision, who signed off, the reviewer and the times of the steps are printed as
``Riwayat`` records them (``record.record_of``), never from a cell that may have been
changed since; an item whose approval is not in force gets no sheet at all.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from .. import cells
from ..errors import SheetflowError
from ..record import Decision, Record, record_of
from ..sync import RowOutcome
from ..workflow import ColumnType, Workflow
from . import fonts, formats
from .grid import Cell, Column, Grid
from .page import Masthead, Paper, render

if TYPE_CHECKING:
    from ..api import SyncResult

TITLE = "Lembar Persetujuan Unggahan Konten Media Sosial"
EMPTY = "–"
LABEL_WIDTH = 0.26  # of the page's width

# Section heading, then the register columns it shows, in the order of the SOP's steps.
SECTIONS = (
    ("Kegiatan", ("activity_name", "activity_date", "team_name")),
    ("Dokumentasi", ("documentation_kind", "documentation_count", "documentation_links")),
    ("Konten", ("caption", "narrative")),
    ("Keputusan", ("decision", "approved_by", "reviewer", "response")),
    ("Waktu Setiap Langkah", ("handed_over_at", "received_at", "reviewed_at", "decided_at", "published_at",
                              "timeliness", "revision")),
    ("Unggahan", ("upload_links",)),
    ("Status", ("status", "notes")),
)
# The column whose choices are the roles that may sign off (SOP step 5): one signature
# block for each.
SIGN_OFF = "approved_by"
# What a value older history never recorded is printed with.
NOT_RECORDED = "tidak tercatat di Riwayat"
SIGNATURE_HEIGHT = 42.0
SIGNATURE_GAP = 5.0


def approval_pdf(result: SyncResult, register_no: str, *, office: str, printed_at: datetime) -> bytes:
    wf = result.workflow
    row = _find(result, register_no)
    # Riwayat as this sync would leave it: what was read, and what the run would add.
    record = record_of([*result.history, *result.plan.history], row.register_no, wf)
    decision = _approval(record, row, wf)
    # The title and the number head every page (the masthead), so a signature block that
    # falls on a page of its own still says what it signs.
    subject = f"{TITLE} · {wf.column['register_no'].header} {row.register_no}"
    masthead = Masthead.of(wf, office=office, subject=subject, printed_at=printed_at)

    def draw(pdf: Paper) -> None:
        _details(pdf, row, record, decision, wf)
        _signatures(pdf, decision, wf)

    return render("portrait", masthead, draw)


def _find(result: SyncResult, register_no: str) -> RowOutcome:
    wanted = cells.squash(register_no)
    for row in result.plan.rows:
        if row.register_no == wanted:
            return row
    header = result.workflow.column["register_no"].header
    raise SheetflowError(f"{header} {wanted or '(kosong)'} tidak ditemukan di register {result.source}.")


def _approval(record: Record, row: RowOutcome, wf: Workflow) -> Decision:
    """The approval in force: the decision the history holds, if it was one that needs a sign-off."""
    decision = record.decision
    if decision is not None and any(r.condition == f"chosen:{SIGN_OFF}" for r in decision.transition.requires):
        return decision
    header = wf.column["register_no"].header
    status = wf.status[record.status].label if record.status else EMPTY
    raise SheetflowError(
        f"Lembar persetujuan tidak dicetak: menurut Riwayat, {header} {row.register_no} tidak sedang disetujui "
        f"(status {status}). Lembar persetujuan hanya dicetak untuk konten yang persetujuannya tercatat."
    )


def _details(pdf: Paper, row: RowOutcome, record: Record, decision: Decision, wf: Workflow) -> None:
    width = pdf.w - pdf.l_margin - pdf.r_margin
    grid = Grid(pdf, [Column("", width * LABEL_WIDTH), Column("", width * (1 - LABEL_WIDTH))], size=8.5, heads=False)
    for title, keys in SECTIONS:
        present = [k for k in keys if k in wf.column]
        if not present:
            continue
        grid.banner(title)
        for key in present:
            grid.row([Cell(wf.column[key].header, bold=True), _value(row, record, decision, key, wf)])
        if title == "Keputusan" and decision.corrections:
            grid.row([Cell("Koreksi", bold=True), Cell(_corrections(decision))])


def _value(row: RowOutcome, record: Record, decision: Decision, key: str, wf: Workflow) -> Cell:
    column = wf.column[key]
    if key == "status":
        status = wf.status[row.after]
        return Cell(status.label, fill=status.colour)
    if decision.transition.record and column in wf.group(decision.transition.record):
        return Cell(_decided(row, decision, key) or EMPTY)
    if column.type is ColumnType.DATETIME and any(key in t.stamp for t in wf.transitions):
        stamped = record.stamps.get(key)
        return Cell(formats.shown(stamped, column) if stamped else EMPTY)
    return Cell(formats.shown(row.values.get(key), column) or EMPTY)


def _decided(row: RowOutcome, decision: Decision, key: str) -> str:
    """A decided value as recorded; older history may not have recorded it."""
    if key in decision.values:
        return decision.values[key]
    if key == decision.transition.actor_column:
        return decision.name  # the history's Nama is who took the step
    typed = cells.text(row.values.get(key)).strip()
    return f"{typed} ({NOT_RECORDED}; tertulis di register)" if typed else f"({NOT_RECORDED})"


def _corrections(decision: Decision) -> str:
    return "\n".join(f"{e.time:%d/%m/%Y %H:%M}: {e.reason}" for e in decision.corrections)


def _signatures(pdf: Paper, decision: Decision, wf: Workflow) -> None:
    """One box per sign-off role: the role, room to sign, a line for the name and the date."""
    roles = wf.column[SIGN_OFF].choices if SIGN_OFF in wf.column else ()
    if not roles:
        return
    recorded = cells.squash(decision.values.get(SIGN_OFF, "")).casefold()
    pdf.make_room(8 + SIGNATURE_HEIGHT)
    pdf.set_y(pdf.get_y() + 4)
    pdf.set_font(fonts.FAMILY, "B", 10)
    pdf.cell(0, 6, "Tanda Tangan Persetujuan", new_x="LMARGIN", new_y="NEXT")
    width = (pdf.w - pdf.l_margin - pdf.r_margin - SIGNATURE_GAP * (len(roles) - 1)) / len(roles)
    top = pdf.get_y() + 1
    for i, role in enumerate(roles):
        x = pdf.l_margin + i * (width + SIGNATURE_GAP)
        _signature(pdf, x, top, width, role, recorded=role.casefold() == recorded)
    pdf.set_xy(pdf.l_margin, top + SIGNATURE_HEIGHT)


def _signature(pdf: Paper, x: float, top: float, width: float, role: str, *, recorded: bool) -> None:
    pdf.rect(x, top, width, SIGNATURE_HEIGHT)
    inner = width - 4
    pdf.set_xy(x + 2, top + 2)
    pdf.set_font(fonts.FAMILY, "B", 8.5)
    pdf.multi_cell(inner, 4, role, align="C", new_x="LEFT")
    if recorded:
        pdf.set_font(fonts.FAMILY, size=7)
        pdf.multi_cell(inner, 3.5, "(tercatat menyetujui di register)", align="C", new_x="LEFT")
    pdf.set_text_color(150, 150, 150)
    pdf.set_font(fonts.FAMILY, size=7.5)
    pdf.set_xy(x + 2, top + 20)
    pdf.cell(inner, 4, "tanda tangan", align="C")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font(fonts.FAMILY, size=8)
    for offset, label in ((29, "Nama"), (36, "Tanggal")):
        pdf.set_xy(x + 2, top + offset)
        pdf.cell(14, 4, f"{label}:")
        pdf.line(x + 16, top + offset + 3.5, x + width - 2, top + offset + 3.5)
