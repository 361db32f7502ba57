"""Where each column sits: found by header text, never by position.

Turns the sheets a backend read into register rows and history entries, and a plan
back into one ``Batch`` of cell writes and appended history rows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter

from . import cells, ledger, messages
from .errors import HeaderMissing, HistoryDamaged, RegisterNotFound
from .history_headers import HISTORY_HEADERS
from .recap import chart_data
from .sync import HistoryEntry, Plan, RegisterRow
from .table import CELL_CHARACTERS, Batch, CellWrite, Chart, Sheet, Values
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
    # An empty row is no register row: a stray cell far below the table leaves a million of them.
    rows = [RegisterRow(number, dict(zip(keys, pick(values), strict=True)))
            for number, values in enumerate(sheet.rows[1:], start=2) if values]
    return layout, rows


def history_rows(sheets: Mapping[str, Sheet], workflow: Workflow) -> list[tuple[int, Values]]:
    """Every non-empty history row (its spreadsheet row number, its values in HISTORY_HEADERS
    order), as the sheet has them."""
    name = workflow.sheets.history
    sheet = sheets.get(name)
    if sheet is None or not sheet.rows:
        return []
    # Riwayat is sync's own sheet, but people may still widen or reorder it.
    found: dict[str, list[int]] = {}
    for number, header in enumerate(sheet.rows[0], start=1):
        found.setdefault(fold(cells.text(header)), []).append(number)
    doubled = [h for h in HISTORY_HEADERS if len(found.get(fold(h), ())) > 1]
    if doubled:
        # Sync and verify would read one of the two, people the other.
        raise HeaderMissing(
            f"Judul kolom muncul lebih dari sekali di sheet {name}: {', '.join(doubled)}. Hapus kolom yang "
            "bukan buatan sync (Riwayat hanya ditulis oleh sync); tidak ada yang ditulis.",
            doubled,
        )
    pick = _picker([found[fold(h)][0] if fold(h) in found else 0 for h in HISTORY_HEADERS])
    is_blank = cells.is_blank
    rows = [
        (number, pick(values))
        for number, values in enumerate(sheet.rows[1:], start=2)
        if not all(map(is_blank, values))
    ]
    missing = [h for h in HISTORY_HEADERS if fold(h) not in found]
    if missing and rows:
        raise HeaderMissing(
            f"Kolom tidak ditemukan di baris 1 sheet {name}: {', '.join(missing)}. Kembalikan judul kolom itu "
            "(Riwayat hanya ditulis oleh sync); tidak ada yang ditulis.",
            missing,
        )
    return rows


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


@dataclass(frozen=True)
class History:
    """``Riwayat`` as read, and the order its chain gives."""

    raw: tuple[tuple[int, Values], ...]  # (row number, values in HISTORY_HEADERS order), as the sheet has them
    order: ledger.Order
    entries: tuple[HistoryEntry, ...]  # in order, the rows that name a time and a number

    @property
    def tail(self) -> str:
        """The last row's chain link, which new rows continue."""
        return cells.text(self.raw[self.order.rows[-1]][1][-1]) if self.order.rows else ""

    @property
    def unlinked(self) -> tuple[int, ...]:
        """The spreadsheet rows that link to no row before them, top first."""
        return tuple(self.raw[i][0] for i in self.order.unlinked)


def read_history(sheets: Mapping[str, Sheet], workflow: Workflow, *, strict: bool = True) -> History:
    """``Riwayat`` in the order its chain gives. ``strict``: refuse a history that was both
    sorted and edited by hand, whose order nothing proves (``verify`` reports it instead)."""
    raw = history_rows(sheets, workflow)
    order = ledger.order([(values[:-1], cells.text(values[-1])) for _, values in raw])
    if strict and order.moved and order.broken:
        row = min(raw[i][0] for i in order.unlinked)
        raise HistoryDamaged(
            f"Sheet {workflow.sheets.history} telah diurutkan ulang, dan baris {row} diubah atau disisipkan (atau "
            "baris sebelumnya dihapus), sehingga urutan catatannya tidak dapat dipulihkan dari kolom Rantai. "
            "Kembalikan Riwayat seperti semula (Undo, salinan .bak, atau riwayat versi Google Sheets) atau "
            "urutkan menurut kolom Waktu dari yang terlama, lalu jalankan lagi; tidak ada yang ditulis."
        )
    entries: list[HistoryEntry] = []
    text = cells.text
    for i in order.rows:
        time, number, *rest = raw[i][1]
        when = cells.parse_datetime(time)
        if when is None or cells.is_blank(number):
            continue
        entry = HistoryEntry(when, cells.squash(number), *map(text, rest))
        if entry.code == ARCHIVE_CONTINUED and entries and entries[-1].register_no == entry.register_no:
            entries[-1] = entries[-1]._replace(archive=entries[-1].archive + entry.archive)
            continue
        entries.append(entry)
    return History(tuple(raw), order, tuple(entries))


# An archive longer than a cell holds goes on in rows of this code right below its entry,
# so what a person typed is kept whole and no cell is cut on write (which would break the chain).
ARCHIVE_CONTINUED = "archive-continued"


def _in_cells(entry: HistoryEntry) -> list[HistoryEntry]:
    """``entry`` as the history rows that hold it: itself, with its archive continued in
    further rows when it is longer than a cell holds."""
    pieces = _pieces(entry.archive)
    if len(pieces) == 1:
        return [entry]
    return [entry._replace(archive=pieces[0]), *(
        HistoryEntry(entry.time, entry.register_no, "", "", entry.role, "", "", "", ARCHIVE_CONTINUED, piece)
        for piece in pieces[1:]
    )]


def _pieces(text: str) -> list[str]:
    """``text`` cut into pieces a cell holds. Excel counts UTF-16 code units: an emoji is two."""
    pieces, start, units = [], 0, 0
    for i, char in enumerate(text):
        width = 2 if ord(char) > 0xFFFF else 1
        if units + width > CELL_CHARACTERS:
            pieces.append(text[start:i])
            start, units = i, 0
        units += width
    pieces.append(text[start:])
    return pieces


def refuse_lost_history(rows: Sequence[RegisterRow], history: History, workflow: Workflow) -> None:
    """Sync numbers a row and shows its status only with a history entry: a row with both
    and no history at all means the history is gone, and rebuilding it from the cells would
    record what people typed as what happened."""
    if history.entries:
        return
    for row in rows:
        number, status = (cells.squash(row.values.get(key)) for key in ("register_no", "status"))
        if number and status:
            name = workflow.sheets.history
            raise HistoryDamaged(
                f"Sheet {name} tidak ditemukan atau kosong, padahal baris {row.number} sheet "
                f"{workflow.sheets.register_} ({number}) sudah bernomor dan berstatus; sync tidak membangun ulang "
                f"riwayat dari sel. Kembalikan sheet {name} (kembalikan namanya bila diganti, atau ambil dari "
                "salinan .bak atau riwayat versi Google Sheets), lalu jalankan lagi; tidak ada yang ditulis."
            )


# What sync logs about the history's end when its seal does not prove it (verify reports them).
SEAL_CODES = ("history-cut", "history-unsealed")


def read_seal(sheets: Mapping[str, Sheet], workflow: Workflow) -> tuple[int, str] | None:
    """The seal the last sync left in Rekap: the history's number of rows and the mark of its end."""
    labels = {fold(messages.render("recap-seal", lang)) for lang in messages.LANGUAGES}
    sheet = sheets.get(workflow.sheets.recap)
    for values in sheet.rows if sheet else ():
        if values and fold(cells.text(values[0])) in labels:
            count = cells.parse_whole(values[1] if len(values) > 1 else None)
            return (count if isinstance(count, int) else -1), cells.text(values[2] if len(values) > 2 else None)
    return None


def seal_state(history: History, seal: tuple[int, str] | None) -> str:
    """The history's end against its seal: "ok", "missing" or "mismatch". A history never
    written needs no seal."""
    found = len(history.raw)
    if seal is None:
        return "missing" if found else "ok"
    return "ok" if seal == (found, ledger.seal(history.tail, found)) else "mismatch"


def seal_log(
    history: History, seal: tuple[int, str] | None, now: datetime, workflow: Workflow
) -> tuple[HistoryEntry, ...]:
    """What sync logs when the seal does not prove the history's end: the log stays in the
    chain, so a cut is never made good by the next seal. ``now``: naive, in the register's zone."""
    state = seal_state(history, seal)
    if state == "ok":
        return ()
    code = SEAL_CODES[0] if state == "mismatch" else SEAL_CODES[1]
    reason = messages.render(code, workflow.language, sealed=seal[0] if seal else "", found=len(history.raw))
    return (HistoryEntry(now, "", "", "", workflow.roles["system"], "", reason, "", code),)


def to_batch(
    plan: Plan, layout: Layout, workflow: Workflow, recap: Sequence[Values] | None = None, *,
    history_headed: bool = True, chain_tail: str = "", history_count: int = 0,
) -> Batch:
    """``history_headed``: whether the history sheet already has its header row;
    ``chain_tail``: the last history row's chain link, which new rows continue;
    ``history_count``: the history's rows before this batch (its seal goes under the recap)."""
    sheet = workflow.sheets.register_
    writes = tuple(
        CellWrite(sheet, change.row, layout.positions[change.column], change.new)
        for change in plan.changes
    )
    written = [row for entry in plan.history for row in _in_cells(entry)]
    links = ledger.chain(chain_tail, written)
    history = tuple((*history_values(e), link) for e, link in zip(written, links, strict=True))
    if history and not history_headed:
        # A history sheet made by hand (or deleted) gets its headers back, or the next
        # run could not read what this one wrote.
        history = (HISTORY_HEADERS, *history)
    charts = ()
    if recap is not None:
        count = history_count + len(history) - (not history_headed and bool(history))
        end = links[-1] if links else chain_tail
        recap = [*recap, (), (messages.render("recap-seal", workflow.language), count, ledger.seal(end, count))]
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

