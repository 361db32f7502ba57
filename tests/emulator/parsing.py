"""Input values -> ExtendedValue, per ValueInputOption.

https://developers.google.com/sheets/api/reference/rest/v4/ValueInputOption:
RAW — "The values the user has entered will not be parsed and will be stored as-is."
USER_ENTERED — "The values will be parsed as if the user typed them into the UI. Numbers will stay as
numbers, but strings may be converted to numbers, dates, etc. following the same rules that are
applied when entering text into a cell via the Google Sheets UI." The UI reads numbers and dates in
the spreadsheet's locale (decimal comma and day-first dates in id_ID, month-first dates in en_US).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from .errors import CELL_TOO_LONG, ApiError
from .locales import Locale
from .render import serial

MAX_CELL_CHARS = 50_000

_NUMERIC_DATE = re.compile(r"^(\d{1,4})([/.-])(\d{1,2})(?:\2(\d{1,4}))?$")
_NAMED_DATE = re.compile(r"^(\d{1,2})[ -]([^\W\d_]+)\.?[ -](\d{2,4})$")
_NAMED_DATE_MONTH_FIRST = re.compile(r"^([^\W\d_]+)\.? (\d{1,2}),? (\d{2,4})$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?$")
_DATE_THEN_TIME = re.compile(r"^(.*?)\s+(\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp][Mm])?)$")

# An ExtendedValue (None = clear the value) and the numberFormat the UI would give a cell that has none.
Parsed = tuple[dict[str, Any] | None, dict[str, Any] | None]


def check_length(text: str) -> None:
    # https://developers.google.com/sheets/api/limits — 50,000 characters in a single cell.
    if len(text) > MAX_CELL_CHARS:
        raise ApiError(400, CELL_TOO_LONG)


def check_extended_value(value: dict[str, Any]) -> None:
    for key in ("stringValue", "formulaValue"):
        if isinstance(value.get(key), str):
            check_length(value[key])


def parse_input(value: Any, option: str, loc: Locale, *, text_cell: bool = False) -> Parsed:
    """A JSON input value (never None: the caller skips those, "Null values will be skipped")."""
    if isinstance(value, bool):
        return {"boolValue": value}, None
    if isinstance(value, int | float):
        return {"numberValue": value}, None
    text = str(value)
    check_length(text)
    if text == "":
        return None, None
    if option == "RAW" or text_cell:
        # A cell formatted as plain text keeps what is typed as text, formulas included.
        return {"stringValue": text}, None
    return _user_entered(text, loc)


def _user_entered(text: str, loc: Locale) -> Parsed:
    if text.startswith("=") and len(text) > 1:
        return {"formulaValue": text}, None
    if text.startswith("'"):
        # A leading apostrophe forces text and is not part of the value.
        return {"stringValue": text[1:]}, None
    stripped = text.strip()
    if stripped.upper() in ("TRUE", "FALSE"):
        return {"boolValue": stripped.upper() == "TRUE"}, None
    for reader in (_number, _date_time):
        parsed = reader(stripped, loc)
        if parsed is not None:
            return parsed
    return {"stringValue": text}, None


def _number(text: str, loc: Locale) -> Parsed | None:
    dec, grp = re.escape(loc.decimal), re.escape(loc.group)
    cur = re.escape(loc.currency)
    match = re.match(
        rf"^(?P<sign>[+-]?)(?P<cur>{cur})?\s?(?P<int>\d{{1,3}}(?:{grp}\d{{3}})+|\d*)"
        rf"(?:{dec}(?P<frac>\d+))?(?:[eE](?P<exp>[+-]?\d+))?(?P<pct>%)?$",
        text,
    )
    if not match or not (match["int"] or match["frac"]):
        return None
    digits = match["int"].replace(loc.group, "") or "0"
    number = float(f"{match['sign']}{digits}.{match['frac'] or '0'}e{match['exp'] or '0'}")
    fmt = None
    if match["pct"]:
        number /= 100
        fmt = {"type": "PERCENT", "pattern": "0.00%" if match["frac"] else "0%"}
    elif match["cur"]:
        fmt = {"type": "CURRENCY", "pattern": loc.default_pattern("CURRENCY")}
    elif match["exp"]:
        fmt = {"type": "SCIENTIFIC", "pattern": "0.00E+00"}
    elif loc.group in match["int"]:
        fmt = {"type": "NUMBER", "pattern": "#,##0" if not match["frac"] else "#,##0.00"}
    return {"numberValue": number}, fmt


def _date_time(text: str, loc: Locale) -> Parsed | None:
    clock = _time(text)
    if clock is not None:
        return {"numberValue": serial(clock)}, {"type": "TIME", "pattern": loc.time}
    found = _date(text, loc)
    if found is not None:
        day, pattern = found
        return {"numberValue": serial(datetime(day.year, day.month, day.day))}, {"type": "DATE", "pattern": pattern}
    split = _DATE_THEN_TIME.match(text)
    if not split:
        return None
    found, clock = _date(split[1], loc), _time(split[2])
    if found is None or clock is None:
        return None
    day, pattern = found
    moment = datetime(day.year, day.month, day.day, clock.hour, clock.minute, clock.second)
    pattern = "yyyy-mm-dd H:mm:ss" if pattern == "yyyy-mm-dd" else loc.date_time
    return {"numberValue": serial(moment)}, {"type": "DATE_TIME", "pattern": pattern}


def _time(text: str) -> datetime | None:
    match = _TIME.match(text)
    if not match:
        return None
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    if match[4]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match[4].lower() == "pm" else 0)
    if hour > 23 or minute > 59 or second > 59:
        return None
    return datetime(1899, 12, 30, hour, minute, second)


def _date(text: str, loc: Locale) -> tuple[date, str] | None:
    """The date the UI would read and the pattern it would give the cell."""
    if match := _NUMERIC_DATE.match(text):
        a, b, c = match[1], match[3], match[4]
        if len(a) == 4:  # ISO-like: year first whatever the locale
            if c is None:
                return None
            return _make(int(a), int(b), int(c), "yyyy-mm-dd" if match[2] == "-" else loc.date)
        if len(b) > 2 or (c is not None and len(c) not in (2, 4)):
            return None
        day, month = (int(a), int(b)) if loc.day_first else (int(b), int(a))
        year = date.today().year if c is None else _year(c)
        return _make(year, month, day, loc.date)
    if match := _NAMED_DATE.match(text):
        month = loc.month_number(match[2])
        pattern = "d mmmm yyyy" if len(match[2]) > 3 else "d mmm yyyy"
        return None if month is None else _make(_year(match[3]), month, int(match[1]), pattern)
    if match := _NAMED_DATE_MONTH_FIRST.match(text):
        month = loc.month_number(match[1])
        return None if month is None else _make(_year(match[3]), month, int(match[2]), "mmmm d, yyyy")
    return None


def _year(text: str) -> int:
    # Two-digit years: 00-29 are 20xx, 30-99 are 19xx.
    year = int(text)
    if len(text) <= 2:
        year += 2000 if year < 30 else 1900
    return year


def _make(year: int, month: int, day: int, pattern: str) -> tuple[date, str] | None:
    try:
        return date(year, month, day), pattern
    except ValueError:
        return None
