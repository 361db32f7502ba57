"""Damaged structure on real .xlsx files: headers renamed, doubled or deleted, columns
moved or hidden, merged cells, filters, a renamed or deleted sheet, a very long register,
and rows Excel thinks are used because someone formatted them; on files and Google Sheets,
a Riwayat sorted, renamed, deleted, cut short or given a doubled header. Each gives the
correct result, or one clear error and nothing written."""

from __future__ import annotations

import io
import json
import random
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import figures
import openpyxl
import pytest
from click.testing import CliRunner
from files import HEADER, new_register, read_rows, sheet_values
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter
from riwayat import (
    RECAP,
    SORT_IDS,
    SORTS,
    add_history_header,
    cut_the_end,
    delete_rows,
    delete_sheet,
    edit_history,
    rename_sheet,
    seal_row,
    several_syncs,
    snapshot,
    sort_history,
    verify,
)
from support import DAY_H, WORKFLOW, approved, handed_over, rejected, reviewed, submission

from sheetflow import api
from sheetflow.cli import cli
from sheetflow.errors import HeaderMissing, HistoryDamaged, RegisterNotFound, SheetflowError
from sheetflow.history_headers import HISTORY_HEADERS
from sheetflow.xlsx.backend import open_workbook

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
    """A register never synced whose Riwayat was deleted: sync makes it again. (Once rows
    carry numbers and statuses, a lost Riwayat stops the run: see below.)"""
    path = new_register(folder, *ROWS)
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
    path = new_register(tmp_path, *ROWS)
    api.sync_register(path, now=DAY_H)
    edit(path, lambda book: book.remove(book[HISTORY]))
    before = [{k: row.get(k) for k in STAFF} for row in read_rows(path)]
    with pytest.raises(HistoryDamaged):
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


# ---------------------------------------------------------------- Riwayat sorted, lost, doubled or cut short
@pytest.mark.parametrize(("header", "descending"), SORTS, ids=SORT_IDS)
def test_a_sorted_riwayat_changes_no_status_and_writes_nothing(register_of, header, descending):
    register = several_syncs(register_of)
    statuses = [row["status"] for row in register.rows()]
    sort_history(register, header, descending=descending)
    changed = register.sync().changed
    kept = (changed, [row["status"] for row in register.rows()]) == (False, statuses)
    figures.record("structure", tried=1, survived=int(kept), misplaced=int(not kept))
    assert kept


def test_a_riwayat_sorted_and_edited_refuses_to_run_and_writes_nothing(register_of):
    register = several_syncs(register_of)
    sort_history(register, "Nama")
    edit_history(register, 4, "Alasan", "diubah oleh seseorang")
    register.edit(0, decision="TERIMA", approved_by="Ketua PPID Pembantu")
    before = snapshot(register)
    with pytest.raises(HistoryDamaged, match="diurutkan ulang") as raised:
        register.sync()
    untouched_ = snapshot(register) == before
    figures.record("structure", tried=1, survived=int(untouched_), lost=int(not untouched_))
    assert (raised.value.exit_code, untouched_, verify(register).broken_at is not None) == (3, True, True)


@pytest.mark.parametrize("damage", ["renamed", "deleted", "emptied"])
def test_a_lost_riwayat_stops_the_run_with_a_sentence_and_writes_nothing(register_of, damage):
    register = several_syncs(register_of)
    rows = register.rows()
    if damage == "renamed":
        rename_sheet(register, HISTORY, "Riwayat Lama")
    elif damage == "deleted":
        delete_sheet(register, HISTORY)
    else:
        delete_rows(register, HISTORY, 2, len(register.history_rows()))
    history = register.history_rows() if damage == "emptied" else None
    with pytest.raises(HistoryDamaged) as raised:
        register.sync()
    untouched_ = (register.rows(), register.history_rows() if damage == "emptied" else None) == (rows, history)
    figures.record("structure", tried=1, survived=int(untouched_), lost=int(not untouched_))
    message = str(raised.value)
    assert (raised.value.exit_code, untouched_, "Kembalikan sheet Riwayat" in message, "\n" in message) == (
        3, True, True, False)


def test_a_renamed_riwayat_header_stops_the_run_naming_it(register_of):
    register = several_syncs(register_of)
    edit_history(register, 1, "Ke", "Status Baru")
    before = snapshot(register)
    with pytest.raises(HeaderMissing) as raised:
        register.sync()
    figures.record("structure", tried=1, survived=int(snapshot(register) == before),
                   lost=int(snapshot(register) != before))
    assert (raised.value.headers, snapshot(register)) == (["Ke"], before)


@pytest.mark.parametrize("header", ["Ke", "Alasan", "Rantai"])
def test_a_doubled_riwayat_header_is_refused_by_sync_and_verify(register_of, header):
    register = several_syncs(register_of)
    add_history_header(register, header)
    before = snapshot(register)
    for run in (register.sync, lambda: verify(register)):
        with pytest.raises(HeaderMissing, match="lebih dari sekali") as raised:
            run()
        assert raised.value.headers == [header]
    figures.record("structure", tried=1, survived=int(snapshot(register) == before),
                   lost=int(snapshot(register) != before))
    assert snapshot(register) == before


def test_deleting_the_last_riwayat_rows_with_their_register_row_fails_verify(register_of):
    register = several_syncs(register_of)
    cut_the_end(register)
    result = verify(register)
    figures.record("structure", tried=1, survived=int(not result.intact), misplaced=int(result.intact),
                   note="the last Riwayat rows deleted with their Register row: verify finds the seal in Rekap "
                        "broken on both backends")
    assert (result.broken_at, result.unsupported, result.seal, result.intact) == (None, (), "mismatch", False)


def test_a_sync_after_the_end_was_cut_logs_it_and_verify_keeps_failing(register_of):
    register = several_syncs(register_of)
    cut_the_end(register)
    first = register.sync()
    result = verify(register)
    assert ([e.code for e in first.history], result.seal, len(result.unproven), register.sync().changed) == (
        ["history-cut"], "ok", 1, False)


def test_a_deleted_seal_fails_verify_and_the_next_sync_logs_it(register_of):
    register = several_syncs(register_of)
    delete_rows(register, RECAP, seal_row(register))
    assert verify(register).seal == "missing"
    assert [e.code for e in register.sync().history] == ["history-unsealed"]
    assert not verify(register).intact


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


# ---------------------------------------------------------------- a stray cell far from the table
# One character in the last cell, or a space left in the last row, once made the reader build
# a range from A1 to it: 512 GiB (the process aborted) or a gigabyte and seconds every run.
STRAYS = {
    "x in XFD1048576 of Register": (REGISTER, "XFD1048576", "x"),
    "space in A1048576 of Register": (REGISTER, "A1048576", " "),
    "space in the last column of the last row": (REGISTER, "Y1048576", "   "),
    "x in XFD1048576 of Riwayat": (HISTORY, "XFD1048576", "x"),
    "space in A1048576 of Riwayat": (HISTORY, "A1048576", " "),
}
# What a small register costs to sync with nothing stray (about 60 MB), with room to spare.
STRAY_MEMORY = 200 * 1024**2

# Runs the CLI in a child; reports its peak memory and processor time, unmixed with other children of pytest.
MEASURE = """
import json, resource, subprocess, sys
done = subprocess.run(sys.argv[2:], capture_output=True, text=True)
used = resource.getrusage(resource.RUSAGE_CHILDREN)
open(sys.argv[1], "w").write(json.dumps([done.returncode, done.stdout, done.stderr, used.ru_maxrss * 1024,
                                         used.ru_utime + used.ru_stime]))
"""


def sync_measured(path: Path, *options: str) -> dict[str, Any]:
    report = path.with_name("ukuran.json")
    subprocess.run([sys.executable, "-c", MEASURE, str(report), sys.executable, "-m", "sheetflow", "sync",
                    str(path), "--now", DAY_H.isoformat(), *options], timeout=120, check=True)
    code, out, err, peak, seconds = json.loads(report.read_text())
    return {"code": code, "out": out, "err": err, "peak": peak, "seconds": seconds}


def stray(sheet: str, cell: str, value: str):
    def change(book: Any) -> None:
        book[sheet][cell] = value

    return change


def synced_register(folder: Path) -> Path:
    path = new_register(folder, *ROWS)
    api.sync_register(path, now=DAY_H)
    return path


@pytest.mark.parametrize("case", sorted(STRAYS))
def test_a_stray_cell_far_from_the_table_costs_no_more_than_the_table(tmp_path, case):
    path = synced_register(tmp_path)
    edit(path, stray(*STRAYS[case]))
    before = path.read_bytes()
    run = sync_measured(path)
    figures.record("structure", tried=1, survived=int(run["code"] == 0 and run["peak"] < STRAY_MEMORY),
                   note=f"{case}: {run['peak'] / 1024**2:.0f} MB, {run['seconds']:.1f} s of processor time")
    assert (run["code"], run["peak"] < STRAY_MEMORY, "Tidak ada yang berubah" in run["out"],
            path.read_bytes() == before) == (0, True, True, True)


@pytest.mark.parametrize("case", sorted(STRAYS))
def test_a_stray_cell_far_from_the_table_changes_nothing_sync_sees(tmp_path, case):
    path = synced_register(tmp_path)
    with open_workbook(path, write=False) as book:
        expected = book.read([REGISTER, HISTORY])
    edit(path, stray(*STRAYS[case]))
    with open_workbook(path, write=False) as book:
        assert book.read([REGISTER, HISTORY]) == expected


def test_an_item_typed_in_the_last_row_is_synced_there_within_bounds(tmp_path):
    path = synced_register(tmp_path)
    column = get_column_letter(column_of(openpyxl.load_workbook(path)[REGISTER], HEADER["activity_name"]))
    edit(path, stray(REGISTER, f"{column}1048576", "Kegiatan di baris terakhir"))
    run = sync_measured(path, "--json")
    rows = {row["row"]: row for row in json.loads(run["out"])["rows"]}
    figures.record("structure", tried=1, survived=int(1048576 in rows and run["peak"] < STRAY_MEMORY),
                   note=f"an item typed in row 1,048,576: {run['peak'] / 1024**2:.0f} MB, "
                        f"{run['seconds']:.1f} s of processor time")
    assert (run["code"], run["peak"] < STRAY_MEMORY, 1048576 in rows) == (0, True, True)


# ---------------------------------------------------------------- forms of .xlsx sync cannot write
# Excel's "Strict Open XML Spreadsheet" names every part in other namespaces.
STRICT = {
    b"http://schemas.openxmlformats.org/spreadsheetml/2006/main": b"http://purl.oclc.org/ooxml/spreadsheetml/main",
    b"http://schemas.openxmlformats.org/officeDocument/2006/relationships":
        b"http://purl.oclc.org/ooxml/officeDocument/relationships",
    b"http://schemas.openxmlformats.org/drawingml/2006/main": b"http://purl.oclc.org/ooxml/drawingml/main",
}


def saved_as_strict(path: Path) -> None:
    with zipfile.ZipFile(path) as old:
        parts = {item.filename: old.read(item.filename) for item in old.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for name, data in parts.items():
            for transitional, strict in STRICT.items():
                data = data.replace(transitional, strict)
            if name == "xl/workbook.xml":
                data = data.replace(b"<workbook ", b'<workbook conformance="strict" ', 1)
            new.writestr(name, data)


def saved_with_a_password(path: Path) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    encrypted = io.BytesIO()
    with path.open("rb") as plain:
        OOXMLFile(plain).encrypt("rahasia", encrypted)
    path.write_bytes(encrypted.getvalue())


def files_beside(path: Path) -> list[str]:
    """The folder's files but sync's own lock, which stays behind, empty, on Unix."""
    return sorted(p.name for p in path.parent.iterdir() if not p.name.endswith(".sheetflow-lock"))


SAVED_AS = {"strict": (saved_as_strict, "Strict Open XML"), "encrypted": (saved_with_a_password, "kata sandi")}


@pytest.mark.parametrize("command", ["check", "sync"])
@pytest.mark.parametrize("form", sorted(SAVED_AS))
def test_a_register_saved_in_a_form_sync_cannot_write_is_refused_in_one_sentence(tmp_path, form, command):
    path = new_register(tmp_path, *ROWS)
    save, named = SAVED_AS[form]
    save(path)
    before = files_beside(path), path.read_bytes()
    result = CliRunner().invoke(cli, [command, str(path), "--now", DAY_H.isoformat()])
    figures.record("structure", tried=1, survived=int(result.exit_code == 3),
                   note=f"a register saved {form}: {command} exit {result.exit_code}")
    assert (result.exit_code, len(result.output.strip().splitlines()), named in result.output,
            (files_beside(path), path.read_bytes()) == before) == (3, 1, True, True)
