"""Which spreadsheet a source names: ``gsheet:ID`` or a Sheets URL."""

from __future__ import annotations

import re

from ..errors import RegisterNotFound

PREFIX = "gsheet:"
URL = re.compile(r"^https://docs\.google\.com/spreadsheets/d/(?P<id>[A-Za-z0-9_-]+)")
ID = re.compile(r"^[A-Za-z0-9_-]{20,}$")


def is_google(source: object) -> bool:
    text = str(source)
    return text.startswith(PREFIX) or bool(URL.match(text))


def spreadsheet_id(source: str) -> str:
    text = source.removeprefix(PREFIX).strip()
    if match := URL.match(text):
        return match["id"]
    if ID.match(text):
        return text
    raise RegisterNotFound(
        f"'{source}' bukan ID atau alamat Google Sheets; tulis gsheet:ID_SPREADSHEET atau tempel alamat lengkapnya."
    )
