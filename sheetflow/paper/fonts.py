"""The typeface of printed registers, shipped inside the package (``fonts/``, licence beside it).

fpdf2's built-in fonts are Latin-1 only, and the people who print run Windows, where
DejaVu Sans is not installed: the package carries its own copy of the two styles it uses.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from importlib import resources
from pathlib import Path

import regex

FAMILY = "DejaVuSans"
FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}

# Printed for a character the font has no glyph for (most colour emoji: 👍, 🎉, flags).
# The alternative, fpdf2's fallback fonts, would mean shipping a second, far larger
# emoji font; a visible box keeps the text's length and tells the reader something was there.
PLACEHOLDER = "□"

GRAPHEME = regex.compile(r"\X")


@contextmanager
def font_files() -> Iterator[dict[str, Path]]:
    """Paths of the font files by style, valid inside the block.

    fpdf2 reads a font file lazily, up to the moment the PDF is written, so the files
    must stay in place for as long as the document is being made.
    """
    folder = resources.files(__package__) / "fonts"
    with ExitStack() as stack:
        yield {style: stack.enter_context(resources.as_file(folder / name)) for style, name in FILES.items()}


def printable(text: str, glyphs: Mapping[int, object]) -> str:
    """``text`` with each character the font cannot draw replaced by ``PLACEHOLDER``.

    Works per grapheme, as a reader counts characters: a family emoji made of five code
    points becomes one box, not five.
    """
    if all(_drawable(c, glyphs) for c in text):
        return text
    shown = []
    for cluster in GRAPHEME.findall(text):
        shown.append(cluster if all(_drawable(c, glyphs) for c in cluster) else PLACEHOLDER)
    return "".join(shown)


def _drawable(char: str, glyphs: Mapping[int, object]) -> bool:
    # A line break has no glyph: fpdf2 acts on it.
    return char == "\n" or ord(char) in glyphs
