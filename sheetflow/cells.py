"""Reading what people type into cells.

Each parser takes a raw cell value exactly as the backend read it and returns the
parsed value or an ``Unreadable`` naming the problem. Nothing here guesses: a value
that matches no accepted form is unreadable, and the finding quotes it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache, lru_cache
from urllib.parse import urlsplit

from .table import Cell

# Excel and Sheets count serial days from 1899-12-30 (Lotus 1-2-3's leap-year bug).
SERIAL_EPOCH = date(1899, 12, 30)
MAX_SERIAL = 2_958_465  # 9999-12-31
SERIAL_MIDNIGHT = datetime.combine(SERIAL_EPOCH, datetime.min.time())

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("januari", "jan"),
            ("februari", "feb", "pebruari", "peb"),
            ("maret", "mar"),
            ("april", "apr"),
            ("mei",),
            ("juni", "jun"),
            ("juli", "jul"),
            ("agustus", "agu", "agt", "ags"),
            ("september", "sep", "sept"),
            ("oktober", "okt"),
            ("november", "nov", "nop", "nopember"),
            ("desember", "des"),
        ],
        start=1,
    )
    for name in names
}

TRUE_WORDS = {"ya", "y", "true", "benar", "1", "✓", "✔"}
FALSE_WORDS = {"tidak", "t", "false", "salah", "0"}

# Pasted text from chat apps and word processors carries these; they are not content:
# zero-width spaces, byte-order marks, soft hyphens and the direction marks WhatsApp adds.
# (The zero-width joiner is kept: it binds emoji sequences such as a family into one.)
INVISIBLE = dict.fromkeys(
    map(ord, "\u200b\u2060\ufeff\u00ad\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
)

NUMERIC_DATE = re.compile(r"^(\d{1,2})([/\-.])(\d{1,2})\2(\d{4})$")
ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
WORD_DATE = re.compile(r"^(\d{1,2})\s+([^\W\d]+)\.?\s+(\d{4})$")
# "5.0" and "5,0" are whole; "1.000" is not read (a thousand, or one?): a finding.
WHOLE = re.compile(r"^([+-]?\d+)(?:[.,]0)?$")
HALF_SECOND = timedelta(milliseconds=500)


@dataclass(frozen=True)
class Unreadable:
    """A value that is not any accepted form; ``code`` names the finding."""

    code: str
    params: dict[str, object] = field(default_factory=dict)


def text(raw: Cell) -> str:
    """The cell as text, with invisible characters removed and line ends unified."""
    if type(raw) is str:  # most cells: the same steps as below, without the type tests
        value = raw if raw.isascii() else raw.translate(INVISIBLE)
        return value.replace("\r\n", "\n").replace("\r", "\n") if "\r" in value else value
    if raw is None:
        return ""
    if isinstance(raw, datetime | date):
        return raw.isoformat()
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    value = str(raw)
    if not value.isascii():  # plain ASCII, most cells, has nothing invisible to remove
        value = value.translate(INVISIBLE)
    return value.replace("\r\n", "\n").replace("\r", "\n") if "\r" in value else value


def squash(raw: Cell) -> str:
    """``text`` with every run of spaces (non-breaking ones too) made one space."""
    # str.split() splits on every Unicode space, the non-breaking ones included.
    return " ".join(text(raw).split())


def is_blank(raw: Cell) -> bool:
    if isinstance(raw, str) and raw.isascii():  # the common case, without building new text
        return not raw.strip()
    if raw is None or raw is False:
        return True
    if type(raw) in _NEVER_BLANK:  # True, a number, a date: their text is never empty
        return False
    # A joiner alone joins nothing: a cell of only that shows nothing.
    return squash(raw).replace("\u200d", "") == ""


_NEVER_BLANK = frozenset({bool, int, float, datetime, date})


def length(raw: Cell) -> int:
    """Characters as a reader counts them: an emoji with a skin tone is one."""
    value = text(raw).strip()
    if value.isascii():  # every ASCII character is a grapheme of its own
        return len(value)
    return len(_grapheme().findall(unicodedata.normalize("NFC", value)))


@cache
def _grapheme() -> re.Pattern[str]:
    # The regex module (for \X, a user-perceived character) is imported only for text that needs it.
    import regex

    return regex.compile(r"\X")


def parse_date(raw: Cell) -> date | Unreadable:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if not 1 <= raw <= MAX_SERIAL:
            return Unreadable("date-unreadable")
        return SERIAL_EPOCH + timedelta(days=int(raw))
    value = squash(raw).casefold()
    if match := NUMERIC_DATE.match(value):
        day, _, month, year = match.groups()
    elif match := ISO_DATE.match(value):
        year, month, day = match.groups()
    elif (match := WORD_DATE.match(value)) and match[2] in MONTHS:
        day, month, year = match[1], MONTHS[match[2]], match[3]
    else:
        return Unreadable("date-unreadable")
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return Unreadable("date-impossible")


def is_typed_date(raw: Cell) -> bool:
    """Whether the cell holds a date the spreadsheet program made (a date cell or a serial
    number), rather than text sheetflow reads day-first itself."""
    return isinstance(raw, date | int | float) and not isinstance(raw, bool)


def swapped(day: date) -> date | None:
    """``day`` with its day and month exchanged, where both are 12 or less and differ."""
    if day.day > 12 or day.day == day.month:
        return None
    return day.replace(month=day.day, day=day.month)


def parse_datetime(raw: Cell) -> datetime | None:
    """A timestamp sync wrote earlier (a real date-time, a date, or a serial number)."""
    if isinstance(raw, datetime):
        if type(raw) is datetime and raw.microsecond == 0 and raw.tzinfo is None and not raw.fold:
            return raw  # already whole seconds: what the rounding below would give
        # A date-time read back from a file may carry float noise (15:59:59.9999): round it.
        return (raw.replace(tzinfo=None) + HALF_SECOND).replace(microsecond=0)
    if isinstance(raw, date):
        # The .xlsx reader gives a date-time at exactly 00:00:00 as a date: it is that midnight.
        return datetime.combine(raw, datetime.min.time())
    if isinstance(raw, int | float) and not isinstance(raw, bool) and 1 <= raw <= MAX_SERIAL:
        moment = SERIAL_MIDNIGHT + timedelta(days=raw)
        # Serial fractions carry float noise; timestamps are kept to the second.
        return (moment + HALF_SECOND).replace(microsecond=0)
    return None


def parse_flag(raw: Cell) -> bool | Unreadable:
    if isinstance(raw, bool):
        return raw
    if raw is None:
        return False
    if isinstance(raw, int | float):
        if raw in (0, 1):
            return bool(raw)
        return Unreadable("flag-unreadable")
    word = squash(raw).casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS or word == "":
        return False
    return Unreadable("flag-unreadable")


def parse_choice(raw: Cell, choices: tuple[str, ...]) -> str | Unreadable | None:
    """The matching dropdown value (case and spaces folded), or None when blank."""
    value = squash(raw).casefold()
    if not value:
        return None
    choice = _folded_choices(choices).get(value)
    if choice is not None:
        return choice
    return Unreadable("choice-unknown", {"choices": ", ".join(choices)})


@lru_cache(maxsize=256)  # one entry per dropdown column of the workflows in use
def _folded_choices(choices: tuple[str, ...]) -> dict[str, str]:
    """Each choice by its folded form; the first of choices that fold alike wins."""
    folded: dict[str, str] = {}
    for choice in choices:
        folded.setdefault(squash(choice).casefold(), choice)
    return folded


def parse_whole(raw: Cell) -> int | Unreadable:
    if isinstance(raw, bool):
        return Unreadable("whole-unreadable")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        return int(raw) if raw.is_integer() else Unreadable("whole-unreadable")
    if match := WHOLE.match(squash(raw)):
        return int(match[1])
    return Unreadable("whole-unreadable")


def parse_urls(raw: Cell, *, folders: bool = False) -> tuple[str, ...] | Unreadable:
    """One http(s) URL per line; blank lines are ignored, anything else is not. ``folders``:
    a folder's ``file:`` URL or absolute path (``D:\\…``, ``\\\\server\\…``, ``/…``) too."""
    urls = tuple(line for line in (" ".join(part.split()) for part in text(raw).split("\n")) if line)
    if not urls:
        return Unreadable("urls-missing")
    for url in urls:
        if not (is_url(url) or (folders and is_folder(url))):
            return Unreadable("url-invalid", {"line": url})
    return urls


def is_folder(value: str) -> bool:
    """A ``file:`` URL or an absolute path of Windows, a network share or Unix."""
    return bool(re.match(r"^(?:file:/|[A-Za-z]:[\\/]|\\\\[^\\]+\\|/)", value))


def is_url(value: str) -> bool:
    if " " in value:
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and "." in parts.netloc.rsplit("@", 1)[-1]
