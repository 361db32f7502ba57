"""A date cell whose day and month a program set to English swapped (register.md, the input
paragraph): on an en-US LibreOffice, Excel or Google Sheet, 03/07/2024 typed for 3 July is
stored as 7 March. Sync names both readings and holds the hand-over until the date is
written so that it cannot be misread; the record states no lateness from a doubtful date."""

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from emulator import DEFAULT_EMAIL
from files import new_register, read_rows
from office import Office, typed
from openpyxl.utils import get_column_letter
from registers import SheetRegister, register_rows
from support import DAY_H, WORKFLOW, MemoryRegister, handed_over, submission

from sheetflow import api, cells
from sheetflow.history_headers import HISTORY_HEADERS

# 3 July 2024 (DAY_H, the hand-over day of these examples) as a month-first program stores it.
SWAPPED_JULY_3 = date(2024, 3, 7)
BOTH_READINGS = "Tanggal Kegiatan 07/03/2024 atau 03/07/2024?"


def test_a_date_cell_whose_swapped_reading_is_the_hand_over_day_names_both_readings(register_of):
    register = register_of(handed_over(activity_date=SWAPPED_JULY_3))
    register.sync()
    assert BOTH_READINGS in register.notes()
    assert "Tulis tanggalnya dengan nama bulan agar pasti: 3 Juli 2024 (atau 7 Maret 2024" in register.notes()


def test_a_possibly_swapped_date_holds_the_hand_over_for_fixing(register_of):
    register = register_of(handed_over(activity_date=SWAPPED_JULY_3))
    register.sync()
    assert register.status() == "Perlu Perbaikan"


def test_a_possibly_swapped_date_states_no_lateness(register_of):
    register = register_of(handed_over(activity_date=SWAPPED_JULY_3))
    register.sync()
    assert not register.cell("timeliness")


def test_a_date_cell_weeks_before_a_hand_over_its_swapped_reading_fits_is_flagged_too(register_of):
    # Handed over on 8 July: 3 July is H+5, 7 March would be H+123.
    register = register_of(handed_over(activity_date=SWAPPED_JULY_3), clock=DAY_H + timedelta(days=5))
    register.sync()
    assert BOTH_READINGS in register.notes()


def test_a_date_cell_after_the_hand_over_whose_swapped_reading_is_that_day_is_flagged():
    # 12/03/2024 typed on 12 March for 12 March, stored month-first as 3 December.
    register = MemoryRegister.of(handed_over(activity_date=date(2024, 12, 3)), clock=DAY_H.replace(month=3, day=12))
    register.sync()
    assert "Tanggal Kegiatan 03/12/2024 atau 12/03/2024?" in register.notes()


def test_the_hand_over_day_is_the_one_stamped_not_the_day_of_a_later_sync():
    register = MemoryRegister.of(handed_over(activity_date=SWAPPED_JULY_3))
    register.sync()
    register.later(days=40)
    register.sync()
    assert BOTH_READINGS in register.notes()


@pytest.mark.parametrize("typed", ["07/03/2024", "7 Maret 2024", "2024-03-07"])
def test_a_date_typed_as_text_is_read_day_first_and_never_doubted(typed):
    register = MemoryRegister.of(handed_over(activity_date=typed))
    register.sync()
    assert (register.status(), register.cell("timeliness")) == ("Menunggu Pemeriksaan", "Terlambat: diserahkan H+118")


@pytest.mark.parametrize("cell", [
    date(2024, 6, 1),  # 6 January swapped: not near the hand-over
    date(2024, 3, 3),  # the same either way
    date(2024, 3, 17),  # no 17th month
], ids=str)
def test_a_late_date_cell_whose_swapped_reading_does_not_fit_stays_late(cell):
    register = MemoryRegister.of(handed_over(activity_date=cell))
    register.sync()
    assert register.status() == "Menunggu Pemeriksaan"
    assert register.cell("timeliness").startswith("Terlambat: diserahkan H+")


def test_a_serial_number_is_a_date_cell_too():
    register = MemoryRegister.of(handed_over(activity_date=(SWAPPED_JULY_3 - date(1899, 12, 30)).days))
    register.sync()
    assert BOTH_READINGS in register.notes()


def test_the_date_written_with_its_month_name_is_received_on_time(register_of):
    register = register_of(handed_over(activity_date=SWAPPED_JULY_3))
    register.sync()
    register.edit(0, activity_date="3 Juli 2024")
    register.later(hours=1)
    register.sync()
    assert (register.status(), register.cell("timeliness")) == ("Menunggu Pemeriksaan", "Tepat waktu")


def test_a_draft_with_a_possibly_swapped_date_is_not_told_it_is_late():
    register = MemoryRegister.of(submission(activity_date=SWAPPED_JULY_3))
    register.sync()
    assert (register.status(), register.cell("timeliness")) == ("Draf", None)


def test_the_doubt_is_explained_in_english_too():
    register = MemoryRegister.of(handed_over(activity_date=SWAPPED_JULY_3))
    [finding] = register.sync().findings[:1]
    assert finding.message("en").startswith("Tanggal Kegiatan 07/03/2024 or 03/07/2024? A program set to English")


def test_a_google_sheet_set_to_english_that_stores_03_07_as_7_march_gets_both_readings(emulator, service_key):
    spreadsheet = emulator.create_spreadsheet(
        "Register",
        {WORKFLOW.sheets.register_: register_rows((handed_over(activity_date=None),)),
         WORKFLOW.sheets.history: [list(HISTORY_HEADERS)], WORKFLOW.sheets.recap: []},
        shared_with=[DEFAULT_EMAIL], locale="en_US", time_zone=WORKFLOW.timezone,
    )
    connection = api.Connection(credentials=service_key, session=emulator.session, sleep=lambda seconds: None)
    register = SheetRegister(emulator, spreadsheet, connection)
    register.type(2, "activity_date", "03/07/2024")
    register.sync()
    assert register.cell("activity_date") == (datetime(2024, 3, 7) - datetime(1899, 12, 30)).days
    assert BOTH_READINGS in register.notes()


def test_the_guide_quotes_the_note_as_sync_writes_it():
    register = MemoryRegister.of(handed_over(activity_date=SWAPPED_JULY_3))
    register.sync()
    guide = (Path(__file__).resolve().parent.parent / "PANDUAN.md").read_text(encoding="utf-8")
    assert f"> {register.notes().splitlines()[0]}\n" in guide


# ---------------------------------------------------------------- typed in LibreOffice
@pytest.fixture(scope="module")
def office(tmp_path_factory):
    with Office(tmp_path_factory.mktemp("office")) as running:
        yield running


@pytest.mark.slow
@pytest.mark.parametrize(("locale", "entry", "read", "doubted"), [
    ("en-US", "03/07/2024", date(2024, 3, 7), True),  # month first: a date cell of 7 March
    ("id-ID", "03/07/2024", date(2024, 7, 3), False),
    ("id-ID", "7 Maret 2024", date(2024, 3, 7), False),  # kept as text: the cell's own reading, confirmed
    ("en-US", "3 Juli 2024", date(2024, 7, 3), False),  # kept as text: the swapped reading, confirmed
])
def test_a_date_typed_in_libreoffice_is_doubted_only_as_a_date_cell_that_may_be_swapped(
    office, tmp_path, locale, entry, read, doubted
):
    path = new_register(tmp_path, handed_over(activity_date=None))
    column = get_column_letter([c.key for c in WORKFLOW.columns].index("activity_date") + 1)
    office.edit(path, [typed(WORKFLOW.sheets.register_, f"{column}2", entry)], locale=locale)
    result = api.sync_register(path, now=DAY_H)
    [row] = read_rows(path)
    assert [cells.parse_date(r.values["activity_date"]) for r in result.plan.rows] == [read]
    assert (row["status"], BOTH_READINGS in row["notes"]) == (
        ("Perlu Perbaikan", True) if doubted else ("Menunggu Pemeriksaan", False)
    )
