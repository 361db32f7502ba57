"""An A4 document with the office's masthead on every page and page numbers in its footer."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from fpdf import FPDF

from . import fonts, formats

if TYPE_CHECKING:
    from ..workflow import Workflow

MARGIN = 10.0
HEAD = 25.0  # the masthead's height: the body starts below it
FOOT = 12.0  # the footer's height: the body ends above it
INK = (0, 0, 0)
FAINT = (90, 90, 90)
Orientation = Literal["portrait", "landscape"]


@dataclass(frozen=True)
class Masthead:
    office: str  # the office named in the masthead
    sop: str  # "SOP 010 / SOP / 2024 · Alur Upload Konten Media Sosial"
    subject: str  # what this document is, e.g. the register and its period
    printed: str  # "Dicetak 3 Juli 2024 15:00 WIB"

    @classmethod
    def of(cls, wf: Workflow, *, office: str, subject: str, printed_at: datetime) -> Masthead:
        """The masthead every document of a workflow's register carries."""
        return cls(office, f"SOP {wf.sop_number} · {wf.title}", subject, formats.printed_on(printed_at, wf))


class Paper(FPDF):
    """Pages break where the drawing code says (``make_room``), never in the middle of a line."""

    def __init__(self, orientation: Orientation, masthead: Masthead, font_files: Mapping[str, Path],
                 fallback_files: Mapping[str, Path], pages: int):
        super().__init__(orientation=orientation, unit="mm", format="A4")
        # The page count is known from a first rendering (see ``render``), so fpdf2's
        # page-count alias, which would also replace "{nb}" typed by a person, is off.
        self.alias_nb_pages(None)
        self.page_total = pages
        for style, path in font_files.items():
            self.add_font(fonts.FAMILY, style, path)
        for family, path in fallback_files.items():
            self.add_font(family, fname=path)
        # Not an exact match: bold text borrows the fallbacks' only (regular) style.
        self.set_fallback_fonts(list(fallback_files), exact_match=False)
        self._fallback_glyphs = frozenset().union(*(self.fonts[f.lower()].cmap for f in fallback_files))
        self._drawable: dict[str, frozenset[int]] = {}  # per font: its glyphs and the fallbacks'
        self.masthead = masthead
        self.set_margins(MARGIN, MARGIN + HEAD, MARGIN)
        self.c_margin = 0  # text goes where the drawing code puts it; the grid pads its own cells
        self.set_auto_page_break(False, margin=FOOT)
        self.set_title(f"{masthead.subject} · {masthead.office}")
        self.set_creator("sheetflow")
        self.set_font(fonts.FAMILY, size=8)

    def normalize_text(self, text: str) -> str:
        # Every string fpdf2 draws or measures passes through here, so no character that
        # neither the font nor a fallback has reaches the page (see fonts.PLACEHOLDER).
        font = self.current_font
        drawable = self._drawable.get(font.fontkey)
        if drawable is None:
            drawable = self._drawable[font.fontkey] = self._fallback_glyphs.union(font.cmap)
        return super().normalize_text(fonts.printable(text, drawable))

    @property
    def bottom(self) -> float:
        """Where the body ends on every page."""
        return self.h - FOOT - MARGIN / 2

    def make_room(self, height: float) -> None:
        """Start a new page unless ``height`` fits below the current position."""
        if self.get_y() + height > self.bottom:
            self.add_page()

    def header(self) -> None:
        head = self.masthead
        width = self.w - 2 * MARGIN
        self.set_text_color(*INK)
        self.set_xy(MARGIN, MARGIN)
        self.set_font(fonts.FAMILY, "B", 12)
        self.cell(width * 0.6, 6, head.office)
        self.set_font(fonts.FAMILY, size=8)
        self.set_text_color(*FAINT)
        self.cell(width * 0.4, 6, head.printed, align="R")
        self.set_text_color(*INK)
        self.set_xy(MARGIN, MARGIN + 6.5)
        self.set_font(fonts.FAMILY, size=9)
        self.cell(width, 5, head.sop)
        self.set_xy(MARGIN, MARGIN + 12)
        self.set_font(fonts.FAMILY, "B", 10)
        self.cell(width, 5.5, head.subject)
        self.set_draw_color(*INK)
        self.line(MARGIN, MARGIN + 19, self.w - MARGIN, MARGIN + 19)
        self.set_font(fonts.FAMILY, size=8)
        self.set_y(self.t_margin)

    def footer(self) -> None:
        width = self.w - 2 * MARGIN
        self.set_xy(MARGIN, self.h - MARGIN - 4)
        self.set_font(fonts.FAMILY, size=7.5)
        self.set_text_color(*FAINT)
        self.cell(width / 2, 4, f"{self.masthead.office} · {self.masthead.printed}")
        self.cell(width / 2, 4, f"Halaman {self.page_no()} dari {self.page_total}", align="R")
        self.set_text_color(*INK)


def render(orientation: Orientation, masthead: Masthead, draw: Callable[[Paper], None]) -> bytes:
    """The PDF that ``draw`` makes on a fresh document, its pages numbered "Halaman n dari N"."""
    with fonts.font_files() as files, fonts.fallback_files() as fallbacks:
        # Drawn twice: the first time counts the pages. The footer lies outside the body,
        # so the count does not change where anything falls.
        with _drawn(orientation, masthead, files, fallbacks, draw, pages=0) as first:
            pages = first.page
        with _drawn(orientation, masthead, files, fallbacks, draw, pages=pages) as document:
            return bytes(document.output())


@contextmanager
def _drawn(orientation: Orientation, masthead: Masthead, files: Mapping[str, Path], fallbacks: Mapping[str, Path],
           draw: Callable[[Paper], None], pages: int) -> Iterator[Paper]:
    document = Paper(orientation, masthead, files, fallbacks, pages)
    try:
        document.add_page()
        draw(document)
        yield document
    finally:
        # fpdf2 leaves its font files open (fontTools reads them lazily): close them, or
        # the files stay locked on Windows and Python warns of unclosed files.
        for font in document.fonts.values():
            font.ttfont.close()


def rgb(colour: str) -> tuple[int, int, int]:
    """``"9FC5E8"`` as fpdf2 takes it."""
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)
