"""Editing one worksheet's XML as it streams past: only the rows sync writes are rebuilt.

The sheet is parsed row by row (lxml's pull parser); a row sync does not write is passed
on as parsed, with every element and attribute it had, and let go of.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Protocol

from lxml import etree

from ..errors import SheetflowError
from ..table import Cell, Values

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_ROW, _CELL, _VALUE, _INLINE, _TEXT, _FORMULA, _COL = (
    f"{{{MAIN}}}{tag}" for tag in ("row", "c", "v", "is", "t", "f", "col"))
_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_PIECE = 1 << 18
_LAST_COLUMN = 16384
DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
# Stands for the rows while the sheet around them is serialized; text no sheet contains.
_MARK = "sheetflow-rows-4b1d7e0c"

# Excel's default row height (points) and the tallest row it allows.
LINE_HEIGHT, MAX_HEIGHT = 15, 409
DEFAULT_WIDTH = 8.43

# XML 1.0 cannot carry these characters; OOXML writes them as _xHHHH_, and a literal
# "_xHHHH_" typed by a person gets its underscore escaped, so both read back as typed.
_UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|_(?=x[0-9A-Fa-f]{4}_)")
_ESCAPE = re.compile("_x([0-9A-Fa-f]{4})_")


def escape(text: str) -> str:
    return _UNWRITABLE.sub(lambda m: "_x005F_" if m.group() == "_" else f"_x{ord(m.group()):04X}_", text)


def parser() -> etree.XMLPullParser:
    # No DTD, no entities, no network: a workbook needs none of them.
    return etree.XMLPullParser(events=("end",), tag=_ROW, resolve_entities=False, no_network=True, load_dtd=False,
                               huge_tree=True)


class Book(Protocol):
    """What a sheet needs from the rest of the workbook."""

    def string(self, text: str) -> int | None:
        """The shared-string index of ``text``, or None when the workbook keeps text inline."""

    def shared(self, index: int) -> str: ...

    def dated(self, style: int, fmt: str) -> int:
        """A style like ``style`` that shows the number format ``fmt``."""

    def wraps(self, style: int) -> bool: ...

    def epoch(self) -> datetime: ...


@dataclass
class SheetEdit:
    name: str
    writes: dict[int, dict[int, Cell]] = field(default_factory=dict)  # row → column → value
    appends: tuple[Values, ...] = ()
    replace: bool = False  # every value cleared first (the styles stay)
    fit: set[int] = field(default_factory=set)  # rows whose height fits their wrapped text
    datetime_format: str = "dd/mm/yyyy hh:mm"


@dataclass
class Edited:
    formulas_removed: bool = False
    last_filled: int = 0
    filter_ref: str | None = None  # the autofilter's new range, when it moved
    written: set[tuple[int, int]] = field(default_factory=set)


class SheetEditor:
    """``finish`` sees the sheet's root (rows gone) before it is serialized: the place for
    refusals that need the whole sheet and for elements added after the rows."""

    def __init__(self, book: Book, edit: SheetEdit, finish: Callable[[etree._Element, Edited], None]):
        self._book = book
        self._edit = edit
        self._finish = finish
        self._created = sorted(edit.writes)
        self._pending: list[tuple[int, etree._Element]] = []
        self._previous = 0
        self._last_row: etree._Element | None = None
        self._root: etree._Element | None = None
        self._columns: list[tuple[int, int, etree._Element]] | None = None
        self._body: list[bytes | memoryview] = []
        self._holder: etree._Element | None = None
        self._styles: dict[int, int] | None = None
        self._above: tuple[etree._Element, dict[int, etree._Element]] | None = None
        self._max_row = 0
        self._max_column = 0
        self.result = Edited()

    def run(self, data: bytes) -> Iterator[bytes]:
        """The edited sheet's XML, from the original's."""
        located = _Rows.of(data) if not self._edit.replace else None
        if located is None or not self._edit_located(data, located):
            self._reset()
            self._edit_streamed(data)
        root = self._root
        self._created = []
        self._append(self._edit.appends)
        for _, row in self._pending:
            self._emit(row)
        self._pending = []
        self._update_extent(root)
        self._finish(root, self.result)
        sheet_data = root.find(f"{{{MAIN}}}sheetData")
        for child in list(sheet_data):
            sheet_data.remove(child)
        sheet_data.text = _MARK
        head, tail = etree.tostring(root, encoding="UTF-8", xml_declaration=False).split(_MARK.encode())
        yield DECLARATION + head
        yield from self._body
        yield tail

    def _reset(self) -> None:
        self._created = sorted(self._edit.writes)
        self._pending, self._body, self._previous, self._last_row = [], [], 0, None
        self._root, self._columns, self._holder, self._styles, self._above = None, None, None, None, None
        self._max_row = self._max_column = 0
        self.result = Edited()

    def _edit_streamed(self, data: bytes) -> None:
        """Every row parsed, in order: the general way, for any sheet."""
        pull = parser()
        view = memoryview(data)
        for start in range(0, len(data), _PIECE):
            pull.feed(bytes(view[start:start + _PIECE]))
            for _, row in pull.read_events():
                self._arrived(row)
        self._root = pull.close()
        if self._root.find(f"{{{MAIN}}}sheetData") is None:
            raise _unsupported(self._edit.name, "tidak memiliki bagian data sel (sheetData)")
        for number in self._created:
            self._place(self._filled_in(self._new_row(number), number), number)

    def _edit_located(self, data: bytes, rows: _Rows) -> bool:
        """Only the rows sync writes are parsed, and the rows from the last filled one on
        (appends and the filter need it); the rest is copied as it was. False: the sheet is
        not as this expects (a row without its number, rows out of order), nothing done."""
        self._root = rows.skeleton()
        if self._root.find(f"{{{MAIN}}}sheetData") is None:
            return False
        last = rows.last_filled()
        if last is None:
            return False
        # From the last filled row on, every row is read: appended rows may join them.
        wanted = set(rows.from_row(last if last < rows.content_end else rows.content_start))
        for number in sorted(self._edit.writes.keys() | self._edit.fit):
            start = rows.find(number)
            if start is None:
                return False
            if start < rows.content_end:
                wanted.add(start)
        copied = rows.content_start
        view = memoryview(data)
        for start in sorted(wanted):
            end = rows.end(start)
            if start > copied:
                self._copy(view[copied:start])
            self._arrived(rows.parse(start))
            copied = end
        if copied < rows.content_end:
            self._copy(view[copied:rows.content_end])
        for number in self._created:
            self._place(self._filled_in(self._new_row(number), number), number)
        # The last filled row read above must still be filled, or the one above it is last.
        return last >= rows.content_end or self.result.last_filled >= rows.number(last)

    def _copy(self, raw: memoryview) -> None:
        for _, row in self._pending:
            self._emit(row)
        self._pending = []
        self._body.append(raw)

    # ------------------------------------------------------------ rows in order

    def _arrived(self, row: etree._Element) -> None:
        if self._root is None:
            self._root = row.getparent().getparent()
        number = int(row.get("r") or self._previous + 1)
        while self._created and self._created[0] < number:
            created = self._created.pop(0)
            self._place(self._filled_in(self._new_row(created), created), created)
        if self._created and self._created[0] == number:
            self._created.pop(0)
        self._place(self._filled_in(row, number), number)

    def _filled_in(self, row: etree._Element, number: int) -> etree._Element:
        self._previous = number
        if self._edit.replace:
            for cell in row.iterchildren(_CELL):
                self._clear(cell)
        values = self._edit.writes.get(number)
        if values:
            self._put(row, number, values)
        if number in self._edit.fit:
            self._fit_height(row)
        return row

    def _place(self, row: etree._Element, number: int) -> None:
        """Rows without values wait: rows appended below the last filled row may join them."""
        if len(row):
            self._max_row = max(self._max_row, number)
        if not _has_value(row):
            self._pending.append((number, row))
            return
        for _, waiting in self._pending:
            self._emit(waiting)
        self._pending = []
        self.result.last_filled = number
        self._last_row = row
        self._emit(row)

    def _append(self, rows: tuple[Values, ...]) -> None:
        first = self.result.last_filled + 1
        added = {first + offset: {column: value for column, value in enumerate(values, start=1)}
                 for offset, values in enumerate(rows) if any(v is not None and v != "" for v in values)}
        if not added:
            return
        waiting = dict(self._pending)
        self._pending = []
        for number in sorted(waiting.keys() | added.keys()):
            row = waiting.get(number)
            if row is None:
                row = self._new_row(number)
            if number in added:
                self._put(row, number, added[number])
            self._place(row, number)

    def _new_row(self, number: int) -> etree._Element:
        return etree.Element(_ROW, r=str(number))

    # ------------------------------------------------------------ output

    def _emit(self, row: etree._Element) -> None:
        """A row's XML, written inside an element with the sheet's namespaces so that it uses
        their prefixes without declaring them again."""
        if self._holder is None:
            self._holder = etree.Element(self._root.tag, nsmap=self._root.nsmap)
        holder, tail = self._holder, row.tail
        holder.append(row)
        holder.text, row.tail = _MARK, (tail or "") + _MARK
        self._body.append(etree.tostring(holder, encoding="UTF-8", xml_declaration=False).split(_MARK.encode())[1])
        holder.remove(row)
        row.tail = tail

    # ------------------------------------------------------------ cells

    def _put(self, row: etree._Element, number: int, values: dict[int, Cell]) -> None:
        cells = _cells_by_column(row)
        added = False
        for column, value in values.items():
            self.result.written.add((number, column))
            cell = cells.get(column)
            if cell is None:
                if value is None or value == "":
                    continue  # a spreadsheet has no empty text: "" is an empty cell
                cell = etree.Element(_CELL, r=f"{letters(column)}{number}")
                cells[column] = cell
                added = True
            if cell.get("s", "0") == "0":
                # A cell without a style of its own takes its column's, as Excel gives a cell
                # someone types in: a program that wrote the cell bare would otherwise lock an
                # input column's cell in a protected sheet.
                style = self._column_style(column)
                if style:
                    cell.set("s", str(style))
            self._set(cell, value)
            if value is not None and value != "":
                self._max_column = max(self._max_column, column)
        if added:
            row[:] = [cells[column] for column in sorted(cells)] + [c for c in row if c.tag != _CELL]
            _widen_spans(row, cells)

    def _column_style(self, column: int) -> int:
        """A new cell's style: its column's (as Excel gives a cell someone types in), else the
        style of the cell above it in the last filled row below the header."""
        if self._styles is None:
            self._styles = {}
            for first, last, col in reversed(self._column_elements()):
                if col.get("style"):
                    self._styles.update(dict.fromkeys(range(first, min(last, _LAST_COLUMN) + 1), int(col.get("style"))))
        style = self._styles.get(column)
        if style is not None:
            return style
        above = self._last_row
        if above is None or self.result.last_filled <= 1:
            return 0
        if self._above is None or self._above[0] is not above:
            self._above = (above, _cells_by_column(above))
        cell = self._above[1].get(column)
        return int(cell.get("s") or 0) if cell is not None else 0

    def _column_elements(self) -> list[tuple[int, int, etree._Element]]:
        if self._columns is None:
            root = self._root
            self._columns = [] if root is None else [
                (int(col.get("min")), int(col.get("max")), col) for col in root.iter(_COL)
            ]
        return self._columns

    def _clear(self, cell: etree._Element) -> None:
        for child in list(cell):
            if child.tag == _FORMULA:
                self._drop_formula(cell, child)
            if child.tag in (_VALUE, _INLINE, _FORMULA):
                cell.remove(child)
        for attribute in ("t", "cm", "vm"):
            cell.attrib.pop(attribute, None)

    def _drop_formula(self, cell: etree._Element, formula: etree._Element) -> None:
        # The master of a shared or array formula carries the formula of other cells.
        reference = formula.get("ref")
        if formula.get("t") in ("shared", "array") and reference and ":" in reference:
            raise SheetflowError(
                f"Sel {cell.get('r')} di sheet {self._edit.name} memuat rumus yang dipakai bersama sel lain "
                f"({reference}); sync tidak dapat menulis ke sana tanpa merusaknya. Hapus rumus itu lalu jalankan "
                "sync lagi; tidak ada yang ditulis."
            )
        self.result.formulas_removed = True

    def _set(self, cell: etree._Element, value: Cell) -> None:
        self._clear(cell)
        if value is None or value == "":
            return
        book = self._book
        if isinstance(value, str):
            index = book.string(value)
            if index is None:
                cell.set("t", "inlineStr")
                inline = etree.Element(_INLINE)
                _text(etree.SubElement(inline, _TEXT), value)
                cell.insert(0, inline)
            else:
                cell.set("t", "s")
                cell.insert(0, _value(str(index)))
            return
        if isinstance(value, bool):
            cell.set("t", "b")
            cell.insert(0, _value("1" if value else "0"))
            return
        if isinstance(value, datetime | date):
            fmt = self._edit.datetime_format if isinstance(value, datetime) else "yyyy-mm-dd"
            cell.set("s", str(book.dated(int(cell.get("s") or 0), fmt)))
            cell.insert(0, _value(_serial(value, book.epoch())))
            return
        cell.insert(0, _value(repr(value) if isinstance(value, float) else str(value)))

    # ------------------------------------------------------------ row height, filter, extent

    def _fit_height(self, row: etree._Element) -> None:
        """Grow the row so wrapped text fits. Neither Excel nor LibreOffice grows a row for
        text a program wrote, so a long note would print over the rows below it; a row a
        person made taller stays as tall."""
        wrapped = self._wrapped()
        if not wrapped:
            return
        lines = 1
        for column, cell in _cells_by_column(row).items():
            width = wrapped.get(column)
            if width is None:
                continue
            text = self._shown(cell)
            if not text:
                continue
            # A character is about one width unit of Calibri 11; wrapping breaks at words, so allow some slack.
            per_line = max(1, int(width * 0.9))
            lines = max(lines, sum(-(-len(part) // per_line) or 1 for part in text.splitlines() or [""]))
        height = min(MAX_HEIGHT, LINE_HEIGHT * lines)
        current = row.get("ht")
        if lines > 1 and (current is None or float(current) < height):
            row.set("ht", str(height))
            row.set("customHeight", "1")

    def _wrapped(self) -> dict[int, float]:
        wrapped = {}
        for first, last, col in self._column_elements():
            if self._book.wraps(int(col.get("style") or 0)):
                for column in range(first, last + 1):
                    wrapped[column] = float(col.get("width") or 0) or DEFAULT_WIDTH
        return wrapped

    def _shown(self, cell: etree._Element) -> str:
        kind = cell.get("t")
        if kind == "inlineStr":
            inline = cell.find(_INLINE)
            return "" if inline is None else _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)),
                                                          "".join(inline.itertext(_TEXT)))
        value = cell.find(_VALUE)
        if value is None or value.text is None:
            return ""
        if kind == "s":
            return self._book.shared(int(value.text))
        return value.text

    def _update_extent(self, root: etree._Element) -> None:
        dimension = root.find(f"{{{MAIN}}}dimension")
        if dimension is not None and (self._max_row or self._max_column):
            first, last = _bounds(dimension.get("ref", "A1"))
            bottom, right = max(last[0], self._max_row), max(last[1], self._max_column)
            if (bottom, right) != last:
                dimension.set("ref", f"{letters(first[1])}{first[0]}:{letters(right)}{bottom}")
        # An autofilter covers a fixed range; LibreOffice filters only the rows inside it,
        # so rows people or sync added below must join the range.
        autofilter = root.find(f"{{{MAIN}}}autoFilter")
        if autofilter is not None and autofilter.get("ref"):
            first, last = _bounds(autofilter.get("ref"))
            bottom = max(first[0], self.result.last_filled)
            if bottom != last[0]:
                reference = f"{letters(first[1])}{first[0]}:{letters(last[1])}{bottom}"
                autofilter.set("ref", reference)
                self.result.filter_ref = reference


class _Rows:
    """Where each row of a sheet's XML starts and ends, found without parsing the sheet.

    In XML every "<" outside comments, CDATA sections and processing instructions begins
    a tag, and a sheet's rows are the children of its one sheetData element. So when the
    part has none of those three and declares no namespace inside sheetData, each "<row"
    (with the prefix of the sheet's namespace) followed by a space, "/" or ">" is a row's
    start tag. Each row taken from here is parsed with lxml, wrapped in the sheet's own
    start tag so its prefixes resolve; a sheet that is not like this is parsed whole."""

    def __init__(self, data: bytes, root_tag: bytes, prefix: bytes, content_start: int, content_end: int):
        self._data = data
        self._root_tag = root_tag
        self._root_end = b"</" + root_tag[1:].split(None, 1)[0].rstrip(b">") + b">"
        self._needle = b"<" + prefix + b"row"
        self.content_start, self.content_end = content_start, content_end
        self._numbers: dict[int, int | None] = {}

    @classmethod
    def of(cls, data: bytes) -> _Rows | None:
        if b"<!" in data:  # a comment, a CDATA section or a document type
            return None
        start = data.find(b"<")
        if data.startswith(b"<?", start):
            start = data.find(b"<", data.find(b"?>", start))
        if start < 0 or data.find(b"<?", start) >= 0:
            return None
        end = _tag_end(data, start)
        if end is None:
            return None
        root_tag = data[start:end]
        try:
            root = etree.fromstring(root_tag + b"</" + root_tag[1:].split(None, 1)[0].rstrip(b">") + b">")
        except etree.XMLSyntaxError:
            return None
        if root.tag != f"{{{MAIN}}}worksheet" or root.nsmap.get(root.prefix) != MAIN:
            return None
        prefix = (root.prefix + ":" if root.prefix else "").encode()
        opening = data.find(b"<" + prefix + b"sheetData", end)
        if opening < 0:
            return None
        content_start = _tag_end(data, opening)
        content_end = data.rfind(b"</" + prefix + b"sheetData>")
        if content_start is None or data[content_start - 2] == ord("/") or content_end < content_start:
            return None
        if data.find(b"xmlns", content_start, content_end) >= 0:
            return None
        return cls(data, root_tag, prefix, content_start, content_end)

    def next(self, position: int) -> int:
        """The start of the first row at or after ``position`` (``content_end``: none)."""
        data, needle = self._data, self._needle
        while (position := data.find(needle, position, self.content_end)) >= 0:
            if data[position + len(needle)] in b" \t\r\n/>":
                return position
            position += len(needle)
        return self.content_end

    def previous(self, position: int) -> int | None:
        """The start of the last row before ``position``."""
        data, needle = self._data, self._needle
        while (position := data.rfind(needle, self.content_start, position)) >= 0:
            if data[position + len(needle)] in b" \t\r\n/>":
                return position
        return None

    def end(self, start: int) -> int:
        return self.next(start + 1)

    def from_row(self, start: int) -> Iterator[int]:
        while start < self.content_end:
            yield start
            start = self.end(start)

    def parse(self, start: int) -> etree._Element:
        root = etree.fromstring(self._root_tag + self._data[start:self.end(start)] + self._root_end, _ROW_PARSER)
        return root[0]

    def number(self, start: int) -> int | None:
        if start not in self._numbers:
            reference = self.parse(start).get("r")
            self._numbers[start] = int(reference) if reference and reference.isdigit() else None
        return self._numbers[start]

    def find(self, number: int) -> int | None:
        """The start of row ``number``, or of the first row below it (``content_end``: none);
        None when a row on the way has no number or the rows are out of order."""
        low, high = self.content_start, self.content_end
        while low < high:  # rows before low are above ``number``; rows from high on are not
            row = self.next((low + high) // 2)
            if row >= high:
                high = (low + high) // 2
                continue
            found = self.number(row)
            if found is None:
                return None
            if found < number:
                low = row + 1
            else:
                high = row
        row = self.next(low)
        before = self.previous(row)
        after = self.number(row) if row < self.content_end else number
        above = self.number(before) if before is not None else 0
        if after is None or above is None or not above < number <= after:
            return None
        return row

    def last_filled(self) -> int | None:
        """The start of the last row with a value (``content_end``: the sheet has none)."""
        row = self.previous(self.content_end)
        while row is not None:
            if self.number(row) is None:
                return None
            if _has_value(self.parse(row)):
                return row
            row = self.previous(row)
        return self.content_end

    def skeleton(self) -> etree._Element:
        """The sheet without its rows: everything before and after them, parsed."""
        data = self._data
        return etree.fromstring(data[:self.content_start] + data[self.content_end:], _ROW_PARSER)


_ROW_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)


def _tag_end(data: bytes, start: int) -> int | None:
    """The position after the tag starting at ``start``: ">" ends it outside quoted values."""
    position, quote = start + 1, None
    while position < len(data):
        character = data[position]
        if quote is not None:
            if character == quote:
                quote = None
            position = data.find(bytes([quote]), position) if quote is not None else position + 1
            if position < 0:
                return None
            continue
        if character in b"\"'":
            quote = character
        elif character == ord(">"):
            return position + 1
        position += 1
    return None


def _has_value(row: etree._Element) -> bool:
    if not len(row):
        return False
    if len(row[-1]):
        return True
    return any(len(cell) for cell in row)


def _cells_by_column(row: etree._Element) -> dict[int, etree._Element]:
    cells = {}
    column = 0
    for cell in row.iterchildren(_CELL):
        reference = cell.get("r")
        column = column_of(reference) if reference else column + 1
        cells[column] = cell
    return cells


def _widen_spans(row: etree._Element, cells: dict[int, etree._Element]) -> None:
    spans = row.get("spans")
    if spans and ":" in spans and " " not in spans:
        low, high = (int(part) for part in spans.split(":"))
        row.set("spans", f"{min(low, min(cells))}:{max(high, max(cells))}")


def _value(text: str) -> etree._Element:
    element = etree.Element(_VALUE)
    element.text = text
    return element


def _text(element: etree._Element, text: str) -> None:
    element.text = escape(text)
    if text != text.strip() or "\n" in text:
        element.set(_SPACE, "preserve")


def text_element(tag: str, text: str) -> etree._Element:
    element = etree.Element(tag)
    _text(element, text)
    return element


def _serial(value: date, epoch: datetime) -> str:
    if not isinstance(value, datetime):
        return str((value - epoch.date()).days)
    delta: timedelta = value - epoch
    return repr(delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400)


_REFERENCE = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)")


def column_of(reference: str) -> int:
    number = 0
    for character in reference:
        if not character.isalpha():
            break
        number = number * 26 + ord(character.upper()) - 64
    return number


def letters(column: int) -> str:
    text = ""
    while column:
        column, remainder = divmod(column - 1, 26)
        text = chr(65 + remainder) + text
    return text


def _bounds(reference: str) -> tuple[tuple[int, int], tuple[int, int]]:
    """(row, column) of a range's first and last cell."""
    corners = [(int(m.group(2)), column_of(m.group(1))) for m in _REFERENCE.finditer(reference)]
    return corners[0], corners[-1]


def bounds(reference: str) -> tuple[tuple[int, int], tuple[int, int]]:
    return _bounds(reference)


def _unsupported(sheet: str, what: str) -> SheetflowError:
    return SheetflowError(f"Sheet {sheet} {what}; sync tidak dapat menulisnya dengan aman. Tidak ada yang ditulis.")
