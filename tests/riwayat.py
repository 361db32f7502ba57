"""Riwayat and Rekap as people change them, on an .xlsx file or a Google Sheet: sorted,
renamed, deleted, cut short, given a second column of the same name."""

from __future__ import annotations

from typing import Any

import openpyxl
import pytest
from registers import FileRegister, SheetRegister, _letter
from support import WORKFLOW, approved, handed_over, rejected, reviewed

from sheetflow import api, cells
from sheetflow.history_headers import HISTORY_HEADERS


def on_a_backend(register: Any) -> None:
    if not isinstance(register, FileRegister | SheetRegister):
        pytest.skip("a register in memory has no sheets to change")


def verify(register: Any) -> api.Verification:
    if isinstance(register, FileRegister):
        return api.verify_register(register.path)
    return api.verify_register(register.source, connection=register.connection)


def snapshot(register: Any) -> tuple[Any, ...]:
    """What a sync could write: the register's rows and the history."""
    if isinstance(register, FileRegister | SheetRegister):
        return register.rows(), register.history_rows()
    return [dict(r) for r in register.rows], list(register.history)


HISTORY = WORKFLOW.sheets.history
RECAP = WORKFLOW.sheets.recap
COLUMN = {header: index for index, header in enumerate(HISTORY_HEADERS)}


def _edit_book(register: FileRegister, change: Any) -> None:
    book = openpyxl.load_workbook(register.path)
    change(book)
    book.save(register.path)


def sort_history(register: Any, header: str, *, descending: bool = False) -> None:
    """Someone sorts Riwayat's rows by one column (both programs sort stably)."""
    on_a_backend(register)
    column = COLUMN[header]
    if isinstance(register, SheetRegister):
        register.emulator.sort_rows(register.spreadsheet_id, HISTORY, column, descending=descending)
        return

    def change(book: Any) -> None:
        sheet = book[HISTORY]
        rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
        rows = [row for row in rows if any(v is not None for v in row)]
        rows.sort(key=lambda row: "" if row[column] is None else cells.text(row[column]), reverse=descending)
        for r, row in enumerate(rows, start=2):
            for c, value in enumerate(row, start=1):
                sheet.cell(r, c).value = value

    _edit_book(register, change)


def edit_history(register: Any, row: int, header: str, value: Any) -> None:
    on_a_backend(register)
    if isinstance(register, SheetRegister):
        cell = f"{_letter(COLUMN[header])}{row}"
        register.emulator.type(register.spreadsheet_id, HISTORY, cell, value)
        return
    _edit_book(register, lambda book: setattr(book[HISTORY].cell(row, COLUMN[header] + 1), "value", value))


def delete_rows(register: Any, sheet: str, first: int, count: int = 1) -> None:
    on_a_backend(register)
    if isinstance(register, SheetRegister):
        register.emulator.delete_rows(register.spreadsheet_id, sheet, first, count)
        return
    _edit_book(register, lambda book: book[sheet].delete_rows(first, count))


def rename_sheet(register: Any, sheet: str, title: str) -> None:
    on_a_backend(register)
    if isinstance(register, SheetRegister):
        register.emulator.edit(register.spreadsheet_id, sheet, "updateSheetProperties",
                               lambda s: {"properties": {"sheetId": s.id, "title": title}, "fields": "title"})
        return
    _edit_book(register, lambda book: setattr(book[sheet], "title", title))


def delete_sheet(register: Any, sheet: str) -> None:
    on_a_backend(register)
    if isinstance(register, SheetRegister):
        register.emulator.edit(register.spreadsheet_id, sheet, "deleteSheet", lambda s: {"sheetId": s.id})
        return
    _edit_book(register, lambda book: book.remove(book[sheet]))


def recap_rows(register: Any) -> list[list[Any]]:
    if isinstance(register, SheetRegister):
        return register.emulator.grid(register.spreadsheet_id, RECAP)
    return [list(row) for row in openpyxl.load_workbook(register.path)[RECAP].iter_rows(values_only=True)]


def several_syncs(register_of: Any) -> Any:
    """Rows that moved over three syncs: several statuses, several steps in one sync."""
    register = register_of(handed_over(activity_name="Alpha"), rejected(activity_name="Bravo"),
                           approved(activity_name="Charlie"), reviewed(activity_name="Delta"))
    on_a_backend(register)
    register.sync()
    register.edit(3, decision="TOLAK", response="Foto buram.")
    register.edit(0, reviewer="Sri Lestari")
    register.later(hours=2)
    register.sync()
    register.edit(2, upload_links="https://www.instagram.com/p/abc/")
    register.later(hours=2)
    register.sync()
    return register


def add_history_header(register: Any, header: str) -> None:
    """Someone adds a column to Riwayat under a header it already has."""
    column = len(HISTORY_HEADERS) + 1
    if isinstance(register, SheetRegister):
        register.emulator.type(register.spreadsheet_id, HISTORY, f"{_letter(column - 1)}1", header)
    else:
        _edit_book(register, lambda book: setattr(book[HISTORY].cell(1, column), "value", header))


def cut_the_end(register: Any) -> None:
    """Delta is handed over again; then its row and the history rows that sync wrote are
    deleted: what remains is a chain without a break, and no Status it does not support."""
    register.edit(3, handover="Ya", response=None)
    register.later(hours=1)
    register.sync()
    number = register.cell("register_no", 3)
    rows = register.history_rows()
    last = len(rows)
    while rows[last - 1][COLUMN["No. Register"]] == number:
        last -= 1
    assert last < len(rows)
    delete_rows(register, HISTORY, last + 2, len(rows) - last)
    register.delete_row(3)


def seal_row(register: Any) -> int:
    (row,) = [i for i, values in enumerate(recap_rows(register), start=1) if values and values[0] == "Segel Riwayat"]
    return row


# Sorts staff make: newest first, and by columns that mix the order of one sync's rows.
SORTS = [("Waktu", True), ("No. Register", False), ("Ke", False), ("Nama", True), ("Rantai", False)]
SORT_IDS = [f"{header}-{'desc' if descending else 'asc'}" for header, descending in SORTS]
