"""Where each column sits: found by header text, never by position.

Turns the sheets a backend read into register rows and history entries, and a plan
back into one ``Batch`` of cell writes and appended history rows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter

from . import cells, ledger, messages
from .errors import HeaderMissing, RegisterNotFound
from .history_headers import HISTORY_HEADERS
from .recap import chart_data
from .sync import HistoryEntry, Plan, RegisterRow
from .table import Batch, CellWrite, Chart, Sheet, Values
from .workflow import Workflow, fold


@dataclass(frozen=True)
class Layout:
    """Column key -> 1-based column number in the register sheet."""

    positions: Mapping[str, int]

    @classmethod
    def locate(cls, header_row: Values, workflow: Workflow) -> Layout:
        found: dict[str, list[int]] = {}
        for number, header in enumerate(header_row, start=1):
            found.setdefault(fold(cells.text(header)), []).append(number)
        missing = [c.header for c in workflow.columns if fold(c.header) not in found and not c.optional]
        if missing:
            raise HeaderMissing(
                f"Kolom wajib tidak ditemukan di baris 1 sheet {workflow.sheets.register_}: "
                f"{', '.join(missing)}. Tambahkan judul kolom itu (urutan bebas); tidak ada yang ditulis.",
                missing,
            )
        doubled = [c.header for c in workflow.columns if len(found.get(fold(c.header), ())) > 1]
        if doubled:
            raise HeaderMissing(
                f"Judul kolom muncul lebih dari sekali di sheet {workflow.sheets.register_}: {', '.join(doubled)}. "
                "Hapus atau ganti nama salah satunya; tidak ada yang ditulis.",
                doubled,
            )
        # An optional column the register lacks has no position: its key is not in a row's
        # values, which tells the planner to leave it out.
        return cls({c.key: found[fold(c.header)][0] for c in workflow.columns if fold(c.header) in found})


def read_register(sheets: Mapping[str, Sheet], workflow: Workflow) -> tuple[Layout, list[RegisterRow]]:
    name = workflow.sheets.register_
    sheet = sheets.get(name)
    if sheet is None:
        raise RegisterNotFound(
            f"Sheet '{name}' tidak ditemukan. Kembalikan nama sheet itu, atau siapkan register dengan "
            "sheetflow init (berkas Excel) atau sheetflow setup (Google Sheet)."
        )
    layout = Layout.locate(sheet.rows[0] if sheet.rows else (), workflow)
    keys = tuple(layout.positions)
    pick = _picker(tuple(layout.positions.values()))
    rows = [RegisterRow(number, dict(zip(keys, pick(values), strict=True)))
            for number, values in enumerate(sheet.rows[1:], start=2)]
    return layout, rows


def history_rows(sheets: Mapping[str, Sheet], workflow: Workflow) -> list[tuple[int, Values]]:
    """Every non-empty history row (its spreadsheet row number, its values in HISTORY_HEADERS order)."""
    sheet = sheets.get(workflow.sheets.history)
    if sheet is None or not sheet.rows:
        return []
    # Riwayat is sync's own sheet, but people may still widen or reorder it.
    where = {fold(cells.text(h)): i for i, h in enumerate(sheet.rows[0], start=1)}
    pick = _picker([where.get(fold(h), 0) for h in HISTORY_HEADERS])
    is_blank = cells.is_blank
    return [
        (number, pick(values))
        for number, values in enumerate(sheet.rows[1:], start=2)
        if not all(map(is_blank, values))
    ]


def _picker(positions: Sequence[int]) -> Callable[[Values], Values]:
    """Takes the values at 1-based ``positions`` from a row: None for a position 0 (a
    column not found) or past the row's end."""
    last = max(positions, default=0)
    # Index ``last`` of the padded row is always one of the blanks: the missing columns' value.
    take = itemgetter(*(p - 1 if p else last for p in positions))
    blanks = (None,) * (last + 1)
    if len(positions) == 1:
        return lambda values: (take(values[:last] + blanks),)
    return lambda values: take(values[:last] + blanks)


def read_history(sheets: Mapping[str, Sheet], workflow: Workflow) -> list[HistoryEntry]:
    entries = []
    text = cells.text
    for _, (time, number, *rest) in history_rows(sheets, workflow):
        when = cells.parse_datetime(time)
        if when is None or cells.is_blank(number):
            continue
        entries.append(HistoryEntry(when, cells.squash(number), *map(text, rest)))
    return entries


def to_batch(
    plan: Plan, layout: Layout, workflow: Workflow, recap: Sequence[Values] | None = None, *,
    history_headed: bool = True, chain_tail: str = "",
) -> Batch:
    """``history_headed``: whether the history sheet already has its header row;
    ``chain_tail``: the last history row's chain link, which new rows continue."""
    sheet = workflow.sheets.register_
    writes = tuple(
        CellWrite(sheet, change.row, layout.positions[change.column], change.new)
        for change in plan.changes
    )
    links = ledger.chain(chain_tail, plan.history)
    history = tuple((*history_values(e), link) for e, link in zip(plan.history, links, strict=True))
    if history and not history_headed:
        # A history sheet made by hand (or deleted) gets its headers back, or the next
        # run could not read what this one wrote.
        history = (HISTORY_HEADERS, *history)
    charts = ()
    if recap is not None:
        data = chart_data(workflow)
        charts = (Chart(workflow.sheets.recap, messages.render("recap-chart", workflow.language), data.first_row,
                        data.last_row),)
    return Batch(
        writes=writes,
        appends={workflow.sheets.history: history} if history else {},
        replacements={workflow.sheets.recap: tuple(recap)} if recap is not None else {},
        charts=charts,
        datetime_format=workflow.datetime_format,
    )


def history_values(entry: HistoryEntry) -> Values:
    """The row's values but its chain link."""
    texts = (entry.register_no, entry.from_status, entry.to_status, entry.role, entry.name, entry.reason,
             entry.fingerprint, entry.code, entry.archive)
    return (entry.time, *(text or None for text in texts))

