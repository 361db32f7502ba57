"""The blank register built from a workflow definition: what ``templates/register.xlsx`` holds.

Everything users see comes from the workflow (headers, dropdowns, status colours, roles);
the Indonesian explanations below are keyed by column, status and workflow id, and a key
without one is simply left unexplained.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..guide import guide_lines
from ..history_headers import HISTORY_HEADERS
from ..workflow import Column, ColumnType, Workflow

LAST_ROW = 1048576
# Fixed so that regenerating the template gives the same document properties (openpyxl
# still stamps the save time as "modified", so templates are compared by description).
CREATED = datetime(2024, 7, 3)

SYSTEM_HEADER = "CFCFCF"
SYSTEM_BODY = "EAEAEA"
INPUT_HEADER = "DDEBF7"

# A flag column's dropdown: set, and not set.
FLAG_CHOICES = ("Ya", "Tidak")

# Excel refuses a list validation whose formula is longer than this.
_MAX_LIST_FORMULA = 255

_HISTORY_WIDTHS = {"Waktu": 17, "No. Register": 12, "Alasan": 50, "Sidik Konten": 18, "Kode": 24, "Arsip": 50}
_HISTORY_WRAPPED = {"Alasan", "Arsip"}

_PROTECTION_FLAGS = (
    "sheet", "objects", "scenarios", "formatCells", "formatColumns", "formatRows", "insertColumns",
    "insertRows", "insertHyperlinks", "deleteColumns", "deleteRows", "selectLockedCells",
    "selectUnlockedCells", "sort", "autoFilter", "pivotTables",
)


def build_template(workflow: Workflow) -> Workbook:
    """The blank register: Register, Riwayat, Rekap and Petunjuk, styled and protected."""
    workbook = Workbook()
    _register(workbook.active, workflow)
    _history(workbook.create_sheet(workflow.sheets.history), workflow)
    _recap(workbook.create_sheet(workflow.sheets.recap), workflow)
    _guide(workbook.create_sheet(workflow.sheets.guide), workflow)
    workbook.properties.creator = "sheetflow"
    workbook.properties.title = f"Register {workflow.title}"
    workbook.properties.subject = f"SOP {workflow.sop_number}"
    workbook.properties.created = CREATED
    workbook.properties.modified = CREATED
    return workbook


# ---------------------------------------------------------------- Register

def _register(sheet: Worksheet, workflow: Workflow) -> None:
    sheet.title = workflow.sheets.register_
    for index, column in enumerate(workflow.columns, start=1):
        letter = get_column_letter(index)
        header = sheet.cell(row=1, column=index, value=column.header)
        header.font = Font(bold=True)
        header.alignment = Alignment(wrap_text=True, vertical="center")
        header.fill = _solid(SYSTEM_HEADER if column.is_system else INPUT_HEADER)
        dimension = sheet.column_dimensions[letter]
        dimension.width = column.width
        dimension.hidden = column.hidden
        # The column style is what Excel and LibreOffice give every empty cell below the
        # header, so it unlocks input columns without writing a million cells.
        dimension.protection = Protection(locked=column.is_system)
        dimension.alignment = Alignment(vertical="top", wrap_text=_wraps(column))
        if column.is_system:
            dimension.fill = _solid(SYSTEM_BODY)
        if column.type is ColumnType.DATE:
            dimension.number_format = workflow.date_format
        elif column.type is ColumnType.DATETIME:
            dimension.number_format = workflow.datetime_format
        if dropdown := _dropdown(column):
            dropdown.add(f"{letter}2:{letter}{LAST_ROW}")
            sheet.add_data_validation(dropdown)
    sheet.row_dimensions[1].height = 15 * max(_lines(c.header, c.width) for c in workflow.columns)
    _colour_statuses(sheet, workflow)
    last = get_column_letter(len(workflow.columns))
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{last}1"
    _protect(sheet)
    # Two dozen columns on one A4 page would print at a quarter size; three pages wide,
    # each repeating the register number, stays readable.
    _print_setup(sheet, pages_wide=3)
    sheet.print_title_rows = "1:1"
    sheet.print_title_cols = "A:A"
    # Printed registers (the SOP's hardcopy) need cell borders to be read.
    sheet.print_options.gridLines = True


def _wraps(column: Column) -> bool:
    # Narratives, link lists and sentence-wide text columns hold several lines.
    long_text = column.type is ColumnType.TEXT and column.width >= 36
    return long_text or column.type in (ColumnType.NARRATIVE, ColumnType.URLS)


def _dropdown(column: Column) -> DataValidation | None:
    if column.type is ColumnType.FLAG:
        # The list offers the words the notes use, and refuses nothing: sync also reads
        # TRUE, 1, ✓ and a ticked checkbox (cells.parse_flag) and reports anything else.
        return DataValidation(type="list", formula1=_list_formula(column.header, FLAG_CHOICES), allow_blank=True,
                              showErrorMessage=False)
    if column.type is not ColumnType.CHOICE:
        return None
    return DataValidation(
        type="list",
        formula1=_list_formula(column.header, column.choices),
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Pilihan tidak tersedia",
        error=f"Isi kolom {column.header} dengan salah satu pilihan: {', '.join(column.choices)}.",
    )


def _list_formula(header: str, choices: tuple[str, ...]) -> str:
    formula = '"' + ",".join(choices) + '"'
    if any("," in c or '"' in c for c in choices) or len(formula) > _MAX_LIST_FORMULA:
        raise ValueError(f"column {header!r}: choices do not fit an Excel dropdown (comma, quote or length)")
    return formula


def _colour_statuses(sheet: Worksheet, workflow: Workflow) -> None:
    index = next(i for i, c in enumerate(workflow.columns, start=1) if c.key == "status")
    letter = get_column_letter(index)
    for status in workflow.statuses:
        rule = CellIsRule(operator="equal", formula=[f'"{status.label}"'], fill=_solid(status.colour))
        sheet.conditional_formatting.add(f"{letter}2:{letter}{LAST_ROW}", rule)


# ---------------------------------------------------------------- Riwayat and Rekap

def _history(sheet: Worksheet, workflow: Workflow) -> None:
    for index, header in enumerate(HISTORY_HEADERS, start=1):
        sheet.cell(row=1, column=index, value=header).font = Font(bold=True)
        dimension = sheet.column_dimensions[get_column_letter(index)]
        dimension.width = _HISTORY_WIDTHS.get(header, 20)
        dimension.alignment = Alignment(vertical="top", wrap_text=header in _HISTORY_WRAPPED)
    sheet.column_dimensions["A"].number_format = workflow.datetime_format
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(HISTORY_HEADERS))}1"
    _protect(sheet)
    _print_setup(sheet)
    sheet.print_title_rows = "1:1"


def _recap(sheet: Worksheet, workflow: Workflow) -> None:
    sheet["A1"] = f"Rekap {workflow.title}"
    sheet["A2"] = "Lembar ini diisi otomatis setiap kali sync dijalankan."
    for index in range(1, 9):
        sheet.cell(row=1, column=index).font = Font(bold=True, size=13)
        sheet.column_dimensions[get_column_letter(index)].width = 30 if index == 1 else 16
    _protect(sheet)
    _print_setup(sheet)


def _protect(sheet: Worksheet) -> None:
    # No password: protection guards against slips, not against people. A flag set to
    # False means "allowed" while the sheet is protected.
    protection = sheet.protection
    protection.sheet = True
    protection.sort = False
    protection.autoFilter = False
    protection.formatColumns = False
    protection.formatRows = False
    protection.insertRows = False
    protection.deleteRows = False


def _print_setup(sheet: Worksheet, pages_wide: int = 1) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = pages_wide
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _solid(colour: str) -> PatternFill:
    return PatternFill(fill_type="solid", start_color=colour, end_color=colour)


# ---------------------------------------------------------------- Petunjuk

_GUIDE_WIDTHS = {"A": 26, "B": 36, "C": 90}


def _guide(sheet: Worksheet, workflow: Workflow) -> None:
    for letter, width in _GUIDE_WIDTHS.items():
        sheet.column_dimensions[letter].width = width
        sheet.column_dimensions[letter].alignment = Alignment(vertical="top", wrap_text=True)
    rows = _GuideRows(sheet)
    for line in guide_lines(workflow, in_file=True):
        if line.kind == "title":
            rows.title(line.values[0])
        elif line.kind == "section":
            rows.section(line.values[0], line.values[1:])
        else:
            rows.add(line.values, fill=line.fill)
    _protect(sheet)
    _print_setup(sheet)


class _GuideRows:
    """Writes the guide row by row, giving each row the height its wrapped text needs."""

    def __init__(self, sheet: Worksheet):
        self._sheet = sheet
        self._row = 0

    def title(self, text: str) -> None:
        self._row += 1
        self._sheet.cell(row=self._row, column=1, value=text).font = Font(bold=True, size=14)
        self._sheet.row_dimensions[self._row].height = 24

    def section(self, title: str, headers: tuple[str, ...]) -> None:
        self._row += 1
        self.title(title)
        self.add(headers, bold=True)

    def add(self, values: tuple[str, ...], *, bold: bool = False, fill: str | None = None) -> None:
        self._row += 1
        for index, value in enumerate(values, start=1):
            if not value:
                continue
            cell = self._sheet.cell(row=self._row, column=index, value=value)
            cell.font = Font(bold=bold)
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            if fill and index == 1:
                cell.fill = _solid(fill)
        widths = _GUIDE_WIDTHS.values()
        self._sheet.row_dimensions[self._row].height = 15 * max(map(_lines, values, widths))


def _lines(text: str, width: float) -> int:
    # A unit of column width is one digit; ordinary text is about 15% narrower. Rows get
    # explicit heights because Excel does not grow a row for wrapped text it did not write.
    return sum(max(1, math.ceil(len(line) / (width * 1.15))) for line in text.split("\n"))


# ---------------------------------------------------------------- comparison

def describe_workbook(workbook: Workbook) -> dict[str, Any]:
    """What a person sees and the register relies on, as plain data to compare two workbooks."""
    properties = workbook.properties
    return {
        "sheet_names": workbook.sheetnames,
        "properties": {
            "creator": properties.creator,
            "title": properties.title,
            "subject": properties.subject,
        },
        "sheets": {sheet.title: _describe_sheet(sheet) for sheet in workbook.worksheets},
    }


def _describe_sheet(sheet: Worksheet) -> dict[str, Any]:
    return {
        "cells": {
            cell.coordinate: _describe_style(cell) | {"value": cell.value}
            for row in sheet.iter_rows()
            for cell in row
            if cell.value is not None or cell.has_style
        },
        "columns": {
            letter: _describe_style(dimension) | {"width": dimension.width, "hidden": dimension.hidden}
            for letter, dimension in sorted(sheet.column_dimensions.items())
        },
        "row_heights": {n: d.height for n, d in sorted(sheet.row_dimensions.items()) if d.height},
        "freeze_panes": sheet.freeze_panes,
        "auto_filter": sheet.auto_filter.ref,
        "data_validations": sorted(
            (str(v.sqref), v.type, v.formula1, v.allow_blank, v.showErrorMessage, v.errorTitle, v.error)
            for v in sheet.data_validations.dataValidation
        ),
        "conditional_formatting": sorted(
            (str(area.sqref), rule.type, rule.operator, tuple(rule.formula), _colour(rule.dxf.fill))
            for area in sheet.conditional_formatting
            for rule in area.rules
        ),
        "protection": {flag: getattr(sheet.protection, flag) for flag in _PROTECTION_FLAGS},
        "password": sheet.protection.password,
        "print": {
            "orientation": sheet.page_setup.orientation,
            "paper_size": sheet.page_setup.paperSize,
            "fit_to_width": sheet.page_setup.fitToWidth,
            "fit_to_height": sheet.page_setup.fitToHeight,
            "fit_to_page": sheet.sheet_properties.pageSetUpPr.fitToPage,
            "title_rows": sheet.print_title_rows,
            "grid_lines": sheet.print_options.gridLines,
        },
    }


def _describe_style(styled: Any) -> dict[str, Any]:
    return {
        "number_format": styled.number_format,
        "fill": _colour(styled.fill),
        "bold": bool(styled.font.b),
        "wrap": bool(styled.alignment.wrap_text),
        "locked": styled.protection.locked,
    }


def _colour(fill: PatternFill | None) -> str | None:
    return fill.fgColor.rgb if fill is not None and fill.fill_type == "solid" else None
