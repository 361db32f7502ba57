"""The typeface of printed registers, shipped inside the package (``fonts/``, licences beside it).

fpdf2's built-in fonts are Latin-1 only, and the people who print run Windows, where
DejaVu Sans is not installed: the package carries its own copy of the two styles it uses,
and fallback fonts for what people type that DejaVu Sans lacks (``OFL.txt``): emoji, in
the monochrome Noto Emoji (0.9 MB; the colour Noto font is a 10 MB bitmap font, and
offices print in black and white), and Javanese script. The caption on an approval sheet
is evidence: it prints as typed.
"""

from __future__ import annotations

from collections.abc import Container, Iterator
from contextlib import ExitStack, contextmanager
from importlib import resources
from pathlib import Path

import regex

FAMILY = "DejaVuSans"
FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
# Family -> file, tried in this order for a character the family above lacks. One
# (regular) style each: bold text borrows it, an emoji has no bold.
FALLBACKS = {"NotoEmoji": "NotoEmoji-Regular.ttf", "NotoSansJavanese": "NotoSansJavanese-Regular.ttf"}

# Printed for a character no shipped font has a glyph for (a script none of them covers,
# an emoji newer than Noto Emoji): a visible box keeps the text's length and tells the
# reader something was there.
PLACEHOLDER = "□"

GRAPHEME = regex.compile(r"\X")


@contextmanager
def font_files() -> Iterator[dict[str, Path]]:
    """Paths of the font files by style, valid inside the block.

    fpdf2 reads a font file lazily, up to the moment the PDF is written, so the files
    must stay in place for as long as the document is being made.
    """
    with ExitStack() as stack:
        yield {style: _file(stack, name) for style, name in FILES.items()}


@contextmanager
def fallback_files() -> Iterator[dict[str, Path]]:
    """Paths of the fallback fonts by family, in the order they are tried; as ``font_files``."""
    with ExitStack() as stack:
        yield {family: _file(stack, name) for family, name in FALLBACKS.items()}


def _file(stack: ExitStack, name: str) -> Path:
    return stack.enter_context(resources.as_file(resources.files(__package__) / "fonts" / name))


def printable(text: str, glyphs: Container[int]) -> str:
    """``text`` with each character no font can draw replaced by ``PLACEHOLDER``.

    Works per grapheme, as a reader counts characters: a family emoji made of five code
    points becomes one box, not five.
    """
    if all(_drawable(c, glyphs) for c in text):
        return text
    shown = []
    for cluster in GRAPHEME.findall(text):
        shown.append(cluster if all(_drawable(c, glyphs) for c in cluster) else PLACEHOLDER)
    return "".join(shown)


def _drawable(char: str, glyphs: Container[int]) -> bool:
    # A line break has no glyph: fpdf2 acts on it.
    return char == "\n" or ord(char) in glyphs
