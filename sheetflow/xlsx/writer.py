"""Applying a batch to an .xlsx file with openpyxl, which keeps formats, validation and
conditional formatting, then saving atomically."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from copy import copy
from datetime import datetime
from pathlib import Path

import openpyxl
from openpyxl.cell.cell import Cell as XlCell
from openpyxl.cell.cell import MergedCell
from openpyxl.chart import BarChart, Reference
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils.cell import column_index_from_string, get_column_letter, range_boundaries
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.dimensions import ColumnDimension
from openpyxl.worksheet.worksheet import Worksheet

from ..collector import paused
from ..errors import RegisterUnreadable, SheetflowError
from ..table import Batch, Cell, Chart, Values
from . import files
from .backend import UNREADABLE_MESSAGE

# What openpyxl raises for a file that is not a readable workbook: not a zip, a zip
# without the workbook parts, the old .xls format, or broken or hostile XML.
_UNREADABLE = (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, SyntaxError)


def write_batch(snapshot: files.Snapshot, content: bytes, batch: Batch) -> None:
    """Applies ``batch`` to ``content``, the bytes read as ``snapshot``, and replaces the file."""
    with paused():  # openpyxl's load and save alone make millions of objects
        _write_batch(snapshot, content, batch)


def _write_batch(snapshot: files.Snapshot, content: bytes, batch: Batch) -> None:
    path = snapshot.path
    workbook = _load(content, path)
    fmt = batch.datetime_format
    styles: _Styles = {}
    for write in batch.writes:
        _put(_cell(workbook[write.sheet], write.row, write.column, styles), write.value, fmt)
    wrapped = {name: _wrapped_columns(workbook[name]) for name in {w.sheet for w in batch.writes}}
    for name, row in {(w.sheet, w.row) for w in batch.writes}:
        _fit_height(workbook[name], row, wrapped[name])
    # The last filled row of each sheet written below or over, known without looking again.
    filled: dict[str, int] = {}
    for name, rows in batch.appends.items():
        sheet = _sheet(workbook, name)
        below = _last_filled_row(sheet)
        filled[sheet.title] = max(below, _write_rows(sheet, below + 1, rows, fmt, styles))
    for name, rows in batch.replacements.items():
        sheet = _sheet(workbook, name)
        for cell in list(sheet._cells.values()):
            if cell.value is not None:  # merged cells refuse even None
                cell.value = None
        filled[sheet.title] = _write_rows(sheet, 1, rows, fmt, styles)
    for chart in batch.charts:
        _draw(workbook[chart.sheet], chart)
    for sheet in workbook.worksheets:
        _cover_rows_with_filter(sheet, filled.get(sheet.title))
    try:
        files.replace(snapshot, workbook.save)
    finally:
        _release(workbook)


def _release(workbook: Workbook) -> None:
    """Free the cells now. Each cell and row refers to its sheet and the sheet to them, so
    left alone the workbook waits for a full cyclic collection, which walks every object
    the process holds; emptied here, reference counting frees them at once."""
    for sheet in workbook.worksheets:
        sheet._cells.clear()
        sheet.row_dimensions.clear()
    if workbook.vba_archive is not None:
        # The macros' copy in memory; closed here while its buffer is still open, not by
        # the collector, which may close the buffer first.
        workbook.vba_archive.close()


def _draw(sheet: Worksheet, chart: Chart) -> None:
    # openpyxl does not read charts back, so a saved chart is gone once the file is
    # loaded again: each write that refreshes the table draws its chart anew.
    sheet._charts.clear()
    bars = BarChart()
    bars.title = chart.title
    bars.legend = None
    bars.y_axis.majorGridlines = None
    bars.add_data(Reference(sheet, min_col=chart.value_column, min_row=chart.first_row, max_row=chart.last_row))
    bars.set_categories(Reference(sheet, min_col=chart.label_column, min_row=chart.first_row, max_row=chart.last_row))
    bars.width, bars.height = 18, 8
    sheet.add_chart(bars, f"{get_column_letter(chart.anchor_column)}{chart.first_row}")


def _sheet(workbook: Workbook, name: str) -> Worksheet:
    return workbook[name] if name in workbook.sheetnames else workbook.create_sheet(name)


def _load(content: bytes, path: Path) -> Workbook:
    try:
        # Formulas are loaded as formulas (not data_only) so that saving keeps them;
        # macros are kept because Excel refuses an .xlsm saved without them.
        return openpyxl.load_workbook(io.BytesIO(content), keep_vba=path.suffix.lower() == ".xlsm")
    except _UNREADABLE:
        raise RegisterUnreadable(UNREADABLE_MESSAGE.format(name=path.name)) from None


def _last_filled_row(sheet: Worksheet) -> int:
    # The cells openpyxl holds, not iter_rows(): that would make (and later save) an empty
    # cell at every gap of the sheet's whole rectangle, for each call.
    cells = sheet._cells
    if not cells:
        return 0
    # The bottom row usually holds a value: finding it (and its rightmost cell) compares
    # keys only; the other cells are looked at only when that row is all empty.
    bottom, width = max(cells)
    if any((cell := cells.get((bottom, column))) is not None and cell.value is not None
           for column in range(1, width + 1)):
        return bottom
    return max((row for (row, _), cell in cells.items() if cell.value is not None), default=0)


def _cover_rows_with_filter(sheet: Worksheet, filled: int | None = None) -> None:
    """``filled``: the sheet's last filled row when already known."""
    # An autofilter covers a fixed range; LibreOffice filters only the rows inside it,
    # so rows people or sync added below must join the range.
    if not sheet.auto_filter.ref:
        return
    first, top, last, _ = range_boundaries(sheet.auto_filter.ref)
    bottom = max(top, _last_filled_row(sheet) if filled is None else filled)
    sheet.auto_filter.ref = f"{get_column_letter(first)}{top}:{get_column_letter(last)}{bottom}"


def _write_rows(sheet: Worksheet, first_row: int, rows: Sequence[Values], fmt: str, styles: _Styles) -> int:
    """Writes the rows from ``first_row`` on; the last row given a value (0: none)."""
    written = 0
    for row_number, values in enumerate(rows, start=first_row):
        for column, value in enumerate(values, start=1):
            if value is not None and value != "":
                _put(_cell(sheet, row_number, column, styles), value, fmt)
                written = row_number
    return written


# Per sheet and column, the style a new cell takes from its column (None: the column has
# none), as openpyxl stores it: worked out for the first such cell, copied to the others.
_Styles = dict[tuple[str, int], StyleArray | None]


def _cell(sheet: Worksheet, row: int, column: int, styles: _Styles) -> XlCell:
    """The cell, created with its column's style the way Excel creates a cell someone types in."""
    cell = sheet.cell(row=row, column=column)
    if cell.has_style:
        return cell
    key = (sheet.title, column)
    if key in styles:
        style = styles[key]
        if style is not None:
            cell._style = copy(style)
        return cell
    source = _dimension(sheet, column)
    if source is not None and source.has_style:
        cell.font = copy(source.font)
        cell.fill = copy(source.fill)
        cell.border = copy(source.border)
        cell.alignment = copy(source.alignment)
        cell.protection = copy(source.protection)
        cell.number_format = source.number_format
        styles[key] = copy(cell._style)
    else:
        styles[key] = None
    return cell


def _dimension(sheet: Worksheet, column: int) -> ColumnDimension | None:
    return next((d for d in sheet.column_dimensions.values() if column in _span(d)), None)


# Excel's default row height (points) and the tallest row it allows.
LINE_HEIGHT, MAX_HEIGHT = 15, 409


def _wrapped_columns(sheet: Worksheet) -> dict[int, float]:
    """Columns whose style wraps text, with their widths."""
    return {
        column: dimension.width or 8.43
        for dimension in sheet.column_dimensions.values()
        if dimension.alignment.wrap_text
        for column in _span(dimension)
    }


def _fit_height(sheet: Worksheet, row: int, wrapped: dict[int, float]) -> None:
    """Grow the row so wrapped text fits. Neither Excel nor LibreOffice grows a row for
    text a program wrote, so a long note would print over the rows below it; a row a
    person made taller stays as tall. Only the wrapped columns are looked at: taking the
    whole row (``sheet[row]``) makes openpyxl count every cell of the sheet, each time."""
    lines = 1
    for column, width in wrapped.items():
        value = sheet.cell(row, column).value
        if value is None:
            continue
        # A character is about one width unit of Calibri 11; wrapping breaks at words, so allow some slack.
        per_line = max(1, int(width * 0.9))
        text = str(value).splitlines() or [""]
        lines = max(lines, sum(-(-len(part) // per_line) or 1 for part in text))
    height = min(MAX_HEIGHT, LINE_HEIGHT * lines)
    current = sheet.row_dimensions[row].height
    if lines > 1 and (current is None or current < height):
        sheet.row_dimensions[row].height = height


def _span(dimension: ColumnDimension) -> range:
    # A loaded <col> may cover several columns; one made in memory knows only its letter.
    first = dimension.min or column_index_from_string(dimension.index)
    return range(first, (dimension.max or first) + 1)


def _put(cell: XlCell, value: Cell, datetime_format: str) -> None:
    if isinstance(cell, MergedCell):
        raise SheetflowError(
            f"Sel {cell.coordinate} di sheet {cell.parent.title} digabung (merge) dengan sel lain; sync tidak dapat "
            "menulis ke sana. Pisahkan sel itu (Unmerge) lalu jalankan sync lagi; tidak ada yang ditulis."
        )
    if value == "":
        value = None  # a spreadsheet has no empty text: "" is an empty cell, as people see it
    cell.value = value
    if isinstance(value, str):
        # openpyxl turns "=..." into a formula and "#N/A" into an error; sync writes text only.
        cell.data_type = "s"
    elif isinstance(value, datetime):
        cell.number_format = datetime_format
