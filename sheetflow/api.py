"""What the commands do, as library functions: init, check, sync, demo."""

from __future__ import annotations

import shutil
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from . import resources
from .errors import SheetflowError
from .layout import read_history, read_register, to_batch
from .recap import recap
from .sync import Plan, plan
from .workflow import Workflow, load_workflow
from .xlsx import open_workbook


@dataclass(frozen=True)
class SyncResult:
    source: str
    workflow: Workflow
    plan: Plan
    now: datetime
    dry_run: bool

    @property
    def applied(self) -> bool:
        return not self.dry_run and self.plan.changed

    def counts(self) -> dict[str, int]:
        """Rows per status label, in the workflow's order."""
        counted = Counter(r.after for r in self.plan.rows)
        return {s.label: counted[s.key] for s in self.workflow.statuses}


def check_register(source: str | Path, *, now: datetime | None = None, workflow: Workflow | None = None) -> SyncResult:
    """What sync would do, without writing anything."""
    return _run(source, now, workflow, write=False)


def sync_register(source: str | Path, *, now: datetime | None = None, workflow: Workflow | None = None) -> SyncResult:
    """Validate every row, advance statuses, write notes, timestamps and history: one batch."""
    return _run(source, now, workflow, write=True)


def init_register(path: str | Path) -> Path:
    """A new, empty register from the template. Never overwrites a file."""
    target = Path(path)
    if target.suffix.lower() != ".xlsx":
        raise SheetflowError(f"Nama berkas register harus berakhiran .xlsx: {target.name}")
    if target.exists():
        raise SheetflowError(f"{target} sudah ada; sheetflow tidak menimpa berkas. Pilih nama lain.")
    target.parent.mkdir(parents=True, exist_ok=True)
    with resources.template().open("rb") as src, target.open("xb") as dst:
        shutil.copyfileobj(src, dst)
    return target


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


def _run(source: str | Path, now: datetime | None, workflow: Workflow | None, *, write: bool) -> SyncResult:
    wf = workflow or load_workflow()
    moment = now or datetime.now(UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=wf.tz)
    with open_workbook(source, write=write) as book:
        sheets = book.read([wf.sheets.register_, wf.sheets.history, wf.sheets.recap])
        layout, rows = read_register(sheets, wf)
        planned = plan(rows, read_history(sheets, wf), moment, wf)
        if write and planned.changed:
            book.apply(to_batch(planned, layout, wf, recap(planned, wf)))
    return SyncResult(str(source), wf, planned, moment, dry_run=not write)
