"""Damaged structure on real .xlsx files: headers renamed, doubled or deleted, columns
moved or hidden, merged cells, filters, a renamed or deleted sheet, a very long register,
and rows Excel thinks are used because someone formatted them. Each gives the correct
result, or one clear error and nothing written."""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import Any

import figures
import openpyxl
import pytest
from files import HEADER, new_register, read_rows, sheet_values
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter
from support import DAY_H, WORKFLOW, approved, handed_over, rejected, reviewed, submission

from sheetflow import api
from sheetflow.errors import HeaderMissing, RegisterNotFound, SheetflowError
from sheetflow.history_headers import HISTORY_HEADERS

REGISTER = WORKFLOW.sheets.register_
HISTORY = WORKFLOW.sheets.history
STAFF = [c.key for c in WORKFLOW.columns if c.filled_by != "system"]
ROWS = (submission(activity_name="Alpha"), handed_over(activity_name="Bravo", caption="x" * 230),
        reviewed(activity_name="Charlie"), rejected(activity_name="Delta"), approved(activity_name="Echo"))
GREY = PatternFill(fill_type="solid", start_color="F2F2F2", end_color="F2F2F2")


def edit(path: Path, change: Any) -> None:
    """Change the workbook as a person would in Excel, then save it."""
    book = openpyxl.load_workbook(path)
    change(book)
    book.save(path)


def column_of(sheet: Any, header: str) -> int:
    return next(cell.column for cell in sheet[1] if cell.value == header)


def synced_rows(folder: Path, name: str = "reference.xlsx") -> list[dict[str, Any]]:
    """The rows of an undamaged register with ``ROWS`` after one sync: what every repair must match."""
    path = new_register(folder, *ROWS, name=name)
    api.sync_register(path, now=DAY_H)
    return read_rows(path)


def untouched(path: Path) -> tuple[bytes, bool]:
    return path.read_bytes(), path.with_name(path.name + ".bak").exists()


# ---------------------------------------------------------------- headers
def rename(header: str):
    return lambda book: book[REGISTER].cell(1, column_of(book[REGISTER], header), "Kolom Lain")


def duplicate(header: str):
    def change(book: Any) -> None:
        sheet = book[REGISTER]
        sheet.cell(1, sheet.max_column + 1, f"  {header.upper()} ")

    return change


def delete(header: str):
    return lambda book: book[REGISTER].delete_cols(column_of(book[REGISTER], header))


DAMAGE = {"renamed": rename, "duplicated": duplicate, "deleted": delete}


# An optional column's header may be missing (renamed or deleted): tests/test_evidence.py.
@pytest.mark.parametrize("header", [c.header for c in WORKFLOW.columns if not c.optional])
@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_damaged_header_stops_the_run_naming_it_and_writes_nothing(tmp_path, damage, header):
    path = new_register(tmp_path, *ROWS)
    edit(path, DAMAGE[damage](header))
    before = untouched(path)
    with pytest.raises(HeaderMissing) as raised:
        api.sync_register(path, now=DAY_H)
    figures.record("structure", tried=1, survived=int(untouched(path) == before), lost=int(untouched(path) != before))
    assert (raised.value.headers, untouched(path)) == ([header], before)


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_damaged_header_error_is_one_indonesian_sentence(tmp_path, damage):
    path = new_register(tmp_path, *ROWS)
    edit(path, DAMAGE[damage]("Caption"))
    with pytest.raises(HeaderMissing) as raised:
        api.sync_register(path, now=DAY_H)
    message = str(raised.value)
    assert "Caption" in message and "tidak ada yang ditulis" in message and "\n" not in message


# ---------------------------------------------------------------- columns moved or hidden
def shuffle_columns(seed: int):
    def change(book: Any) -> None:
        sheet = book[REGISTER]
        values = [[cell.value for cell in row] for row in sheet.iter_rows()]
        order = list(range(len(values[0])))
        random.Random(seed).shuffle(order)
        for r, row in enumerate(values, start=1):
            for c, source in enumerate(order, start=1):
                cell = sheet.cell(r, c)
                cell.value = row[source] if source < len(row) else None
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"

    return change


@pytest.mark.parametrize("seed", range(5))
def test_reordered_columns_give_the_same_result(tmp_path, seed):
    expected = synced_rows(tmp_path)
    path = new_register(tmp_path, *ROWS)
    edit(path, shuffle_columns(seed))
    api.sync_register(path, now=DAY_H)
    figures.record("structure", tried=1, survived=int(read_rows(path) == expected),
                   misplaced=int(read_rows(path) != expected))
    assert read_rows(path) == expected


def hide(keys: list[str]):
    def change(book: Any) -> None:
        sheet = book[REGISTER]
        for key in keys:
            sheet.column_dimensions[get_column_letter(column_of(sheet, HEADER[key]))].hidden = True

    return change


@pytest.mark.parametrize("keys", [["caption", "narrative"], ["status", "notes", "handed_over_at"], STAFF],
                         ids=["staff", "system", "every-staff-column"])
def test_hidden_columns_give_the_same_result(tmp_path, keys):
    expected = synced_rows(tmp_path)
    path = new_register(tmp_path, *ROWS)
    edit(path, hide(keys))
    api.sync_register(path, now=DAY_H)
    assert read_rows(path) == expected


def test_hidden_columns_stay_hidden(tmp_path):
    path = new_register(tmp_path, *ROWS)
    edit(path, hide(["caption", "status"]))
    api.sync_register(path, now=DAY_H)
    sheet = openpyxl.load_workbook(path)[REGISTER]
    hidden = {key for key in ("caption", "status")
              if sheet.column_dimensions[get_column_letter(column_of(sheet, HEADER[key]))].hidden}
    assert hidden == {"caption", "status"}


# ---------------------------------------------------------------- merged cells
def merge(first: str, last: str, row: int = 2):
    def change(book: Any) -> None:
        sheet = book[REGISTER]
        a, b = (get_column_letter(column_of(sheet, h)) for h in (first, last))
        sheet.merge_cells(f"{a}{row}:{b}{row}")

    return change


def test_merged_staff_cells_leave_a_finding_on_the_swallowed_column(tmp_path):
    path = new_register(tmp_path, handed_over())
    edit(path, merge("Nama Kegiatan", "Tim Pelaksana"))
    api.sync_register(path, now=DAY_H)
    (row,) = read_rows(path)
    assert (row["status"], "Tim Pelaksana wajib diisi." in row["notes"]) == ("Perlu Perbaikan", True)


def test_merged_system_cells_are_a_clear_error_and_nothing_is_written(tmp_path):
    path = new_register(tmp_path, handed_over())
    edit(path, merge("Status", "Catatan Sistem"))
    before = untouched(path)
    with pytest.raises(SheetflowError):
        api.sync_register(path, now=DAY_H)
    assert untouched(path) == before


# ---------------------------------------------------------------- filters
def filter_hiding_rows(book: Any) -> None:
    sheet = book[REGISTER]
    sheet.auto_filter.ref = f"A1:{get_column_letter(sheet.max_column)}{sheet.max_row}"
    column = column_of(sheet, HEADER["activity_name"]) - 1
    sheet.auto_filter.add_filter_column(column, ["Alpha", "Echo"])
    for row in (3, 4, 5):
        sheet.row_dimensions[row].hidden = True


def test_an_active_filter_changes_nothing_sync_sees(tmp_path):
    expected = synced_rows(tmp_path)
    path = new_register(tmp_path, *ROWS)
    edit(path, filter_hiding_rows)
    api.sync_register(path, now=DAY_H)
    assert read_rows(path) == expected


def test_an_active_filter_keeps_its_hidden_rows_hidden(tmp_path):
    path = new_register(tmp_path, *ROWS)
    edit(path, filter_hiding_rows)
    api.sync_register(path, now=DAY_H)
    sheet = openpyxl.load_workbook(path)[REGISTER]
    assert [sheet.row_dimensions[r].hidden for r in (2, 3, 4, 5, 6)] == [False, True, True, True, False]


# ---------------------------------------------------------------- sheets
@pytest.mark.parametrize("title", ["Data", "register", "Register ", "Register (2)"])
def test_a_renamed_register_sheet_is_one_clear_error_and_nothing_is_written(tmp_path, title):
    path = new_register(tmp_path, *ROWS)
    edit(path, lambda book: setattr(book[REGISTER], "title", title))
    before = untouched(path)
    with pytest.raises(RegisterNotFound, match="Sheet 'Register' tidak ditemukan"):
        api.sync_register(path, now=DAY_H)
    assert untouched(path) == before


def without_history(folder: Path) -> Path:
    path = new_register(folder, *ROWS)
    api.sync_register(path, now=DAY_H)
    edit(path, lambda book: book.remove(book[HISTORY]))
    return path


def test_a_deleted_riwayat_comes_back_with_its_headers(tmp_path):
    path = without_history(tmp_path)
    api.sync_register(path, now=DAY_H)
    assert sheet_values(path, HISTORY)[0][:len(HISTORY_HEADERS)] == HISTORY_HEADERS


def test_after_riwayat_was_deleted_a_second_sync_changes_nothing(tmp_path):
    path = without_history(tmp_path)
    api.sync_register(path, now=DAY_H)
    assert not api.sync_register(path, now=DAY_H).plan.changed


def test_after_riwayat_was_deleted_no_staff_cell_changes(tmp_path):
    path = without_history(tmp_path)
    before = [{k: row.get(k) for k in STAFF} for row in read_rows(path)]
    api.sync_register(path, now=DAY_H)
    assert [{k: row.get(k) for k in STAFF} for row in read_rows(path)] == before


def edit_history_reason(book: Any) -> None:
    sheet = book[HISTORY]
    column = column_of(sheet, "Alasan")
    sheet.cell(3, column, "diubah oleh seseorang")


def test_an_edited_riwayat_row_is_kept_as_the_person_left_it(tmp_path):
    path = new_register(tmp_path, *ROWS)
    api.sync_register(path, now=DAY_H)
    edit(path, edit_history_reason)
    before = sheet_values(path, HISTORY)
    api.sync_register(path, now=DAY_H.replace(hour=11))
    assert sheet_values(path, HISTORY)[: len(before)] == before


def test_an_edited_riwayat_reason_changes_no_status(tmp_path):
    path = new_register(tmp_path, *ROWS)
    api.sync_register(path, now=DAY_H)
    edit(path, edit_history_reason)
    assert not api.sync_register(path, now=DAY_H).plan.changed


# ---------------------------------------------------------------- size
LONG = 100_000


def long_register(path: Path, rows: int) -> Path:
    """``rows`` handed-over rows never synced, under the template's headers, written streaming."""
    book = openpyxl.Workbook(write_only=True)
    register = book.create_sheet(REGISTER)
    keys = [c.key for c in WORKFLOW.columns]
    register.append([c.header for c in WORKFLOW.columns])
    for i in range(rows):
        row = handed_over(activity_name=f"Kegiatan {i:06d}")
        register.append([row.get(k) for k in keys])
    book.create_sheet(HISTORY).append(list(HISTORY_HEADERS))
    book.create_sheet(WORKFLOW.sheets.recap)
    book.save(path)
    return path


@pytest.mark.slow
def test_a_100000_row_register_syncs_and_a_second_sync_changes_nothing(tmp_path):
    path = long_register(tmp_path / "panjang.xlsx", LONG)
    started = time.monotonic()
    first = api.sync_register(path, now=DAY_H)
    middle = time.monotonic()
    second = api.sync_register(path, now=DAY_H)
    figures.record("structure", tried=LONG, survived=len(first.plan.rows),
                   note=f"{LONG:,} changed rows synced in {middle - started:.0f} s; "
                        f"the second sync, changing nothing, in {time.monotonic() - middle:.0f} s")
    assert (len(first.plan.rows), first.applied, second.plan.changed) == (LONG, True, False)


# ---------------------------------------------------------------- Excel's max_row trap
STYLED = 5_000


def style_empty_rows(book: Any) -> None:
    for name in (REGISTER, HISTORY):
        sheet = book[name]
        first = sheet.max_row + 1
        for row in range(first, first + STYLED):
            for column in (1, 2, 5):
                sheet.cell(row, column).fill = GREY


def test_formatted_empty_rows_are_not_rows(tmp_path):
    expected = synced_rows(tmp_path)
    path = new_register(tmp_path, *ROWS)
    edit(path, style_empty_rows)
    result = api.sync_register(path, now=DAY_H)
    assert (len(result.plan.rows), read_rows(path)) == (len(ROWS), expected)


def test_sync_writes_nothing_into_formatted_empty_rows(tmp_path):
    path = new_register(tmp_path, *ROWS)
    edit(path, style_empty_rows)
    api.sync_register(path, now=DAY_H)
    book = openpyxl.load_workbook(path)
    filled = {name: max(c.row for row in book[name].iter_rows() for c in row if c.value is not None)
              for name in (REGISTER, HISTORY)}
    assert filled == {REGISTER: 1 + len(ROWS), HISTORY: 1 + len(sheet_values(path, HISTORY)) - 1}


def test_riwayat_is_appended_right_below_its_last_row_not_below_formatted_ones(tmp_path):
    path = new_register(tmp_path, *ROWS)
    edit(path, style_empty_rows)
    api.sync_register(path, now=DAY_H)
    sheet = openpyxl.load_workbook(path)[HISTORY]
    rows = [row[0].row for row in sheet.iter_rows() if any(c.value is not None for c in row)]
    assert rows == list(range(1, len(rows) + 1))
