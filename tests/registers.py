"""The same register on each backend, behind one small interface, so that the transition
tests run unchanged in memory, on an .xlsx file and on a Google Sheet (the emulator)."""

from __future__ import annotations

import tempfile
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
LOGGED = tuple(HISTORY_HEADERS.index(h) for h in ("Kode", "Alasan", "Arsip"))


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

    def logged(self, index: int = 0) -> list[tuple[str, str, str]]:
        """The row's history entries as (code, reason, archive), as stored."""
        number = self.cell("register_no", index)
        return [tuple(row[i] or "" for i in LOGGED) for row in self.history_rows() if row[NUMBER] == number]


@dataclass
class FileRegister(_Reading):
    path: Path
    clock: datetime = DAY_H

    def sync(self, *, now: datetime | None = None) -> Plan:
        return api.sync_register(self.path, now=now or self.clock).plan

    def report(self) -> list[tuple[object, ...]]:
        return api.report_register(self.path, now=self.clock)

    def approval(self, number: str) -> bytes:
        return api.print_register(self.path, self.path.parent / "cetak", approval=number, now=self.clock).read_bytes()

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


@dataclass
class SheetRegister(_Reading):
    """The register on a Google Sheet served by the local Sheets API emulator."""

    emulator: Any
    spreadsheet_id: str
    connection: api.Connection
    clock: datetime = DAY_H

    @property
    def source(self) -> str:
        return f"gsheet:{self.spreadsheet_id}"

    def sync(self, *, now: datetime | None = None) -> Plan:
        return api.sync_register(self.source, now=now or self.clock, connection=self.connection).plan

    def report(self) -> list[tuple[object, ...]]:
        return api.report_register(self.source, now=self.clock, connection=self.connection)

    def approval(self, number: str) -> bytes:
        with tempfile.TemporaryDirectory() as folder:
            return api.print_register(self.source, folder, approval=number, now=self.clock,
                                      connection=self.connection).read_bytes()

    def rows(self) -> list[dict[str, Any]]:
        grid = self.emulator.grid(self.spreadsheet_id, WORKFLOW.sheets.register_)
        keys = [KEYS.get(h) for h in grid[0]]
        return [
            {k: v for k, v in zip(keys, row, strict=False) if k}
            for row in grid[1:]
            if any(v not in (None, "") for v in row)
        ]

    def history_rows(self) -> list[tuple[Any, ...]]:
        rows = self.emulator.grid(self.spreadsheet_id, WORKFLOW.sheets.history)[1:]
        return [tuple(row) + (None,) * (len(HISTORY_HEADERS) - len(row)) for row in rows]

    def edit(self, index: int, **changes: Any) -> None:
        for key, value in changes.items():
            self.type(index + 2, key, value)

    def type(self, row: int, key: str, value: Any) -> None:
        # A person typing: "" empties the cell, as pressing Delete does.
        column = COLUMNS.index(key)
        self.emulator.type(self.spreadsheet_id, WORKFLOW.sheets.register_, f"{_letter(column)}{row}",
                           "" if value is None else value)

    def add_row(self, values: dict[str, Any]) -> None:
        row = len(self.emulator.grid(self.spreadsheet_id, WORKFLOW.sheets.register_)) + 1
        for key, value in values.items():
            self.type(row, key, value)

    def copy_row(self, index: int) -> None:
        grid = self.emulator.grid(self.spreadsheet_id, WORKFLOW.sheets.register_)
        source = grid[index + 1]
        for column, value in enumerate(source):
            if value not in (None, ""):
                self.emulator.type(self.spreadsheet_id, WORKFLOW.sheets.register_,
                                   f"{_letter(column)}{len(grid) + 1}", value)

    def delete_row(self, index: int) -> None:
        self.emulator.delete_rows(self.spreadsheet_id, WORKFLOW.sheets.register_, index + 2)


COLUMNS = [c.key for c in WORKFLOW.columns]
KEYS = {c.header: c.key for c in WORKFLOW.columns}


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def register_rows(rows: tuple[dict[str, Any], ...]) -> list[list[Any]]:
    return [[c.header for c in WORKFLOW.columns], *([row.get(k) for k in COLUMNS] for row in rows)]


def sheet_register(emulator: Any, key: Path, account: str):
    connection = api.Connection(credentials=key, session=emulator.session, sleep=lambda seconds: None)

    def make(*rows: dict[str, Any], clock: datetime = DAY_H) -> SheetRegister:
        spreadsheet_id = emulator.create_spreadsheet(
            "Register",
            {WORKFLOW.sheets.register_: register_rows(rows), WORKFLOW.sheets.history: [list(HISTORY_HEADERS)],
             WORKFLOW.sheets.recap: []},
            shared_with=[account], locale="id_ID", time_zone=WORKFLOW.timezone,
        )
        return SheetRegister(emulator, spreadsheet_id, connection, clock)

    return make
