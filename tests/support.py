"""Registers built from small readable tables, synced in memory through the real planner."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sheetflow.recap import recap
from sheetflow.sync import HistoryEntry, Plan, RegisterRow, plan
from sheetflow.workflow import load_workflow

WORKFLOW = load_workflow()
WIB = ZoneInfo("Asia/Jakarta")
# The activity day of most examples; syncs run on it unless a test moves the clock.
DAY_H = datetime(2024, 7, 3, 10, 0, tzinfo=WIB)
NARRATIVE = (
    "Kapanewon Ponjong menggelar rapat koordinasi bersama sebelas kalurahan untuk membahas "
    "persiapan peringatan hari jadi kabupaten."
)


def submission(**changes: Any) -> dict[str, Any]:
    """A complete, valid step-1 submission (not yet handed over), with ``changes`` applied."""
    row = {
        "activity_date": "3 Juli 2024",
        "activity_name": "Rapat koordinasi kalurahan",
        "team_name": "Seksi Pemerintahan",
        "documentation_kind": "Foto",
        "documentation_count": 6,
        "documentation_links": "https://drive.google.com/drive/folders/abc",
        "narrative": NARRATIVE,
        "caption": "Rapat koordinasi persiapan hari jadi bersama sebelas kalurahan di Kapanewon Ponjong.",
    }
    row.update(changes)
    return row


def handed_over(**changes: Any) -> dict[str, Any]:
    return submission(**{"handover": "Ya", **changes})


def reviewed(**changes: Any) -> dict[str, Any]:
    return handed_over(**{"reviewer": "Budi Santoso", **changes})


def approved(**changes: Any) -> dict[str, Any]:
    return reviewed(**{"decision": "TERIMA", "approved_by": "Ketua PPID Pembantu", **changes})


def rejected(**changes: Any) -> dict[str, Any]:
    return reviewed(**{"decision": "TOLAK", "response": "Foto kurang jelas; ganti foto 3 dan 4.", **changes})


@dataclass
class MemoryRegister:
    """A register held in memory: each sync plans with the real planner and applies
    the plan's cell changes and history, as a backend would."""

    rows: list[dict[str, Any]]
    history: list[HistoryEntry] = field(default_factory=list)
    clock: datetime = DAY_H

    @classmethod
    def of(cls, *rows: dict[str, Any], clock: datetime = DAY_H) -> MemoryRegister:
        return cls([dict(r) for r in rows], clock=clock)

    def sync(self, *, now: datetime | None = None) -> Plan:
        result = plan(self.register_rows(), self.history, now or self.clock, WORKFLOW)
        for change in result.changes:
            self.rows[change.row - 2][change.column] = change.new
        self.history.extend(result.history)
        return result

    def report(self) -> list[tuple[object, ...]]:
        """The Rekap tables as a sync now would leave them (``sheetflow report``)."""
        planned = plan(self.register_rows(), self.history, self.clock, WORKFLOW)
        return recap(planned, [*self.history, *planned.history], WORKFLOW)

    def approval(self, number: str) -> bytes:
        """The printed approval sheet, as ``sheetflow print --persetujuan`` makes it now."""
        from sheetflow.api import SyncResult
        from sheetflow.paper import approval_pdf

        planned = plan(self.register_rows(), self.history, self.clock, WORKFLOW)
        result = SyncResult("memory", WORKFLOW, planned, self.clock, dry_run=True, history=tuple(self.history))
        return approval_pdf(result, number, office="", printed_at=self.clock)

    def register_rows(self) -> list[RegisterRow]:
        return [RegisterRow(i + 2, dict(values)) for i, values in enumerate(self.rows)]

    def edit(self, index: int, **changes: Any) -> None:
        self.rows[index].update(changes)

    def add_row(self, values: dict[str, Any]) -> None:
        self.rows.append(dict(values))

    def copy_row(self, index: int) -> None:
        self.rows.append(dict(self.rows[index]))

    def delete_row(self, index: int) -> None:
        del self.rows[index]

    def later(self, **delta: float) -> None:
        self.clock += timedelta(**delta)

    def status(self, index: int = 0) -> str:
        return self.rows[index].get("status")

    def notes(self, index: int = 0) -> str:
        return self.rows[index].get("notes") or ""

    def cell(self, key: str, index: int = 0) -> Any:
        return self.rows[index].get(key)

    def codes(self, index: int = 0) -> list[str]:
        number = self.rows[index]["register_no"]
        return [e.code for e in self.history if e.register_no == number]

    def logged(self, index: int = 0) -> list[tuple[str, str, str]]:
        """The row's history entries as (code, reason, archive)."""
        number = self.rows[index]["register_no"]
        return [(e.code, e.reason, e.archive) for e in self.history if e.register_no == number]
