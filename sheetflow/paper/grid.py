"""A ruled table whose cells wrap their text and whose rows continue on the next page.

fpdf2's own table keeps a row on one page, so a row taller than a page (a long caption
typed by mistake, a long list of notes) would be cut off; here it is split between
lines and goes on below the column heads of the next page. Nothing is ever cut.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from . import fonts
from .page import Paper, rgb

PAD = 1.0  # mm between a cell's rule and its text
HEAD_FILL = "E7E6E6"
# A row that must be split starts on a fresh page unless this many of its lines fit here.
MIN_SPLIT = 3


@dataclass(frozen=True)
class Column:
    head: str
    width: float  # mm
    align: Literal["L", "C", "R"] = "L"


@dataclass(frozen=True)
class Cell:
    text: str
    fill: str | None = None  # RGB hex
    bold: bool = False
    size: float | None = None  # points; the grid's size when None


class Grid:
    """Draws rows under the current position; ``heads`` repeat at the top of every page."""

    def __init__(self, pdf: Paper, columns: Sequence[Column], *, size: float, heads: bool = True):
        self.pdf = pdf
        self.columns = tuple(columns)
        self.size = size
        self.line = size * 0.46  # mm: the font size in points, with a little leading
        # Heads are a little smaller than the body, so a narrow column's head need not
        # break inside a word.
        head = size - 0.5
        self.heads = tuple(Cell(c.head, fill=HEAD_FILL, bold=True, size=head) for c in self.columns) if heads else ()

    @property
    def width(self) -> float:
        return sum(c.width for c in self.columns)

    def start(self) -> None:
        """The column heads, on this page if a few rows fit below them, else on the next."""
        if self.heads:
            head = self._wrapped(self.heads)
            self.pdf.make_room(self._height(_count(head)) + MIN_SPLIT * self.line)
            self._draw(self.heads, head)

    def row(self, cells: Sequence[Cell]) -> None:
        pending = self._wrapped(cells)
        while True:
            lines = _count(pending)
            room = self._room()
            if lines <= room:
                self._draw(cells, pending)
                return
            if room < MIN_SPLIT or lines <= self._room_on_a_new_page():
                self._new_page()
                continue
            self._draw(cells, [text[:room] for text in pending])
            pending = [text[room:] or [""] for text in pending]
            self._new_page()

    def banner(self, text: str) -> None:
        """A heading across the whole table, kept with the row below it."""
        cell = Cell(text, fill=HEAD_FILL, bold=True)
        lines = self._wrap(cell, self.width)
        if self._room() < len(lines) + MIN_SPLIT:
            self._new_page()
        top, height = self.pdf.get_y(), self._height(len(lines))
        self._draw_cell(self.pdf.l_margin, top, self.width, height, cell, lines, "L")
        self.pdf.set_xy(self.pdf.l_margin, top + height)

    def _wrapped(self, cells: Sequence[Cell]) -> list[list[str]]:
        return [self._wrap(cell, column.width) for cell, column in zip(cells, self.columns, strict=True)]

    def _wrap(self, cell: Cell, width: float) -> list[str]:
        self._font(cell)
        lines = self.pdf.multi_cell(width - 2 * PAD, self.line, cell.text, dry_run=True, output="LINES", padding=0)
        return lines or [""]

    def _height(self, lines: int) -> float:
        return lines * self.line + 2 * PAD

    def _room(self) -> int:
        """How many lines of a row fit below the current position."""
        return int((self.pdf.bottom - self.pdf.get_y() - 2 * PAD) // self.line)

    def _room_on_a_new_page(self) -> int:
        heads = self._height(_count(self._wrapped(self.heads))) if self.heads else 0
        return int((self.pdf.bottom - self.pdf.t_margin - heads - 2 * PAD) // self.line)

    def _new_page(self) -> None:
        self.pdf.add_page()
        if self.heads:
            self._draw(self.heads, self._wrapped(self.heads))

    def _draw(self, cells: Sequence[Cell], lines: list[list[str]]) -> None:
        pdf = self.pdf
        x, y = pdf.l_margin, pdf.get_y()
        height = self._height(_count(lines))
        for cell, text, column in zip(cells, lines, self.columns, strict=True):
            self._draw_cell(x, y, column.width, height, cell, text, column.align)
            x += column.width
        pdf.set_xy(pdf.l_margin, y + height)

    def _draw_cell(self, x: float, y: float, width: float, height: float, cell: Cell, lines: Sequence[str],
                   align: str) -> None:
        pdf = self.pdf
        if cell.fill:
            pdf.set_fill_color(*rgb(cell.fill))
        pdf.rect(x, y, width, height, style="DF" if cell.fill else "D")
        self._font(cell)
        for i, text in enumerate(lines):
            pdf.set_xy(x + PAD, y + PAD + i * self.line)
            pdf.cell(width - 2 * PAD, self.line, text, align=align)

    def _font(self, cell: Cell) -> None:
        self.pdf.set_font(fonts.FAMILY, "B" if cell.bold else "", cell.size or self.size)


def _count(cells: Sequence[Sequence[str]]) -> int:
    """The lines of a row: those of its tallest cell."""
    return max(map(len, cells))
