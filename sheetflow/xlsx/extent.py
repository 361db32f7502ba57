"""A sheet read within the register's real extent, however far a stray cell sits.

calamine builds a dense range from A1 to a sheet's farthest filled cell before it hands
back a single value: one character typed into XFD1048576 asks it for 512 GiB (and the
process is aborted), a space left in the last row costs a gigabyte and seconds. So, before
calamine reads a sheet, the extent the sheet declares (its ``<dimension>``, which Excel,
LibreOffice and openpyxl write) is weighed against what the sheet's XML could hold. A
sheet that declares more, or declares nothing, is scanned; when its cells do reach far
beyond the table, calamine reads a copy that holds only the table: the columns the header
row (row 1) spans, and the rows with something other than spaces in those columns, packed
together and put back in their places afterwards.
"""

from __future__ import annotations

import html
import io
import posixpath
import re
import zipfile
from collections.abc import Iterable

from ..errors import RegisterUnreadable

# A dense range of this many cells costs calamine about 32 MB and sheetflow as much again.
FLOOR_CELLS = 1_000_000
# No filled cell takes fewer than 15 bytes of XML (<c><v>1</v></c>), a register's about 80:
# a sheet may declare about as many cells as its XML could hold before it is scanned.
BYTES_PER_ALLOWED_CELL = 16

_HEAD_BYTES = 64 * 1024
_DIMENSION = re.compile(rb'<(?:[\w.-]+:)?dimension\s+ref\s*=\s*["\']([A-Za-z]*)(\d*)(?::([A-Za-z]*)(\d*))?["\']')
_SHEET_DATA = re.compile(rb"<((?:[\w.-]+:)?)sheetData\b[^>]*?(/?)>")
# The row and cell tags of sheetData; run properties (<rPh>, <charset>, <color>) do not match.
_TAG = re.compile(rb"<(/?)((?:[\w.-]+:)?)(row|c)\b([^>]*?)(/?)>")
_REF = re.compile(rb"""(?<![\w:.-])r\s*=\s*["']([A-Za-z]*)(\d*)["']""")
_TYPE = re.compile(rb"""(?<![\w:.-])t\s*=\s*["']([^"']*)["']""")
_VALUE = re.compile(rb"<(?:[\w.-]+:)?v\b[^>]*>(.*?)</(?:[\w.-]+:)?v>", re.DOTALL)
_TEXT = re.compile(rb"<(?:[\w.-]+:)?t\b[^>]*?(?:/>|>(.*?)</(?:[\w.-]+:)?t>)", re.DOTALL)
_PHONETIC = re.compile(rb"<(?:[\w.-]+:)?rPh\b.*?</(?:[\w.-]+:)?rPh>", re.DOTALL)
_SHEET = re.compile(rb"<(?:[\w.-]+:)?sheet\b[^>]*>")
_RELATIONSHIP = re.compile(rb"<(?:[\w.-]+:)?Relationship\b[^>]*>")
_ATTRIBUTE = re.compile(rb"""([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_ITEM = re.compile(rb"<(?:[\w.-]+:)?si\b[^>]*?(?:/>|>(.*?)</(?:[\w.-]+:)?si>)", re.DOTALL)


def far_reaching(archive: zipfile.ZipFile, names: Iterable[str]) -> list[str]:
    """The sheets among ``names`` whose declared extent is out of proportion to their XML
    (or undeclared): they are read from a ``Bounded`` copy."""
    parts = sheet_parts(archive)
    far = []
    for name in names:
        part = parts.get(name)
        if part is None:
            continue  # calamine finds no such sheet either, and says so
        declared = _declared(archive, part)
        if declared is None or declared > _allowed(archive.getinfo(part).file_size):
            far.append(name)
    return far


class Bounded:
    """A copy of the workbook in which ``names`` hold only their table, and where each
    packed row was: ``rows[name][i]`` is the spreadsheet row of the copy's row ``i + 1``."""

    def __init__(self, archive: zipfile.ZipFile, names: Iterable[str], file: str):
        parts = sheet_parts(archive)
        blank = _blank_strings(archive)
        replaced: dict[str, bytes] = {}
        self.rows: dict[str, list[int]] = {}  # empty when every sheet held less than it declared
        self.content = b""
        for name in names:
            part = parts[name]
            xml = archive.read(part)
            scanned = _Scan(xml)
            if scanned.area() <= _allowed(len(xml)):
                continue  # it declared more than it holds: calamine reads it as it is
            replaced[part], self.rows[name] = _packed(xml, scanned, blank, name, file)
        if not replaced:
            return
        copy = io.BytesIO()
        with zipfile.ZipFile(copy, "w", zipfile.ZIP_STORED) as target:
            for info in archive.infolist():
                target.writestr(info.filename, replaced.get(info.filename) or archive.read(info))
        self.content = copy.getvalue()


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> the zip member holding it, as xl/workbook.xml and its relationships say."""
    try:
        book, links = archive.read("xl/workbook.xml"), archive.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    targets = {found.get("Id"): found.get("Target", "") for found in map(_attributes, _RELATIONSHIP.findall(links))}
    parts = {}
    for found in map(_attributes, _SHEET.findall(book)):
        target = targets.get(found.get("id"), "")
        if target:
            part = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            parts[found.get("name", "")] = part
    return {name: part for name, part in parts.items() if part in archive.NameToInfo}


def _attributes(tag: bytes) -> dict[str, str]:
    """A start tag's attributes by local name, entities decoded."""
    return {name.decode().rsplit(":", 1)[-1]: html.unescape((double or single).decode("utf-8", "replace"))
            for name, double, single in _ATTRIBUTE.findall(tag)}


def _allowed(xml_bytes: int) -> int:
    return FLOOR_CELLS + xml_bytes // BYTES_PER_ALLOWED_CELL


def _declared(archive: zipfile.ZipFile, part: str) -> int | None:
    """The cells from A1 to the far corner of the sheet's ``<dimension>``; None if it has none."""
    with archive.open(part) as stream:
        head = stream.read(_HEAD_BYTES)
    data = _SHEET_DATA.search(head)
    found = _DIMENSION.search(head, 0, data.start() if data else len(head))
    if found is None:
        return None
    letters, digits = (found[3], found[4]) if found[3] is not None else (found[1], found[2])
    if not letters or not digits:
        return None
    return _column(letters) * int(digits)


def _column(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


def _letters(column: int) -> bytes:
    letters = b""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = bytes((65 + rest,)) + letters
    return letters


# One cell of a scan: its column, its start tag's attributes, its body and its type.
_Cell = tuple[int, bytes, bytes, bytes | None]


class _Scan:
    """A sheet's cells by row, and the XML around its sheetData's content."""

    def __init__(self, xml: bytes) -> None:
        self.rows: list[tuple[int, list[_Cell]]] = []
        opening = _SHEET_DATA.search(xml)
        if opening is None or opening[2]:  # no cells at all
            self.prefix, self.before, self.after = b"", xml, b""
            return
        self.prefix = opening[1]
        end = xml.find(b"</" + self.prefix + b"sheetData>", opening.end())
        end = len(xml) if end < 0 else end
        self.before, self.after = xml[: opening.end()], xml[end:]
        row = column = 0
        cells: list[_Cell] | None = None
        cell: tuple[int, bytes, int] | None = None
        for tag in _TAG.finditer(xml, opening.end(), end):
            closing, _, name, attributes, empty = tag.groups()
            if name == b"row":
                if closing:
                    cells = None
                    continue
                ref = _REF.search(attributes)
                row = int(ref[2]) if ref and ref[2] else row + 1
                column, cells = 0, []
                self.rows.append((row, cells))
                if empty:
                    cells = None
            elif closing:
                if cell is not None and cells is not None:
                    at, opened, start = cell
                    cells.append((at, opened, xml[start:tag.start()], _type(opened)))
                cell = None
            else:
                ref = _REF.search(attributes)
                column = _column(ref[1]) if ref and ref[1] else column + 1
                cell = None if empty else (column, attributes, tag.end())

    def area(self) -> int:
        """The cells of the dense range calamine would build from A1: up to the farthest
        cell that holds a value, even a space."""
        rows = columns = 0
        for row, cells in self.rows:
            for column, _, body, kind in cells:
                if kind == b"inlineStr" or _VALUE.search(body):
                    rows, columns = max(rows, row), max(columns, column)
        return rows * columns


def _type(attributes: bytes) -> bytes | None:
    found = _TYPE.search(attributes)
    return found[1] if found else None


def _filled(cell: _Cell, blank: set[int]) -> bool:
    """Whether a cell holds something other than nothing or spaces."""
    _, _, body, kind = cell
    if kind == b"inlineStr":
        return _has_text(body)
    value = _VALUE.search(body)
    if value is None:
        return False
    if kind == b"s":
        try:
            return int(value[1]) not in blank
        except ValueError:
            return False
    if kind == b"str":
        return bool(html.unescape(value[1].decode("utf-8", "replace")).strip())
    return bool(value[1].strip())


def _has_text(body: bytes) -> bool:
    body = _PHONETIC.sub(b"", body)
    return any(html.unescape((text[1] or b"").decode("utf-8", "replace")).strip() for text in _TEXT.finditer(body))


def _blank_strings(archive: zipfile.ZipFile) -> set[int]:
    """The shared strings that are empty or only spaces."""
    try:
        xml = archive.read("xl/sharedStrings.xml")
    except KeyError:
        return set()
    return {i for i, item in enumerate(_ITEM.finditer(xml)) if not _has_text(item[1] or b"")}


def _packed(xml: bytes, scan: _Scan, blank: set[int], name: str, file: str) -> tuple[bytes, list[int]]:
    """The sheet's XML holding only its table, rows packed; and where each row came from."""
    header = [cell[0] for row, cells in scan.rows if row == 1 for cell in cells if _filled(cell, blank)]
    if not header:  # no header row to bound the columns: every filled column counts
        header = [cell[0] for _, cells in scan.rows for cell in cells if _filled(cell, blank)] or [1]
    first, last = min(header), max(header)
    kept: dict[int, list[_Cell]] = {}
    for row, cells in scan.rows:
        inside = [cell for cell in cells if first <= cell[0] <= last]
        if row == 1 or any(_filled(cell, blank) for cell in inside):
            kept.setdefault(row, []).extend(inside)
    numbers = sorted(kept)
    if len(numbers) * last > _allowed(len(xml)):
        raise RegisterUnreadable(
            f"Sheet {name} di {file} berisi isian sampai kolom {_letters(last).decode()} baris {numbers[-1]}, "
            "jauh di luar tabel register; hapus isian yang tersesat itu lalu jalankan sync lagi."
        )
    prefix = scan.prefix
    out = [scan.before]
    for packed, row in enumerate(numbers, start=1):
        out.append(b'<%srow r="%d">' % (prefix, packed))
        for column, attributes, body, _ in sorted(kept[row], key=lambda cell: cell[0]):
            ref = b' r="%s%d"' % (_letters(column), packed)
            out += [b"<", prefix, b"c", ref, _REF.sub(b"", attributes), b">", body, b"</", prefix, b"c>"]
        out.append(b"</%srow>" % prefix)
    out.append(scan.after)
    return b"".join(out), numbers
