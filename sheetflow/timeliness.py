"""Ketepatan Waktu: which SOP step ran past its day, and by how many days (H+n)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from . import cells, messages
from .table import Cell
from .workflow import Workflow

HANDOVER = "handover"


def timeliness(
    values: Mapping[str, Cell], status: str, latest_handover: datetime | None, today: date, workflow: Workflow
) -> str:
    """``Tepat waktu``, ``Terlambat: diserahkan H+2; belum diperiksa H+1``, or "" when
    nothing is due yet."""
    late, judged = [], False
    for deadline in workflow.deadlines:
        if deadline.due == HANDOVER:
            due = latest_handover.date() if latest_handover else None
        else:
            parsed = cells.parse_date(values.get(deadline.due))
            due = parsed if isinstance(parsed, date) else None
        if due is None:
            continue
        stamped = cells.parse_datetime(values.get(deadline.stamp))
        if stamped is not None:
            judged = True
            days = (stamped.date() - due).days
            if days > 0:
                late.append(f"{deadline.label} H+{days}")
        elif status in deadline.awaited_in and today > due:
            step = messages.render("pending", workflow.language, step=deadline.label)
            late.append(f"{step} H+{(today - due).days}")
    if late:
        return messages.render("late", workflow.language, steps="; ".join(late))
    return messages.render("on-time", workflow.language) if judged else ""
