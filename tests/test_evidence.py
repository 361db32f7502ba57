"""Evidence counted, not trusted: the photos and videos behind Tautan Dokumentasi are
counted when a row is handed over (Google Drive through the emulator's Drive store, or a
folder beside an Excel register), written to Jumlah Terverifikasi and checked against the
SOP's minimum and the number the team typed."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from emulator import DEFAULT_EMAIL
from files import new_register
from registers import register_rows
from support import WORKFLOW, handed_over

from sheetflow import api
from sheetflow.cli import cli
from sheetflow.history_headers import HISTORY_HEADERS

PHOTO, VIDEO, DOCUMENT = "image/jpeg", "video/mp4", "application/pdf"


def folder_link(folder_id: str) -> str:
    return f"https://drive.google.com/drive/folders/{folder_id}?usp=sharing"


@pytest.fixture
def drive(emulator):
    return emulator.drive


def shared_folder(drive, photos: int = 0, *, shared: bool = True) -> str:
    folder = drive.folder("Dokumentasi Rapat", shared_with=(DEFAULT_EMAIL,) if shared else ())
    for i in range(photos):
        drive.file(f"foto-{i + 1:04d}.jpg", PHOTO, folder)
    return folder


def drive_requests(emulator) -> int:
    return emulator.count("drive")


# ---------------------------------------------------------------- what is counted
def test_a_folder_counts_its_photos_and_videos_and_a_shortcut_to_a_video_not_a_document_or_the_trash(
        google_register, drive):
    folder = shared_folder(drive, photos=6)
    drive.file("undangan.pdf", DOCUMENT, folder)
    drive.file("foto-buram.jpg", PHOTO, folder, trashed=True)
    elsewhere = drive.folder("Video Kapanewon", shared_with=(DEFAULT_EMAIL,))
    drive.shortcut("video-sambutan.mp4", drive.file("sambutan.mp4", VIDEO, elsewhere), folder)
    register = google_register(handed_over(documentation_links=folder_link(folder)))
    register.sync()
    assert register.cell("verified_count") == 7
    assert "7 foto/video" in register.notes()
    assert "foto-0001.jpg" in register.notes() and "…" in register.notes()
    assert "undangan.pdf" not in register.notes() and "foto-buram.jpg" not in register.notes()


def test_a_file_link_counts_that_one_photo(google_register, drive):
    photo = drive.file("foto-utama.jpg", PHOTO, shared_with=(DEFAULT_EMAIL,))
    register = google_register(handed_over(documentation_links=f"https://drive.google.com/file/d/{photo}/view",
                                           documentation_count=5))
    register.sync()
    assert register.cell("verified_count") == 1


def test_fewer_than_the_minimum_is_a_finding_quoting_the_minimum(google_register, drive):
    register = google_register(handed_over(documentation_links=folder_link(shared_folder(drive, photos=3)),
                                           documentation_count=5))
    plan = register.sync()
    assert "evidence-below-minimum" in [f.code for f in plan.findings]
    assert "hanya 3 foto/video" in register.notes() and "minimal 5" in register.notes()


def test_fewer_than_the_team_typed_is_a_finding(google_register, drive):
    register = google_register(handed_over(documentation_links=folder_link(shared_folder(drive, photos=6)),
                                           documentation_count=9))
    plan = register.sync()
    assert [f.code for f in plan.findings if f.code.startswith("evidence-below")] == ["evidence-below-typed"]
    assert "ditemukan 6 foto/video, lebih sedikit dari 9" in register.notes()


def test_as_many_as_typed_and_the_minimum_is_no_finding(google_register, drive):
    register = google_register(handed_over(documentation_links=folder_link(shared_folder(drive, photos=6)),
                                           documentation_count=6))
    plan = register.sync()
    assert [f.code for f in plan.findings] == ["evidence-found"]


def test_a_folder_not_shared_names_the_service_account_to_share_it_with(google_register, drive):
    register = google_register(handed_over(documentation_links=folder_link(shared_folder(drive, 6, shared=False))))
    register.sync()
    assert register.status() == "Menunggu Pemeriksaan"
    assert f"Bagikan folder itu (Lihat) ke {DEFAULT_EMAIL}" in register.notes()
    assert register.cell("verified_count") in (None, "")


def test_a_folder_shared_later_is_counted_by_the_next_sync(google_register, drive, emulator):
    folder = shared_folder(drive, photos=6, shared=False)
    register = google_register(handed_over(documentation_links=folder_link(folder)))
    register.sync()
    drive.share(folder, DEFAULT_EMAIL)
    register.later(hours=1)
    register.sync()
    assert register.cell("verified_count") == 6


def test_more_than_a_thousand_files_are_counted_over_pages(google_register, drive, emulator):
    register = google_register(handed_over(documentation_links=folder_link(shared_folder(drive, photos=1205))))
    emulator.reset_log()
    register.sync()
    assert register.cell("verified_count") == 1205
    listed = [r for r in emulator.requests if r["kind"] == "drive" and r["path"].endswith("/files")]
    assert len(listed) == 2 and "pageToken" in listed[1]["query"]


# ---------------------------------------------------------------- Drive failing
@pytest.mark.parametrize("status", [429, 500])
def test_a_drive_failure_is_a_finding_and_the_sync_succeeds(google_register, drive, emulator, status):
    register = google_register(handed_over(documentation_links=folder_link(shared_folder(drive, photos=6))))
    emulator.fail(status, kind="drive", times=5)
    register.sync()
    assert register.status() == "Menunggu Pemeriksaan"
    assert "belum dapat dihitung" in register.notes() and "sync berikutnya mencoba lagi" in register.notes()
    emulator.clear_faults()
    register.later(hours=1)
    register.sync()
    assert register.cell("verified_count") == 6


def test_after_drive_says_slow_down_no_other_link_is_asked_in_that_run(google_register, drive, emulator):
    rows = [handed_over(activity_name=f"Kegiatan {i}", documentation_links=folder_link(shared_folder(drive, 6)))
            for i in range(3)]
    register = google_register(*rows)
    emulator.reset_log()
    emulator.fail(429, kind="drive", retry_after=60)
    register.sync()
    assert drive_requests(emulator) == 1
    assert "coba lagi setelah 60 detik" in register.notes(2)


# ---------------------------------------------------------------- once per hand-over
def test_a_row_is_counted_once_per_hand_over(google_register, drive, emulator):
    register = google_register(handed_over(documentation_links=folder_link(shared_folder(drive, photos=6))))
    register.sync()
    register.edit(0, reviewer="Budi Santoso")  # the row moves on; its links do not change
    register.later(hours=1)
    emulator.reset_log()
    register.sync()
    assert register.status() == "Sedang Diperiksa"
    assert drive_requests(emulator) == 0
    assert register.cell("verified_count") == 6


def test_an_unchanged_google_register_still_costs_one_read_and_no_drive_request(
        google_register, drive, emulator, service_key, cli_on_emulator):
    register = google_register(handed_over(documentation_links=folder_link(shared_folder(drive, photos=6))))
    sync = ["sync", register.source, "--credentials", str(service_key), "--now"]
    assert CliRunner().invoke(cli, [*sync, "2024-07-03T10:00"]).exit_code == 0  # hands over, counts
    assert CliRunner().invoke(cli, [*sync, "2024-07-03T11:00"]).exit_code == 0  # finds nothing, remembers it
    emulator.reset_log()
    assert CliRunner().invoke(cli, [*sync, "2024-07-03T12:00"]).exit_code == 0
    assert [r["kind"] for r in emulator.requests] == ["token", "read"]


def test_changed_links_are_counted_again(google_register, drive, emulator):
    register = google_register(handed_over(documentation_links=folder_link(shared_folder(drive, photos=6))))
    register.sync()
    register.edit(0, documentation_links=folder_link(shared_folder(drive, photos=8)), documentation_count=8)
    register.later(hours=1)
    register.sync()
    assert register.cell("verified_count") == 8


def test_a_hand_over_after_rejection_counts_the_folder_again(google_register, drive, emulator):
    """The team adds the missing photos to the same folder and hands over again."""
    folder = shared_folder(drive, photos=3)
    register = google_register(handed_over(documentation_links=folder_link(folder), documentation_count=5))
    register.sync()
    register.edit(0, reviewer="Budi Santoso", decision="TOLAK", response="Foto kurang dari lima.")
    register.later(hours=1)
    register.sync()
    assert register.status() == "Ditolak"
    for i in range(3):
        drive.file(f"tambahan-{i}.jpg", PHOTO, folder)
    register.edit(0, handover="Ya")
    register.later(hours=1)
    register.sync()
    assert register.status() == "Menunggu Pemeriksaan"
    assert register.cell("verified_count") == 6
    assert register.codes().count("evidence-counted") == 2


# ---------------------------------------------------------------- registers and folders
def test_a_register_without_the_verified_column_still_syncs(emulator, service_key, drive):
    folder = shared_folder(drive, photos=6)
    grid = register_rows((handed_over(documentation_links=folder_link(folder)),))
    drop = grid[0].index("Jumlah Terverifikasi")
    grid = [row[:drop] + row[drop + 1:] for row in grid]
    spreadsheet_id = emulator.create_spreadsheet(
        "Register", {WORKFLOW.sheets.register_: grid, WORKFLOW.sheets.history: [list(HISTORY_HEADERS)],
                     WORKFLOW.sheets.recap: []},
        shared_with=[DEFAULT_EMAIL], locale="id_ID", time_zone=WORKFLOW.timezone)
    connection = api.Connection(credentials=service_key, session=emulator.session, sleep=lambda seconds: None)
    result = api.sync_register(f"gsheet:{spreadsheet_id}", connection=connection)
    rows = emulator.grid(spreadsheet_id, WORKFLOW.sheets.register_)
    assert "Jumlah Terverifikasi" not in rows[0]
    notes = rows[1][rows[0].index("Catatan Sistem")]
    assert result.plan.rows[0].after == "waiting_review" and "6 foto/video" in notes


@pytest.mark.parametrize("written", [lambda folder: folder.as_uri(), str], ids=["file-url", "path"])
def test_a_local_folder_for_an_excel_register_is_counted_by_file_type(tmp_path, written):
    folder = tmp_path / "Dokumentasi" / "Rapat Juli"
    folder.mkdir(parents=True)
    for name in ("a.jpg", "b.JPEG", "c.png", "d.heic", "e.mp4", "sambutan.mov", "notulen.docx", "~$a.jpg"):
        (folder / name).write_bytes(b"x")
    (folder / "lain").mkdir()
    path = new_register(tmp_path, handed_over(documentation_links=written(folder), documentation_count=6))
    result = api.sync_register(path)
    assert result.plan.rows[0].after == "waiting_review"
    assert result.plan.rows[0].values["verified_count"] == 6
    assert "a.jpg, b.JPEG, c.png, d.heic, e.mp4, …" in result.plan.rows[0].values["notes"]


def test_a_missing_local_folder_is_a_finding_naming_it(tmp_path):
    path = new_register(tmp_path, handed_over(documentation_links=str(tmp_path / "tidak-ada")))
    result = api.sync_register(path)
    assert "evidence-not-found" in [f.code for f in result.plan.findings]


def test_a_drive_link_in_an_excel_register_is_not_counted_and_not_a_finding(tmp_path):
    path = new_register(tmp_path, handed_over(documentation_links=folder_link("1AbCdEfGhIjKlMnOp")))
    result = api.sync_register(path)
    assert not [f for f in result.plan.findings if f.code.startswith("evidence")]


def test_setup_adds_the_verified_column_to_a_register_made_before_it(emulator, service_key):
    grid = register_rows(())
    grid[0].remove("Jumlah Terverifikasi")
    spreadsheet_id = emulator.create_spreadsheet("Lama", {WORKFLOW.sheets.register_: grid},
                                                 shared_with=[DEFAULT_EMAIL])
    connection = api.Connection(credentials=service_key, session=emulator.session, sleep=lambda seconds: None)
    api.setup_register(f"gsheet:{spreadsheet_id}", connection=connection)
    headers = emulator.grid(spreadsheet_id, WORKFLOW.sheets.register_)[0]
    assert headers[:len(grid[0])] == grid[0] and headers[len(grid[0])] == "Jumlah Terverifikasi"


def test_drive_refusing_the_account_is_asked_once_a_run_and_said_in_the_note(google_register, drive, emulator):
    rows = [handed_over(activity_name=f"Kegiatan {i}", documentation_links=folder_link(shared_folder(drive, 6)))
            for i in range(2)]
    register = google_register(*rows)
    emulator.reset_log()
    emulator.fail(403, kind="drive")
    register.sync()
    assert drive_requests(emulator) == 1
    assert "Google Drive menolak akses akun layanan (403)" in register.notes(1)


def test_counting_stops_when_its_time_budget_is_spent(emulator, service_key, drive):
    from google.oauth2.service_account import Credentials

    from sheetflow.gsheets import drive as counting
    from sheetflow.gsheets.client import SCOPES

    credentials = Credentials.from_service_account_file(str(service_key), scopes=SCOPES)
    now = [0.0]
    counter = counting.DriveCounter(emulator.session(credentials), DEFAULT_EMAIL, clock=lambda: now[0])
    first, second = (folder_link(shared_folder(drive, photos=2)) for _ in range(2))
    assert counter(first) == counting.Count(2, ("foto-0001.jpg", "foto-0002.jpg"))
    now[0] = counting.BUDGET + 1
    emulator.reset_log()
    late = counter(second)
    assert late.code == "evidence-unavailable" and late.params["reason"] == "waktu menghitung habis"
    assert drive_requests(emulator) == 0


def test_a_draft_row_with_the_same_links_as_a_counted_one_is_not_counted_for_it(google_register, drive):
    link = folder_link(shared_folder(drive, photos=6))
    register = google_register(handed_over(documentation_links=link),
                               handed_over(activity_name="Belum diserahkan", documentation_links=link, handover=None))
    register.sync()
    assert register.cell("verified_count", 0) == 6
    assert register.cell("verified_count", 1) in (None, "")
    assert "evidence-counted" not in register.codes(1)


def test_registers_past_drives_quota_sync_and_are_counted_in_a_later_minute(google_register, drive, emulator):
    minute = [0.0]
    emulator.drive_quota(20, clock=lambda: minute[0])  # a folder costs 2 requests: 10 registers a minute
    registers = [google_register(handed_over(documentation_links=folder_link(shared_folder(drive, photos=6))))
                 for _ in range(25)]
    for register in registers:
        register.sync()
    assert [r.status() for r in registers] == ["Menunggu Pemeriksaan"] * 25
    assert [r.cell("verified_count") for r in registers].count(6) == 10
    assert "kuota Google Drive habis, coba lagi setelah 60 detik" in registers[-1].notes()
    for _ in range(2):
        minute[0] += 60
        for register in registers:
            register.later(minutes=1)
            register.sync()
    assert [r.cell("verified_count") for r in registers] == [6] * 25


@pytest.mark.parametrize("link", [
    "https://drive.google.com/drive/folders/1AbCdEfGhIjKlMnOp",
    "https://drive.google.com/drive/folders/1AbCdEfGhIjKlMnOp?usp=sharing",
    "https://drive.google.com/drive/u/0/folders/1AbCdEfGhIjKlMnOp",
    "https://drive.google.com/open?id=1AbCdEfGhIjKlMnOp",
    "https://drive.google.com/file/d/1AbCdEfGhIjKlMnOp/view?usp=drive_link",
])
def test_the_forms_of_a_drive_link_name_its_id(link):
    from sheetflow.gsheets.drive import drive_id

    assert drive_id(link) == "1AbCdEfGhIjKlMnOp"


@pytest.mark.parametrize("link", ["https://photos.app.goo.gl/AbCdEfGhIjKlMnOp", "https://drive.google.com/",
                                  "https://example.com/drive/folders/1AbCdEfGhIjKlMnOp"])
def test_a_link_that_is_not_drives_is_not_counted(link):
    from sheetflow.gsheets.drive import drive_id

    assert drive_id(link) is None


def test_an_excel_register_whose_verified_column_was_deleted_still_syncs(tmp_path):
    import openpyxl

    path = new_register(tmp_path, handed_over())
    book = openpyxl.load_workbook(path)
    sheet = book[WORKFLOW.sheets.register_]
    sheet.delete_cols(next(c.column for c in sheet[1] if c.value == "Jumlah Terverifikasi"))
    book.save(path)
    assert api.sync_register(path).plan.rows[0].after == "waiting_review"


def test_a_doubled_verified_column_stops_the_run_naming_it(tmp_path):
    import openpyxl

    from sheetflow.errors import HeaderMissing

    path = new_register(tmp_path, handed_over())
    book = openpyxl.load_workbook(path)
    sheet = book[WORKFLOW.sheets.register_]
    sheet.cell(1, sheet.max_column + 1, "jumlah terverifikasi")
    book.save(path)
    with pytest.raises(HeaderMissing) as raised:
        api.sync_register(path)
    assert raised.value.headers == ["Jumlah Terverifikasi"]


def test_an_approval_revoked_by_an_edit_is_counted_by_the_next_sync(google_register, drive, emulator):
    register = google_register(handed_over(documentation_links=folder_link(shared_folder(drive, photos=6))))
    register.sync()
    register.edit(0, reviewer="Budi Santoso", decision="TERIMA", approved_by="Ketua PPID Pembantu")
    register.later(hours=1)
    register.sync()
    assert register.status() == "Disetujui"
    register.edit(0, caption="Caption yang diubah setelah disetujui.")
    register.later(hours=1)
    register.sync()
    assert register.status() == "Menunggu Pemeriksaan"
    register.later(hours=1)
    register.sync()
    assert register.cell("verified_count") == 6
    assert register.codes().count("evidence-counted") == 2
