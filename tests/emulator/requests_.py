"""spreadsheets.batchUpdate request kinds.

https://developers.google.com/sheets/api/guides/batchupdate — "if any request is not valid, the
entire update will fail and none of the (potentially dependent) changes are applied." The caller
applies `apply_requests` to a deep copy and commits only when it returns.
"""

from __future__ import annotations

import copy
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import a1, fieldmask, metadata
from .errors import PROTECTED, ApiError, Invalid, grid_limits
from .model import Sheet, Spreadsheet, bounds_of, fresh, move_dimension, sort_range
from .parsing import check_extended_value
from .resource import can_edit

CELL_FIELDS = ("userEnteredValue", "userEnteredFormat", "dataValidation", "note", "textFormatRuns", "hyperlink")
SHEET_FIELDS = ("title", "index", "gridProperties", "hidden", "tabColor", "tabColorStyle", "rightToLeft")
SPREADSHEET_FIELDS = ("title", "locale", "autoRecalc", "timeZone", "defaultFormat", "iterativeCalculationSettings")
PROTECTED_FIELDS = ("range", "namedRangeId", "description", "warningOnly", "unprotectedRanges", "editors")
DIMENSION_FIELDS = ("hiddenByUser", "pixelSize")
MERGE_CONFLICT = "You must select all cells in a merged range to merge or unmerge them."


class NotEmulated(Exception):
    """A request kind Google knows but the emulator does not implement: a gap in the emulator, not a 400."""


@dataclass
class Context:
    caller: str
    rng: random.Random


def guard(book: Spreadsheet, sheet: Sheet, r0: int, r1: int, c0: int, c1: int, caller: str) -> None:
    """Refuse edits inside a protected range the caller may not edit (warning-only ranges only warn in the UI)."""
    for protected in sheet.protected_ranges:
        if "range" not in protected or can_edit(book, protected, caller):
            continue
        p0, p1, q0, q1 = bounds_of(protected["range"], sheet)
        if r0 >= p1 or p0 >= r1 or c0 >= q1 or q0 >= c1:
            continue
        free = [bounds_of(u, sheet) for u in protected.get("unprotectedRanges", [])]
        if any(u0 <= r0 and r1 <= u1 and v0 <= c0 and c1 <= v1 for u0, u1, v0, v1 in free):
            continue
        raise ApiError(400, PROTECTED)


def grid_range(book: Spreadsheet, rng: dict[str, Any]) -> tuple[Sheet, int, int, int, int]:
    sheet = book.sheet(rng.get("sheetId", 0))
    r0, r1, c0, c1 = bounds_of(rng, sheet)
    check_in_grid(sheet, r0, r1, c0, c1)
    if r1 < r0 or c1 < c0:
        raise Invalid("Invalid range: end index must not be smaller than start index.")
    return sheet, r0, r1, c0, c1


def check_in_grid(sheet: Sheet, r0: int, r1: int, c0: int, c1: int) -> None:
    if r1 > sheet.rows or c1 > sheet.columns or r0 < 0 or c0 < 0:
        where = a1.format_cells(r0, max(r1, r0 + 1), c0, max(c1, c0 + 1))
        raise Invalid(grid_limits(sheet.title, where, sheet.rows, sheet.columns))


def _mask(body: dict[str, Any]) -> list[list[str]]:
    text = body.get("fields", "")
    if not text:
        raise Invalid("At least one field must be updated, but none were specified.")
    try:
        return fieldmask.paths(text)
    except fieldmask.MaskError:
        raise Invalid(f"Invalid field mask: {text}") from None


def _write_cell(sheet: Sheet, r: int, c: int, data: dict[str, Any], mask: list[list[str]]) -> None:
    if "userEnteredValue" in data:
        check_extended_value(data["userEnteredValue"])
    cell = fresh(sheet.cells.get((r, c)))
    fieldmask.apply(cell, data, mask, CELL_FIELDS)
    if any(cell.get(key) for key in CELL_FIELDS):
        sheet.cells[(r, c)] = cell
    else:
        sheet.cells.pop((r, c), None)


def update_cells(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> None:
    mask = _mask(body)
    rows = [row.get("values", []) for row in body.get("rows", [])]
    if "start" in body:
        start = body["start"]
        sheet = book.sheet(start.get("sheetId", 0))
        r0, c0 = start.get("rowIndex", 0), start.get("columnIndex", 0)
        r1, c1 = r0 + len(rows), c0 + max(map(len, rows), default=0)
        check_in_grid(sheet, r0, r1, c0, c1)
        guard(book, sheet, r0, r1, c0, c1, ctx.caller)
        for i, row in enumerate(rows):
            for j, data in enumerate(row):
                _write_cell(sheet, r0 + i, c0 + j, data, mask)
        return
    if "range" not in body:
        raise Invalid("Either start or range must be specified.")
    sheet, r0, r1, c0, c1 = grid_range(book, body["range"])
    guard(book, sheet, r0, r1, c0, c1, ctx.caller)
    for i, row in enumerate(rows[: r1 - r0]):
        for j, data in enumerate(row[: c1 - c0]):
            _write_cell(sheet, r0 + i, c0 + j, data, mask)
    # Cells of the range that the rows do not reach are cleared for the masked fields; only a
    # stored cell has anything to clear.
    given = {(r0 + i, c0 + j) for i, row in enumerate(rows[: r1 - r0]) for j in range(min(len(row), c1 - c0))}
    for key in [key for key, _ in sheet.window(r0, r1, c0, c1) if key not in given]:
        _write_cell(sheet, *key, {}, mask)


def append_cells(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> None:
    mask = _mask(body)
    sheet = book.sheet(body.get("sheetId", 0))
    rows = [row.get("values", []) for row in body.get("rows", [])]
    # "Appends new cells after the last row with data in a sheet, inserting new rows into the sheet if necessary."
    r0 = sheet.rows_with_data()
    width = max(map(len, rows), default=0)
    check_in_grid(sheet, 0, 0, 0, width)
    sheet.grow(r0 + len(rows), 0)
    guard(book, sheet, r0, r0 + len(rows), 0, width, ctx.caller)
    for i, row in enumerate(rows):
        for j, data in enumerate(row):
            _write_cell(sheet, r0 + i, j, data, mask)


def repeat_cell(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> None:
    mask = _mask(body)
    sheet, r0, r1, c0, c1 = grid_range(book, body.get("range", {}))
    guard(book, sheet, r0, r1, c0, c1, ctx.caller)
    for r in range(r0, r1):
        for c in range(c0, c1):
            _write_cell(sheet, r, c, body.get("cell", {}), mask)


def _check_title(book: Spreadsheet, title: str, sheet: Sheet | None = None) -> None:
    if not title.strip():
        raise Invalid("Sheet names must not be empty.")
    same = book.sheet_titled(title)
    if same is not None and same is not sheet:
        raise Invalid(f'A sheet with the name "{title}" already exists. Please enter another name.')


def new_sheet_id(book: Spreadsheet, rng: random.Random) -> int:
    taken = {s.id for s in book.sheets}
    while (candidate := rng.randrange(1, 2**31 - 1)) in taken:
        pass
    return candidate


def add_sheet(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    props = copy.deepcopy(body.get("properties", {}))
    if "sheetId" in props:
        if props["sheetId"] < 0 or any(s.id == props["sheetId"] for s in book.sheets):
            raise Invalid(f"A sheet with id {props['sheetId']} already exists.")
    else:
        props["sheetId"] = new_sheet_id(book, ctx.rng)
    if "title" not in props:
        n = len(book.sheets) + 1
        while book.sheet_titled(f"Sheet{n}"):
            n += 1
        props["title"] = f"Sheet{n}"
    _check_title(book, props["title"])
    props["index"] = index = props.get("index", len(book.sheets))
    props.setdefault("sheetType", "GRID")
    props["gridProperties"] = {"rowCount": 1000, "columnCount": 26, **props.get("gridProperties", {})}
    book.sheets.insert(min(index, len(book.sheets)), Sheet(_ordered(props)))
    book.reindex()
    return {"addSheet": {"properties": copy.deepcopy(book.sheet(props["sheetId"]).properties)}}


def _ordered(props: dict[str, Any]) -> dict[str, Any]:
    order = ("sheetId", "title", "index", "sheetType", "gridProperties", "hidden", "tabColor", "tabColorStyle")
    props = {k: props[k] for k in order if k in props} | {k: v for k, v in props.items() if k not in order}
    grid = props["gridProperties"]
    for key in ("frozenRowCount", "frozenColumnCount"):
        if not grid.get(key):
            grid.pop(key, None)
    if not props.get("hidden"):
        props.pop("hidden", None)
    return props


def delete_sheet(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> None:
    sheet = book.sheet(body.get("sheetId", 0))
    if len(book.sheets) == 1:
        raise Invalid("You can't remove all the sheets in a document.")
    book.sheets.remove(sheet)
    book.developer_metadata = [
        m
        for m in book.developer_metadata
        if m["location"].get("sheetId", m["location"].get("dimensionRange", {}).get("sheetId")) != sheet.id
    ]
    book.reindex()


def update_sheet_properties(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> None:
    given = body.get("properties", {})
    sheet = book.sheet(given.get("sheetId", 0))
    mask = _mask(body)
    wanted = copy.deepcopy(sheet.properties)
    fieldmask.apply(wanted, given, mask, SHEET_FIELDS)
    wanted["sheetId"], wanted["sheetType"] = sheet.id, sheet.properties["sheetType"]
    wanted.setdefault("title", sheet.title)
    wanted.setdefault("index", sheet.properties["index"])
    grid = {"rowCount": sheet.rows, "columnCount": sheet.columns, **wanted.get("gridProperties", {})}
    wanted["gridProperties"] = grid
    _check_title(book, wanted["title"], sheet)
    if grid["rowCount"] < 1 or grid["columnCount"] < 1:
        raise Invalid("Sheets must have at least one row and one column.")
    if grid.get("frozenRowCount", 0) >= grid["rowCount"] or grid.get("frozenColumnCount", 0) >= grid["columnCount"]:
        raise Invalid("You can't freeze all visible rows on the sheet.")
    if wanted.get("hidden") and all(s.properties.get("hidden") or s is sheet for s in book.sheets):
        raise Invalid("You can't hide all the sheets in a document.")
    rows, columns = grid["rowCount"], grid["columnCount"]
    grid.update(rowCount=sheet.rows, columnCount=sheet.columns)
    sheet.properties = _ordered(wanted)
    # Shrinking the grid deletes the rows/columns beyond it, with everything anchored to them.
    for dimension, size, current in (("ROWS", rows, sheet.rows), ("COLUMNS", columns, sheet.columns)):
        if size < current:
            move_dimension(book, sheet, dimension, size, current - size, inserting=False)
    sheet.grow(rows, columns)
    index = min(wanted["index"], len(book.sheets) - 1)
    book.sheets.remove(sheet)
    book.sheets.insert(index, sheet)
    book.reindex()


def update_spreadsheet_properties(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> None:
    mask = _mask(body)
    wanted = copy.deepcopy(book.properties)
    fieldmask.apply(wanted, body.get("properties", {}), mask, SPREADSHEET_FIELDS)
    for key in ("title", "locale", "timeZone", "autoRecalc", "defaultFormat"):
        wanted.setdefault(key, book.properties[key])
    book.properties = wanted


def set_data_validation(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> None:
    sheet, r0, r1, c0, c1 = grid_range(book, body.get("range", {}))
    rule = body.get("rule")
    if rule is not None and "type" not in rule.get("condition", {}):
        raise Invalid("A data validation rule must have a condition type.")
    guard(book, sheet, r0, r1, c0, c1, ctx.caller)
    for r in range(r0, r1):
        for c in range(c0, c1):
            _write_cell(sheet, r, c, {"dataValidation": rule} if rule else {}, [["dataValidation"]])


def _rule_sheet(book: Spreadsheet, rule: dict[str, Any]) -> Sheet:
    ranges = rule.get("ranges") or []
    if not ranges:
        raise Invalid("Conditional format rules must have at least one range.")
    if len({r.get("sheetId", 0) for r in ranges}) > 1:
        raise Invalid("All ranges of a conditional format rule must be on the same sheet.")
    if ("booleanRule" in rule) == ("gradientRule" in rule):
        raise Invalid("A conditional format rule must have exactly one of booleanRule or gradientRule.")
    for rng in ranges:
        grid_range(book, rng)
    return book.sheet(ranges[0].get("sheetId", 0))


def add_conditional_format_rule(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> None:
    rule = copy.deepcopy(body.get("rule", {}))
    sheet = _rule_sheet(book, rule)
    index = body.get("index", 0)
    if not 0 <= index <= len(sheet.conditional_formats):
        raise Invalid(f"Invalid index: {index}")
    sheet.conditional_formats.insert(index, rule)


def _rule_at(book: Spreadsheet, body: dict[str, Any]) -> tuple[Sheet, int]:
    sheet = book.sheet(body.get("sheetId", 0))
    index = body.get("index", 0)
    if not 0 <= index < len(sheet.conditional_formats):
        raise Invalid(f"No conditional format on sheet: {sheet.id} at index: {index}")
    return sheet, index


def update_conditional_format_rule(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    sheet, index = _rule_at(book, body)
    old = sheet.conditional_formats[index]
    if "rule" in body:
        rule = copy.deepcopy(body["rule"])
        if _rule_sheet(book, rule) is not sheet:
            raise Invalid("A conditional format rule cannot move to another sheet.")
        sheet.conditional_formats[index] = rule
        return {"updateConditionalFormatRule": {"newRule": rule, "newIndex": index, "oldRule": old}}
    new_index = body.get("newIndex", 0)
    if not 0 <= new_index < len(sheet.conditional_formats):
        raise Invalid(f"Invalid newIndex: {new_index}")
    sheet.conditional_formats.insert(new_index, sheet.conditional_formats.pop(index))
    return {"updateConditionalFormatRule": {"newRule": old, "newIndex": new_index, "oldIndex": index}}


def delete_conditional_format_rule(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    sheet, index = _rule_at(book, body)
    return {"deleteConditionalFormatRule": {"rule": sheet.conditional_formats.pop(index)}}


def _protected(book: Spreadsheet, protected_id: Any) -> tuple[Sheet, dict[str, Any]]:
    for sheet in book.sheets:
        for protected in sheet.protected_ranges:
            if protected["protectedRangeId"] == protected_id:
                return sheet, protected
    raise Invalid(f"No protected range with id: {protected_id}")


def _check_protected(book: Spreadsheet, protected: dict[str, Any]) -> Sheet:
    if "namedRangeId" in protected:
        raise NotEmulated("protected ranges on named ranges")
    if "range" not in protected:
        raise Invalid("A protected range must have a range.")
    if protected.get("warningOnly") and protected.get("editors"):
        raise Invalid("Warning-only protected ranges cannot have editors.")
    sheet = grid_range(book, protected["range"])[0]
    for rng in protected.get("unprotectedRanges", []):
        grid_range(book, rng)
    return sheet


def add_protected_range(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    protected = copy.deepcopy(body.get("protectedRange", {}))
    protected.pop("requestingUserCanEdit", None)
    sheet = _check_protected(book, protected)
    taken = {p["protectedRangeId"] for s in book.sheets for p in s.protected_ranges}
    if protected.get("protectedRangeId") in taken:
        raise Invalid(f"A protected range with id {protected['protectedRangeId']} already exists.")
    protected.setdefault("protectedRangeId", ctx.rng.randrange(10**8, 2**31 - 1))
    if not protected.get("warningOnly"):
        # The document's owner and the requesting user stay editors of a range they protect.
        users = set(protected.get("editors", {}).get("users", [])) | {book.owner, ctx.caller}
        protected["editors"] = {**protected.get("editors", {}), "users": sorted(users)}
    sheet.protected_ranges.append(protected)
    return {"addProtectedRange": {"protectedRange": {**copy.deepcopy(protected), "requestingUserCanEdit": True}}}


def update_protected_range(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> None:
    given = body.get("protectedRange", {})
    sheet, protected = _protected(book, given.get("protectedRangeId"))
    if not can_edit(book, protected, ctx.caller):
        raise ApiError(400, PROTECTED)
    wanted = copy.deepcopy(protected)
    fieldmask.apply(wanted, given, _mask(body), PROTECTED_FIELDS)
    target = _check_protected(book, wanted)
    sheet.protected_ranges.remove(protected)
    target.protected_ranges.append(wanted)


def delete_protected_range(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> None:
    sheet, protected = _protected(book, body.get("protectedRangeId"))
    if not can_edit(book, protected, ctx.caller):
        raise ApiError(400, PROTECTED)
    sheet.protected_ranges.remove(protected)


def set_basic_filter(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> None:
    spec = copy.deepcopy(body.get("filter", {}))
    sheet = grid_range(book, spec.get("range", {}))[0]
    spec["range"] = {"sheetId": sheet.id, **spec.get("range", {})}
    sheet.basic_filter = spec


def clear_basic_filter(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> None:
    book.sheet(body.get("sheetId", 0)).basic_filter = None


def add_filter_view(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    view = copy.deepcopy(body.get("filter", {}))
    sheet = grid_range(book, view.get("range", {}))[0]
    view.setdefault("filterViewId", ctx.rng.randrange(10**8, 2**31 - 1))
    sheet.filter_views.append(view)
    return {"addFilterView": {"filter": copy.deepcopy(view)}}


def add_chart(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    # https://developers.google.com/sheets/api/reference/rest/v4/spreadsheets/charts#EmbeddedChart:
    # a chart sits on the sheet of its anchor cell; chartId is assigned when not given.
    chart = copy.deepcopy(body.get("chart", {}))
    spec = chart.get("spec", {})
    if not any(kind in spec for kind in ("basicChart", "pieChart", "histogramChart")):
        raise Invalid("chart.spec must set a chart type, e.g. basicChart.")
    anchor = chart.get("position", {}).get("overlayPosition", {}).get("anchorCell")
    if anchor is None:
        raise Invalid("chart.position.overlayPosition.anchorCell is required by this emulator.")
    sheet = book.sheet(anchor.get("sheetId", 0))
    taken = {c["chartId"] for s in book.sheets for c in s.charts}
    chart.setdefault("chartId", ctx.rng.randrange(10**8, 2**31 - 1))
    if chart["chartId"] in taken:
        raise Invalid(f"Chart ID {chart['chartId']} is already in use.")
    sheet.charts.append(chart)
    return {"addChart": {"chart": copy.deepcopy(chart)}}


def _dimension_range(book: Spreadsheet, rng: dict[str, Any], *, inserting: bool = False) -> tuple[Sheet, str, int, int]:
    sheet = book.sheet(rng.get("sheetId", 0))
    dimension = rng.get("dimension")
    if dimension not in ("ROWS", "COLUMNS"):
        raise Invalid("range.dimension must be ROWS or COLUMNS.")
    size = sheet.rows if dimension == "ROWS" else sheet.columns
    start, end = rng.get("startIndex", 0), rng.get("endIndex", size)
    if not 0 <= start < end or (not inserting and end > size) or (inserting and start > size):
        raise Invalid(f"Invalid dimension range: {start}..{end} on a sheet with {size} {dimension.lower()}.")
    return sheet, dimension, start, end


def insert_dimension(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> None:
    sheet, dimension, start, end = _dimension_range(book, body.get("range", {}), inserting=True)
    move_dimension(book, sheet, dimension, start, end - start, inserting=True)
    # "True to inherit from the dimensions before ... false to inherit from the dimensions after."
    source = start - 1 if body.get("inheritFromBefore") else end
    if 0 <= source < (sheet.rows if dimension == "ROWS" else sheet.columns):
        _inherit(sheet, dimension, source, range(start, end))


def _inherit(sheet: Sheet, dimension: str, source: int, targets: range) -> None:
    """New rows/columns take the formatting and validation of their neighbour (inheritFromBefore)."""
    axis = 0 if dimension == "ROWS" else 1
    pattern = {key[1 - axis]: cell for key, cell in sheet.cells.items() if key[axis] == source}
    for other, cell in pattern.items():
        inherited = {k: copy.deepcopy(cell[k]) for k in ("userEnteredFormat", "dataValidation") if k in cell}
        for target in targets:
            if inherited:
                sheet.cells[(target, other) if axis == 0 else (other, target)] = copy.deepcopy(inherited)


def delete_dimension(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> None:
    sheet, dimension, start, end = _dimension_range(book, body.get("range", {}))
    size = sheet.rows if dimension == "ROWS" else sheet.columns
    if end - start >= size:
        raise Invalid(f"You can't delete all the {dimension.lower()} on the sheet.")
    if dimension == "ROWS":
        guard(book, sheet, start, end, 0, sheet.columns, ctx.caller)
    else:
        guard(book, sheet, 0, sheet.rows, start, end, ctx.caller)
    move_dimension(book, sheet, dimension, start, end - start, inserting=False)


def append_dimension(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> None:
    sheet = book.sheet(body.get("sheetId", 0))
    length = body.get("length", 0)
    if length < 1:
        raise Invalid("length must be greater than zero.")
    if body.get("dimension") == "ROWS":
        sheet.grow(sheet.rows + length, 0)
    elif body.get("dimension") == "COLUMNS":
        sheet.grow(0, sheet.columns + length)
    else:
        raise Invalid("dimension must be ROWS or COLUMNS.")


def update_dimension_properties(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> None:
    sheet, dimension, start, end = _dimension_range(book, body.get("range", {}))
    mask = _mask(body)
    store = sheet.row_properties if dimension == "ROWS" else sheet.column_properties
    for index in range(start, end):
        props = store.get(index, {})
        fieldmask.apply(props, body.get("properties", {}), mask, DIMENSION_FIELDS)
        if not props.get("hiddenByUser"):
            props.pop("hiddenByUser", None)
        store[index] = props
        if not props:
            del store[index]


def sort_range_request(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> None:
    sheet, r0, r1, c0, c1 = grid_range(book, body.get("range", {}))
    specs = body.get("sortSpecs", [])
    for spec in specs:
        if not c0 <= spec.get("dimensionIndex", 0) < c1:
            raise Invalid(f"Sort dimensionIndex {spec.get('dimensionIndex', 0)} is outside the range.")
    guard(book, sheet, r0, r1, c0, c1, ctx.caller)
    sort_range(sheet, (r0, r1), (c0, c1), specs)


def merge_cells(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> None:
    rng = body.get("range", {})
    sheet, r0, r1, c0, c1 = grid_range(book, rng)
    guard(book, sheet, r0, r1, c0, c1, ctx.caller)
    _drop_merges_inside(sheet, r0, r1, c0, c1)
    kind = body.get("mergeType", "MERGE_ALL")
    if kind == "MERGE_ROWS":
        pieces = [(r, r + 1, c0, c1) for r in range(r0, r1)]
    elif kind == "MERGE_COLUMNS":
        pieces = [(r0, r1, c, c + 1) for c in range(c0, c1)]
    else:
        pieces = [(r0, r1, c0, c1)]
    for p0, p1, q0, q1 in pieces:
        sheet.merges.append(
            {"sheetId": sheet.id, "startRowIndex": p0, "endRowIndex": p1, "startColumnIndex": q0, "endColumnIndex": q1}
        )
        # A merge keeps only the upper-left value.
        for r in range(p0, p1):
            for c in range(q0, q1):
                if (r, c) != (p0, q0) and (r, c) in sheet.cells:
                    _write_cell(sheet, r, c, {}, [["userEnteredValue"]])


def unmerge_cells(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> None:
    sheet, r0, r1, c0, c1 = grid_range(book, body.get("range", {}))
    _drop_merges_inside(sheet, r0, r1, c0, c1)


def _drop_merges_inside(sheet: Sheet, r0: int, r1: int, c0: int, c1: int) -> None:
    kept = []
    for merge in sheet.merges:
        m0, m1, n0, n1 = bounds_of(merge, sheet)
        if m1 <= r0 or r1 <= m0 or n1 <= c0 or c1 <= n0:
            kept.append(merge)
        elif not (r0 <= m0 and m1 <= r1 and c0 <= n0 and n1 <= c1):
            raise Invalid(MERGE_CONFLICT)
    sheet.merges = kept


def create_developer_metadata(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    meta = copy.deepcopy(body.get("developerMetadata", {}))
    if not meta.get("metadataKey"):
        raise Invalid("Developer metadata must have a key.")
    if meta.get("visibility") not in ("DOCUMENT", "PROJECT"):
        raise Invalid("Developer metadata must have a visibility of DOCUMENT or PROJECT.")
    meta["location"] = metadata.canonical_location(meta.get("location", {}))
    location = meta["location"]
    if location["locationType"] == "SHEET":
        book.sheet(location["sheetId"])
    elif "dimensionRange" in location:
        _dimension_range(book, location["dimensionRange"])
    taken = {m["metadataId"] for m in book.developer_metadata}
    if "metadataId" in meta and (meta["metadataId"] <= 0 or meta["metadataId"] in taken):
        raise Invalid(f"Developer metadata id {meta['metadataId']} is not positive or already exists.")
    while "metadataId" not in meta or meta["metadataId"] in taken:
        meta["metadataId"] = ctx.rng.randrange(1, 2**31 - 1)
    book.developer_metadata.append(meta)
    return {"createDeveloperMetadata": {"developerMetadata": copy.deepcopy(meta)}}


def delete_developer_metadata(book: Spreadsheet, body: dict[str, Any], ctx: Context) -> dict[str, Any]:
    lookup = body.get("dataFilter", {}).get("developerMetadataLookup")
    if lookup is None:
        raise NotEmulated("deleteDeveloperMetadata with a dataFilter other than developerMetadataLookup")
    gone = [m for m in book.developer_metadata if metadata.matches(m, lookup)]
    book.developer_metadata = [m for m in book.developer_metadata if not metadata.matches(m, lookup)]
    return (
        {"deleteDeveloperMetadata": {"deletedDeveloperMetadata": copy.deepcopy(gone)}}
        if gone
        else {"deleteDeveloperMetadata": {}}
    )


Handler = Callable[[Spreadsheet, dict[str, Any], Context], dict[str, Any] | None]

HANDLERS: dict[str, tuple[Handler, frozenset[str]]] = {
    "updateCells": (update_cells, frozenset({"rows", "fields", "start", "range"})),
    "appendCells": (append_cells, frozenset({"sheetId", "rows", "fields"})),
    "repeatCell": (repeat_cell, frozenset({"range", "cell", "fields"})),
    "addSheet": (add_sheet, frozenset({"properties"})),
    "deleteSheet": (delete_sheet, frozenset({"sheetId"})),
    "updateSheetProperties": (update_sheet_properties, frozenset({"properties", "fields"})),
    "updateSpreadsheetProperties": (update_spreadsheet_properties, frozenset({"properties", "fields"})),
    "setDataValidation": (set_data_validation, frozenset({"range", "rule", "filteredRowsIncluded"})),
    "addConditionalFormatRule": (add_conditional_format_rule, frozenset({"rule", "index"})),
    "updateConditionalFormatRule": (
        update_conditional_format_rule,
        frozenset({"index", "sheetId", "rule", "newIndex"}),
    ),
    "deleteConditionalFormatRule": (delete_conditional_format_rule, frozenset({"index", "sheetId"})),
    "addProtectedRange": (add_protected_range, frozenset({"protectedRange"})),
    "updateProtectedRange": (update_protected_range, frozenset({"protectedRange", "fields"})),
    "deleteProtectedRange": (delete_protected_range, frozenset({"protectedRangeId"})),
    "setBasicFilter": (set_basic_filter, frozenset({"filter"})),
    "clearBasicFilter": (clear_basic_filter, frozenset({"sheetId"})),
    "addFilterView": (add_filter_view, frozenset({"filter"})),
    "insertDimension": (insert_dimension, frozenset({"range", "inheritFromBefore"})),
    "deleteDimension": (delete_dimension, frozenset({"range"})),
    "appendDimension": (append_dimension, frozenset({"sheetId", "dimension", "length"})),
    "updateDimensionProperties": (update_dimension_properties, frozenset({"range", "properties", "fields"})),
    "sortRange": (sort_range_request, frozenset({"range", "sortSpecs"})),
    "mergeCells": (merge_cells, frozenset({"range", "mergeType"})),
    "addChart": (add_chart, frozenset({"chart"})),
    "unmergeCells": (unmerge_cells, frozenset({"range"})),
    "createDeveloperMetadata": (create_developer_metadata, frozenset({"developerMetadata"})),
    "deleteDeveloperMetadata": (delete_developer_metadata, frozenset({"dataFilter"})),
}

# Request kinds of the real API this emulator does not implement
# (https://developers.google.com/sheets/api/reference/rest/v4/spreadsheets/request#Request).
GOOGLE_ONLY = frozenset(
    {
        "addBanding",
        "addDataSource",
        "addDimensionGroup",
        "addNamedRange",
        "addSlicer",
        "addTable",
        "autoFill",
        "autoResizeDimensions",
        "cancelDataSourceRefresh",
        "copyPaste",
        "cutPaste",
        "deleteBanding",
        "deleteDataSource",
        "deleteDimensionGroup",
        "deleteDuplicates",
        "deleteEmbeddedObject",
        "deleteFilterView",
        "deleteNamedRange",
        "deleteRange",
        "deleteTable",
        "duplicateFilterView",
        "duplicateSheet",
        "findReplace",
        "insertRange",
        "moveDimension",
        "pasteData",
        "randomizeRange",
        "refreshDataSource",
        "textToColumns",
        "trimWhitespace",
        "updateBanding",
        "updateBorders",
        "updateChartSpec",
        "updateDataSource",
        "updateDeveloperMetadata",
        "updateDimensionGroup",
        "updateEmbeddedObjectBorder",
        "updateEmbeddedObjectPosition",
        "updateFilterView",
        "updateNamedRange",
        "updateSlicer",
        "updateTable",
    }
)


def snake(name: str) -> str:
    return re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), name)


def check_shapes(requests: list[Any]) -> None:
    """JSON-level validation, done by Google before any request runs."""
    for i, request in enumerate(requests):
        if not isinstance(request, dict):
            raise ApiError(400, f"Invalid JSON payload received. Expected an object at 'requests[{i}]'.")
        for kind in request:
            if kind not in HANDLERS and kind not in GOOGLE_ONLY:
                raise ApiError(
                    400,
                    f"Invalid JSON payload received. Unknown name \"{kind}\" at 'requests[{i}]': Cannot find field.",
                )
        if len(request) != 1:
            raise ApiError(
                400, f"Invalid requests[{i}]: exactly one kind of request must be set, found {len(request)}."
            )
        kind, body = next(iter(request.items()))
        if kind in GOOGLE_ONLY:
            raise NotEmulated(kind)
        for name in body:
            if name not in HANDLERS[kind][1]:
                raise ApiError(
                    400,
                    f"Invalid JSON payload received. Unknown name \"{name}\" at 'requests[{i}].{snake(kind)}': "
                    "Cannot find field.",
                )


def apply_requests(book: Spreadsheet, requests: list[dict[str, Any]], ctx: Context) -> list[dict[str, Any]]:
    check_shapes(requests)
    replies = []
    for i, request in enumerate(requests):
        kind, body = next(iter(request.items()))
        try:
            replies.append(HANDLERS[kind][0](book, body, ctx) or {})
            book.check_size()
        except Invalid as exc:
            raise ApiError(400, f"Invalid requests[{i}].{kind}: {exc}") from None
        except ApiError as exc:
            if exc.code != 400:
                raise
            raise ApiError(400, f"Invalid requests[{i}].{kind}: {exc.message}") from None
    return replies
