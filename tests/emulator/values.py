"""spreadsheets.values: get, batchGet, update, batchUpdate, append, clear, batchClear.

https://developers.google.com/sheets/api/guides/values and the ValueRange reference: "For output,
empty trailing rows and columns will not be included." "For input, supported value types are: bool,
string, and double. Null values will be skipped. To set a cell to an empty value, set the string
value to an empty string."
"""

from __future__ import annotations

from typing import Any

from . import a1
from .errors import ApiError, Invalid, grid_limits
from .locales import locale
from .model import Sheet, Spreadsheet, fresh, move_dimension
from .parsing import parse_input
from .render import render
from .requests_ import guard

Params = dict[str, list[str]]

_ENUMS = {
    "majorDimension": ("Dimension", ("ROWS", "COLUMNS")),
    "valueRenderOption": ("ValueRenderOption", ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA")),
    "responseValueRenderOption": ("ValueRenderOption", ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA")),
    "dateTimeRenderOption": ("DateTimeRenderOption", ("SERIAL_NUMBER", "FORMATTED_STRING")),
    "responseDateTimeRenderOption": ("DateTimeRenderOption", ("SERIAL_NUMBER", "FORMATTED_STRING")),
    "valueInputOption": ("ValueInputOption", ("RAW", "USER_ENTERED")),
    "insertDataOption": ("InsertDataOption", ("OVERWRITE", "INSERT_ROWS")),
}
_DEFAULTS = {
    "majorDimension": "ROWS",
    "valueRenderOption": "FORMATTED_VALUE",
    "responseValueRenderOption": "FORMATTED_VALUE",
    "dateTimeRenderOption": "SERIAL_NUMBER",
    "responseDateTimeRenderOption": "SERIAL_NUMBER",
    "insertDataOption": "OVERWRITE",
}


def option(source: Params | dict[str, Any], name: str) -> str | None:
    raw = source.get(name)
    value = raw[-1] if isinstance(raw, list) else raw
    if value is None:
        return _DEFAULTS.get(name)
    type_name, allowed = _ENUMS[name]
    if value not in allowed:
        snake = "".join("_" + ch.lower() if ch.isupper() else ch for ch in name)
        raise ApiError(
            400, f"Invalid value at '{snake}' (type.googleapis.com/google.apps.sheets.v4.{type_name}), \"{value}\""
        )
    return value


def _flag(params: Params | dict[str, Any], name: str) -> bool:
    raw = params.get(name)
    value = raw[-1] if isinstance(raw, list) else raw
    return value is True or str(value).lower() == "true"


def read(book: Spreadsheet, text: str, major: str, value_option: str, date_option: str) -> dict[str, Any]:
    sheet, bounds = book.resolve(text)
    r0, c0 = bounds.row0 or 0, bounds.col0 or 0
    if r0 >= sheet.rows or c0 >= sheet.columns:
        where = a1.format_cells(r0, r0 + 1, c0, c0 + 1)
        raise ApiError(400, grid_limits(sheet.title, where, sheet.rows, sheet.columns))
    return read_window(book, sheet, *bounds.clamp(sheet.rows, sheet.columns), major, value_option, date_option)


def read_window(
    book: Spreadsheet, sheet: Sheet, r0: int, r1: int, c0: int, c1: int, major: str, value_option: str, date_option: str
) -> dict[str, Any]:
    loc = locale(book.properties["locale"])
    found: dict[int, dict[int, Any]] = {}  # line -> position in it -> value
    rows = major == "ROWS"
    for (r, c), cell in sheet.window(r0, r1, c0, c1):
        value = render(cell, value_option, date_option, loc)
        if value != "":
            if rows:
                found.setdefault(r - r0, {})[c - c0] = value
            else:
                found.setdefault(c - c0, {})[r - r0] = value
    out: dict[str, Any] = {"range": a1.format_range(sheet.title, r0, r1, c0, c1), "majorDimension": major}
    if found:
        # Trailing empty lines and cells are left out; empty ones before a value are "".
        lines: list[list[Any]] = [[] for _ in range(max(found) + 1)]
        for i, cells in found.items():
            line = lines[i] = [""] * (max(cells) + 1)
            for j, value in cells.items():
                line[j] = value
        out["values"] = lines
    return out


def get(book: Spreadsheet, text: str, params: Params) -> dict[str, Any]:
    return read(
        book,
        text,
        option(params, "majorDimension"),
        option(params, "valueRenderOption"),
        option(params, "dateTimeRenderOption"),
    )


def batch_get(book: Spreadsheet, params: Params) -> dict[str, Any]:
    major, value_option = option(params, "majorDimension"), option(params, "valueRenderOption")
    date_option = option(params, "dateTimeRenderOption")
    out: dict[str, Any] = {"spreadsheetId": book.id}
    ranges = params.get("ranges", [])
    if ranges:
        out["valueRanges"] = [read(book, text, major, value_option, date_option) for text in ranges]
    return out


def _rows_of(body: dict[str, Any], major: str) -> list[list[Any]]:
    values = body.get("values") or []
    if major == "ROWS":
        return values
    height = max(map(len, values), default=0)
    return [[column[i] if i < len(column) else None for column in values] for i in range(height)]


def write(
    book: Spreadsheet,
    text: str,
    body: dict[str, Any],
    input_option: str,
    caller: str,
    *,
    at: tuple[int, int] | None = None,
) -> tuple[Sheet, dict[str, Any]]:
    """Write one ValueRange; returns the sheet and the UpdateValuesResponse (without spreadsheetId)."""
    sheet, bounds = book.resolve(text)
    rows = _rows_of(body, option(body, "majorDimension"))
    height, width = len(rows), max(map(len, rows), default=0)
    r0, c0 = at or (bounds.row0 or 0, bounds.col0 or 0)
    if at is None and not bounds.single_cell:
        # A one-cell range is only an anchor; a wider range bounds what may be written.
        if bounds.row1 is not None and r0 + height > bounds.row1:
            raise ApiError(400, f"Requested writing within range [{text}], but tried writing to row [{r0 + height}]")
        if bounds.col1 is not None and c0 + width > bounds.col1:
            column = a1.column_letters(c0 + width - 1)
            raise ApiError(400, f"Requested writing within range [{text}], but tried writing to column [{column}]")
    if height == 0 or width == 0:
        return sheet, {}
    sheet.grow(r0 + height, c0 + width)  # the values API adds rows and columns as needed
    try:
        book.check_size()
    except Invalid as exc:
        raise ApiError(400, str(exc)) from None
    guard(book, sheet, r0, r0 + height, c0, c0 + width, caller)
    loc = locale(book.properties["locale"])
    written = 0
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            if value is not None:
                store(sheet, r0 + i, c0 + j, value, input_option, loc)
                written += 1
    return sheet, {
        "updatedRange": a1.format_range(sheet.title, r0, r0 + height, c0, c0 + width),
        "updatedRows": height,
        "updatedColumns": width,
        "updatedCells": written,
    }


def store(sheet: Sheet, r: int, c: int, value: Any, input_option: str, loc: Any) -> None:
    cell = fresh(sheet.cells.get((r, c)))
    fmt = cell.get("userEnteredFormat", {}).get("numberFormat")
    entered, suggested = parse_input(value, input_option, loc, text_cell=bool(fmt and fmt.get("type") == "TEXT"))
    if entered is None:
        cell.pop("userEnteredValue", None)
    else:
        cell["userEnteredValue"] = entered
    if suggested and not fmt:
        # The UI formats a cell by what was typed into it only when the cell has no number format yet.
        cell.setdefault("userEnteredFormat", {})["numberFormat"] = suggested
    if cell:
        sheet.cells[(r, c)] = cell
    else:
        sheet.cells.pop((r, c), None)


def _with_data(book: Spreadsheet, sheet: Sheet, result: dict[str, Any], params: Params | dict[str, Any]) -> None:
    if result and _flag(params, "includeValuesInResponse"):
        _, bounds = book.resolve(result["updatedRange"])
        result["updatedData"] = read_window(
            book,
            sheet,
            *bounds.clamp(sheet.rows, sheet.columns),
            "ROWS",
            option(params, "responseValueRenderOption"),
            option(params, "responseDateTimeRenderOption"),
        )


def update(book: Spreadsheet, text: str, params: Params, body: dict[str, Any], caller: str) -> dict[str, Any]:
    input_option = option(params, "valueInputOption")
    if input_option is None:
        raise ApiError(400, "'valueInputOption' is required but not specified")
    sheet, result = write(book, text, body, input_option, caller)
    _with_data(book, sheet, result, params)
    return {"spreadsheetId": book.id, **result}


def batch_update(book: Spreadsheet, body: dict[str, Any], caller: str) -> dict[str, Any]:
    input_option = option(body, "valueInputOption")
    if input_option is None:
        raise ApiError(400, "Invalid valueInputOption: INPUT_VALUE_OPTION_UNSPECIFIED")
    responses, sheets = [], set()
    for value_range in body.get("data", []):
        sheet, result = write(book, value_range.get("range", ""), value_range, input_option, caller)
        _with_data(book, sheet, result, body)
        responses.append({"spreadsheetId": book.id, **result})
        if result:
            sheets.add(sheet.id)
    out: dict[str, Any] = {"spreadsheetId": book.id}
    totals = {
        "totalUpdatedRows": sum(r.get("updatedRows", 0) for r in responses),
        "totalUpdatedColumns": sum(r.get("updatedColumns", 0) for r in responses),
        "totalUpdatedCells": sum(r.get("updatedCells", 0) for r in responses),
        "totalUpdatedSheets": len(sheets),
    }
    out.update({k: v for k, v in totals.items() if v})
    if responses:
        out["responses"] = responses
    return out


def _find_table(sheet: Sheet, r0: int, r1: int, c0: int, c1: int) -> tuple[int, int, int, int] | None:
    """The first block of consecutive rows with values inside the window, and the columns they use."""
    used: dict[int, list[int]] = {}
    for (r, c), cell in sheet.cells.items():
        if r0 <= r < r1 and c0 <= c < c1 and cell.get("userEnteredValue"):
            used.setdefault(r, []).append(c)
    if not used:
        return None
    top = bottom = min(used)
    while bottom + 1 in used:
        bottom += 1
    columns = [c for r in range(top, bottom + 1) for c in used[r]]
    return top, bottom + 1, min(columns), max(columns) + 1


def append(book: Spreadsheet, text: str, params: Params, body: dict[str, Any], caller: str) -> dict[str, Any]:
    """ "The input range is used to search for existing data and find a "table" within that range. Values
    will be appended to the next row of the table, starting with the first column of the table." """
    input_option = option(params, "valueInputOption")
    if input_option is None:
        raise ApiError(400, "'valueInputOption' is required but not specified")
    insert = option(params, "insertDataOption") == "INSERT_ROWS"
    sheet, bounds = book.resolve(text)
    r0, r1, c0, c1 = bounds.clamp(sheet.rows, sheet.columns)
    if bounds.single_cell:
        r1, c1 = sheet.rows, sheet.columns
    table = _find_table(sheet, r0, r1, c0, c1)
    out: dict[str, Any] = {"spreadsheetId": book.id}
    if table is None:
        at = (r0, c0)
    else:
        out["tableRange"] = a1.format_range(sheet.title, *table)
        at = (table[1], table[2])
    height = len(_rows_of(body, option(body, "majorDimension")))
    if insert and height and at[0] < sheet.rows:
        move_dimension(book, sheet, "ROWS", at[0], height, inserting=True)
    sheet, result = write(book, text, body, input_option, caller, at=at)
    _with_data(book, sheet, result, params)
    out["updates"] = {"spreadsheetId": book.id, **result}
    return out


def clear(book: Spreadsheet, text: str, caller: str) -> str:
    """ "Only values are cleared -- all other properties of the cell (such as formatting, data validation,
    etc..) are kept." """
    sheet, bounds = book.resolve(text)
    r0, r1, c0, c1 = bounds.clamp(sheet.rows, sheet.columns)
    guard(book, sheet, r0, r1, c0, c1, caller)
    for (r, c), cell in list(sheet.cells.items()):
        if r0 <= r < r1 and c0 <= c < c1 and "userEnteredValue" in cell:
            kept = {key: value for key, value in cell.items() if key != "userEnteredValue"}
            if kept:
                sheet.cells[(r, c)] = kept
            else:
                del sheet.cells[(r, c)]
    return a1.format_range(sheet.title, r0, r1, c0, c1)


def clear_one(book: Spreadsheet, text: str, caller: str) -> dict[str, Any]:
    return {"spreadsheetId": book.id, "clearedRange": clear(book, text, caller)}


def batch_clear(book: Spreadsheet, body: dict[str, Any], caller: str) -> dict[str, Any]:
    cleared = [clear(book, text, caller) for text in body.get("ranges", [])]
    out: dict[str, Any] = {"spreadsheetId": book.id}
    if cleared:
        out["clearedRanges"] = cleared
    return out
