"""The Excel backend: reads sheets as raw rows and applies a batch, saving atomically.

It knows nothing of workflows. Opening for writing refuses a register that Excel,
LibreOffice or another sync has open, because the last one to save would silently
undo the other's work.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from copy import copy
from datetime import datetime
from pathlib import Path

import openpyxl
from filelock import FileLock, Timeout
from openpyxl.cell.cell import Cell as XlCell
from openpyxl.utils.cell import column_index_from_string, get_column_letter, range_boundaries
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.dimensions import ColumnDimension
from openpyxl.worksheet.worksheet import Worksheet
from python_calamine import CalamineError, CalamineWorkbook, PasswordError, XmlError, ZipError

from ..errors import RegisterLocked, RegisterNotFound, RegisterUnreadable
from ..table import Batch, Cell, Sheet, Values

_UNREADABLE_MESSAGE = (
    "{name} bukan berkas Excel (.xlsx) yang dapat dibaca; buka di Excel, simpan sebagai "
    "Excel Workbook (.xlsx), lalu jalankan sync lagi."
)

# What openpyxl raises for a file that is not a readable workbook: not a zip, a zip
# without the workbook parts, the old .xls format, or broken or hostile XML.
_UNREADABLE = (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, SyntaxError)


@contextmanager
def open_workbook(path: str | os.PathLike[str], *, write: bool) -> Iterator[XlsxRegister]:
    """Load the register once; with ``write`` also hold the sheetflow lock until the block ends."""
    path = Path(path)
    if not path.is_file():
        raise RegisterNotFound(f"Berkas register {path} tidak ditemukan; periksa nama berkas dan foldernya.")
    if not write:
        yield XlsxRegister(path, writable=False)
        return
    _refuse_if_open(path)
    # On Unix the empty lock file stays behind: it holds no lock once released, and
    # deleting it would let two syncs lock two different files. Windows deletes it.
    lock = FileLock(path.with_name(f".{path.name}.sheetflow-lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise RegisterLocked(
            f"{path.name} sedang diproses oleh sync lain; tunggu sampai selesai lalu jalankan sync lagi."
        ) from None
    try:
        yield XlsxRegister(path, writable=True)
    finally:
        lock.release()


class XlsxRegister:
    """One register file: ``read`` gives raw rows, ``apply`` writes a batch and saves.

    Most syncs change nothing, so reading must be cheap: values come from calamine's
    reader (a fraction of openpyxl's load time), and the workbook is loaded with openpyxl,
    which keeps every format, only when there is something to write."""

    def __init__(self, path: Path, *, writable: bool):
        self._path = path
        self._writable = writable
        self._values = _open_values(path)  # refuses a file that is no workbook before anything else

    def read(self, names: Sequence[str]) -> dict[str, Sheet]:
        """The sheets that exist among ``names``: values as the spreadsheet last computed them."""
        book = self._values
        return {
            name: Sheet(name, _rows(book.get_sheet_by_name(name).to_python(skip_empty_area=False)))
            for name in names
            if name in book.sheet_names
        }

    def apply(self, batch: Batch) -> dict[str, Sheet]:
        """Write the batch and save atomically; an empty batch touches nothing.

        Returns no sheets to check afterwards: the lock kept everyone else out."""
        if batch.empty:
            return {}
        if not self._writable:
            raise RuntimeError("register was opened without write=True (dry run)")
        # Someone may have opened the file in Excel while this sync was working.
        _refuse_if_open(self._path)
        self._workbook = _load(self._path)
        fmt = batch.datetime_format
        for write in batch.writes:
            _put(_cell(self._workbook[write.sheet], write.row, write.column), write.value, fmt)
        for name, row in {(w.sheet, w.row) for w in batch.writes}:
            _fit_height(self._workbook[name], row)
        for name, rows in batch.appends.items():
            sheet = self._sheet(name)
            _write_rows(sheet, _last_filled_row(sheet) + 1, rows, fmt)
        for name, rows in batch.replacements.items():
            sheet = self._sheet(name)
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.value is not None:  # merged cells refuse even None
                        cell.value = None
            _write_rows(sheet, 1, rows, fmt)
        for sheet in self._workbook.worksheets:
            _cover_rows_with_filter(sheet)
        _save_atomically(self._workbook, self._path)
        return {}

    def _sheet(self, name: str) -> Worksheet:
        if name in self._workbook.sheetnames:
            return self._workbook[name]
        return self._workbook.create_sheet(name)


def _refuse_if_open(path: Path) -> None:
    # Excel's owner file puts "~$" before the name; Office's Word-style owner files put it
    # over the first two characters instead. Either means someone has the file open.
    for owner in (f"~${path.name}", f"~${path.name[2:]}"):
        if path.with_name(owner).exists():
            raise RegisterLocked(
                f"{path.name} sedang dibuka di Excel (ada berkas {owner}); tutup berkas itu lalu jalankan "
                f"sync lagi, atau hapus {owner} bila Excel sudah tertutup."
            )
    lock = f".~lock.{path.name}#"
    if path.with_name(lock).exists():
        raise RegisterLocked(
            f"{path.name} sedang dibuka di LibreOffice (ada berkas {lock}); tutup berkas itu lalu jalankan "
            f"sync lagi, atau hapus {lock} bila LibreOffice sudah tertutup."
        )


def _load(path: Path) -> Workbook:
    try:
        # Formulas are loaded as formulas (not data_only) so that saving keeps them;
        # macros are kept because Excel refuses an .xlsm saved without them.
        return openpyxl.load_workbook(path, keep_vba=path.suffix.lower() == ".xlsm")
    except PermissionError:
        raise RegisterUnreadable(
            f"{path.name} tidak dapat dibuka karena izin berkas ditolak; periksa hak akses berkas itu."
        ) from None
    except _UNREADABLE:
        raise RegisterUnreadable(_UNREADABLE_MESSAGE.format(name=path.name)) from None


def _open_values(path: Path) -> CalamineWorkbook:
    try:
        return CalamineWorkbook.from_path(str(path))
    except PermissionError:
        raise RegisterUnreadable(
            f"{path.name} tidak dapat dibuka karena izin berkas ditolak; periksa hak akses berkas itu."
        ) from None
    except (CalamineError, ZipError, XmlError, PasswordError, ValueError, OSError):
        raise RegisterUnreadable(_UNREADABLE_MESSAGE.format(name=path.name)) from None


def _rows(values: list[list[object]]) -> tuple[Values, ...]:
    rows = [_trim(row) for row in values]
    while rows and not rows[-1]:
        rows.pop()
    return tuple(rows)


def _trim(values: list[object]) -> Values:
    cells = [_raw(value) for value in values]
    while cells and cells[-1] is None:
        cells.pop()
    return tuple(cells)


def _raw(value: object) -> Cell:
    # calamine gives an empty cell as "" and every number as a float; the stored file
    # has neither an empty string nor a float 5.0 where a person typed 5.
    if value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value  # type: ignore[return-value]


def _last_filled_row(sheet: Worksheet) -> int:
    return max((row[0].row for row in sheet.iter_rows() if any(c.value is not None for c in row)), default=0)


def _cover_rows_with_filter(sheet: Worksheet) -> None:
    # An autofilter covers a fixed range; LibreOffice filters only the rows inside it,
    # so rows people or sync added below must join the range.
    if not sheet.auto_filter.ref:
        return
    first, top, last, _ = range_boundaries(sheet.auto_filter.ref)
    bottom = max(top, _last_filled_row(sheet))
    sheet.auto_filter.ref = f"{get_column_letter(first)}{top}:{get_column_letter(last)}{bottom}"


def _write_rows(sheet: Worksheet, first_row: int, rows: Sequence[Values], fmt: str) -> None:
    for row_number, values in enumerate(rows, start=first_row):
        for column, value in enumerate(values, start=1):
            if value is not None and value != "":
                _put(_cell(sheet, row_number, column), value, fmt)


def _cell(sheet: Worksheet, row: int, column: int) -> XlCell:
    """The cell, created with its column's style the way Excel creates a cell someone types in."""
    cell = sheet.cell(row=row, column=column)
    if cell.has_style:
        return cell
    source = _dimension(sheet, column)
    if source is not None and source.has_style:
        cell.font = copy(source.font)
        cell.fill = copy(source.fill)
        cell.border = copy(source.border)
        cell.alignment = copy(source.alignment)
        cell.protection = copy(source.protection)
        cell.number_format = source.number_format
    return cell


def _dimension(sheet: Worksheet, column: int) -> ColumnDimension | None:
    return next((d for d in sheet.column_dimensions.values() if column in _span(d)), None)


# Excel's default row height (points) and the tallest row it allows.
LINE_HEIGHT, MAX_HEIGHT = 15, 409


def _fit_height(sheet: Worksheet, row: int) -> None:
    """Grow the row so wrapped text fits. Neither Excel nor LibreOffice grows a row for
    text a program wrote, so a long note would print over the rows below it; a row a
    person made taller stays as tall."""
    lines = 1
    for cell in sheet[row]:
        dimension = _dimension(sheet, cell.column)
        wraps = cell.alignment.wrap_text or (dimension is not None and dimension.alignment.wrap_text)
        if cell.value is None or not wraps:
            continue
        # A character is about one width unit of Calibri 11; wrapping breaks at words, so allow some slack.
        per_line = max(1, int((dimension.width if dimension and dimension.width else 8.43) * 0.9))
        text = str(cell.value).splitlines() or [""]
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
    if value == "":
        value = None  # a spreadsheet has no empty text: "" is an empty cell, as people see it
    cell.value = value
    if isinstance(value, str):
        # openpyxl turns "=..." into a formula and "#N/A" into an error; sync writes text only.
        cell.data_type = "s"
    elif isinstance(value, datetime):
        cell.number_format = datetime_format


def _save_atomically(workbook: Workbook, path: Path) -> None:
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    temporary = Path(name)
    try:
        with os.fdopen(fd, "wb") as stream:
            workbook.save(stream)
            stream.flush()
            os.fsync(stream.fileno())
        # mkstemp makes the file private; the register keeps the mode people gave it.
        shutil.copymode(path, temporary)
        shutil.copy2(path, path.with_name(f"{path.name}.bak"))
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
