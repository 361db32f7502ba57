"""Form responses become register rows, each response exactly once.

A form (a Google Form's responses sheet, or a ``.csv`` export of Microsoft Forms or
KoboToolbox) is read as rows of answers under question titles. Each response not yet
taken becomes a new row below the register's last one, handed over at the moment it was
submitted. The register itself remembers what was taken: a ``Riwayat`` entry per
response (code ``form-taken``, its identity in ``Sidik Konten``), written in the same one
batch as the row, so a row without its record, or a record without its row, is never
written.

A response is known by what it is, not where it is: the digest of its timestamp and its
answers (order of the columns and rows does not matter), so sorting, filtering or
deleting rows of the responses sheet, or a later export that repeats earlier responses,
takes nothing twice. Identical responses submitted in the same second are counted:
the third copy is taken when only two were.

Pure, but for reading ``.csv`` files (``csv_responses``).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from . import cells, messages
from .findings import Finding, Severity
from .sync import CellChange, HistoryEntry, Plan, RegisterRow
from .table import Batch, Cell, Sheet, Values
from .workflow import Column, ColumnType, Workflow, fold

# The responses sheet a linked Google Form makes, in English and Indonesian.
RESPONSE_SHEETS = ("Form Responses 1", "Tanggapan Formulir 1")
TAKEN = "form-taken"  # the history code of a response taken into the register
UNMAPPED = "form-unmapped"
UNREADABLE = "form-file-unreadable"
SHEET_MISSING = "form-sheet-missing"
# A set hand-over cell in a file: the first choice of the template's Serahkan dropdown.
FILE_FLAG = "Ya"
# When the response was submitted: Google Forms (en, id), Microsoft Forms (en, id), KoboToolbox.
TIMESTAMP_HEADERS = ("timestamp", "stempel waktu", "cap waktu", "completion time", "waktu penyelesaian",
                     "end", "_submission_time")
# Headers whose timestamps are written month first (Microsoft Forms in English).
MONTH_FIRST_HEADERS = ("completion time",)
# KoboToolbox's own columns (_id, _uuid, _index, _status, ...): bookkeeping that a later
# export may renumber or change, so no part of what a response is.
TOOL_PREFIX = "_"
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
DRIVE_LINK = re.compile(r"^https://(drive|docs)\.google\.com/\S+$")
DATE_TIME = re.compile(
    r"^(\d{1,4})[/.-](\d{1,2})[/.-](\d{1,4})[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:[.,]\d+)?\s*([AaPp][Mm])?"
    r"(?:\s*(?:GMT|UTC)\s*([+-]\d{1,2})(?::?(\d{2}))?)?$"
)


@dataclass(frozen=True)
class FormSource:
    """Where a register's form responses are: a sheet of the register's own spreadsheet
    or workbook, and a folder of ``.csv`` exports (relative to the config file)."""

    sheet: str | None = None
    folder: Path | None = None

    def responses(self, sheets: Mapping[str, Sheet], tz: ZoneInfo) -> tuple[list[Response], list[Finding]]:
        """The responses, and findings for a sheet or files that cannot be read now."""
        found: list[Response] = []
        unread: list[Finding] = []
        if self.sheet and self.sheet in sheets:
            found = sheet_responses(sheets[self.sheet], tz)
        elif self.sheet:
            unread.append(Finding(SHEET_MISSING, 0, self.sheet, Severity.ERROR, None, {"source": self.sheet}))
        if self.folder is not None:
            exported, failed = folder_responses(self.folder, tz)
            found += exported
            unread += failed
        return found, unread


@dataclass(frozen=True)
class Response:
    source: str  # the sheet or file it was read from
    row: int  # where it was read (for messages only: rows move)
    submitted: datetime | None  # naive, in the register's time zone
    answers: Mapping[str, Cell]  # question title as written -> answer
    identity: str


@dataclass(frozen=True)
class Taken:
    rows: tuple[RegisterRow, ...]  # new register rows, below the last one
    responses: Mapping[int, Response]  # register row -> the response it came from
    findings: tuple[Finding, ...] = ()  # responses that could not be taken
    claims: tuple[int, ...] = ()  # one per response taken: the same for any sync that takes it (table.Batch)


def sheet_responses(sheet: Sheet, tz: ZoneInfo) -> list[Response]:
    """The responses of a responses sheet; a spreadsheet's own timestamps are in its zone."""
    return _responses(sheet.name, sheet.rows, tz, month_first=False)


def csv_responses(path: Path, tz: ZoneInfo) -> list[Response]:
    """The responses of one ``.csv`` export: UTF-8 with or without a byte-order mark,
    UTF-16 with one (Excel's "Unicode text"), else Windows-1252; separated by ``,``, ``;``
    or tab (KoboToolbox uses ``;``)."""
    raw = path.read_bytes()
    try:
        content = raw.decode("utf-16") if raw.startswith((b"\xff\xfe", b"\xfe\xff")) else raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        content = raw.decode("cp1252", errors="replace")
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(content.split("\n", 1)[0], ",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = tuple(tuple(row) for row in csv.reader(io.StringIO(content, newline=""), dialect))
    header = [fold(h) for h in rows[0]] if rows else []
    month_first = any(h in MONTH_FIRST_HEADERS for h in header) or _month_first(rows, header)
    return _responses(path.name, rows, tz, month_first=month_first)


def folder_responses(folder: Path, tz: ZoneInfo) -> tuple[list[Response], list[Finding]]:
    """Every ``.csv`` in ``folder`` (not its subfolders), in name order, and a finding per
    file that cannot be read now (open in Excel on Windows, no permission, not text): its
    responses wait for a later run. Files are only read: an export may be replaced by a
    later one, which repeats what was taken."""
    found: list[Response] = []
    unread: list[Finding] = []
    try:
        paths = sorted(folder.iterdir())
    except OSError as exc:
        return [], [_unreadable(str(folder), exc)]
    for path in paths:
        if path.suffix.lower() == ".csv" and path.is_file() and not path.name.startswith((".", "~$")):
            try:
                found += csv_responses(path, tz)
            except (OSError, csv.Error) as exc:
                unread.append(_unreadable(path.name, exc))
    return found, unread


def _unreadable(name: str, exc: Exception) -> Finding:
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return Finding(UNREADABLE, 0, name, Severity.ERROR, None, {"source": name, "reason": reason})


def _responses(source: str, rows: Sequence[Values], tz: ZoneInfo, *, month_first: bool) -> list[Response]:
    if not rows:
        return []
    titles = [cells.squash(h) for h in rows[0]]
    folded = [fold(t) for t in titles]
    stamp = next((folded.index(h) for h in TIMESTAMP_HEADERS if h in folded), None)
    found = []
    for number, values in enumerate(rows[1:], start=2):
        if all(cells.is_blank(v) for v in values):
            continue
        answers = {t: v for t, v in zip(titles, values, strict=False) if t and not cells.is_blank(v)}
        raw_stamp = values[stamp] if stamp is not None and stamp < len(values) else None
        submitted = _moment(raw_stamp, tz, month_first=month_first, utc=folded[stamp] == "_submission_time"
                            if stamp is not None else False)
        found.append(Response(source, number, submitted, answers, _identity(submitted, raw_stamp, answers)))
    return found


def _identity(submitted: datetime | None, raw_stamp: Cell, answers: Mapping[str, Cell]) -> str:
    """The timestamp and the answers, whatever their columns' order or titles."""
    when = submitted.isoformat() if submitted else cells.text(raw_stamp)
    kept = sorted(cells.text(v).strip() for t, v in answers.items() if not t.startswith(TOOL_PREFIX))
    return hashlib.sha256("\x1f".join([when, *kept]).encode()).hexdigest()[:16]


def _month_first(rows: Sequence[Values], header: Sequence[str]) -> bool:
    """Whether a file's timestamps read month first: one of them says so (a second part
    above 12), and none says day first."""
    where = next((header.index(h) for h in TIMESTAMP_HEADERS if h in header), None)
    if where is None:
        return False
    firsts, seconds = set(), set()
    for values in rows[1:]:
        match = DATE_TIME.match(cells.squash(values[where])) if where < len(values) else None
        if match and len(match[1]) <= 2:
            firsts.add(int(match[1]))
            seconds.add(int(match[2]))
    return max(seconds, default=0) > 12 >= max(firsts, default=0)


def _moment(raw: Cell, tz: ZoneInfo, *, month_first: bool, utc: bool) -> datetime | None:
    """A response's timestamp as the register's zone reads it (naive)."""
    if raw is None or isinstance(raw, bool):
        return None
    if isinstance(raw, datetime | int | float):
        return cells.parse_datetime(raw)
    text = cells.squash(raw)
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        moment = _numeric(text, month_first=month_first)
    if moment is None:
        return None
    if moment.tzinfo is None and utc:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    if moment.tzinfo is not None:
        moment = moment.astimezone(tz).replace(tzinfo=None)
    return moment.replace(microsecond=0)


def _numeric(text: str, *, month_first: bool) -> datetime | None:
    match = DATE_TIME.match(text)
    if match is None:
        return None
    first, second, third, hour, minute, sec, half, offset, offset_minutes = match.groups()
    if len(first) == 4:  # Google Forms' own CSV: 2024/07/03 9:15:02 AM GMT+7
        year, month, day = int(first), int(second), int(third)
    else:
        year = int(third)
        day, month = (int(second), int(first)) if month_first else (int(first), int(second))
    hours = int(hour) % 12 + (12 if half and half.lower() == "pm" else 0) if half else int(hour)
    try:
        moment = datetime(year, month, day, hours, int(minute), int(sec or 0))
    except ValueError:
        return None
    if offset is not None:
        sign = -1 if offset.startswith("-") else 1
        moment = moment.replace(tzinfo=timezone(sign * timedelta(hours=abs(int(offset)),
                                                                 minutes=int(offset_minutes or 0))))
    return moment


class _Form:
    """Which register column each question fills, worked out once per workflow."""

    def __init__(self, workflow: Workflow):
        # The hand-over: the flag a `handover` transition waits for, and the first column it stamps.
        handing = next((t for t in workflow.transitions if t.handover and any(w.startswith("set:") for w in t.when)),
                       None)
        self.flag = next((w.split(":", 1)[1] for w in handing.when if w.startswith("set:")), None) if handing \
            else None
        self.stamp = handing.stamp[0] if handing and handing.stamp else None
        self.columns = {fold(c.header): c for c in workflow.columns if not c.is_system and c.key != self.flag}
        submission = [c for c in workflow.columns if c.group is not None and c.group.value == "submission"]
        self.links = next((c for c in submission if c.type is ColumnType.URLS), None)
        wholes = [c for c in submission if c.type is ColumnType.WHOLE]
        self.count = wholes[0] if len(wholes) == 1 else None

    def values(self, response: Response) -> dict[str, Cell] | None:
        """The register row a response makes; None when no question is one of its columns."""
        values: dict[str, Cell] = {}
        uploads = None
        for title, answer in response.answers.items():
            column = self.columns.get(fold(title))
            if column is not None:
                values[column.key] = _cell(answer, column)
            elif self.links is not None and _drive_links(answer):
                uploads = answer
        if self.links is not None and self.links.key not in values and uploads is not None:
            values[self.links.key] = uploads
        if not values:
            return None
        if self.links is not None and (links := _drive_links(values.get(self.links.key))):
            # A file-upload answer: Drive links in one cell, separated by commas.
            values[self.links.key] = "\n".join(links)
            if self.count is not None and self.count.key not in values:
                values[self.count.key] = len(links)
        return values


def _drive_links(answer: Cell) -> list[str]:
    parts = [p.strip() for p in cells.text(answer).replace("\n", ",").split(",") if p.strip()]
    return parts if parts and all(DRIVE_LINK.match(p) for p in parts) else []


def _cell(answer: Cell, column: Column) -> Cell:
    """An answer as the register cell should hold it: a date question's answer (a serial
    number, or a date) as the date written day first, as staff type it; a number as a
    whole number; anything else as answered, for the rules to judge."""
    if column.type is ColumnType.DATE and isinstance(answer, int | float | date) and not isinstance(answer, bool):
        parsed = cells.parse_date(answer)
        return parsed.strftime("%d/%m/%Y") if isinstance(parsed, date) else answer
    if column.type is ColumnType.WHOLE and isinstance(answer, float) and answer.is_integer():
        return int(answer)
    if isinstance(answer, str):
        # Control characters (a NUL from a damaged export) no spreadsheet cell may hold.
        return CONTROL.sub("", answer)
    return answer


def take(
    responses: Iterable[Response], register: Sheet, history: Sequence[HistoryEntry], workflow: Workflow, *,
    flag: Cell = True, unread: Iterable[Finding] = (),
) -> Taken:
    """New register rows for the responses not yet taken, numbered from below the
    register's last row. ``flag`` is what a set hand-over cell holds (a ticked checkbox on
    Google, ``Ya`` in a file's dropdown)."""
    form = _Form(workflow)
    already = Counter(e.fingerprint for e in history if e.code == TAKEN)
    seen: Counter[str] = Counter()
    last = len(register.rows)
    rows: list[RegisterRow] = []
    taken: dict[int, Response] = {}
    findings: list[Finding] = list(unread)
    claims: list[int] = []
    for response in responses:
        seen[response.identity] += 1
        if seen[response.identity] <= already[response.identity]:
            continue
        values = form.values(response)
        if values is None:
            findings.append(Finding(UNMAPPED, response.row, response.source, Severity.ERROR, None,
                                    {"source": response.source, "row": response.row,
                                     "submitted": _shown(response.submitted)}))
            continue
        if form.flag:
            values[form.flag] = flag
        if form.stamp and response.submitted:
            values[form.stamp] = response.submitted
        last += 1
        rows.append(RegisterRow(last, values))
        taken[last] = response
        claims.append(_claim(response.identity, seen[response.identity]))
    return Taken(tuple(rows), taken, tuple(findings), tuple(claims))


def _claim(identity: str, occurrence: int) -> int:
    """A response's claim id: its identity and which copy of it this is (1, 2, ...)."""
    digest = hashlib.sha256(f"{identity}#{occurrence}".encode()).digest()
    return int.from_bytes(digest[:4]) % (2**31 - 1) + 1


def merged(plan: Plan, taken: Taken, now: datetime, workflow: Workflow) -> Plan:
    """The plan with each taken response's row written whole (it was empty when read) and
    its record first in the row's history, so both go in the same batch."""
    if not taken.rows:
        return plan
    local = now.astimezone(workflow.tz).replace(tzinfo=None, microsecond=0)
    outcomes = []
    for outcome in plan.rows:
        response = taken.responses.get(outcome.row)
        if response is not None:
            changes = tuple(CellChange(outcome.row, key, None, value) for key, value in outcome.values.items()
                            if not cells.is_blank(value))
            reason = messages.render(TAKEN, workflow.language, source=response.source,
                                     submitted=_shown(response.submitted))
            record = HistoryEntry(local, outcome.register_no, "", "", workflow.roles["system"], "", reason,
                                  response.identity, TAKEN)
            outcome = replace(outcome, changes=changes, history=(record, *outcome.history))
        outcomes.append(outcome)
    return Plan(tuple(outcomes))


def appended(batch: Batch, taken: Taken, positions: Mapping[str, int], workflow: Workflow) -> Batch:
    """The batch with the taken responses' rows appended to the register rather than
    written at the rows planned for them. For a Google Sheet, where people may insert,
    delete or sort rows while sync writes: Google appends after whatever is the last row
    when the write lands, so a new row never lands on a row that moved there (and the
    placement check, which identifies rows by the people's columns, sees only rows that
    were read)."""
    if not taken.rows:
        return batch
    sheet = workflow.sheets.register_
    new = {row.number for row in taken.rows}
    kept = tuple(w for w in batch.writes if not (w.sheet == sheet and w.row in new))
    width = max(positions.values())
    rows: dict[int, list[Cell]] = {number: [None] * width for number in sorted(new)}
    for w in batch.writes:
        if w.sheet == sheet and w.row in new:
            rows[w.row][w.column - 1] = w.value
    appends = {sheet: tuple(tuple(values) for values in rows.values()), **batch.appends}
    return replace(batch, writes=kept, appends=appends)


def _shown(moment: datetime | None) -> str:
    return moment.strftime("%d/%m/%Y %H:%M:%S") if moment else "–"


def coverage(questions: Iterable[Cell], workflow: Workflow) -> list[str]:
    """The submission columns no question fills (a file-upload question fills the links
    column and, when it is missing, the count): their headers, in the register's order."""
    form = _Form(workflow)
    asked = {fold(cells.squash(q)) for q in questions}
    wanted = [c for c in workflow.columns if c.group is not None and c.group.value == "submission"]
    return [c.header for c in wanted if fold(c.header) not in asked
            and not (form.count is not None and c.key == form.count.key and form.links is not None
                     and fold(form.links.header) in asked)]
