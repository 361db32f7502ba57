"""The Spreadsheet resource as spreadsheets.get and batchUpdate's updatedSpreadsheet return it.

https://developers.google.com/sheets/api/reference/rest/v4/spreadsheets — default and empty fields
are omitted (proto3 JSON), e.g. no "hidden" for a visible sheet, no "frozenRowCount" when 0.
"""

from __future__ import annotations

import copy
from typing import Any

from . import a1
from .locales import locale
from .model import DEFAULT_COLUMN_PIXELS, DEFAULT_ROW_PIXELS, Sheet, Spreadsheet, json_copy
from .render import formatted, number_format

DEFAULT_FORMAT: dict[str, Any] = {
    "backgroundColor": {"red": 1, "green": 1, "blue": 1},
    "padding": {"top": 2, "right": 3, "bottom": 2, "left": 3},
    "verticalAlignment": "BOTTOM",
    "wrapStrategy": "OVERFLOW_CELL",
    "textFormat": {
        "foregroundColor": {},
        "fontFamily": "arial,sans,sans-serif",
        "fontSize": 10,
        "bold": False,
        "italic": False,
        "strikethrough": False,
        "underline": False,
        "foregroundColorStyle": {"rgbColor": {}},
    },
    "backgroundColorStyle": {"rgbColor": {"red": 1, "green": 1, "blue": 1}},
}
_PASSED_THROUGH = ("dataValidation", "note", "hyperlink", "textFormatRuns")


def spreadsheet_resource(
    book: Spreadsheet, caller: str, *, grid: bool = False, ranges: list[str] | None = None
) -> dict[str, Any]:
    if ranges:
        chosen: dict[int, list[a1.Bounds]] = {}
        for text in ranges:
            sheet, bounds = book.resolve(text)
            chosen.setdefault(sheet.id, []).append(bounds)
        selected = [(sheet, chosen[sheet.id]) for sheet in book.sheets if sheet.id in chosen]
    else:
        selected = [(sheet, [a1.Bounds()]) for sheet in book.sheets]
    out: dict[str, Any] = {
        "spreadsheetId": book.id,
        "properties": copy.deepcopy(book.properties),
        "sheets": [sheet_resource(book, sheet, caller, bounds if grid else None) for sheet, bounds in selected],
    }
    top_level = [m for m in book.developer_metadata if m["location"]["locationType"] == "SPREADSHEET"]
    if top_level:
        out["developerMetadata"] = copy.deepcopy(top_level)
    out["spreadsheetUrl"] = f"https://docs.google.com/spreadsheets/d/{book.id}/edit"
    return out


def sheet_resource(book: Spreadsheet, sheet: Sheet, caller: str, grid: list[a1.Bounds] | None) -> dict[str, Any]:
    out: dict[str, Any] = {"properties": copy.deepcopy(sheet.properties)}
    if grid is not None:
        out["data"] = [grid_data(book, sheet, *bounds.clamp(sheet.rows, sheet.columns)) for bounds in grid]
    if sheet.merges:
        out["merges"] = copy.deepcopy(sheet.merges)
    if sheet.charts:
        out["charts"] = copy.deepcopy(sheet.charts)
    if sheet.conditional_formats:
        out["conditionalFormats"] = copy.deepcopy(sheet.conditional_formats)
    if sheet.filter_views:
        out["filterViews"] = copy.deepcopy(sheet.filter_views)
    if sheet.protected_ranges:
        out["protectedRanges"] = [_protected_view(book, p, caller) for p in sheet.protected_ranges]
    if sheet.basic_filter:
        out["basicFilter"] = copy.deepcopy(sheet.basic_filter)
    own = [
        m
        for m in book.developer_metadata
        if m["location"]["locationType"] == "SHEET" and m["location"]["sheetId"] == sheet.id
    ]
    if own:
        out["developerMetadata"] = copy.deepcopy(own)
    return out


def can_edit(book: Spreadsheet, protected: dict[str, Any], caller: str) -> bool:
    if protected.get("warningOnly") or caller == book.owner:
        return True
    editors = protected.get("editors", {})
    return caller in editors.get("users", []) or bool(editors.get("domainUsersCanEdit"))


def _protected_view(book: Spreadsheet, protected: dict[str, Any], caller: str) -> dict[str, Any]:
    view = copy.deepcopy(protected)
    view["requestingUserCanEdit"] = can_edit(book, protected, caller)
    # "This field is only visible to users with edit access to the protected range and the document."
    if not view["requestingUserCanEdit"]:
        view.pop("editors", None)
    return view


def cell_data(cell: dict[str, Any] | None, book: Spreadsheet) -> dict[str, Any]:
    if not cell:
        return {}
    out: dict[str, Any] = {}
    entered = cell.get("userEnteredValue")
    if entered:
        out["userEnteredValue"] = json_copy(entered)
        if "formulaValue" not in entered:
            out["effectiveValue"] = json_copy(entered)
        # Limitation: formulas are not evaluated; their formatted value is the formula text.
        out["formattedValue"] = formatted(entered, number_format(cell), locale(book.properties["locale"]))
    if "userEnteredFormat" in cell:
        out["userEnteredFormat"] = json_copy(cell["userEnteredFormat"])
    if entered or "userEnteredFormat" in cell:
        out["effectiveFormat"] = _merged(
            book.properties.get("defaultFormat", DEFAULT_FORMAT), cell.get("userEnteredFormat", {})
        )
    for key in _PASSED_THROUGH:
        if key in cell:
            out[key] = json_copy(cell[key])
    return out


def _merged(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = json_copy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merged(out[key], value)
        else:
            out[key] = json_copy(value)
    return out


def grid_data(book: Spreadsheet, sheet: Sheet, r0: int, r1: int, c0: int, c1: int) -> dict[str, Any]:
    """GridData for a window: rowData stops at the last row with content, each row at its last cell."""
    rows: dict[int, dict[int, dict[str, Any]]] = {}
    for (r, c), cell in sheet.window(r0, r1, c0, c1):
        rendered = cell_data(cell, book)
        if rendered:
            rows.setdefault(r, {})[c] = rendered
    out: dict[str, Any] = {}
    if r0:
        out["startRow"] = r0
    if c0:
        out["startColumn"] = c0
    if rows:
        row_data = []
        for r in range(r0, max(rows) + 1):
            cells = rows.get(r)
            row_data.append({"values": [cells.get(c, {}) for c in range(c0, max(cells) + 1)]} if cells else {})
        out["rowData"] = row_data
    out["rowMetadata"] = [_dimension(book, sheet, "ROWS", r) for r in range(r0, r1)]
    out["columnMetadata"] = [_dimension(book, sheet, "COLUMNS", c) for c in range(c0, c1)]
    return out


def _dimension(book: Spreadsheet, sheet: Sheet, dimension: str, index: int) -> dict[str, Any]:
    stored = (sheet.row_properties if dimension == "ROWS" else sheet.column_properties).get(index, {})
    default = DEFAULT_ROW_PIXELS if dimension == "ROWS" else DEFAULT_COLUMN_PIXELS
    out = {"pixelSize": default, **copy.deepcopy(stored)}
    metadata = [
        copy.deepcopy(m)
        for m in book.developer_metadata
        if (rng := m["location"].get("dimensionRange"))
        and rng.get("sheetId", 0) == sheet.id
        and rng["dimension"] == dimension
        and rng["startIndex"] == index
    ]
    if metadata:
        out["developerMetadata"] = metadata
    return out
