"""Many registers from one scheduled job: each synced in turn, one's failure never
stopping the others, Google requests sharing one rate limit."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from .api import Connection, SyncResult
from .config import Config, RegisterSettings
from .errors import SheetflowError
from .gsheets.ratelimit import RateLimiter
from .gsheets.source import is_google
from .memo import QUIET, Remembered
from .notify import NotifyReport, events, notify, reminders
from .runs import planned, recalled, remember
from .workflow import load_workflow

log = logging.getLogger("sheetflow")
# Where versions before the outbox remembered notifications: taken over once, then renamed.
LEGACY_STATE = ".sheetflow-notify.json"


@dataclass(frozen=True)
class FleetRun:
    outcomes: list[Outcome]
    now: datetime  # the clock of the registers not read again (see memo)
    dry_run: bool
    notifications: NotifyReport | None = None
    notify_error: str | None = None  # notifications could not run at all (e.g. a damaged state file)

    @property
    def ok(self) -> bool:
        return all(outcome.ok for outcome in self.outcomes) and self.notify_error is None


@dataclass(frozen=True)
class Outcome:
    register: RegisterSettings
    source: str
    result: SyncResult | None = None
    error: str | None = None
    exit_code: int = 0
    remembered: Remembered | None = None  # unchanged since a run that found nothing to do: not planned again

    @property
    def ok(self) -> bool:
        return self.error is None


class _Keys:
    """One loaded service-account key per key file for the whole run: reading a key costs
    tens of milliseconds, and a loaded key keeps its access token, so a thousand Google
    Sheets under one key ask Google for one token, not a thousand."""

    def __init__(self) -> None:
        self._loaded: dict[Path | None, Any] = {}

    def get(self, path: Path | None) -> Any:
        if path not in self._loaded:
            from .gsheets.client import load_credentials  # Google's libraries load only for a Google Sheet

            try:
                self._loaded[path] = load_credentials(path)
            except SheetflowError:
                return path  # each register that uses it reports the error itself
        return self._loaded[path]


def sync_all(
    config: Config,
    *,
    now: datetime | None = None,
    dry_run: bool = False,
    session: Callable[[Any], Any] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    on_done: Callable[[Outcome], None] = lambda outcome: None,
    send_email: Callable[..., None] | None = None,
    send_webhook: Callable[..., None] | None = None,
    form: str = QUIET,
) -> FleetRun:
    """Sync (or check) every register; then tell people what waits for them (not on a dry run).

    ``form`` is how each register's report will be shown (``json:id`` for the JSON report):
    a register file unchanged since a run that found nothing is not read again when its
    report in that form is remembered."""
    limiter = RateLimiter(config.google.requests_per_minute, clock=clock, sleep=sleep)
    moment = now or datetime.now(UTC)
    keys = _Keys()
    outcomes = []
    for register in config.registers:
        source = config.source(register)
        credentials = keys.get(config.credentials(register)) if is_google(source) else None
        connection = Connection(credentials=credentials, session=session, sleep=sleep, limiter=limiter)
        try:
            workflow = load_workflow(register.workflow).adjusted(timezone=register.timezone,
                                                                 language=register.language)
            intake = config.form(register)
            # New .csv exports leave the register file as it was: it is read, not recalled.
            done = (None if intake and intake.folder else
                    recalled(source, write=not dry_run, now=moment, workflow=workflow.definition, form=form)) or \
                planned(source, write=not dry_run, now=now, moment=moment, workflow=workflow,
                        definition=workflow.definition, form=form, connection=connection, intake=intake)
            if isinstance(done, Remembered):
                outcome = Outcome(register, source, remembered=done)
                log.info("%s: tidak berubah sejak sync terakhir", register.name)
            else:
                result = done
                remember(result, form)
                outcome = Outcome(register, source, result)
                log.info("%s: %s baris berubah, %s baris Riwayat", register.name,
                         sum(1 for r in result.plan.rows if r.changes or r.history), len(result.plan.history))
        except SheetflowError as exc:
            outcome = Outcome(register, source, error=str(exc), exit_code=exc.exit_code)
            log.error("%s: %s", register.name, exc)
        except Exception as exc:  # one register's bug must not cost the others their sync
            outcome = Outcome(register, source, error=f"kesalahan tak terduga: {exc.__class__.__name__}: {exc}",
                              exit_code=70)
            log.exception("%s: kesalahan tak terduga", register.name)
        outcomes.append(outcome)
        on_done(outcome)
    if dry_run or config.notify is None:
        return FleetRun(outcomes, moment, dry_run)
    # A run that changed nothing still notifies: it retries what an earlier run could not deliver.
    news = [e for o in outcomes if o.result for e in events(o.result.plan, o.result.workflow, o.register.name)]
    if config.notify.reminders:
        news += [e for o in outcomes if o.result for e in reminders(
            o.result.plan, o.result.workflow, o.register.name, config.notify.reminders,
            moment.astimezone(ZoneInfo(o.result.workflow.timezone)))]
    senders = {k: v for k, v in {"send_email": send_email, "send_webhook": send_webhook}.items() if v}
    try:
        delivered = notify(news, config.notify, config.folder / config.notify_state,
                           legacy=config.folder / LEGACY_STATE, **senders)
    except SheetflowError as exc:
        # The registers are synced by now: a broken state file must not hide that.
        log.error("pemberitahuan: %s", exc)
        return FleetRun(outcomes, moment, dry_run, notify_error=str(exc))
    for delivery in delivered.deliveries:
        (log.info if delivery.delivered else log.warning)("%s", delivery.message)
    return FleetRun(outcomes, moment, dry_run, delivered)
