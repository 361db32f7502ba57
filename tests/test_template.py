"""The blank register built from the workflow, and the committed templates/register.xlsx."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from sheetflow import cells
from sheetflow.history_headers import HISTORY_HEADERS
from sheetflow.workflow import Column, ColumnType, Status, load_workflow
from sheetflow.xlsx.template import FLAG_CHOICES, build_template, describe_workbook

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "templates" / "register.xlsx"
WORKFLOW = load_workflow()
COLUMNS = WORKFLOW.columns
CHOICE_COLUMNS = [c for c in COLUMNS if c.type is ColumnType.CHOICE]
FLAG_COLUMNS = [c for c in COLUMNS if c.type is ColumnType.FLAG]


@pytest.fixture(scope="module")
def template() -> Workbook:
    return build_template(WORKFLOW)


@pytest.fixture(scope="module")
def register(template: Workbook) -> Worksheet:
    return template[WORKFLOW.sheets.register_]


def _letter(column: Column) -> str:
    return get_column_letter(COLUMNS.index(column) + 1)


def _guide_texts(template: Workbook) -> set[str]:
    return {c.value for row in template[WORKFLOW.sheets.guide].iter_rows() for c in row if c.value}


def test_committed_template_is_what_build_template_makes(template: Workbook) -> None:
    assert describe_workbook(load_workbook(TEMPLATE)) == describe_workbook(template)


def test_sheets_come_in_order(template: Workbook) -> None:
    assert template.sheetnames == ["Register", "Riwayat", "Rekap", "Petunjuk"]


def test_register_headers_are_the_workflow_headers_in_order(register: Worksheet) -> None:
    assert [c.value for c in register[1]] == [c.header for c in COLUMNS]


def test_register_header_row_is_frozen(register: Worksheet) -> None:
    assert register.freeze_panes == "A2"


def _lists(register: Worksheet) -> dict[str, tuple[str, str, bool]]:
    return {str(v.sqref): (v.type, v.formula1, v.showErrorMessage) for v in register.data_validations.dataValidation}


@pytest.mark.parametrize("column", CHOICE_COLUMNS, ids=lambda c: c.key)
def test_dropdown_column_has_its_list(register: Worksheet, column: Column) -> None:
    letter = _letter(column)

    assert _lists(register)[f"{letter}2:{letter}1048576"] == ("list", '"' + ",".join(column.choices) + '"', True)


@pytest.mark.parametrize("column", FLAG_COLUMNS, ids=lambda c: c.key)
def test_flag_dropdown_offers_ya_and_tidak_and_refuses_none_of_the_other_forms_sync_reads(
    register: Worksheet, column: Column
) -> None:
    # TRUE, 1, ✓ and a ticked checkbox are read too (PANDUAN says so); sync reports anything else.
    letter = _letter(column)

    assert _lists(register)[f"{letter}2:{letter}1048576"] == ("list", '"Ya,Tidak"', False)


@pytest.mark.parametrize(("choice", "read"), list(zip(FLAG_CHOICES, (True, False), strict=True)))
def test_each_flag_dropdown_choice_is_read_by_sync_as_it_says(choice: str, read: bool) -> None:
    assert cells.parse_flag(choice) is read


def _status_rules(register: Worksheet) -> list[tuple[str, str, str]]:
    return [
        (str(area.sqref), rule.formula[0], rule.dxf.fill.fgColor.rgb)
        for area in register.conditional_formatting
        for rule in area.rules
    ]


def test_status_has_one_colour_rule_per_status(register: Worksheet) -> None:
    assert len(_status_rules(register)) == len(WORKFLOW.statuses)


@pytest.mark.parametrize("status", WORKFLOW.statuses, ids=lambda s: s.key)
def test_status_label_is_coloured_with_its_colour(register: Worksheet, status: Status) -> None:
    letter = _letter(WORKFLOW.column["status"])

    rule = (f"{letter}2:{letter}1048576", f'"{status.label}"', f"00{status.colour}")

    assert rule in _status_rules(register)


@pytest.mark.parametrize("column", COLUMNS, ids=lambda c: c.key)
def test_only_system_columns_are_locked(register: Worksheet, column: Column) -> None:
    assert register.column_dimensions[_letter(column)].protection.locked is column.is_system


def test_register_is_protected_without_password(register: Worksheet) -> None:
    assert (register.protection.sheet, register.protection.password) == (True, None)


@pytest.mark.parametrize(
    "flag", ["sort", "autoFilter", "insertRows", "deleteRows", "formatColumns", "formatRows"]
)
def test_protection_allows(register: Worksheet, flag: str) -> None:
    assert getattr(register.protection, flag) is False  # False: not forbidden


def test_fingerprint_column_is_hidden(register: Worksheet) -> None:
    fingerprint = next(c for c in COLUMNS if c.header == "Sidik Konten")

    assert register.column_dimensions[_letter(fingerprint)].hidden is True


@pytest.mark.parametrize(
    ("column_type", "number_format"),
    [(ColumnType.DATE, WORKFLOW.date_format), (ColumnType.DATETIME, WORKFLOW.datetime_format)],
)
def test_date_columns_show_the_workflow_format(
    register: Worksheet, column_type: ColumnType, number_format: str
) -> None:
    formats = {register.column_dimensions[_letter(c)].number_format for c in COLUMNS if c.type is column_type}

    assert formats == {number_format}


def test_history_has_the_shared_headers(template: Workbook) -> None:
    assert tuple(c.value for c in template[WORKFLOW.sheets.history][1]) == HISTORY_HEADERS


@pytest.mark.parametrize("sheet", ["Riwayat", "Rekap"])
def test_sync_only_sheets_are_protected(template: Workbook, sheet: str) -> None:
    assert template[sheet].protection.sheet is True


@pytest.mark.parametrize("status", WORKFLOW.statuses, ids=lambda s: s.key)
def test_guide_lists_every_status(template: Workbook, status: Status) -> None:
    assert status.label in _guide_texts(template)


@pytest.mark.parametrize("column", COLUMNS, ids=lambda c: c.key)
def test_guide_lists_every_column(template: Workbook, column: Column) -> None:
    assert column.header in _guide_texts(template)


def test_guide_names_the_sop(template: Workbook) -> None:
    assert {WORKFLOW.sop_number, WORKFLOW.title} <= _guide_texts(template)


@pytest.mark.parametrize("status", WORKFLOW.statuses, ids=lambda s: s.key)
def test_guide_legend_shows_each_status_in_its_colour(template: Workbook, status: Status) -> None:
    fills = {
        cell.value: cell.fill.fgColor.rgb
        for row in template[WORKFLOW.sheets.guide].iter_rows()
        for cell in row
        if cell.value
    }

    assert fills[status.label] == f"00{status.colour}"


def _make_template(*args: str) -> subprocess.CompletedProcess[str]:
    script = ROOT / "scripts" / "make_template.py"
    return subprocess.run([sys.executable, str(script), *args], capture_output=True, text=True, check=False)


def test_check_passes_for_a_freshly_made_template(tmp_path: Path) -> None:
    output = tmp_path / "register.xlsx"
    _make_template("--output", str(output))

    assert _make_template("--check", "--output", str(output)).returncode == 0


def test_check_fails_for_an_edited_template(tmp_path: Path) -> None:
    output = tmp_path / "register.xlsx"
    _make_template("--output", str(output))
    workbook = load_workbook(output)
    workbook["Register"]["A1"] = "Nomor"
    workbook.save(output)

    assert _make_template("--check", "--output", str(output)).returncode == 1
