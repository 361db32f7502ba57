"""The LibreOffice driver other tests type with (tests/office.py) does what a person does."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from files import new_register
from office import Office, copy, shown, text, typed
from support import approved

from sheetflow.xlsx.backend import open_workbook

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    with Office(tmp_path_factory.mktemp("office")) as running:
        yield running


def _cell(path: Path, row: int, column: int) -> object:
    with open_workbook(path, write=False) as book:
        return book.read(["Register"])["Register"].rows[row - 1][column - 1]


@pytest.mark.parametrize(("locale", "day"), [("en-US", date(2024, 3, 7)), ("id-ID", date(2024, 7, 3))])
def test_a_date_is_typed_as_the_profiles_locale_reads_it(office, tmp_path, locale, day):
    path = new_register(tmp_path, approved())

    office.edit(path, [typed("Register", "B2", "3/7/2024")], locale=locale)

    assert _cell(path, 2, 2) == day


def test_a_typed_sum_is_a_formula_saved_with_its_value(office, tmp_path):
    path = new_register(tmp_path, approved())

    office.edit(path, [typed("Register", "F2", "=4+4")])

    assert _cell(path, 2, 6) == 8


def test_text_is_kept_as_typed_even_when_it_looks_like_a_number(office, tmp_path):
    path = new_register(tmp_path, approved())

    office.edit(path, [text("Register", "C2", "3/7/2024")])

    assert _cell(path, 2, 3) == "3/7/2024"


def test_a_copied_row_carries_the_staff_columns_values(office, tmp_path):
    path = new_register(tmp_path, approved())

    office.edit(path, [copy("Register", "B2:O2", "B3")])

    with open_workbook(path, write=False) as book:
        rows = book.read(["Register"])["Register"].rows
    assert rows[2][1:15] == rows[1][1:15]


def test_shown_reads_a_cell_as_libreoffice_displays_it(office, tmp_path):
    path = new_register(tmp_path, approved())

    assert office.edit(path, [typed("Register", "B2", "3/7/2024"), shown("Register", "B2")], locale="id-ID",
                       save=False) == ["03/07/2024"]
