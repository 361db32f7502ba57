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
    """Rows without trailing empty cells or rows, as the values API returns them; an empty
    cell ("") inside a row is None."""
    result = []
    append = result.append
    for row in rows:
        cells = tuple(map(_blank_as_none, row, row))  # "" -> None; at C speed, for 100,000s of rows
        if cells and cells[-1] is None:
            end = len(cells) - 1
            while end and cells[end - 1] is None:
                end -= 1
            cells = cells[:end]
        append(cells)
    while result and not result[-1]:
        result.pop()
    return tuple(result)


_blank_as_none = {"": None}.get
