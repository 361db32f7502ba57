"""The same register on each backend, behind one small interface, so that the transition
tests run unchanged in memory, on an .xlsx file and on a Google Sheet (the emulator)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
from files import new_register, read_rows, sheet_values, type_rows
from support import DAY_H, WORKFLOW

from sheetflow import api, cells
from sheetflow.history_headers import HISTORY_HEADERS
from sheetflow.sync import Plan
from sheetflow.workflow import ColumnType

DATETIMES = {c.key for c in WORKFLOW.columns if c.type is ColumnType.DATETIME}
CODE = HISTORY_HEADERS.index("Kode")
NUMBER = HISTORY_HEADERS.index("No. Register")


class _Reading:
    """Reads shared by the file and sheet registers: rows as dicts by column key."""

    clock: datetime

    def rows(self) -> list[dict[str, Any]]:
        raise NotImplementedError

    def history_rows(self) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def later(self, **delta: float) -> None:
        self.clock += timedelta(**delta)

    def cell(self, key: str, index: int = 0) -> Any:
        value = self.rows()[index].get(key)
        return cells.parse_datetime(value) if key in DATETIMES and value is not None else value

    def status(self, index: int = 0) -> str:
        return self.cell("status", index)

    def notes(self, index: int = 0) -> str:
        return self.cell("notes", index) or ""

    def codes(self, index: int = 0) -> list[str]:
        number = self.cell("register_no", index)
        return [row[CODE] for row in self.history_rows() if row[NUMBER] == number]


@dataclass
class FileRegister(_Reading):
    path: Path
    clock: datetime = DAY_H

    def sync(self, *, now: datetime | None = None) -> Plan:
        return api.sync_register(self.path, now=now or self.clock).plan

    def rows(self) -> list[dict[str, Any]]:
        return read_rows(self.path)

    def history_rows(self) -> list[tuple[Any, ...]]:
        return sheet_values(self.path, WORKFLOW.sheets.history)[1:]

    def edit(self, index: int, **changes: Any) -> None:
        type_rows(self.path, [changes], first=index + 2)

    def add_row(self, values: dict[str, Any]) -> None:
        type_rows(self.path, [values], first=self._sheet().max_row + 1)

    def copy_row(self, index: int) -> None:
        book = openpyxl.load_workbook(self.path)
        sheet = book[WORKFLOW.sheets.register_]
        target = sheet.max_row + 1
        for cell in sheet[index + 2]:
            sheet.cell(target, cell.column, cell.value)
        book.save(self.path)

    def delete_row(self, index: int) -> None:
        book = openpyxl.load_workbook(self.path)
        book[WORKFLOW.sheets.register_].delete_rows(index + 2)
        book.save(self.path)

    def _sheet(self) -> Any:
        return openpyxl.load_workbook(self.path)[WORKFLOW.sheets.register_]


def file_register(folder: Path):
    counter = iter(range(10_000))

    def make(*rows: dict[str, Any], clock: datetime = DAY_H) -> FileRegister:
        return FileRegister(new_register(folder, *rows, name=f"register-{next(counter)}.xlsx"), clock)

    return make
