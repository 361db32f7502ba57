"""What the history records about one item: the decision in force, its corrections, and
when each step happened. Pure: history entries in, a ``Record`` out.

The cells say what people typed last; the history says what was decided. Whatever is
shown as a decision (the printed approval sheet) comes from here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from .sync import HistoryEntry, recorded
from .workflow import Transition, Workflow, fold


@dataclass(frozen=True)
class Decision:
    transition: Transition  # the step that made it: a decision, or a decision changed
    time: datetime
    name: str  # who took it, as logged (the transition's actor column)
    values: Mapping[str, str]  # column key -> as recorded; a column older history did not record is absent
    corrections: tuple[HistoryEntry, ...] = ()  # recorded since without a new decision (who signed off)


@dataclass(frozen=True)
class Record:
    status: str | None  # the status key the history leads to
    decision: Decision | None  # None: no decision in force (never decided, or archived since)
    stamps: Mapping[str, datetime]  # stamp column key -> when the history says it was stamped


def record_of(entries: Iterable[HistoryEntry], number: str, workflow: Workflow) -> Record:
    """Replays ``number``'s entries as sync made them: statuses, stamps, decisions."""
    transitions = {t.id: t for t in workflow.transitions}
    status: str | None = None
    decision: Decision | None = None
    stamps: dict[str, datetime] = {}
    for entry in entries:
        if entry.register_no != number:
            continue
        if (reached := workflow.status_by_label.get(fold(entry.to_status))) is not None:
            status = reached.key
        t = transitions.get(entry.code)
        if t is None:
            continue
        for key in t.reset:
            stamps.pop(key, None)
        for key in t.stamp:
            stamps.setdefault(key, entry.time)
        if t.archive:
            decision = None
        elif t.record:
            values = recorded(t, entry.archive, workflow)
            if t.to is None and decision is not None:
                decision = replace(decision, values={**decision.values, **values},
                                   corrections=(*decision.corrections, entry))
            else:
                decision = Decision(t, entry.time, entry.name, values)
    return Record(status, decision, stamps)
