"""The Excel register end to end: init, filled as staff would, synced, reopened."""

import os

import openpyxl
import pytest
from files import HEADER, new_register, read_rows, sheet_values, type_rows
from support import DAY_H, WORKFLOW, approved, handed_over, rejected, submission

from sheetflow import api
from sheetflow.errors import HeaderMissing, RegisterLocked, RegisterNotFound


def test_a_synced_register_reopens_with_statuses_notes_and_times(tmp_path):
    path = new_register(tmp_path, submission(), handed_over(caption="x" * 210), approved())
    api.sync_register(path, now=DAY_H)
    rows = read_rows(path)
    assert [r["status"] for r in rows] == ["Draf", "Perlu Perbaikan", "Disetujui"]
    assert "maksimal 200 karakter" in rows[1]["notes"]
    assert rows[2]["decided_at"] == DAY_H.replace(tzinfo=None)


def test_staff_values_survive_the_round_trip(tmp_path):
    original = approved(caption="Caption dengan emoji 👍🏽 dan baris\nbaru.", documentation_count=7)
    path = new_register(tmp_path, original)
    api.sync_register(path, now=DAY_H)
    (row,) = read_rows(path)
    assert {k: row[k] for k in original} == original


def test_data_validation_and_status_colours_survive_a_sync(tmp_path):
    path = new_register(tmp_path, handed_over())
    before = openpyxl.load_workbook(path)["Register"]
    api.sync_register(path, now=DAY_H)
    after = openpyxl.load_workbook(path)["Register"]
    assert [str(dv.sqref) for dv in after.data_validations.dataValidation] == [
        str(dv.sqref) for dv in before.data_validations.dataValidation
    ]
    assert len(after.conditional_formatting) == len(before.conditional_formatting) > 0
    assert after.freeze_panes == "A2"


def test_timestamps_are_real_date_times_shown_day_first(tmp_path):
    path = new_register(tmp_path, handed_over())
    api.sync_register(path, now=DAY_H)
    sheet = openpyxl.load_workbook(path)["Register"]
    column = next(c.column for c in sheet[1] if c.value == "Waktu Diserahkan")
    cell = sheet.cell(2, column)
    assert (cell.is_date, cell.number_format) == (True, "dd/mm/yyyy hh:mm")


def test_history_rows_are_appended_to_riwayat(tmp_path):
    path = new_register(tmp_path, handed_over())
    api.sync_register(path, now=DAY_H)
    history = sheet_values(path, "Riwayat")
    assert history[0][:4] == ("Waktu", "No. Register", "Dari", "Ke")
    assert [row[3] for row in history[1:]] == ["Draf", "Menunggu Pemeriksaan"]


def test_rekap_counts_statuses(tmp_path):
    path = new_register(tmp_path, submission(), handed_over(), handed_over())
    api.sync_register(path, now=DAY_H)
    rekap = dict(row[:2] for row in sheet_values(path, "Rekap") if len(row) >= 2 and row[1] is not None)
    assert (rekap["Draf"], rekap["Menunggu Pemeriksaan"], rekap["Total"]) == (1, 2, 3)


def test_second_sync_leaves_the_file_byte_identical(tmp_path):
    path = new_register(tmp_path, submission(), rejected(), approved())
    api.sync_register(path, now=DAY_H)
    content, mtime = path.read_bytes(), os.stat(path).st_mtime_ns
    result = api.sync_register(path, now=DAY_H)
    assert not result.applied
    assert (path.read_bytes(), os.stat(path).st_mtime_ns) == (content, mtime)


def test_check_never_writes(tmp_path):
    path = new_register(tmp_path, approved())
    content, mtime = path.read_bytes(), os.stat(path).st_mtime_ns
    result = api.check_register(path, now=DAY_H)
    assert result.plan.changed
    assert (path.read_bytes(), os.stat(path).st_mtime_ns) == (content, mtime)


def test_text_that_looks_like_a_formula_is_written_as_text(tmp_path):
    path = new_register(tmp_path, handed_over(team_name="=Tim Humas"))
    api.sync_register(path, now=DAY_H)
    names = [row[5] for row in openpyxl.load_workbook(path)["Riwayat"].iter_rows(min_row=2)]
    assert [(c.value, c.data_type) for c in names] == [(None, "n"), ("=Tim Humas", "s")]


def test_columns_are_found_by_header_in_any_order_and_case(tmp_path):
    path = new_register(tmp_path, handed_over())
    book = openpyxl.load_workbook(path)
    sheet = book["Register"]
    sheet.move_range("A1:A2", cols=30)  # No. Register moved to the far right
    sheet.cell(1, 4).value = "  tim PELAKSANA "
    book.save(path)
    api.sync_register(path, now=DAY_H)
    sheet = openpyxl.load_workbook(path)["Register"]
    assert sheet.cell(2, 31).value == "2024/0001"


def test_a_missing_header_stops_the_run_and_writes_nothing(tmp_path):
    path = new_register(tmp_path, handed_over())
    book = openpyxl.load_workbook(path)
    sheet = book["Register"]
    column = next(c.column for c in sheet[1] if c.value == HEADER["caption"])
    sheet.cell(1, column).value = "Keterangan"
    book.save(path)
    content = path.read_bytes()
    with pytest.raises(HeaderMissing, match="Caption"):
        api.sync_register(path, now=DAY_H)
    assert path.read_bytes() == content


def test_a_renamed_register_sheet_is_a_clear_error(tmp_path):
    path = new_register(tmp_path)
    book = openpyxl.load_workbook(path)
    book["Register"].title = "Data"
    book.save(path)
    with pytest.raises(RegisterNotFound, match="Sheet 'Register' tidak ditemukan"):
        api.sync_register(path, now=DAY_H)


def test_a_register_open_in_libreoffice_is_refused(tmp_path):
    path = new_register(tmp_path, handed_over())
    (tmp_path / ".~lock.register.xlsx#").write_text("user", encoding="utf-8")
    content = path.read_bytes()
    with pytest.raises(RegisterLocked):
        api.sync_register(path, now=DAY_H)
    assert path.read_bytes() == content


def test_a_ticked_checkbox_is_unticked_on_tolak(tmp_path):
    path = new_register(tmp_path, rejected(handover=True))
    api.sync_register(path, now=DAY_H)
    (row,) = read_rows(path)
    assert (row["status"], row["handover"]) == ("Ditolak", False)


def test_rows_typed_after_a_sync_are_picked_up_next_time(tmp_path):
    path = new_register(tmp_path, handed_over())
    api.sync_register(path, now=DAY_H)
    type_rows(path, [handed_over(activity_name="Kegiatan kedua")], first=3)
    api.sync_register(path, now=DAY_H)
    assert [r["register_no"] for r in read_rows(path)] == ["2024/0001", "2024/0002"]


def test_the_workflow_sheets_exist_in_a_new_register(tmp_path):
    path = new_register(tmp_path)
    assert openpyxl.load_workbook(path).sheetnames == [
        WORKFLOW.sheets.register_, WORKFLOW.sheets.history, WORKFLOW.sheets.recap, WORKFLOW.sheets.guide,
    ]


def test_the_recap_sheet_carries_a_bar_chart_of_the_statuses(tmp_path):
    import zipfile

    path = new_register(tmp_path, submission(), handed_over())
    api.sync_register(path, now=DAY_H)
    with zipfile.ZipFile(path) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        xml = archive.read(charts[0]).decode()
    assert len(charts) == 1
    assert "<barChart>" in xml and "'Rekap'!$B$4:$B$10" in xml


def test_rekap_lists_rejections_with_their_reasons(tmp_path):
    path = new_register(tmp_path, rejected())
    api.sync_register(path, now=DAY_H)
    rows = [row[:4] for row in sheet_values(path, "Rekap")]
    assert ("2024/0001", "Rapat koordinasi kalurahan", DAY_H.replace(tzinfo=None),
            "Foto kurang jelas; ganti foto 3 dan 4.") in rows


def test_a_deleted_riwayat_sheet_comes_back_with_its_headers(tmp_path):
    path = new_register(tmp_path, handed_over())
    book = openpyxl.load_workbook(path)
    del book["Riwayat"]
    book.save(path)
    api.sync_register(path, now=DAY_H)
    assert not api.sync_register(path, now=DAY_H).plan.changed
    assert sheet_values(path, "Riwayat")[0][:4] == ("Waktu", "No. Register", "Dari", "Ke")
