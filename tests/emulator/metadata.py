"""Developer metadata: where it may live and how a DataFilter's developerMetadataLookup finds it.

https://developers.google.com/sheets/api/reference/rest/v4/spreadsheets.developerMetadata#DeveloperMetadataLocation
"""

from __future__ import annotations

from typing import Any

from .errors import Invalid


def canonical_location(location: dict[str, Any]) -> dict[str, Any]:
    """The stored form, with the output-only locationType filled in."""
    given = [key for key in ("spreadsheet", "sheetId", "dimensionRange") if key in location]
    if len(given) != 1:
        raise Invalid("Developer metadata location must specify exactly one of spreadsheet, sheetId or dimensionRange.")
    if "spreadsheet" in location:
        return {"locationType": "SPREADSHEET", "spreadsheet": True}
    if "sheetId" in location:
        return {"locationType": "SHEET", "sheetId": location["sheetId"]}
    rng = dict(location["dimensionRange"])
    start, end = rng.get("startIndex"), rng.get("endIndex")
    # "The specified DimensionRange must represent a single row or column; it cannot be unbounded or
    # span multiple rows or columns."
    if start is None or end is None or end - start != 1:
        raise Invalid("The specified DimensionRange must represent a single row or column.")
    rng.setdefault("sheetId", 0)
    return {"locationType": "ROW" if rng.get("dimension") == "ROWS" else "COLUMN", "dimensionRange": rng}


def matches(meta: dict[str, Any], lookup: dict[str, Any]) -> bool:
    for key in ("metadataId", "metadataKey", "metadataValue", "visibility"):
        if key in lookup and meta.get(key) != lookup[key]:
            return False
    location = meta["location"]
    if "locationType" in lookup and location["locationType"] != lookup["locationType"]:
        return False
    wanted = lookup.get("metadataLocation")
    if not wanted:
        return True
    if wanted.get("spreadsheet"):
        return location["locationType"] == "SPREADSHEET"
    if "sheetId" in wanted:
        return location.get("sheetId") == wanted["sheetId"]
    rng, mine = wanted.get("dimensionRange", {}), location.get("dimensionRange")
    if not mine or mine["sheetId"] != rng.get("sheetId", 0) or mine["dimension"] != rng.get("dimension"):
        return False
    start, end = rng.get("startIndex", 0), rng.get("endIndex")
    if lookup.get("locationMatchingStrategy") == "INTERSECTING_LOCATION":
        return start <= mine["startIndex"] and (end is None or mine["startIndex"] < end)
    return (mine["startIndex"], mine["endIndex"]) == (start, end)
