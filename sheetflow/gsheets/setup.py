"""Preparing a Google Sheet like the template: the requests that make it so, and only those.

Whatever is already in place (a header, a sheet, a colour rule, a protected range, the
locale) is left alone, so running setup twice writes nothing the second time. People's
columns and data never move: a missing header is added after the last one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from .. import cells
from ..guide import guide_lines
from ..history_headers import HISTORY_HEADERS
from ..table import Values
from ..workflow import ColumnType, Workflow, fold

LOCALE = "id_ID"  # day-first dates: 03/07/2024 typed by staff is 3 July
MARKER = "sheetflow-layout"
PROTECTED = "sheetflow: "
SYSTEM_GREY = {"red": 0.918, "green": 0.918, "blue": 0.918}


def setup_requests(
    metadata: Mapping[str, Any],
    headers: Values,
    workflow: Workflow,
    *,
    editors: Sequence[str],
    warning_only: bool = False,
) -> list[dict[str, Any]]:
    plan = _Setup(metadata, workflow)
    plan.spreadsheet_properties(workflow)
    register = plan.sheet(workflow.sheets.register_, frozen=1)
    history = plan.sheet(workflow.sheets.history, frozen=1)
    plan.sheet(workflow.sheets.recap)
    guide_created = workflow.sheets.guide not in plan.sheets
    guide = plan.sheet(workflow.sheets.guide)
    positions = plan.headers(register, headers, workflow)
    if plan.created(workflow.sheets.history):
        plan.row(history, 0, [_text(h, bold=True) for h in HISTORY_HEADERS])
    plan.columns(register, positions, workflow)
    plan.status_colours(register, positions[workflow.column["status"].key], workflow)
    plan.protect(register, positions, history, workflow, editors, warning_only)
    if guide_created:
        for index, line in enumerate(guide_lines(workflow, in_file=False)):
            values = [_text(v, bold=line.kind != "row") if v else {} for v in line.values]
            if line.fill and values:
                values[0]["userEnteredFormat"]["backgroundColor"] = _rgb(line.fill)
            plan.row(guide, index, values)
    return plan.requests


class _Setup:
    def __init__(self, metadata: Mapping[str, Any], workflow: Workflow):
        self.metadata = metadata
        self.sheets = {s["properties"]["title"]: s for s in metadata.get("sheets", [])}
        self.requests: list[dict[str, Any]] = []
        self._new: set[str] = set()
        self._next_id = max((s["properties"]["sheetId"] for s in self.sheets.values()), default=0) + 1

    def spreadsheet_properties(self, workflow: Workflow) -> None:
        properties = self.metadata.get("properties", {})
        if properties.get("locale") != LOCALE or properties.get("timeZone") != workflow.timezone:
            self.requests.append({"updateSpreadsheetProperties": {
                "properties": {"locale": LOCALE, "timeZone": workflow.timezone}, "fields": "locale,timeZone"}})

    def sheet(self, title: str, frozen: int = 0) -> int:
        if title in self.sheets:
            properties = self.sheets[title]["properties"]
            if frozen and properties.get("gridProperties", {}).get("frozenRowCount", 0) != frozen:
                self.requests.append({"updateSheetProperties": {
                    "properties": {"sheetId": properties["sheetId"], "gridProperties": {"frozenRowCount": frozen}},
                    "fields": "gridProperties.frozenRowCount"}})
            return properties["sheetId"]
        sheet_id, self._next_id = self._next_id, self._next_id + 1
        properties: dict[str, Any] = {"sheetId": sheet_id, "title": title}
        if frozen:
            properties["gridProperties"] = {"frozenRowCount": frozen}
        self.requests.append({"addSheet": {"properties": properties}})
        self.sheets[title] = {"properties": properties}
        self._new.add(title)
        return sheet_id

    def created(self, title: str) -> bool:
        return title in self._new

    def headers(self, sheet_id: int, headers: Values, workflow: Workflow) -> dict[str, int]:
        """0-based column of each workflow column; missing headers go after the last one."""
        found = {fold(cells.text(h)): i for i, h in reversed(list(enumerate(headers))) if not cells.is_blank(h)}
        positions, missing = {}, []
        next_free = len(headers)
        for column in workflow.columns:
            if fold(column.header) in found:
                positions[column.key] = found[fold(column.header)]
            else:
                positions[column.key] = next_free
                missing.append((next_free, column.header))
                next_free += 1
        title = next(t for t, s in self.sheets.items() if s["properties"]["sheetId"] == sheet_id)
        grid_columns = self.sheets[title]["properties"].get("gridProperties", {}).get("columnCount", 26)
        if next_free > grid_columns:
            self.requests.append({"appendDimension": {"sheetId": sheet_id, "dimension": "COLUMNS",
                                                      "length": next_free - grid_columns}})
        for column, header in missing:
            self.requests.append(_update(sheet_id, 0, column, [_text(header, bold=True)]))
        return positions

    def columns(self, sheet_id: int, positions: Mapping[str, int], workflow: Workflow) -> None:
        """Dropdowns, checkboxes, formats and shading: once per column layout (a marker remembers)."""
        layout = hashlib.sha256(repr(sorted(positions.items())).encode()).hexdigest()[:16]
        marker = f"{workflow.id}:{layout}"
        present = {(m.get("metadataKey"), m.get("metadataValue")) for m in self.metadata.get("developerMetadata", [])}
        if (MARKER, marker) in present:
            return
        for column in workflow.columns:
            body = {"sheetId": sheet_id, "startRowIndex": 1, "startColumnIndex": positions[column.key],
                    "endColumnIndex": positions[column.key] + 1}
            if column.type is ColumnType.CHOICE:
                self.requests.append({"setDataValidation": {"range": body, "rule": {
                    "condition": {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": c} for c in column.choices]},
                    "strict": True, "showCustomUi": True}}})
            elif column.type is ColumnType.FLAG:
                self.requests.append({"setDataValidation": {"range": body, "rule": {"condition": {"type": "BOOLEAN"}}}})
            pattern = {ColumnType.DATE: ("DATE", workflow.date_format),
                       ColumnType.DATETIME: ("DATE_TIME", workflow.datetime_format)}.get(column.type)
            cell_format: dict[str, Any] = {}
            if pattern:
                cell_format["numberFormat"] = {"type": pattern[0], "pattern": pattern[1]}
            if column.is_system:
                cell_format["backgroundColor"] = SYSTEM_GREY
            if cell_format:
                fields = ",".join(f"userEnteredFormat.{k}" for k in cell_format)
                self.requests.append({"repeatCell": {"range": body, "cell": {"userEnteredFormat": cell_format},
                                                     "fields": fields}})
            if column.hidden:
                self.requests.append({"updateDimensionProperties": {
                    "range": {"sheetId": sheet_id, "dimension": "COLUMNS", "startIndex": positions[column.key],
                              "endIndex": positions[column.key] + 1},
                    "properties": {"hiddenByUser": True}, "fields": "hiddenByUser"}})
        for old in self.metadata.get("developerMetadata", []):
            if old.get("metadataKey") == MARKER:
                self.requests.append({"deleteDeveloperMetadata": {"dataFilter": {
                    "developerMetadataLookup": {"metadataId": old["metadataId"]}}}})
        self.requests.append({"createDeveloperMetadata": {"developerMetadata": {
            "metadataKey": MARKER, "metadataValue": marker, "location": {"spreadsheet": True},
            "visibility": "DOCUMENT"}}})

    def status_colours(self, sheet_id: int, column: int, workflow: Workflow) -> None:
        title = next(t for t, s in self.sheets.items() if s["properties"]["sheetId"] == sheet_id)
        existing = {
            tuple(v.get("userEnteredValue") for v in rule["booleanRule"]["condition"].get("values", []))
            for rule in self.sheets[title].get("conditionalFormats", [])
            if rule.get("booleanRule", {}).get("condition", {}).get("type") == "TEXT_EQ"
        }
        for index, status in enumerate(workflow.statuses):
            if (status.label,) in existing:
                continue
            self.requests.append({"addConditionalFormatRule": {"index": index, "rule": {
                "ranges": [{"sheetId": sheet_id, "startRowIndex": 1, "startColumnIndex": column,
                            "endColumnIndex": column + 1}],
                "booleanRule": {"condition": {"type": "TEXT_EQ", "values": [{"userEnteredValue": status.label}]},
                                "format": {"backgroundColor": _rgb(status.colour)}}}}})

    def protect(
        self, register: int, positions: Mapping[str, int], history: int, workflow: Workflow,
        editors: Sequence[str], warning_only: bool,
    ) -> None:
        described = {p.get("description") for s in self.sheets.values() for p in s.get("protectedRanges", [])}
        wanted = [(f"{PROTECTED}{c.header}", {"sheetId": register, "startRowIndex": 1,
                                               "startColumnIndex": positions[c.key],
                                               "endColumnIndex": positions[c.key] + 1})
                  for c in workflow.columns if c.is_system]
        wanted.append((f"{PROTECTED}{workflow.sheets.history}", {"sheetId": history}))
        for description, grid in wanted:
            if description in described:
                continue
            protected: dict[str, Any] = {"range": grid, "description": description, "warningOnly": warning_only}
            if not warning_only:
                protected["editors"] = {"users": list(dict.fromkeys(editors))}
            self.requests.append({"addProtectedRange": {"protectedRange": protected}})

    def row(self, sheet_id: int, row: int, values: list[dict[str, Any]]) -> None:
        self.requests.append(_update(sheet_id, row, 0, values))


def _update(sheet_id: int, row: int, column: int, values: list[dict[str, Any]]) -> dict[str, Any]:
    return {"updateCells": {"start": {"sheetId": sheet_id, "rowIndex": row, "columnIndex": column},
                            "rows": [{"values": values}],
                            "fields": "userEnteredValue,userEnteredFormat.textFormat.bold,"
                                      "userEnteredFormat.backgroundColor,userEnteredFormat.wrapStrategy"}}


def _text(value: str, *, bold: bool = False) -> dict[str, Any]:
    return {"userEnteredValue": {"stringValue": value},
            "userEnteredFormat": {"textFormat": {"bold": bold}, "wrapStrategy": "WRAP"}}


def _rgb(colour: str) -> dict[str, float]:
    red, green, blue = (int(colour[i:i + 2], 16) / 255 for i in (0, 2, 4))
    return {"red": round(red, 3), "green": round(green, 3), "blue": round(blue, 3)}
