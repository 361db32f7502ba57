"""What the commands do, as library functions: init, check, sync, demo."""

from __future__ import annotations

import os
import shutil
import time
from collections import Counter
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from . import cells, evidence, intake, placement, resources
from .collector import paused
from .errors import RegisterBusy, SheetflowError
from .gsheets.source import is_google
from .history_headers import HISTORY_HEADERS
from .layout import (
    SEAL_CODES,
    Layout,
    history_rows,
    read_history,
    read_register,
    read_seal,
    refuse_lost_history,
    seal_log,
    seal_state,
    to_batch,
)
from .recap import recap
from .retry import retrying
from .sync import HistoryEntry, Plan, plan
from .table import Batch, Sheet
from .workflow import Workflow, fold, load_workflow
from .xlsx.backend import open_workbook

if TYPE_CHECKING:
    import requests

# A write whose rows moved under it is repaired, and the repair checked, this many times.
REPAIR_ROUNDS = 3


class Backend(Protocol):
    digest: str  # names the content of the last read

    def read(self, names: list[str]) -> dict[str, Sheet]: ...

    def will_write(self) -> None: ...

    def apply(self, batch: Batch) -> Mapping[str, Sheet]: ...


@dataclass(frozen=True)
class Connection:
    """How to reach a Google Sheet; files need none of it."""

    credentials: str | os.PathLike[str] | Any = None  # a key file, or a key already loaded
    session: Callable[[Any], requests.Session] | None = None  # builds the HTTP session from the key
    sleep: Callable[[float], None] = time.sleep
    limiter: Any = None  # a gsheets RateLimiter shared by every Google Sheet of a run


@dataclass(frozen=True)
class SyncResult:
    source: str
    workflow: Workflow
    plan: Plan
    now: datetime
    dry_run: bool
    moved: tuple[int, ...] = field(default=())  # rows people moved while sync wrote; repaired
    digest: str | None = None  # names the content planned from, when the plan changed nothing (see memo)
    history: tuple[HistoryEntry, ...] = field(default=(), repr=False)  # Riwayat as read, before this run's entries
    taken: intake.Taken = field(default_factory=lambda: intake.Taken((), {}), repr=False)  # form responses made rows

    @property
    def applied(self) -> bool:
        return not self.dry_run and self.plan.changed

    def counts(self) -> dict[str, int]:
        """Rows per status label, in the workflow's order."""
        counted = Counter(r.after for r in self.plan.rows)
        return {s.label: counted[s.key] for s in self.workflow.statuses}


# Called with the digest of what a run read, before it plans; it may raise to end the run there.
OnRead = Callable[[str], None]


def check_register(
    source: str | Path, *, now: datetime | None = None, workflow: Workflow | None = None,
    connection: Connection | None = None, on_read: OnRead | None = None, form: intake.FormSource | None = None,
) -> SyncResult:
    """What sync would do, without writing anything."""
    return _run(source, now, workflow, connection or Connection(), write=False, on_read=on_read, form=form)


def sync_register(
    source: str | Path, *, now: datetime | None = None, workflow: Workflow | None = None,
    connection: Connection | None = None, on_read: OnRead | None = None, form: intake.FormSource | None = None,
) -> SyncResult:
    """Validate every row, advance statuses, write notes, timestamps and history: one batch."""
    return _run(source, now, workflow, connection or Connection(), write=True, on_read=on_read, form=form)


def init_register(path: str | Path) -> Path:
    """A new, empty register from the template. Never overwrites a file."""
    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise SheetflowError(f"Nama berkas register harus berakhiran .xlsx: {target.name}")
    exists = f"{target} sudah ada; sheetflow tidak menimpa berkas. Pilih nama lain."
    if target.exists() or target.is_symlink():  # a symlink to nothing is a name taken too
        raise SheetflowError(exists)
    created = False
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with resources.template().open("rb") as src, target.open("xb") as dst:
            created = True
            shutil.copyfileobj(src, dst)
    except FileExistsError:
        raise SheetflowError(exists) from None
    except OSError as exc:
        if created:
            target.unlink(missing_ok=True)  # half a template is no register
        why = " karena izin ditolak" if isinstance(exc, PermissionError) else ""
        raise SheetflowError(
            f"{target} tidak dapat dibuat{why}; pilih folder yang boleh ditulis, lalu jalankan init lagi."
        ) from None
    return target


def setup_register(
    source: str, *, workflow: Workflow | None = None, connection: Connection | None = None,
    admins: tuple[str, ...] = (), warning_only: bool = False,
) -> int:
    """Prepare a Google Sheet like the template; the number of changes made (0 the second time)."""
    if not is_google(source):
        raise SheetflowError(f"setup menyiapkan Google Sheet (gsheet:ID); untuk berkas pakai: sheetflow init {source}")
    from .gsheets.setup import setup_requests

    wf = workflow or load_workflow()
    with open_source(source, write=True, connection=connection or Connection()) as book:
        register = book.read([wf.sheets.register_]).get(wf.sheets.register_)
        headers = register.rows[0] if register and register.rows else ()
        changes = setup_requests(book.metadata, headers, wf, editors=[book.account, *admins],
                                 warning_only=warning_only)
        book.prepare(changes)
    return len(changes)


@dataclass(frozen=True)
class FormCoverage:
    sheet: str | None  # the responses sheet found, None when the spreadsheet has none
    missing: tuple[str, ...]  # submission columns no question fills

    def message(self, lang: str) -> str:
        from .messages import render

        if self.sheet is None:
            return render("out-form-none", lang)
        if self.missing:
            return render("out-form-missing", lang, sheet=self.sheet, missing=", ".join(self.missing))
        return render("out-form-covered", lang, sheet=self.sheet)


def form_coverage(
    source: str, *, sheet: str | None = None, workflow: Workflow | None = None, connection: Connection | None = None,
) -> FormCoverage:
    """Whether a linked form's questions (its responses sheet's row 1) cover the submission
    columns; ``sheet`` names the responses sheet, else it is found by a linked form's name."""
    if not is_google(source):
        raise SheetflowError(f"Pemeriksaan formulir untuk Google Sheet (gsheet:ID), bukan {source}.")
    wf = workflow or load_workflow()
    with open_source(source, write=False, connection=connection or Connection()) as book:
        titles = [s["properties"]["title"] for s in book.metadata.get("sheets", [])]
        found = sheet if sheet in titles else next((t for t in titles if t in intake.RESPONSE_SHEETS), None)
        if found is None:
            return FormCoverage(None, ())
        responses = book.read([found]).get(found)
    questions = responses.rows[0] if responses and responses.rows else ()
    return FormCoverage(found, tuple(intake.coverage(questions, wf)))


def report_register(
    source: str | Path, *, now: datetime | None = None, workflow: Workflow | None = None,
    connection: Connection | None = None,
) -> list[tuple[object, ...]]:
    """The Rekap tables for a register as sync would leave it; writes nothing."""
    connection = connection or Connection()
    wf = workflow or load_workflow()
    with open_source(source, write=False, connection=connection) as book:
        sheets = book.read([wf.sheets.register_, wf.sheets.history])
        _, rows = read_register(sheets, wf)
        history = read_history(sheets, wf)
    refuse_lost_history(rows, history, wf)
    planned = plan(rows, history.entries, _moment(now, wf), wf)
    return recap(planned, [*history.entries, *planned.history], wf)


def print_register(
    source: str | Path, output: str | Path, *, start: date | None = None, end: date | None = None,
    approval: str | None = None, office: str = "", now: datetime | None = None,
    connection: Connection | None = None, workflow: Workflow | None = None,
) -> Path:
    """The paper copy as a PDF in ``output``: the register for a period (by default the
    current month), or with ``approval`` the approval sheet of one item. Writes nothing else."""
    from .paper import approval_pdf, register_pdf  # fpdf2 is loaded only to print

    result = check_register(source, now=now, workflow=workflow, connection=connection)
    folder = Path(output)
    folder.mkdir(parents=True, exist_ok=True)
    printed = result.now.astimezone(result.workflow.tz)
    if approval:
        target = folder / f"persetujuan-{approval.replace('/', '-')}.pdf"
        content = approval_pdf(result, approval, office=office, printed_at=printed)
    else:
        first = start or printed.date().replace(day=1)
        last = end or (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        target = folder / f"register-{first.isoformat()}_{last.isoformat()}.pdf"
        content = register_pdf(result, start=first, end=last, office=office, printed_at=printed)
    target.write_bytes(content)
    return target


@dataclass(frozen=True)
class Verification:
    entries: int  # history rows checked
    broken_at: int | None  # the first Riwayat row (from the top) that links to no row before it
    unsupported: tuple[tuple[int, str, str, str], ...]  # (row, No. Register, Status shown, status per history)
    seal: str = "ok"  # the history's end against its seal in Rekap: "ok", "missing" or "mismatch"
    unproven: tuple[int, ...] = ()  # Riwayat rows where sync logged an end its seal did not prove

    @property
    def intact(self) -> bool:
        return self.broken_at is None and not self.unsupported and self.seal == "ok" and not self.unproven


def verify_register(
    source: str | Path, *, workflow: Workflow | None = None, connection: Connection | None = None,
) -> Verification:
    """Check ``Riwayat``'s chain and its end (sealed in ``Rekap``), and that every Status
    shown is the one its history leads to."""
    wf = workflow or load_workflow()
    with open_source(source, write=False, connection=connection or Connection()) as book:
        sheets = book.read([wf.sheets.register_, wf.sheets.history, wf.sheets.recap])
    _, rows = read_register(sheets, wf)
    history = read_history(sheets, wf, strict=False)
    last: dict[str, str] = {}
    for entry in history.entries:
        if entry.to_status:
            last[entry.register_no] = entry.to_status
    unsupported = tuple(
        (row.number, number, shown, last.get(number, ""))
        for row in rows
        if (number := cells.squash(row.values.get("register_no")))
        and (shown := cells.squash(row.values.get("status")))
        and fold(shown) != fold(last.get(number, ""))
    )
    code = HISTORY_HEADERS.index("Kode")
    unproven = tuple(number for number, values in history.raw if cells.text(values[code]) in SEAL_CODES)
    unlinked = history.unlinked
    return Verification(len(history.raw), min(unlinked) if unlinked else None, unsupported,
                        seal_state(history, read_seal(sheets, wf)), unproven)


DEMO_FILE = "register-demo.xlsx"
# The demo's story happens in the first week of the SOP (July 2024); syncing it at that
# time keeps its deadlines meaningful. `--now` overrides.
DEMO_NOW = datetime(2024, 7, 3, 8, 0, tzinfo=UTC)


def run_demo(directory: str | Path = "sheetflow-demo", *, now: datetime | None = None) -> SyncResult:
    """Copy the bundled demo register into ``directory`` (replacing an earlier demo) and sync it."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / DEMO_FILE
    with resources.demo().open("rb") as src, target.open("wb") as dst:
        shutil.copyfileobj(src, dst)
    return sync_register(target, now=now or DEMO_NOW)


def open_source(source: str | Path, *, write: bool, connection: Connection) -> AbstractContextManager[Any]:
    """The backend for a source: ``gsheet:ID`` or a Sheets URL, else an .xlsx path."""
    if is_google(source):
        # Google's client libraries are imported only for a Google Sheet: a cron run on a
        # file should not pay for them.
        from .gsheets.backend import open_spreadsheet

        return open_spreadsheet(str(source), write=write, credentials=connection.credentials,
                                session=connection.session, sleep=connection.sleep, limiter=connection.limiter)
    return open_workbook(source, write=write)


def _run(
    source: str | Path, now: datetime | None, workflow: Workflow | None, connection: Connection, *, write: bool,
    on_read: OnRead | None = None, form: intake.FormSource | None = None,
) -> SyncResult:
    wf = workflow or load_workflow()
    names = [wf.sheets.register_, wf.sheets.history, wf.sheets.recap,
             *([form.sheet] if form and form.sheet else [])]
    flag = True if is_google(source) else intake.FILE_FLAG
    moment = _moment(now, wf)
    moved: tuple[int, ...] = ()
    unsettled: tuple[Batch, Sheet] | None = None  # a write that failed after it may have landed
    counted: dict[tuple[str, ...], evidence.Evidence] = {}  # kept across attempts: Drive is asked once
    with paused(), open_source(source, write=write, connection=connection) as book:
        # A write that failed for a passing reason may still have landed: each attempt
        # reads and plans afresh, so what landed is not written twice.
        for attempt in retrying(sleep=connection.sleep):
            with attempt:
                sheets = book.read(names)
                if on_read is not None:
                    on_read(book.digest)
                    on_read = None  # once: a retry plans whatever it reads
                if write:
                    book.will_write()
                layout, rows = read_register(sheets, wf)
                if unsettled and _landed(unsettled[0], sheets, wf):
                    # It did land, perhaps in rows people moved meanwhile: put that right first.
                    batch, before = unsettled
                    moved = _settle(book, batch, before, {before.name: sheets[before.name]}, layout, wf)
                    sheets = book.read(names)
                    layout, rows = read_register(sheets, wf)
                unsettled = None
                history = read_history(sheets, wf)
                refuse_lost_history(rows, history, wf)
                responses, unread = form.responses(sheets, wf.tz) if form else ([], [])
                taken = intake.take(responses, sheets[wf.sheets.register_], history.entries, wf, flag=flag,
                                    unread=unread)
                wanted = evidence.wanted([*rows, *taken.rows], history.entries, wf)
                if wanted:
                    evidence.count(wanted.values(), _counter(book, source), counted)
                planned = intake.merged(plan([*rows, *taken.rows], history.entries, moment, wf, counted), taken,
                                        moment, wf)
                local = moment.astimezone(wf.tz).replace(tzinfo=None, microsecond=0)
                planned = replace(planned, log=seal_log(history, read_seal(sheets, wf), local, wf))
                if write and planned.changed:
                    headed = bool(sheets.get(wf.sheets.history) and sheets[wf.sheets.history].rows)
                    batch = to_batch(planned, layout, wf, recap(planned, [*history.entries, *planned.history], wf),
                                     history_headed=headed, chain_tail=history.tail, history_count=len(history.raw))
                    batch = replace(batch, claims=taken.claims)
                    if is_google(source):
                        batch = intake.appended(batch, taken, layout.positions, wf)
                    try:
                        after = book.apply(batch)
                    except RegisterBusy:
                        unsettled = (batch, sheets[wf.sheets.register_])
                        raise
                    moved += _settle(book, batch, sheets[wf.sheets.register_], after, layout, wf)
        digest = None if planned.changed else book.digest
    return SyncResult(str(source), wf, planned, moment, dry_run=not write, moved=moved, digest=digest,
                      history=tuple(history.entries), taken=taken)


def _counter(book: Any, source: str | Path) -> evidence.Counter:
    """Counts evidence where the register lives: Drive links for a Google Sheet (with its
    own authorised session), folders on disk or the network for a file."""
    if is_google(source):
        return book.evidence_counter()
    from .folders import count_folder

    return count_folder


def _landed(batch: Batch, sheets: Mapping[str, Sheet], wf: Workflow) -> bool:
    """Whether a batch whose write failed is in the sheet after all: its history rows
    carry chain links no other row has."""
    appended = batch.appends.get(wf.sheets.history, ())
    links = {row[-1] for row in appended if row and row[-1] not in HISTORY_HEADERS}
    stored = {cells.text(values[-1]) for _, values in history_rows(sheets, wf)}
    return bool(links) and links <= stored


def _moment(now: datetime | None, wf: Workflow) -> datetime:
    """The run's clock: now, or the given time; a time without a zone is in the register's."""
    moment = now or datetime.now(UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=wf.tz)


def _settle(
    book: Backend, batch: Batch, before: Sheet, after: Mapping[str, Sheet], layout: Layout, wf: Workflow
) -> tuple[int, ...]:
    """Put right any write that landed in a row someone moved meanwhile; the rows it hit."""
    identity = placement.Identity(
        key=layout.positions["register_no"],
        content=tuple(layout.positions[c.key] for c in wf.columns if not c.is_system),
    )
    moved: list[int] = []
    for _ in range(REPAIR_ROUNDS):
        if before.name not in after or placement.landed(batch, before, after[before.name], identity):
            break
        # The write's response holds only the rows written; finding where rows went needs them all.
        now = book.read([before.name])[before.name]
        repair = placement.check(batch, before, now, identity)
        if not repair.moved:
            break
        moved += repair.moved
        batch, before, after = repair.batch, now, book.apply(repair.batch)
    return tuple(moved)
