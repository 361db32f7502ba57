"""One register's sync or check as the command line runs it.

A register file unchanged since a run that found nothing to do, on the same day, is not
read again: that run's report is shown again (see ``memo``). A Google Sheet is read, and
its run recalled when what was read is what that run read. Anything else is planned as
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
    from .api import Connection, SyncResult
    from .intake import FormSource
    from .workflow import Workflow


@dataclass(frozen=True)
class Shown:
    text: str | None  # None when the form is quiet
    changed: bool  # the run changed something (or, checking, would)


def run_register(
    source: str, *, write: bool, form: str, now: datetime | None = None, credentials: str | None = None
) -> Shown:
    """Sync (``write``) or check one register with the bundled workflow; its report in ``form``."""
    moment = now or datetime.now(UTC)
    definition = memo.bundled_definition(DEFAULT_WORKFLOW)
    outcome = recalled(source, write=write, now=moment, workflow=definition, form=form)
    if outcome is None:
        from .api import Connection

        outcome = planned(source, write=write, now=now, moment=moment, workflow=None, definition=definition,
                          form=form, connection=Connection(credentials=credentials))
    if isinstance(outcome, memo.Remembered):
        text = report.shown(outcome.report, form, source=source, now=outcome.aware(moment),
                            timezone=outcome.timezone, dry_run=not write)
        return Shown(text, changed=False)
    result = outcome
    kept = report.kept(result, form)
    remember(result, form, kept)
    text = report.shown(kept, form, source=result.source, now=result.now, timezone=result.workflow.timezone,
                        dry_run=result.dry_run)
    return Shown(text, changed=result.plan.changed)


def recalled(source: str, *, write: bool, now: datetime, workflow: str, form: str) -> memo.Remembered | None:
    """The remembered run of a register file unchanged since it found nothing to do."""
    if is_google(source):
        return None  # there is no file to name unread: see ``planned``
    remembered = memo.recall(source, now=now, workflow=workflow, form=form)
    if remembered is not None and write:
        refuse_if_open(Path(source))  # as a sync with work to do would
    return remembered


class _Recalled(Exception):
    """Ends a run whose read found the content of a remembered run."""

    def __init__(self, remembered: memo.Remembered):
        self.remembered = remembered


def planned(
    source: str, *, write: bool, now: datetime | None, moment: datetime, workflow: Workflow | None, definition: str,
    form: str, connection: Connection, intake: FormSource | None = None,
) -> SyncResult | memo.Remembered:
    """A sync (``write``) or check of ``source``; for a Google Sheet, the remembered run
    instead when its read finds what that run read (``definition`` names ``workflow``)."""
    from .api import check_register, sync_register

    def on_read(content: str) -> None:
        remembered = memo.recall(source, now=moment, workflow=definition, form=form, content=content)
        if remembered is not None:
            raise _Recalled(remembered)

    run = sync_register if write else check_register
    try:
        return run(source, now=now, workflow=workflow, connection=connection,
                   on_read=on_read if is_google(source) else None, form=intake)
    except _Recalled as hit:
        return hit.remembered


def remember(result: SyncResult, form: str, kept: Any = None) -> None:
    """Keep a run that changed nothing, with its report in ``form`` (``kept``, when the
    caller has it already)."""
    if result.digest is None or result.plan.changed:
        return
    memo.remember(result.source, content=result.digest, now=result.now, timezone=result.workflow.timezone,
                  workflow=result.workflow.definition, attention=report.attention(result), form=form,
                  report=report.kept(result, form) if kept is None else kept)
