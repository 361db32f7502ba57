"""The planner: register rows, their history and the time in; cell changes, history
entries and findings out. Pure: it reads no file and writes nothing.

A row's status comes from its history (the last ``Ke`` logged for its number), not
from the ``Status`` cell, which is only what people see; a cell that disagrees was
typed by hand and is restored.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache, cached_property
from typing import NamedTuple

from . import archive, cells, evidence, messages
from .errors import ClockBehind
from .evidence import Count, Evidence
from .findings import Finding, Severity
from .table import CELL_CHARACTERS, Cell
from .timeliness import Delay, delays, stamps, timeliness
from .validate import SWAPPED, field_findings, submission_findings
from .workflow import CONDITION, Check, Column, ColumnType, Transition, Workflow, fold


@dataclass(frozen=True)
class RegisterRow:
    number: int  # the spreadsheet's row number
    values: Mapping[str, Cell]  # column key -> raw cell value


class HistoryEntry(NamedTuple):
    """One ``Riwayat`` row. Statuses are stored as their labels, as people read them.

    A named tuple rather than a dataclass: every sync reads a register's whole history, and
    a tuple is built several times faster."""

    time: datetime
    register_no: str
    from_status: str
    to_status: str
    role: str
    name: str
    reason: str
    fingerprint: str
    code: str
    archive: str = ""
    chain: str = ""  # as stored in Riwayat; new entries get theirs when written


@dataclass(frozen=True)
class CellChange:
    row: int
    column: str  # column key
    old: Cell
    new: Cell


@dataclass(frozen=True)
class RowOutcome:
    row: int
    register_no: str
    before: str | None  # status key before this run; None for a new row
    after: str
    values: Mapping[str, Cell]  # the row as it stands after the run
    changes: tuple[CellChange, ...]
    findings: tuple[Finding, ...]
    history: tuple[HistoryEntry, ...]
    latest_handover: datetime | None = None  # the day later steps are due
    delays: tuple[Delay, ...] = ()  # each step done or due, and how late (Rekap adds them up)
    stamps: tuple[datetime | None, ...] = ()  # when each step was stamped, per workflow.deadlines (Rekap too)


@dataclass(frozen=True)
class Plan:
    rows: tuple[RowOutcome, ...]
    log: tuple[HistoryEntry, ...] = ()  # entries about the history as a whole, after the rows'

    @property
    def changes(self) -> list[CellChange]:
        return [c for r in self.rows for c in r.changes]

    @property
    def history(self) -> list[HistoryEntry]:
        return [*(e for r in self.rows for e in r.history), *self.log]

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.rows for f in r.findings]

    @property
    def changed(self) -> bool:
        return bool(self.log) or any(r.changes or r.history for r in self.rows)


def plan(
    rows: Sequence[RegisterRow], history: Sequence[HistoryEntry], now: datetime, workflow: Workflow,
    counted: Mapping[tuple[str, ...], Evidence] | None = None,
) -> Plan:
    """What one sync does to the register at ``now`` (an aware datetime). ``counted``: the
    evidence found behind links just counted (see ``evidence.wanted``), keyed by the links."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    local = now.astimezone(workflow.tz).replace(tzinfo=None, microsecond=0)
    past = _Past(history, workflow)
    if past.newest is not None and local < past.newest:
        # A clock set back (a dead CMOS battery, a wrong --now) would date steps before
        # the ones already recorded and take dates still to come as "in the future".
        raise ClockBehind(
            f"Jam komputer ini ({local:%d/%m/%Y %H:%M:%S}) lebih awal daripada catatan terakhir di Riwayat "
            f"({past.newest:%d/%m/%Y %H:%M:%S}); betulkan tanggal dan jam komputer (atau nilai --now), lalu "
            "jalankan lagi; tidak ada yang ditulis."
        )
    past.counted = counted or {}
    numbers = _Numbering(workflow, [r.values.get("register_no") for r in rows], past.numbers)
    shape = _Shape(workflow)
    seen: set[str] = set()
    outcomes = []
    for row in rows:
        if not _has_content(row.values, shape.typed_by_people):
            continue
        outcome = _RowRun(row, workflow, past, local, shape).run(numbers, seen)
        outcomes.append(outcome)
    return Plan(tuple(outcomes))


def fingerprint(values: Mapping[str, Cell], workflow: Workflow) -> str:
    """The submission as it stands, so an edit after a decision can be told."""
    return _fingerprint(values, _fingerprinted(workflow))


def _fingerprinted(workflow: Workflow) -> tuple[tuple[str, ColumnType], ...]:
    return tuple((c.key, c.type) for c in workflow.columns if c.group is not None and c.group.value == "submission")


def _fingerprint(values: Mapping[str, Cell], columns: Iterable[tuple[str, ColumnType]]) -> str:
    parts = []
    for key, kind in columns:
        raw = values.get(key)
        parsed: object = raw
        if kind is ColumnType.DATE:
            parsed = cells.parse_date(raw)
        elif kind is ColumnType.WHOLE:
            parsed = cells.parse_whole(raw)
        shown = parsed.isoformat() if isinstance(parsed, date) else str(parsed) if isinstance(parsed, int) else None
        parts.append(shown if shown is not None else cells.text(raw).strip())
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:16]


def recorded(transition: Transition, text: str, workflow: Workflow) -> dict[str, str]:
    """What a recording transition's history entry says was decided: column key -> value as
    typed, "" for a column of the group left empty. An entry written before decisions were
    recorded has no ``Arsip``: then only what the transition's own ``is:`` conditions fix
    is known (``approve`` was taken on ``Keputusan`` TERIMA), and nothing else is assumed."""
    if transition.record is None:
        return {}
    group = workflow.group(transition.record)
    if text:
        found = archive.read(text, [c.header for c in group])
        return {c.key: found.get(c.header, "") for c in group}
    fixed = {}
    for condition in transition.when:
        op, column, value = _parsed(condition)
        if op == "is":
            fixed[column] = value
    return fixed


def _meaning(raw: Cell, column: Column) -> str:
    """A cell as compared with what was recorded: a dropdown by the choice it reads as."""
    if column.type is ColumnType.CHOICE:
        choice = cells.parse_choice(raw, column.choices)
        if isinstance(choice, str):
            return choice
    return cells.text(raw).strip()


def _has_content(values: Mapping[str, Cell], keys: Iterable[str]) -> bool:
    return any(not cells.is_blank(values.get(key)) for key in keys)


class _Shape:
    """What the planner asks of the workflow for every row, worked out once per plan."""

    def __init__(self, workflow: Workflow):
        self.typed_by_people = tuple(c.key for c in workflow.columns if not c.is_system)
        self.fingerprinted = _fingerprinted(workflow)
        self.moves = frozenset(t.id for t in workflow.transitions)
        self.cleared_on_copy = tuple(c.key for c in workflow.columns if c.is_system and c.key != "register_no")
        self.not_inherited = tuple(workflow.column[key] for key in workflow.not_inherited)


@cache
def _rendered(code: str, lang: str) -> str:
    """A catalogue message that takes no parameters."""
    return messages.render(code, lang)


@cache
def _parsed(condition: str) -> tuple[str, str, str]:
    """A condition's operator, column and value; ``bare`` conditions name no column."""
    match = CONDITION.match(condition)
    assert match, condition  # the workflow model rejects unknown conditions on load
    if match["bare"]:
        return "bare", match["bare"], ""
    if match["is_col"]:
        return "is", match["is_col"], match["value"]
    return match["op"], match["col"], ""


# System actions that are news once: Catatan Sistem shows them until the row next changes.
NOTICES = ("status-restored", "renumbered")
# A pasted copy's cells that belonged to its source, archived as the copy's first entry.
COPY_ARCHIVED = "copy-archived"


class _Past:
    """What the history says about each register number."""

    def __init__(self, entries: Iterable[HistoryEntry], workflow: Workflow):
        recording = {t.id for t in workflow.transitions if t.record_fingerprint}
        handovers = {t.id for t in workflow.transitions if t.handover}
        self.status: dict[str, str] = {}
        self.decision_fingerprint: dict[str, str] = {}
        self.handover: dict[str, datetime] = {}
        self.logged: set[tuple[str, str, str]] = set()
        self.numbers: list[str] = []
        self.notices: dict[str, list[str]] = {}
        self.evidence: dict[str, evidence.Remembered] = {}  # the count since each number's latest hand-over
        self.counted: Mapping[tuple[str, ...], Evidence] = {}
        # The entry that holds what was last decided on each number (not yet parsed: most
        # rows never need it); an archive voids it (the decision went with the cleared cells).
        self.record: dict[str, tuple[Transition, str]] = {}
        transitions = {t.id: t for t in workflow.transitions}
        self.newest: datetime | None = None
        moves = transitions.keys()
        by_label: dict[str, str | None] = {}  # Ke as written -> its status key, folded once per label
        for e in entries:
            self.numbers.append(e.register_no)
            if self.newest is None or e.time > self.newest:
                self.newest = e.time
            if e.code in moves:
                self.notices.pop(e.register_no, None)
            elif e.code in NOTICES:
                self.notices.setdefault(e.register_no, []).append(e.reason)
            if e.to_status in by_label:
                key = by_label[e.to_status]
            else:
                status = workflow.status_by_label.get(fold(e.to_status))
                key = by_label[e.to_status] = status.key if status else None
            if key is not None:
                self.status[e.register_no] = key
            if e.code in recording:
                self.decision_fingerprint[e.register_no] = e.fingerprint
            if e.code in handovers:
                self.handover[e.register_no] = e.time
                self.evidence.pop(e.register_no, None)
            elif e.code == evidence.COUNTED and (memo := evidence.read(e.archive)) is not None:
                self.evidence[e.register_no] = evidence.Remembered(e.time, *memo)
            if (t := transitions.get(e.code)) is not None:
                if t.archive:
                    self.record.pop(e.register_no, None)
                elif t.record:
                    self.record[e.register_no] = (t, e.archive)
            self.logged.add((e.register_no, e.code, e.fingerprint))


class _Numbering:
    """``No. Register``: per activity year, running on, never reused (the history
    remembers numbers of rows since deleted)."""

    def __init__(self, workflow: Workflow, in_rows: Iterable[Cell], in_history: Iterable[str]):
        self.format = workflow.number_format
        pattern = re.escape(self.format)
        pattern = re.sub(r"\\\{year\\\}", r"(?P<year>\\d{4})", pattern)
        pattern = re.sub(r"\\\{seq[^}]*\\\}", r"(?P<seq>\\d+)", pattern)
        self.pattern = re.compile(f"^{pattern}$")
        self.last: dict[int, int] = {}
        # Only the highest counts, so each number is matched once however often it occurs.
        for number in {*map(cells.squash, in_rows), *in_history}:
            if match := self.pattern.match(number):
                year = int(match["year"])
                self.last[year] = max(self.last.get(year, 0), int(match["seq"]))

    def next(self, year: int) -> str:
        self.last[year] = self.last.get(year, 0) + 1
        return self.format.format(year=year, seq=self.last[year])


@dataclass
class _RowRun:
    row: RegisterRow
    workflow: Workflow
    past: _Past
    now: datetime  # naive, in the register's time zone
    shape: _Shape
    values: dict[str, Cell] = field(init=False)
    number: str = ""
    copied_from: str = ""
    copy_archive: str = ""  # what a copy brought from its source and may not keep
    findings: list[Finding] = field(default_factory=list)
    refusals: set[int] = field(default_factory=set)  # ids of the findings that refused a transition
    entries: list[HistoryEntry] = field(default_factory=list)
    delays: list[Delay] = field(default_factory=list)
    stamps: tuple[datetime | None, ...] = ()
    handed_over: bool = False  # a hand-over taken in this run: an earlier count is not this one's

    def __post_init__(self) -> None:
        self.values = dict(self.row.values)
        self.content = _fingerprint(self.values, self.shape.fingerprinted)

    @cached_property
    def recorded(self) -> dict[str, str]:
        """What the decision in force recorded (read when a rule asks: most rows never do);
        a step that records or archives replaces it."""
        return recorded(*self.standing, self.workflow) if self.standing else {}

    # ------------------------------------------------------------------ the run
    def run(self, numbers: _Numbering, seen: set[str]) -> RowOutcome:
        wf = self.workflow
        typed_status = cells.squash(self.values.get("status"))
        original = cells.squash(self.values.get("register_no"))
        if not original or original in seen:
            self._renumber(numbers, original)
        else:
            self.number = original
        seen.add(self.number)

        self.problems = submission_findings(self.row.number, self.values, wf, self.now.date())
        self.decision_fingerprint = self.past.decision_fingerprint.get(self.number)
        self.latest_handover = self.past.handover.get(self.number)
        self.standing = None if self.copied_from else self.past.record.get(self.number)

        state = None if self.copied_from else self.past.status.get(self.number)
        before = state
        if self.copy_archive:
            self._log(None, None, wf.roles["system"], "",
                      messages.render(COPY_ARCHIVED, self.lang, original=self.copied_from), COPY_ARCHIVED,
                      self.copy_archive)
        if state is None:
            state = self._take(wf.start, None)
        state = self._advance(state)
        # Notices are logged after the row's moves, so they name where it ended up.
        if self.copied_from:
            self._note_copy(state)
        elif fold(typed_status) != fold(wf.status[before].label if before else ""):
            self._restore(typed_status, state)
        self._check(state)
        self._evidence(state)
        fields = field_findings(self.row.number, self.values, wf, self.now.date())
        # A requirement refused on a cell that holds something unreadable: the cell's own
        # finding says what is wrong with it, which "fill it in" would not.
        unreadable = {f.column for f in fields}
        self.findings = [f for f in self.findings if not (f.column in unreadable and id(f) in self.refusals)]
        self.findings += fields
        self._show(state)
        return RowOutcome(
            row=self.row.number,
            register_no=self.number,
            before=before,
            after=state,
            values=dict(self.values),
            changes=tuple(self._changes()),
            findings=tuple(self.findings),
            history=tuple(self.entries),
            latest_handover=self.latest_handover,
            delays=tuple(self.delays),
            stamps=self.stamps,
        )

    def _renumber(self, numbers: _Numbering, original: str) -> None:
        dated_by = self.workflow.dated_by
        parsed = cells.parse_date(self.values.get(dated_by)) if dated_by else None
        year = parsed.year if isinstance(parsed, date) else self.now.year
        self.number = numbers.next(year)
        self.values["register_no"] = self.number
        self.copied_from = original
        if original:
            # A copied row carries the original's system cells; as a new row it starts clean.
            for key in self.shape.cleared_on_copy:
                self.values[key] = None
            # Nor is the source's decision or upload the copy's: archived, then cleared.
            kept = [c for c in self.shape.not_inherited if not cells.is_blank(self.values.get(c.key))]
            self.copy_archive = archive.write((c.header, cells.text(self.values[c.key])) for c in kept)
            for column in kept:
                self._clear(column.key)

    def _note_copy(self, state: str) -> None:
        finding = Finding("renumbered", self.row.number, self.workflow.column["register_no"].header, Severity.INFO,
                          self.copied_from, {"original": self.copied_from, "number": self.number})
        self.findings.append(finding)
        label = self.workflow.status[state].label
        self.entries.append(HistoryEntry(self.now, self.number, label, label, self.workflow.roles["system"], "",
                                         finding.message(self.lang), self.content, "renumbered"))

    def _advance(self, state: str) -> str:
        # Each transition leaves its from-status, or (one without ``to``) is taken once, so a
        # row can take each at most once a run.
        stayed: set[str] = set()
        for _ in self.workflow.transitions:
            transition = next(
                (t for t in self.workflow.transitions
                 if state in t.from_ and t.id not in stayed and self._holds(t.when)), None
            )
            if transition is None:
                return state
            refused = [r for r in transition.requires if not self._holds((r.condition,))]
            if refused:
                for requirement in refused:
                    column = self.workflow.column[requirement.column]
                    finding = Finding(requirement.finding, self.row.number, column.header, Severity.ERROR,
                                      self.values.get(column.key), self._recorded_param(column))
                    self.findings.append(finding)
                    self.refusals.add(id(finding))
                return state
            if transition.to is None:
                stayed.add(transition.id)
            state = self._take(transition, state)
        return state

    def _take(self, t: Transition, state: str | None) -> str:
        archived = ""
        reason = _rendered(f"transition-{t.id}", self.lang)
        if t.archive:
            kept = [c for c in self.workflow.group(t.archive) if not cells.is_blank(self.values.get(c.key))]
            archived = archive.write((c.header, cells.text(self.values[c.key])) for c in kept)
            for column in self.workflow.group(t.archive):
                self._clear(column.key)
            self.recorded = {}
        if t.record:
            group = self.workflow.group(t.record)
            decided = {c.key: cells.text(self.values.get(c.key)).strip() for c in group}
            reason = " ".join([reason, *self._changed_record(decided)])
            archived = archive.write((c.header, decided[c.key]) for c in group if decided[c.key])
            self.recorded = decided
        for key in t.clear:
            self._clear(key)
        for key in t.reset:
            self.values[key] = None
        if t.increment:
            count = cells.parse_whole(self.values.get(t.increment))
            self.values[t.increment] = (count if isinstance(count, int) else 0) + 1
        for key in t.stamp:
            if cells.parse_datetime(self.values.get(key)) is None:
                self.values[key] = self.now
        if t.record_fingerprint:
            self.values["fingerprint"] = self.content
            self.decision_fingerprint = self.content
        if t.handover:
            self.latest_handover = self.now
            self.handed_over = True
        name = cells.squash(self.values.get(t.actor_column)) if t.actor_column else ""
        to = t.to or state
        self._log(state, to, self.workflow.roles[t.actor], name, reason, t.id, archived)
        return to

    def _changed_record(self, decided: Mapping[str, str]) -> list[str]:
        """Old -> new of each choice (what was decided) that differs from the record it replaces."""
        changed = []
        for key, old in self.recorded.items():
            column = self.workflow.column[key]
            if column.type is ColumnType.CHOICE and _meaning(old, column) != _meaning(decided.get(key), column):
                changed.append(messages.render("record-changed", self.lang, header=column.header,
                                               old=old or "–", new=decided.get(key) or "–"))
        return changed

    def _recorded_param(self, column: Column) -> dict[str, object]:
        return {"recorded": self.recorded.get(column.key) or "–"}

    def _clear(self, key: str) -> None:
        # A ticked checkbox is cleared by unticking it, not by deleting it.
        self.values[key] = False if isinstance(self.values.get(key), bool) else None

    def _restore(self, typed: str, state: str) -> None:
        label = self.workflow.status[state].label
        column = self.workflow.column["status"]
        finding = Finding("status-restored", self.row.number, column.header, Severity.WARNING, typed or "",
                          {"status": label})
        self.findings.append(finding)
        self.entries.append(
            HistoryEntry(self.now, self.number, typed, label, self.workflow.roles["system"], "",
                         finding.message(self.lang), self.content, "status-restored")
        )

    def _check(self, state: str) -> None:
        for check in self.workflow.checks:
            if state in check.in_ and self._holds(check.when):
                self._flag(check, state)

    def _flag(self, check: Check, state: str) -> None:
        column = self.workflow.column[check.column]
        finding = Finding(check.finding, self.row.number, column.header, Severity.ERROR,
                          self.values.get(column.key), self._recorded_param(column))
        self.findings.append(finding)
        if check.log and (self.number, check.finding, self.content) not in self.past.logged:
            label = self.workflow.status[state].label
            self.entries.append(
                HistoryEntry(self.now, self.number, label, label, self.workflow.roles["system"], "",
                             finding.message(self.lang), self.content, check.finding)
            )

    def _evidence(self, state: str) -> None:
        """The count behind the row's links: counted now (logged, so it is remembered) or
        remembered since the latest hand-over; written to the count column when the register
        has it, and shown with its findings while the row waits for review."""
        wanted = self.workflow.evidence
        if wanted is None:
            return
        links = evidence.links(self.values.get(wanted.links))
        if not links:
            return
        links_fingerprint = evidence.fingerprint(links)
        memo = None if self.handed_over else self.past.evidence.get(self.number)
        if memo is not None and memo.links != links_fingerprint:
            memo = None
        # A count made for another row with the same links is this row's only once it is handed over.
        fresh = self.handed_over or state in wanted.shown_in
        found = self.past.counted.get(links) if fresh else None
        if isinstance(found, Count):
            if memo is None or memo.count != found:
                label = self.workflow.status[state].label
                self.entries.append(HistoryEntry(
                    self.now, self.number, label, label, self.workflow.roles["system"], "",
                    messages.render(evidence.COUNTED, self.lang, count=found.files), self.content, evidence.COUNTED,
                    evidence.write(links_fingerprint, found)))
        elif memo is not None:
            found = memo.count
        if wanted.verified and wanted.verified in self.row.values:
            # A count of other links (or none yet) is not this hand-over's: the cell is emptied.
            self.values[wanted.verified] = found.files if isinstance(found, Count) else None
        if found is None or state not in wanted.shown_in:
            return
        header = self.workflow.column[wanted.links].header
        if not isinstance(found, Count):
            self.findings.append(Finding(found.code, self.row.number, header, Severity.WARNING, None, found.params))
            return
        shown = ", ".join(found.names) + (", …" if found.files > len(found.names) else "")
        self.findings.append(Finding("evidence-found", self.row.number, header, Severity.INFO, None,
                                     {"count": found.files, "names": shown or "–"}))
        typed_column = self.workflow.column[wanted.typed] if wanted.typed else None
        if typed_column is None:
            return
        if typed_column.min is not None and found.files < typed_column.min:
            self.findings.append(Finding("evidence-below-minimum", self.row.number, header, Severity.ERROR,
                                         None, {"count": found.files, "min": typed_column.min}))
        typed = cells.parse_whole(self.values.get(typed_column.key))
        if isinstance(typed, int) and found.files < typed:
            self.findings.append(Finding("evidence-below-typed", self.row.number, header, Severity.ERROR, None,
                                         {"count": found.files, "typed": typed, "typed_header": typed_column.header}))

    def _log(
        self, state: str | None, to: str | None, role: str, name: str, reason: str, code: str, archived: str
    ) -> None:
        labels = [self.workflow.status[s].label if s else "" for s in (state, to)]
        self.entries.append(
            HistoryEntry(self.now, self.number, *labels, role, name, reason, self.content, code, archived)
        )

    # ------------------------------------------------------------------ conditions
    def _holds(self, conditions: Iterable[str]) -> bool:
        return all(self._condition(c) for c in conditions)

    def _condition(self, condition: str) -> bool:
        op, col, value = _parsed(condition)
        if op == "bare":
            if col == "valid":
                return not self.problems
            if col == "invalid":
                return bool(self.problems)
            if self.decision_fingerprint is None:
                return False
            return (self.decision_fingerprint == self.content) == (col == "unchanged")
        if op == "is":
            column = self.workflow.column[col]
            return cells.parse_choice(self.values.get(column.key), column.choices) == value
        raw = self.values.get(col)
        if op in ("filled", "empty"):
            return cells.is_blank(raw) == (op == "empty")
        if op in ("set", "unset"):
            return (cells.parse_flag(raw) is True) == (op == "set")
        if op == "chosen":
            return isinstance(cells.parse_choice(raw, self.workflow.column[col].choices), str)
        if op == "differs":
            # Only what the history records can differ: a value it never held is not assumed.
            column = self.workflow.column[col]
            return col in self.recorded and _meaning(raw, column) != _meaning(self.recorded[col], column)
        return not isinstance(cells.parse_urls(raw), cells.Unreadable)  # urls:

    # ------------------------------------------------------------------ what people see
    @property
    def lang(self) -> str:
        return self.workflow.language

    def _show(self, state: str) -> None:
        status = self.workflow.status[state]
        if status.shows_findings:
            self.findings = self.problems + self.findings
        moved = any(e.code in self.shape.moves for e in self.entries)
        notices = [] if moved else list(self.past.notices.get(self.number, []))
        notices += [e.reason for e in self.entries if e.code in NOTICES]
        lines = [f"• {f.message(self.lang)}" for f in self.findings if f.code not in NOTICES]
        lines += [f"• {notice}" for notice in notices]
        if status.hint:
            lines.append(_rendered(status.hint, self.lang))
        self.values["status"] = status.label
        self.values["notes"] = _note(lines, self.lang)
        self.stamps = stamps(self.values, self.workflow)
        self.delays = delays(self.values, self.stamps, state, self.latest_handover, self.now.date(), self.workflow,
                             self._unsure_dates())
        if "timeliness" in self.workflow.column:
            self.values["timeliness"] = timeliness(self.delays, self.workflow)

    def _unsure_dates(self) -> set[str]:
        """Date columns whose day and month may have been swapped (validate.SWAPPED)."""
        headers = {f.column for f in self.problems if f.code == SWAPPED}
        return {c.key for c in self.workflow.columns if c.header in headers} if headers else set()

    def _changes(self) -> Iterable[CellChange]:
        before = self.row.values
        for key, new in self.values.items():
            old = before.get(key)
            if old is not new and not _same(old, new):  # most cells are left as they were read
                yield CellChange(self.row.number, key, old, new)


def _note(lines: list[str], lang: str) -> str:
    """The lines of ``Catatan Sistem``, as many as one cell holds; the rest are counted."""
    note = "\n".join(lines)
    if len(note) <= CELL_CHARACTERS:
        return note
    # Room for the closing line however many it counts, so what is kept never moves.
    room = CELL_CHARACTERS - len(messages.render("notes-more", lang, count=len(lines)))
    kept: list[str] = []
    used = 0
    for line in lines:
        used += len(line) + 1  # and its line break
        if used > room:
            break
        kept.append(line)
    return "\n".join([*kept, messages.render("notes-more", lang, count=len(lines) - len(kept))])


def _same(old: Cell, new: Cell) -> bool:
    if old == new and type(old) is type(new):
        return True
    if cells.is_blank(old) and cells.is_blank(new):
        return True
    if isinstance(new, bool) or isinstance(old, bool):
        return old is new
    if isinstance(new, datetime):
        return cells.parse_datetime(old) == new
    if isinstance(new, int):
        return cells.parse_whole(old) == new
    return cells.text(old) == cells.text(new)
