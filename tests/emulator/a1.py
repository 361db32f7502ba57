"""A1 notation: parsing ranges into grid bounds and writing them back the way Google echoes them.

https://developers.google.com/sheets/api/guides/concepts#cell — "Sheet1!A1:B2", "Sheet1!A:A",
"Sheet1!1:2", "Sheet1!A5:A", "A1:B2" (first visible sheet), "Sheet1" (all cells of that sheet),
"'My Custom Sheet'!A:A" (quotes needed for names with spaces or special characters).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ENDPOINT = re.compile(r"^([A-Za-z]{0,3})(\d*)$")
_PLAIN_NAME = re.compile(r"^[^\W\d]\w*$")
_LOOKS_LIKE_CELL = re.compile(r"^([A-Za-z]{1,3}\d+|[Rr]\d*[Cc]\d*)$")


class A1Error(ValueError):
    """The text is not A1 notation."""


@dataclass(frozen=True)
class Bounds:
    """Zero-based, end-exclusive; None = unbounded (as in the API's GridRange)."""

    row0: int | None = None
    row1: int | None = None
    col0: int | None = None
    col1: int | None = None

    def clamp(self, rows: int, cols: int) -> tuple[int, int, int, int]:
        """Concrete (row0, row1, col0, col1) inside a rows x cols grid."""
        r0 = min(self.row0 or 0, rows)
        c0 = min(self.col0 or 0, cols)
        r1 = rows if self.row1 is None else min(self.row1, rows)
        c1 = cols if self.col1 is None else min(self.col1, cols)
        return r0, max(r0, r1), c0, max(c0, c1)

    @property
    def single_cell(self) -> bool:
        return (
            self.row0 is not None
            and self.col0 is not None
            and self.row1 == self.row0 + 1
            and self.col1 == self.col0 + 1
        )


def column_letters(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def quote_sheet(title: str) -> str:
    # Google echoes "Sheet1!A1" but "'My Sheet'!A1"; names that could be read as a cell are quoted too.
    if _PLAIN_NAME.match(title) and not _LOOKS_LIKE_CELL.match(title):
        return title
    return "'" + title.replace("'", "''") + "'"


def split_sheet(text: str) -> tuple[str | None, str | None]:
    """("Sheet", "A1:B2") from "Sheet!A1:B2"; (None, "A1") from "A1"; ("My Sheet", None) from "'My Sheet'"."""
    if text.startswith("'"):
        i, name = 1, []
        while i < len(text):
            if text[i] == "'":
                if text[i + 1 : i + 2] == "'":
                    name.append("'")
                    i += 2
                    continue
                break
            name.append(text[i])
            i += 1
        else:
            raise A1Error(text)
        rest = text[i + 1 :]
        if rest == "":
            return "".join(name), None
        if not rest.startswith("!"):
            raise A1Error(text)
        return "".join(name), rest[1:]
    if "!" in text:
        sheet, cells = text.split("!", 1)
        return sheet, cells
    return None, text


def parse_cells(cells: str) -> Bounds:
    parts = cells.split(":")
    if len(parts) > 2 or not all(parts):
        raise A1Error(cells)
    ends = []
    for part in parts:
        m = _ENDPOINT.match(part)
        if not m or not (m.group(1) or m.group(2)):
            raise A1Error(cells)
        col = column_index(m.group(1)) if m.group(1) else None
        row = int(m.group(2)) - 1 if m.group(2) else None
        if row is not None and row < 0:
            raise A1Error(cells)
        ends.append((row, col))
    (ra, ca) = ends[0]
    if len(ends) == 1:
        if ra is None or ca is None:
            raise A1Error(cells)
        return Bounds(ra, ra + 1, ca, ca + 1)
    (rb, cb) = ends[1]
    if (ca is None) != (cb is None) and ra is None:
        raise A1Error(cells)
    rows = sorted(r for r in (ra, rb) if r is not None)
    cols = sorted(c for c in (ca, cb) if c is not None)
    row0 = rows[0] if ra is not None else None
    row1 = rows[-1] + 1 if ra is not None and rb is not None else None
    col0 = cols[0] if ca is not None else None
    col1 = cols[-1] + 1 if ca is not None and cb is not None else None
    if ra is None and rb is not None:  # "A:B5" reads as A1:B5
        row0, row1 = 0, rb + 1
    return Bounds(row0, row1, col0, col1)


def format_cells(row0: int, row1: int, col0: int, col1: int) -> str:
    start = f"{column_letters(col0)}{row0 + 1}"
    if row1 - row0 <= 1 and col1 - col0 <= 1:
        return start
    return f"{start}:{column_letters(col1 - 1)}{row1}"


def format_range(title: str, row0: int, row1: int, col0: int, col1: int) -> str:
    return f"{quote_sheet(title)}!{format_cells(row0, row1, col0, col1)}"
