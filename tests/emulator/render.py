"""Turning stored cell values into what the values API answers.

Rendering options: https://developers.google.com/sheets/api/reference/rest/v4/ValueRenderOption and
DateTimeRenderOption. Number format tokens: https://developers.google.com/sheets/api/guides/formats.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from .locales import Locale

# "Serial number format, as popularized by Lotus 1-2-3 ... days since December 30th 1899"
# (DateTimeRenderOption.SERIAL_NUMBER).
EPOCH = datetime(1899, 12, 30)
_DATE_TYPES = {"DATE", "TIME", "DATE_TIME"}
_DATE_TOKEN = re.compile(
    r'"[^"]*"|\\.|am/pm|AM/PM|a/p|A/P|[yY]+|[mM]+|[dD]+|[hH]+|[sS]+|\.0+|.',
)
_NUMBER_TOKEN = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|_.|\*.|E[+-]|e[+-]|.')


def serial(moment: datetime) -> float | int:
    value = (moment - EPOCH) / timedelta(days=1)
    return plain_number(value)


def from_serial(value: float) -> datetime:
    # Whole seconds: a serial number carries float noise well below a second.
    return EPOCH + timedelta(seconds=round(value * 86400))


def plain_number(value: float) -> int | float:
    """JSON numbers as Google writes them: whole numbers without a fraction."""
    if isinstance(value, bool):
        return value
    if float(value).is_integer() and abs(value) < 2**53:
        return int(value)
    return float(value)


def number_format(cell: dict[str, Any] | None) -> dict[str, Any]:
    return ((cell or {}).get("userEnteredFormat") or {}).get("numberFormat") or {}


def is_date_format(fmt: dict[str, Any]) -> bool:
    return fmt.get("type") in _DATE_TYPES


def render(cell: dict[str, Any] | None, value_option: str, date_option: str, loc: Locale) -> Any:
    """One cell as the values API renders it ("" for an empty cell)."""
    entered = cell.get("userEnteredValue") if cell else None
    if not entered:
        return ""
    if "formulaValue" in entered:
        # Limitation: formulas are not evaluated, so every render option answers the formula text.
        return entered["formulaValue"]
    if value_option == "FORMATTED_VALUE":
        return formatted(entered, number_format(cell), loc)
    if "numberValue" in entered:
        if date_option == "FORMATTED_STRING" and is_date_format(fmt := number_format(cell)):
            return format_number(entered["numberValue"], fmt, loc)
        return plain_number(entered["numberValue"])
    if "errorValue" in entered:
        return entered["errorValue"].get("type", "#ERROR!")
    return next(iter(entered.values()))


def formatted(entered: dict[str, Any], fmt: dict[str, Any], loc: Locale) -> str:
    if "numberValue" in entered:
        return format_number(entered["numberValue"], fmt, loc)
    if "boolValue" in entered:
        return "TRUE" if entered["boolValue"] else "FALSE"
    if "formulaValue" in entered:
        return entered["formulaValue"]
    if "errorValue" in entered:
        return entered["errorValue"].get("type", "#ERROR!")
    return entered.get("stringValue", "")


def format_number(value: float, fmt: dict[str, Any], loc: Locale) -> str:
    kind = fmt.get("type", "")
    pattern = fmt.get("pattern") or loc.default_pattern(kind)
    if not pattern or kind == "TEXT" or pattern in ("General", "@"):
        return automatic(value, loc)
    if kind in _DATE_TYPES or _has_date_tokens(pattern):
        return _format_date(value, pattern, loc)
    return _format_numeric(value, pattern, loc)


def automatic(value: float, loc: Locale) -> str:
    """The "Automatic" format: whole numbers without ".0", at most 15 significant digits, 10 decimals."""
    if value == 0:
        return "0"
    if abs(value) >= 1e15 or abs(value) < 1e-10:
        mantissa, exponent = f"{value:.5E}".split("E")
        mantissa = mantissa.rstrip("0").rstrip(".")
        return f"{mantissa.replace('.', loc.decimal)}E{int(exponent):+03d}"
    if float(value).is_integer():
        return str(int(value))
    int_digits = len(str(int(abs(value))))
    decimals = max(0, min(10, 15 - int_digits))
    text = f"{value:.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text.replace(".", loc.decimal)


def _has_date_tokens(pattern: str) -> bool:
    return any(t[0] in "yYdDhHsS" for t in _DATE_TOKEN.findall(pattern) if not t.startswith(('"', "\\")))


def _format_date(value: float, pattern: str, loc: Locale) -> str:
    moment = from_serial(value)
    tokens = _DATE_TOKEN.findall(pattern)
    twelve_hour = any(t.lower() in ("am/pm", "a/p") for t in tokens)
    fields = [i for i, t in enumerate(tokens) if t[0] in "yYmMdDhHsS"]
    out = []
    for i, token in enumerate(tokens):
        lead = token[0]
        n = len(token)
        if token.startswith('"'):
            out.append(token[1:-1])
        elif token.startswith("\\"):
            out.append(token[1:])
        elif token.lower() == "am/pm":
            out.append("AM" if moment.hour < 12 else "PM")
        elif token.lower() == "a/p":
            mark = "a" if moment.hour < 12 else "p"
            out.append(mark.upper() if token[0] == "A" else mark)
        elif lead in "yY":
            out.append(f"{moment.year % 100:02d}" if n <= 2 else f"{moment.year:04d}")
        elif lead in "mM":
            out.append(_minutes(moment, n) if _is_minute(i, tokens, fields) else _month(moment, n, loc))
        elif lead in "dD":
            out.append(_day(moment, n, loc))
        elif lead in "hH":
            hour = moment.hour % 12 or 12 if twelve_hour else moment.hour
            out.append(f"{hour:02d}" if n >= 2 else str(hour))
        elif lead in "sS":
            out.append(f"{moment.second:02d}" if n >= 2 else str(moment.second))
        elif token.startswith(".0"):
            out.append(loc.decimal + "0" * (n - 1))
        else:
            out.append(token)
    return "".join(out)


def _is_minute(i: int, tokens: list[str], fields: list[int]) -> bool:
    # "m" is minutes right after an hour token or right before a seconds token, a month otherwise.
    position = fields.index(i)
    before = tokens[fields[position - 1]][0] if position > 0 else None
    after = tokens[fields[position + 1]][0] if position + 1 < len(fields) else None
    return before in ("h", "H") or after in ("s", "S")


def _minutes(moment: datetime, n: int) -> str:
    return f"{moment.minute:02d}" if n >= 2 else str(moment.minute)


def _month(moment: datetime, n: int, loc: Locale) -> str:
    name = loc.months[moment.month - 1]
    return {1: str(moment.month), 2: f"{moment.month:02d}", 3: name[:3], 4: name}.get(n, name[0])


def _day(moment: datetime, n: int, loc: Locale) -> str:
    name = loc.days[moment.weekday()]
    return {1: str(moment.day), 2: f"{moment.day:02d}", 3: name[:3]}.get(n, name)


def _format_numeric(value: float, pattern: str, loc: Locale) -> str:
    sections = _split_sections(pattern)
    negative = value < 0
    if negative and len(sections) >= 2:
        section, sign, value = sections[1], "", -value
    elif value == 0 and len(sections) >= 3:
        section, sign = sections[2], ""
    else:
        section, sign, value = sections[0], "-" if negative else "", abs(value)
    tokens = [t for t in _NUMBER_TOKEN.findall(section) if not t.startswith(("[", "*"))]
    places = [i for i, t in enumerate(tokens) if t in ("0", "#", "?")]
    if not places:
        return sign + _literal(tokens)
    first, last = places[0], places[-1]
    core = tokens[first : last + 1]
    value *= 100 ** sum(t == "%" for t in tokens)
    prefix, suffix = _literal(tokens[:first]), _literal(tokens[last + 1 :])
    scientific = any(t.upper().startswith("E") for t in core)
    body = _scientific(value, core, loc) if scientific else _fixed(value, core, loc)
    return f"{sign}{prefix}{body}{suffix}"


def _split_sections(pattern: str) -> list[str]:
    sections, current = [], ""
    for token in _NUMBER_TOKEN.findall(pattern):
        if token == ";":
            sections.append(current)
            current = ""
        else:
            current += token
    return [*sections, current]


def _literal(tokens: list[str]) -> str:
    out = []
    for token in tokens:
        if token.startswith('"'):
            out.append(token[1:-1])
        elif token.startswith("\\"):
            out.append(token[1:])
        elif token.startswith("_"):
            out.append(" ")
        elif token not in (",", "."):
            out.append(token)
    return "".join(out)


def _fixed(value: float, core: list[str], loc: Locale) -> str:
    text = "".join(t for t in core if t in ("0", "#", "?", ",", "."))
    int_part, _, frac_part = text.partition(".")
    most = sum(ch in "0#?" for ch in frac_part)
    least = frac_part.count("0")
    rounded = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-most), rounding=ROUND_HALF_UP)
    whole, _, fraction = f"{rounded:f}".partition(".")
    fraction = fraction.rstrip("0").ljust(least, "0") if most else ""
    whole = whole.lstrip("0").rjust(int_part.count("0"), "0")
    if "," in int_part:
        whole = _group(whole, loc.group)
    return whole + (loc.decimal + fraction if "." in text else "")


def _group(digits: str, separator: str) -> str:
    groups = []
    while len(digits) > 3:
        digits, tail = digits[:-3], digits[-3:]
        groups.insert(0, tail)
    return separator.join([digits, *groups]) if digits else separator.join(groups)


def _scientific(value: float, core: list[str], loc: Locale) -> str:
    text = "".join(core)
    split = next(i for i, ch in enumerate(text) if ch in "eE")
    mantissa_pattern, exponent_pattern = text[:split], text[split + 2 :]
    decimals = sum(ch in "0#?" for ch in mantissa_pattern.partition(".")[2])
    mantissa, exponent = f"{value:.{decimals}E}".split("E")
    digits = max(1, exponent_pattern.count("0"))
    sign = "-" if int(exponent) < 0 else "+"
    return f"{mantissa.replace('.', loc.decimal)}E{sign}{abs(int(exponent)):0{digits}d}"
