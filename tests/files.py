"""Real register files for tests: made by `init`, filled by header with openpyxl as staff would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
from support import WORKFLOW

from sheetflow import api

HEADER = {c.key: c.header for c in WORKFLOW.columns}


def new_register(folder: Path, *rows: dict[str, Any], name: str = "register.xlsx") -> Path:
    path = api.init_register(folder / name)
    type_rows(path, rows)
    return path


def type_rows(path: Path, rows: tuple[dict[str, Any], ...] | list[dict[str, Any]], first: int = 2) -> None:
    """Write rows given by column key into the Register sheet, found by header."""
    book = openpyxl.load_workbook(path)
    sheet = book[WORKFLOW.sheets.register_]
    where = {cell.value: cell.column for cell in sheet[1]}
    for offset, row in enumerate(rows):
        for key, value in row.items():
            cell = sheet.cell(first + offset, where[HEADER[key]])
            cell.value = value  # sheet.cell(..., value=None) would leave the old value
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # typed as text ('=...), not as a formula
    book.save(path)


def read_rows(path: Path) -> list[dict[str, Any]]:
    """The Register sheet's rows below the header, by column key."""
    sheet = openpyxl.load_workbook(path)[WORKFLOW.sheets.register_]
    headers = [cell.value for cell in sheet[1]]
    keys = {c.header: c.key for c in WORKFLOW.columns}
    return [
        {keys[h]: v for h, v in zip(headers, values, strict=False) if h in keys}
        for values in sheet.iter_rows(min_row=2, values_only=True)
        if any(v is not None for v in values)
    ]


def sheet_values(path: Path, name: str) -> list[tuple[Any, ...]]:
    sheet = openpyxl.load_workbook(path)[name]
    return [row for row in sheet.iter_rows(values_only=True) if any(v is not None for v in row)]
