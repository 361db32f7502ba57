"""What a sync means for the people who act next: events read from a plan. Pure.

An event is news once: a row arriving in a status where someone must act (from this
run's history), or a row whose ``Ketepatan Waktu`` newly turns late (from this run's
cell changes). A later run that sees the same situation finds no new history and no
new change, and the event ``key`` lets the sent-state drop it if it ever comes again.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum

from .. import cells, messages
from ..sync import Plan, RowOutcome
from ..workflow import Group, Workflow
from .settings import ReminderSettings

# System columns every workflow has (the planner writes them by these keys).
NOTES = "notes"
TIMELINESS = "timeliness"


class EventKind(StrEnum):
    REVIEW_NEEDED = "review_needed"
    FIX_NEEDED = "fix_needed"
    REJECTED = "rejected"
    APPROVED = "approved"
    LATE = "late"
    REMINDER = "reminder"
    ESCALATION = "escalation"


@dataclass(frozen=True)
class Event:
    register: str  # the register's name, as people call it
    register_no: str
    kind: EventKind
    role: str  # workflow role key of who must act
    activity: str
    detail: str
    key: str  # the situation, the same whichever run sees it; shared by the roles told of it
    due: float = 0.0  # not sent before this moment (seconds since the epoch): reminders wait for office hours


@dataclass(frozen=True)
class Step:
    """What a status means for notifications."""

    role: str  # who must act while a row is in this status
    arrival: EventKind | None = None  # the event when a row arrives here
    detail: str | None = None  # the column that says why; None: the history entry's reason


@dataclass(frozen=True)
class Rules:
    """A workflow's notification table: status keys to steps, and the column naming a row."""

    steps: Mapping[str, Step]
    activity: str

    @classmethod
    def of(cls, workflow: Workflow) -> Rules:
        """The table as the workflow definition states it (``acts`` and ``announces`` per status)."""
        steps = {
            s.key: Step(s.acts, EventKind(s.announces) if s.announces else None, s.announce_detail)
            for s in workflow.statuses
            if s.acts
        }
        return cls(steps, workflow.name_column)


def events(plan: Plan, workflow: Workflow, register: str) -> list[Event]:
    """The events of one sync's plan, in row order."""
    reader = _Reader(workflow, register, Rules.of(workflow))
    return [event for row in plan.rows for event in reader.read(row)]


class _Reader:
    def __init__(self, workflow: Workflow, register: str, rules: Rules):
        self.register, self.rules = register, rules
        self.transitions = {t.id for t in workflow.transitions}
        # The role that fills the submission owns the row: its lateness is always theirs too.
        self.owner = next(c.filled_by for c in workflow.columns if c.group is Group.SUBMISSION)
        # A re-hand-over restarts the deadlines; its counter tells one round of lateness from the next.
        self.counter = next((t.increment for t in workflow.transitions if t.handover and t.increment), None)
        self.late = messages.render("late", workflow.language, steps="")

    def read(self, row: RowOutcome) -> Iterator[Event]:
        yield from self._arrival(row)
        yield from self._late(row)

    def _arrival(self, row: RowOutcome) -> Iterator[Event]:
        # A correction records where the row already is: no arrival.
        moves = [e for e in row.history if e.code in self.transitions and e.from_status != e.to_status]
        step = self.rules.steps.get(row.after)
        if not moves or step is None or step.arrival is None:
            return
        last = moves[-1]
        detail = cells.text(row.values.get(step.detail)) if step.detail else last.reason
        yield self._event(row, step.arrival, step.role, detail, last.time.isoformat())

    def _late(self, row: RowOutcome) -> Iterator[Event]:
        change = next((c for c in row.changes if c.column == TIMELINESS), None)
        if change is None or not self._is_late(change.new) or self._is_late(change.old):
            return
        text = cells.text(change.new)
        round_ = cells.text(row.values.get(self.counter)) if self.counter else ""
        roles = [self.owner]
        if (acting := self.rules.steps.get(row.after)) and acting.role != self.owner:
            roles.append(acting.role)
        for role in roles:
            yield self._event(row, EventKind.LATE, role, text, f"{round_ or 0}|{text}")

    def _is_late(self, value: object) -> bool:
        return isinstance(value, str) and value.startswith(self.late)

    def _event(self, row: RowOutcome, kind: EventKind, role: str, detail: str, marker: str) -> Event:
        activity = cells.text(row.values.get(self.rules.activity)).strip()
        key = "|".join([self.register, row.register_no, kind.value, marker])
        return Event(self.register, row.register_no, kind, role, activity, detail.strip(), key)


def reminders(plan: Plan, workflow: Workflow, register: str, settings: ReminderSettings, now: datetime) -> list[Event]:
    """Reminders for steps still awaited past their day (the planner's ``delays``): one on day
    H+1+every, H+1+2·every …, the first day being the ``late`` event's; from ``escalate_after_days``
    on, the same to ``escalate_to``. Each is due at the start of the register's office hours
    (now, when within them), so a run before office hours records it and a later run sends it."""
    rules = Rules.of(workflow)
    owner = next(c.filled_by for c in workflow.columns if c.group is Group.SUBMISSION)
    counter = next((t.increment for t in workflow.transitions if t.handover and t.increment), None)
    due = office_start(now, settings.office_hours).timestamp()
    found = []
    for row in plan.rows:
        step = rules.steps.get(row.after)
        round_ = cells.text(row.values.get(counter)) if counter else ""
        for delay in row.delays:
            if delay.done or delay.days <= 1 or (delay.days - 1) % settings.every_days:
                continue
            base = [register, row.register_no, round_ or "0", delay.deadline.stamp, str(delay.days)]
            detail = messages.render("pending", workflow.language, step=delay.deadline.label) + f" H+{delay.days}"
            activity = cells.text(row.values.get(rules.activity)).strip()
            told = [(EventKind.REMINDER, step.role if step else owner)]
            if settings.escalate_after_days is not None and delay.days >= settings.escalate_after_days:
                told += [(EventKind.ESCALATION, role) for role in settings.escalate_to]
            for kind, role in told:
                key = "|".join([*base[:2], kind.value, *base[2:]])
                found.append(Event(register, row.register_no, kind, role, activity, detail, key, due))
    return found


def office_start(now: datetime, hours: tuple[str, str]) -> datetime:
    """``now`` if within office hours (``now``'s own zone), else when they next begin."""
    start, end = (time.fromisoformat(h) for h in hours)
    if now.timetz().replace(tzinfo=None) < start:
        return datetime.combine(now.date(), start, now.tzinfo)
    if now.timetz().replace(tzinfo=None) >= end:
        return datetime.combine(now.date() + timedelta(days=1), start, now.tzinfo)
    return now
