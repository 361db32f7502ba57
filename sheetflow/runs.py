"""One register's sync or check as the command line runs it.

A register file unchanged since a run that found nothing to do, on the same day, is not
read again: that run's report is shown again (see ``memo``). Anything else is planned as
usual, and remembered when it changed nothing. Only what a replay needs is imported at
the top: the planner and the backends load when there is planning to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import memo, report
from .gsheets.source import is_google
from .resources import DEFAULT_WORKFLOW
from .xlsx.owners import refuse_if_open

if TYPE_CHECKING:
    from .api import SyncResult


@dataclass(frozen=True)
class Shown:
    text: str | None  # None when the form is quiet
    changed: bool  # the run changed something (or, checking, would)


def run_register(
    source: str, *, write: bool, form: str, now: datetime | None = None, credentials: str | None = None
) -> Shown:
    """Sync (``write``) or check one register with the bundled workflow; its report in ``form``."""
    moment = now or datetime.now(UTC)
    remembered = recalled(source, write=write, now=moment, workflow=memo.bundled_definition(DEFAULT_WORKFLOW),
                          form=form)
    if remembered is not None:
        text = report.shown(remembered.report, form, source=source, now=remembered.aware(moment),
                            timezone=remembered.timezone, dry_run=not write)
        return Shown(text, changed=False)
    from .api import Connection, check_register, sync_register

    run = sync_register if write else check_register
    result = run(source, now=now, connection=Connection(credentials=credentials))
    kept = report.kept(result, form)
    remember(result, form, kept)
    text = report.shown(kept, form, source=result.source, now=result.now, timezone=result.workflow.timezone,
                        dry_run=result.dry_run)
    return Shown(text, changed=result.plan.changed)


def recalled(source: str, *, write: bool, now: datetime, workflow: str, form: str) -> memo.Remembered | None:
    """The remembered run of a register file unchanged since it found nothing to do."""
    if is_google(source):
        return None  # reading a Google Sheet is the cost; there is no file to name unread
    remembered = memo.recall(source, now=now, workflow=workflow, form=form)
    if remembered is not None and write:
        refuse_if_open(Path(source))  # as a sync with work to do would
    return remembered


def remember(result: SyncResult, form: str, kept: Any = None) -> None:
    """Keep a run that changed nothing, with its report in ``form`` (``kept``, when the
    caller has it already)."""
    if result.digest is None or result.plan.changed:
        return
    memo.remember(result.source, content=result.digest, now=result.now, timezone=result.workflow.timezone,
                  workflow=result.workflow.definition, attention=report.attention(result), form=form,
                  report=report.kept(result, form) if kept is None else kept)
