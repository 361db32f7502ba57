"""Ketepatan Waktu: which SOP step ran past its day, and by how many days (H+n)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from . import cells, messages
from .table import Cell
from .workflow import Deadline, Workflow

HANDOVER = "handover"


@dataclass(frozen=True)
class Delay:
    deadline: Deadline
    days: int  # past the step's day; 0 or less is on time
    done: bool  # False: the step is still awaited


def stamps(values: Mapping[str, Cell], workflow: Workflow) -> tuple[datetime | None, ...]:
    """When each SOP step was stamped, in the order of ``workflow.deadlines``."""
    parse = cells.parse_datetime
    return tuple(parse(values.get(deadline.stamp)) for deadline in workflow.deadlines)


def delays(
    values: Mapping[str, Cell], stamped: Sequence[datetime | None], status: str, latest_handover: datetime | None,
    today: date, workflow: Workflow, unsure: Collection[str] = (),
) -> list[Delay]:
    """Each step that is done, or awaited and already due: how late it is. ``stamped``: as ``stamps`` gives.

    ``unsure``: date columns whose reading is in doubt (day and month perhaps swapped): a
    step due by one is left out, so the record states no lateness nobody can be sure of.
    """
    found = []
    for deadline, stamp in zip(workflow.deadlines, stamped, strict=True):
        if deadline.due in unsure:
            continue
        if deadline.due == HANDOVER:
            due = latest_handover.date() if latest_handover else None
        else:
            parsed = cells.parse_date(values.get(deadline.due))
            due = parsed if isinstance(parsed, date) else None
        if due is None:
            continue
        if stamp is not None:
            found.append(Delay(deadline, (stamp.date() - due).days, done=True))
        elif status in deadline.awaited_in and today > due:
            found.append(Delay(deadline, (today - due).days, done=False))
    return found


def timeliness(found: Sequence[Delay], workflow: Workflow) -> str:
    """The row's delays as people read them: ``Tepat waktu``, ``Terlambat: diserahkan H+2;
    belum diperiksa H+1``, or "" when nothing is due yet."""
    late = [
        f"{d.deadline.label if d.done else messages.render('pending', workflow.language, step=d.deadline.label)}"
        f" H+{d.days}"
        for d in found
        if d.days > 0
    ]
    if late:
        return messages.render("late", workflow.language, steps="; ".join(late))
    return _on_time(workflow.language) if found else ""


@cache
def _on_time(lang: str) -> str:
    return messages.render("on-time", lang)
