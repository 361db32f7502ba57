"""The stored spreadsheet: sheets, sparse cells, and everything anchored to rows and columns.

Cells are CellData dicts (userEnteredValue, userEnteredFormat, dataValidation, note...) keyed by
zero-based (row, column). Row moves go through `insert_dimension`, `delete_dimension` and
`sort_range`, which keep anchored things where Google keeps them
(https://developers.google.com/sheets/api/guides/metadata: "if developer metadata is associated with
row 5 and another row is then subsequently inserted above row 5, that original metadata will still be
associated with the row it was first associated with (what is now row 6). If the associated object
is deleted its metadata is deleted too.").

A change never edits a stored CellData in place: it puts a new dict in its place (see
`fresh`). So a draft to change (`Spreadsheet.clone`) can share the CellData of the book it
copies, and a batch that fails leaves the book as it was without copying every cell.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from . import a1
from .errors import TOO_MANY_CELLS, ApiError, Invalid

# https://developers.google.com/sheets/api/limits — "up to 10 million cells".
MAX_CELLS = 10_000_000
DEFAULT_ROW_PIXELS = 21
DEFAULT_COLUMN_PIXELS = 100
_SPANS = {"ROWS": ("startRowIndex", "endRowIndex"), "COLUMNS": ("startColumnIndex", "endColumnIndex")}


@dataclass
class Sheet:
    properties: dict[str, Any]
    cells: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)
    conditional_formats: list[dict[str, Any]] = field(default_factory=list)
    protected_ranges: list[dict[str, Any]] = field(default_factory=list)
    basic_filter: dict[str, Any] | None = None
    filter_views: list[dict[str, Any]] = field(default_factory=list)
    merges: list[dict[str, Any]] = field(default_factory=list)
    charts: list[dict[str, Any]] = field(default_factory=list)
    row_properties: dict[int, dict[str, Any]] = field(default_factory=dict)
    column_properties: dict[int, dict[str, Any]] = field(default_factory=dict)

    @property
    def id(self) -> int:
        return self.properties["sheetId"]

    @property
    def title(self) -> str:
        return self.properties["title"]

    @property
    def grid(self) -> dict[str, Any]:
        return self.properties["gridProperties"]

    @property
    def rows(self) -> int:
        return self.grid["rowCount"]

    @property
    def columns(self) -> int:
        return self.grid["columnCount"]

    def clone(self) -> Sheet:
        """A copy whose cells dict is its own; the CellData in it are shared (never edited in place)."""
        return Sheet(
            copy.deepcopy(self.properties),
            dict(self.cells),
            copy.deepcopy(self.conditional_formats),
            copy.deepcopy(self.protected_ranges),
            copy.deepcopy(self.basic_filter),
            copy.deepcopy(self.filter_views),
            copy.deepcopy(self.merges),
            copy.deepcopy(self.charts),
            copy.deepcopy(self.row_properties),
            copy.deepcopy(self.column_properties),
        )

    def grow(self, rows: int, columns: int) -> None:
        self.grid["rowCount"] = max(self.rows, rows)
        self.grid["columnCount"] = max(self.columns, columns)

    def window(self, r0: int, r1: int, c0: int, c1: int) -> Iterator[tuple[tuple[int, int], dict[str, Any]]]:
        """((row, column), CellData) of the stored cells in rows r0..r1-1 and columns c0..c1-1, in no
        particular order: looked up cell by cell when the window is smaller than what is stored."""
        cells = self.cells
        if (r1 - r0) * (c1 - c0) <= len(cells):
            for r in range(r0, r1):
                for c in range(c0, c1):
                    cell = cells.get((r, c))
                    if cell is not None:
                        yield (r, c), cell
        else:
            for key, cell in cells.items():
                if r0 <= key[0] < r1 and c0 <= key[1] < c1:
                    yield key, cell

    def rows_with_data(self) -> int:
        """1 + the last row index holding a value (0 for an empty sheet)."""
        return max((r + 1 for (r, _c), cell in self.cells.items() if cell.get("userEnteredValue")), default=0)

    def grid_ranges(self) -> Iterator[tuple[dict[str, Any], str, Any]]:
        """(container, key, value) for every GridRange-valued slot anchored to this sheet."""
        for rule in self.conditional_formats:
            for i, rng in enumerate(rule["ranges"]):
                yield rule["ranges"], i, rng
        for protected in self.protected_ranges:
            if "range" in protected:
                yield protected, "range", protected["range"]
            for i, rng in enumerate(protected.get("unprotectedRanges", [])):
                yield protected["unprotectedRanges"], i, rng
        if self.basic_filter:
            yield self.basic_filter, "range", self.basic_filter["range"]
        for view in self.filter_views:
            yield view, "range", view["range"]
        for i, rng in enumerate(self.merges):
            yield self.merges, i, rng


@dataclass
class Spreadsheet:
    id: str
    properties: dict[str, Any]
    sheets: list[Sheet]
    editors: set[str]
    owner: str
    developer_metadata: list[dict[str, Any]] = field(default_factory=list)

    def clone(self) -> Spreadsheet:
        """A draft for a change that must apply as a whole or not at all (as copy.deepcopy, but
        sharing the CellData, which no change edits in place)."""
        return Spreadsheet(
            self.id,
            copy.deepcopy(self.properties),
            [sheet.clone() for sheet in self.sheets],
            set(self.editors),
            self.owner,
            copy.deepcopy(self.developer_metadata),
        )

    def sheet(self, sheet_id: Any) -> Sheet:
        for sheet in self.sheets:
            if sheet.id == sheet_id:
                return sheet
        raise Invalid(f"No grid with id: {sheet_id}")

    def sheet_titled(self, title: str) -> Sheet | None:
        # Sheet names are matched case-insensitively, as in formulas and A1 ranges.
        return next((s for s in self.sheets if s.title.lower() == title.lower()), None)

    def resolve(self, text: str) -> tuple[Sheet, a1.Bounds]:
        """A1 text -> (sheet, bounds); 400 "Unable to parse range" as Google answers."""
        try:
            title, cells = a1.split_sheet(text)
            if title is None:
                sheet = self.sheet_titled(text)
                if sheet is not None:
                    return sheet, a1.Bounds()
                sheet = next((s for s in self.sheets if not s.properties.get("hidden")), self.sheets[0])
            else:
                sheet = self.sheet_titled(title)
                if sheet is None:
                    raise a1.A1Error(text)
            return sheet, a1.Bounds() if cells is None else a1.parse_cells(cells)
        except a1.A1Error:
            raise ApiError(400, f"Unable to parse range: {text}") from None

    def check_size(self) -> None:
        if sum(s.rows * s.columns for s in self.sheets) > MAX_CELLS:
            raise Invalid(TOO_MANY_CELLS)

    def reindex(self) -> None:
        for i, sheet in enumerate(self.sheets):
            sheet.properties["index"] = i


def fresh(cell: dict[str, Any] | None) -> dict[str, Any]:
    """A private copy of a stored CellData, to edit and then store in its place."""
    return json_copy(cell) if cell else {}


def json_copy(value: Any) -> Any:
    """A deep copy of JSON data (dicts, lists, scalars), several times faster than copy.deepcopy."""
    if type(value) is dict:
        return {key: json_copy(item) for key, item in value.items()}
    if type(value) is list:
        return [json_copy(item) for item in value]
    return value


def span(rng: dict[str, Any], dimension: str) -> tuple[int, int | None]:
    start_key, end_key = _SPANS[dimension]
    return rng.get(start_key, 0), rng.get(end_key)


def bounds_of(rng: dict[str, Any], sheet: Sheet) -> tuple[int, int, int, int]:
    r0, r1 = span(rng, "ROWS")
    c0, c1 = span(rng, "COLUMNS")
    return r0, sheet.rows if r1 is None else r1, c0, sheet.columns if c1 is None else c1


def _shifted(x: int, start: int, count: int, inserting: bool) -> int:
    if inserting:
        return x + count if x >= start else x
    return x - min(max(x - start, 0), count)


def _moved_range(rng: dict[str, Any], dimension: str, start: int, count: int, inserting: bool) -> dict | None:
    """The range after rows/columns move; None when every row/column of it was deleted."""
    start_key, end_key = _SPANS[dimension]
    moved = dict(rng)
    if start_key in rng:
        moved[start_key] = _shifted(rng[start_key], start, count, inserting)
    if end_key in rng:
        # Inserting exactly at the end of a range does not widen it; inserting inside does.
        end = rng[end_key]
        moved[end_key] = end + count if inserting and end > start else _shifted(end, start, count, inserting)
    lo, hi = moved.get(start_key, 0), moved.get(end_key)
    return None if hi is not None and hi <= lo else moved


def _move_keyed(items: dict[Any, Any], axis: int, start: int, count: int, inserting: bool) -> dict[Any, Any]:
    moved = {}
    for key, value in items.items():
        index = key[axis] if isinstance(key, tuple) else key
        if not inserting and start <= index < start + count:
            continue
        new = _shifted(index, start, count, inserting)
        if isinstance(key, tuple):
            new_key: Any = (new, key[1]) if axis == 0 else (key[0], new)
        else:
            new_key = new
        moved[new_key] = value
    return moved


def move_dimension(book: Spreadsheet, sheet: Sheet, dimension: str, start: int, count: int, inserting: bool) -> None:
    """insertDimension / deleteDimension: shift cells and everything anchored to rows or columns."""
    axis = 0 if dimension == "ROWS" else 1
    sheet.cells = _move_keyed(sheet.cells, axis, start, count, inserting)
    if axis == 0:
        sheet.row_properties = _move_keyed(sheet.row_properties, 0, start, count, inserting)
    else:
        sheet.column_properties = _move_keyed(sheet.column_properties, 0, start, count, inserting)
    size_key = "rowCount" if axis == 0 else "columnCount"
    sheet.grid[size_key] += count if inserting else -count
    frozen_key = "frozenRowCount" if axis == 0 else "frozenColumnCount"
    if sheet.grid.get(frozen_key):
        frozen = _moved_range(
            {"startRowIndex": 0, "endRowIndex": sheet.grid[frozen_key]}, "ROWS", start, count, inserting
        )
        sheet.grid[frozen_key] = frozen["endRowIndex"] if frozen else 0
        if not sheet.grid[frozen_key]:
            del sheet.grid[frozen_key]
    doomed = []
    for container, key, rng in list(sheet.grid_ranges()):
        moved = _moved_range(rng, dimension, start, count, inserting)
        if moved is None:
            doomed.append((container, key))
        else:
            container[key] = moved
    _drop_ranges(sheet, doomed)
    _move_metadata(book, sheet, dimension, start, count, inserting)


def _drop_ranges(sheet: Sheet, doomed: list[tuple[Any, Any]]) -> None:
    """Remove deleted ranges; a rule, protection or filter left without its range goes with it."""
    gone = {(id(container), key) for container, key in doomed}
    for rule in sheet.conditional_formats:
        rule["ranges"] = [r for i, r in enumerate(rule["ranges"]) if (id(rule["ranges"]), i) not in gone]
    sheet.conditional_formats = [rule for rule in sheet.conditional_formats if rule["ranges"]]
    for protected in sheet.protected_ranges:
        if "unprotectedRanges" in protected:
            kept = [
                r
                for i, r in enumerate(protected["unprotectedRanges"])
                if (id(protected["unprotectedRanges"]), i) not in gone
            ]
            protected["unprotectedRanges"] = kept
    sheet.protected_ranges = [p for p in sheet.protected_ranges if (id(p), "range") not in gone]
    if sheet.basic_filter and (id(sheet.basic_filter), "range") in gone:
        sheet.basic_filter = None
    sheet.filter_views = [v for v in sheet.filter_views if (id(v), "range") not in gone]
    sheet.merges = [r for i, r in enumerate(sheet.merges) if (id(sheet.merges), i) not in gone]


def _move_metadata(book: Spreadsheet, sheet: Sheet, dimension: str, start: int, count: int, inserting: bool) -> None:
    kept = []
    for meta in book.developer_metadata:
        dim_range = meta["location"].get("dimensionRange")
        if dim_range and dim_range.get("sheetId", 0) == sheet.id and dim_range["dimension"] == dimension:
            index = dim_range["startIndex"]
            if not inserting and start <= index < start + count:
                continue
            new = _shifted(index, start, count, inserting)
            dim_range.update(startIndex=new, endIndex=new + 1)
        kept.append(meta)
    book.developer_metadata = kept


def sort_range(sheet: Sheet, rows: tuple[int, int], columns: tuple[int, int], specs: list[dict[str, Any]]) -> None:
    """sortRange: cell contents (values, formats, validation) move; rows themselves, and so their
    developer metadata, dimension properties and protected ranges, stay where they are.

    Inferred, not spelled out by Google: sortRange "sorts data in rows" of a GridRange, while
    metadata, protections and row properties are anchored to dimensions, which a sort does not move.
    """
    order = list(range(*rows))
    for spec in reversed(specs):
        column = spec.get("dimensionIndex", 0)
        descending = spec.get("sortOrder") == "DESCENDING"
        filled = [r for r in order if _sort_value(sheet.cells.get((r, column))) is not None]
        chosen = set(filled)
        blank = [r for r in order if r not in chosen]
        # Blank cells sort last in both directions.
        filled.sort(key=lambda r, c=column: _sort_value(sheet.cells.get((r, c))), reverse=descending)
        order = filled + blank
    moved = {}
    for target, source in zip(range(*rows), order, strict=True):
        for c in range(*columns):
            cell = sheet.cells.get((source, c))
            if cell is not None:
                moved[(target, c)] = cell
    for r in range(*rows):
        for c in range(*columns):
            sheet.cells.pop((r, c), None)
    sheet.cells.update(moved)


def _sort_value(cell: dict[str, Any] | None) -> tuple[int, Any] | None:
    # Numbers (dates included) before text before booleans.
    entered = (cell or {}).get("userEnteredValue")
    if not entered:
        return None
    if "numberValue" in entered:
        return (0, entered["numberValue"])
    if "boolValue" in entered:
        return (2, entered["boolValue"])
    text = entered.get("stringValue", entered.get("formulaValue", ""))
    return (1, text.lower())
