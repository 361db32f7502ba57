"""Cell values between sheetflow and the Sheets API's CellData."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ..table import Cell, Values

# Sheets counts serial days from 1899-12-30, like Excel.
EPOCH = datetime(1899, 12, 30)


def cell_data(value: Cell, datetime_pattern: str) -> dict[str, Any]:
    """What to write for ``value``: text always as ``stringValue``, never a formula."""
    if value is None or value == "":
        return {}
    if isinstance(value, bool):
        return {"userEnteredValue": {"boolValue": value}}
    if isinstance(value, datetime | date):
        moment = value if isinstance(value, datetime) else datetime.combine(value, datetime.min.time())
        serial = (moment - EPOCH).total_seconds() / 86400
        return {
            "userEnteredValue": {"numberValue": serial},
            "userEnteredFormat": {"numberFormat": {"type": "DATE_TIME", "pattern": datetime_pattern}},
        }
    if isinstance(value, int | float):
        return {"userEnteredValue": {"numberValue": value}}
    return {"userEnteredValue": {"stringValue": str(value)}}


def from_effective(data: dict[str, Any]) -> Cell:
    """A cell of a batchUpdate response, as ``values.batchGet`` would render it unformatted."""
    value = data.get("effectiveValue")
    if not value:
        return None
    if "numberValue" in value:
        number = value["numberValue"]
        return int(number) if float(number).is_integer() else number
    if "boolValue" in value:
        return bool(value["boolValue"])
    if "errorValue" in value:
        return "#ERROR!"
    return value.get("stringValue")


def trimmed(rows: list[list[Cell]]) -> tuple[Values, ...]:
    """Rows without trailing empty cells or rows, as the values API returns them."""
    result = []
    for row in rows:
        cells = list(row)
        while cells and cells[-1] in (None, ""):
            cells.pop()
        result.append(tuple(None if c == "" else c for c in cells))
    while result and not result[-1]:
        result.pop()
    return tuple(result)
