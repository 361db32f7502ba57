"""The register on a Google Sheet, through the real gspread + google-auth code paths,
against the Sheets API v4 emulator on 127.0.0.1."""

import json
import threading

import pytest
from click.testing import CliRunner
from emulator import DEFAULT_EMAIL
from registers import register_rows
from support import DAY_H, WORKFLOW, approved, handed_over, rejected, reviewed, submission

from sheetflow import api
from sheetflow.cli import cli
from sheetflow.errors import AccessDenied, CredentialsInvalid, RegisterBusy, RegisterNotFound


@pytest.fixture
def connection(emulator, service_key):
    return api.Connection(credentials=service_key, session=emulator.session, sleep=lambda seconds: None)


def reads_and_writes(emulator):
    return emulator.count("read"), emulator.count("write")


def grids(emulator, spreadsheet_id):
    return {name: emulator.grid(spreadsheet_id, name) for name in (WORKFLOW.sheets.register_,
                                                                   WORKFLOW.sheets.history)}


MIXED = (submission(), handed_over(caption="x" * 230), reviewed(), rejected(), approved(),
         approved(upload_links="https://www.instagram.com/p/abc/"))


# ---------------------------------------------------------------- calls per sync
def test_a_sync_that_changes_nothing_makes_two_reads_and_no_write(google_register, emulator):
    register = google_register(*MIXED)
    register.sync()
    emulator.reset_log()
    assert not register.sync().changed
    assert reads_and_writes(emulator) == (2, 0)


@pytest.mark.parametrize("rows", [10, pytest.param(5000, marks=pytest.mark.slow)])
def test_a_sync_that_changes_rows_makes_two_reads_and_one_write(google_register, emulator, rows):
    register = google_register(*[handed_over(activity_name=f"Kegiatan {i}") for i in range(rows)])
    emulator.reset_log()
    plan = register.sync()
    assert len([r for r in plan.rows if r.changes]) == rows
    assert reads_and_writes(emulator) == (2, 1)
    assert {r["status"] for r in register.rows()} == {"Menunggu Pemeriksaan"}


def test_a_check_reads_only_the_cells(google_register, emulator):
    register = google_register(*MIXED)
    emulator.reset_log()
    api.check_register(register.source, now=DAY_H, connection=register.connection)
    assert [r["kind"] for r in emulator.requests] == ["token", "read"]


def test_a_sync_fetches_the_metadata_for_its_write_right_after_its_read(google_register, emulator):
    register = google_register(handed_over())
    emulator.reset_log()
    register.sync()
    reads = [r["path"] for r in emulator.requests if r["kind"] == "read"]
    assert [r["kind"] for r in emulator.requests] == ["token", "read", "read", "write"]
    assert reads[0].endswith("/values:batchGet") and not reads[1].endswith("/values:batchGet")


def test_the_metadata_fetch_goes_out_before_anything_asks_for_it(google_register, emulator):
    """It overlaps the planning: saying a write will come sets it off."""
    register = google_register(handed_over())
    fetched = threading.Event()
    emulator.on_request(lambda record, emu: fetched.set() if record["kind"] == "read" and not
                        record["path"].endswith("/values:batchGet") else None)
    with api.open_source(register.source, write=True, connection=register.connection) as book:
        book.read([WORKFLOW.sheets.register_])
        book.will_write()
        assert fetched.wait(timeout=30)
        assert WORKFLOW.sheets.register_ in {s["properties"]["title"] for s in book.metadata["sheets"]}


def test_a_register_without_its_history_sheet_costs_one_read_more(emulator, connection):
    spreadsheet_id = emulator.create_spreadsheet("Register", {"Register": register_rows((handed_over(),))},
                                                 shared_with=[DEFAULT_EMAIL])
    emulator.reset_log()
    api.sync_register(f"gsheet:{spreadsheet_id}", now=DAY_H, connection=connection)
    # The read naming Riwayat fails as Google fails it, the metadata says which sheets exist,
    # and the register alone is read again.
    assert reads_and_writes(emulator) == (3, 1)
    assert [row[3] for row in emulator.grid(spreadsheet_id, WORKFLOW.sheets.history)[1:]] == [
        "Draf", "Menunggu Pemeriksaan"]


def test_cells_are_read_unformatted_with_serial_dates(google_register, emulator):
    register = google_register(submission())
    emulator.reset_log()
    register.sync()
    (read,) = [r for r in emulator.requests if r["kind"] == "read" and "values:batchGet" in r["path"]]
    assert (read["query"]["valueRenderOption"], read["query"]["dateTimeRenderOption"]) == (
        ["UNFORMATTED_VALUE"], ["SERIAL_NUMBER"])


def test_every_write_is_one_spreadsheets_batch_update(google_register, emulator):
    register = google_register(*MIXED)
    emulator.reset_log()
    register.sync()
    (write,) = [r for r in emulator.requests if r["kind"] == "write"]
    assert write["path"].endswith(":batchUpdate") and "/values" not in write["path"]


def test_text_is_written_as_text_never_as_a_formula(google_register, emulator):
    register = google_register(handed_over(team_name="=1+1"))
    register.sync()
    cell = emulator.cell(register.spreadsheet_id, WORKFLOW.sheets.history, "F3")
    assert cell["userEnteredValue"] == {"stringValue": "=1+1"}


def test_timestamps_are_real_date_times(google_register, emulator):
    register = google_register(handed_over())
    register.sync()
    column = next(i for i, c in enumerate(WORKFLOW.columns) if c.key == "handed_over_at")
    cell = emulator.cell(register.spreadsheet_id, WORKFLOW.sheets.register_, f"{chr(65 + column)}2")
    assert cell["userEnteredFormat"]["numberFormat"] == {"type": "DATE_TIME", "pattern": "dd/mm/yyyy hh:mm"}
    assert cell["userEnteredValue"]["numberValue"] == pytest.approx(45476 + 10 / 24)


# ---------------------------------------------------------------- failures, each one sentence
def test_a_missing_key_file_says_what_to_do(google_register, tmp_path):
    register = google_register(submission())
    with pytest.raises(CredentialsInvalid, match="tidak dapat dibaca"):
        api.check_register(register.source, connection=api.Connection(credentials=tmp_path / "tidak-ada.json"))


def test_a_malformed_key_file_says_what_to_do(google_register, tmp_path):
    register = google_register(submission())
    key = tmp_path / "kunci.json"
    key.write_text(json.dumps({"type": "service_account"}), encoding="utf-8")
    with pytest.raises(CredentialsInvalid, match="bukan kunci akun layanan yang utuh"):
        api.check_register(register.source, connection=api.Connection(credentials=key))


def test_a_sheet_not_shared_with_the_account_says_share_it(emulator, connection):
    spreadsheet_id = emulator.create_spreadsheet("Register", {"Register": register_rows(())})
    with pytest.raises(AccessDenied, match=f"belum dibagikan ke {DEFAULT_EMAIL}"):
        api.check_register(f"gsheet:{spreadsheet_id}", connection=connection)


def test_a_wrong_id_says_check_it(connection):
    with pytest.raises(RegisterNotFound, match="tidak ditemukan"):
        api.check_register("gsheet:1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefg", connection=connection)


def test_a_renamed_register_tab_says_what_to_do(emulator, connection):
    spreadsheet_id = emulator.create_spreadsheet("Register", {"Data": register_rows(())},
                                                 shared_with=[DEFAULT_EMAIL])
    with pytest.raises(RegisterNotFound, match="Sheet 'Register' tidak ditemukan"):
        api.check_register(f"gsheet:{spreadsheet_id}", connection=connection)


def test_the_cli_prints_one_sentence_and_no_traceback(emulator, service_key, cli_on_emulator):
    spreadsheet_id = emulator.create_spreadsheet("Register", {"Register": register_rows(())})
    result = CliRunner().invoke(cli, ["sync", f"gsheet:{spreadsheet_id}", "--credentials", str(service_key)])
    assert result.exit_code == 3
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1


def test_a_sheets_url_works_as_the_source(google_register, connection):
    register = google_register(handed_over())
    url = f"https://docs.google.com/spreadsheets/d/{register.spreadsheet_id}/edit#gid=0"
    assert api.sync_register(url, now=DAY_H, connection=connection).applied


# ---------------------------------------------------------------- quota and server errors
def undisturbed_state(google_register):
    register = google_register(*MIXED)
    register.sync()
    return grids(register.emulator, register.spreadsheet_id)


@pytest.mark.parametrize(("kind", "at"), [("token", 0), ("read", 0), ("read", 1), ("write", 0)])
def test_a_429_at_any_request_is_retried_to_the_undisturbed_result(google_register, emulator, kind, at):
    expected = undisturbed_state(google_register)
    register = google_register(*MIXED)
    emulator.fail(429, kind=kind, at=at)
    register.sync()
    assert grids(emulator, register.spreadsheet_id) == expected


def test_a_write_that_landed_before_a_500_is_not_written_twice(google_register, emulator):
    expected = undisturbed_state(google_register)
    register = google_register(*MIXED)
    emulator.fail(500, kind="write", after_commit=True)
    register.sync()
    assert grids(emulator, register.spreadsheet_id) == expected


def test_retries_give_up_within_bounds_and_leave_the_sheet_untouched(google_register, emulator):
    register = google_register(*MIXED)
    before = grids(emulator, register.spreadsheet_id)
    emulator.fail(429, kind="write", times=50)
    with pytest.raises(RegisterBusy):
        register.sync()
    assert grids(emulator, register.spreadsheet_id) == before


def test_after_giving_up_the_next_run_converges(google_register, emulator):
    expected = undisturbed_state(google_register)
    register = google_register(*MIXED)
    emulator.fail(429, kind="write", times=8)
    with pytest.raises(RegisterBusy):
        register.sync()
    register.sync()
    assert grids(emulator, register.spreadsheet_id) == expected


# ---------------------------------------------------------------- rows moved while sync writes
def moved_before_the_write(emulator, move):
    def hook(record, emu):
        if record["kind"] == "write" and not getattr(hook, "done", False):
            hook.done = True
            move()

    emulator.on_request(hook)


ROWS = (handed_over(activity_name="Alpha"), submission(activity_name="Bravo"), reviewed(activity_name="Charlie"),
        rejected(activity_name="Delta"))


def by_name(register):
    return {row["activity_name"]: (row.get("register_no"), row["status"]) for row in register.rows()}


@pytest.mark.parametrize("move", ["sort", "insert", "delete"])
def test_no_cell_stays_in_the_wrong_row_when_rows_move_before_the_write(google_register, emulator, move):
    calm = google_register(*ROWS)
    calm.sync()
    register = google_register(*ROWS)
    sheet = WORKFLOW.sheets.register_
    name = 1 + [c.key for c in WORKFLOW.columns].index("activity_name") - 1
    actions = {
        "sort": lambda: emulator.sort_rows(register.spreadsheet_id, sheet, name, descending=True),
        "insert": lambda: emulator.insert_rows(register.spreadsheet_id, sheet, 2),
        "delete": lambda: emulator.delete_rows(register.spreadsheet_id, sheet, 3),
    }
    moved_before_the_write(emulator, actions[move])
    result = api.sync_register(register.source, now=DAY_H, connection=register.connection)
    emulator.clear_hooks()
    expected = {k: v for k, v in by_name(calm).items() if move != "delete" or k != "Bravo"}
    assert by_name(register) == expected
    assert result.moved
    assert not register.sync().changed


# ---------------------------------------------------------------- setup
def test_setup_prepares_a_blank_sheet_like_the_template(emulator, connection):
    spreadsheet_id = emulator.create_spreadsheet("Baru", {"Sheet1": []}, shared_with=[DEFAULT_EMAIL])
    assert api.setup_register(f"gsheet:{spreadsheet_id}", connection=connection) > 0
    book = emulator.spreadsheet(spreadsheet_id)
    titles = [s["properties"]["title"] for s in book["sheets"]]
    register = next(s for s in book["sheets"] if s["properties"]["title"] == "Register")
    assert (book["properties"]["locale"], book["properties"]["timeZone"]) == ("id_ID", "Asia/Jakarta")
    assert {"Register", "Riwayat", "Rekap", "Petunjuk"} <= set(titles)
    assert emulator.grid(spreadsheet_id, "Register")[0] == [c.header for c in WORKFLOW.columns]
    assert len(register["conditionalFormats"]) == len(WORKFLOW.statuses)
    assert register["properties"]["gridProperties"]["frozenRowCount"] == 1
    assert len(register["protectedRanges"]) == sum(c.is_system for c in WORKFLOW.columns)


def test_setup_twice_changes_nothing_the_second_time(emulator, connection):
    spreadsheet_id = emulator.create_spreadsheet("Baru", {"Sheet1": []}, shared_with=[DEFAULT_EMAIL])
    api.setup_register(f"gsheet:{spreadsheet_id}", connection=connection)
    emulator.reset_log()
    assert api.setup_register(f"gsheet:{spreadsheet_id}", connection=connection) == 0
    assert emulator.count("write") == 0


def test_setup_adds_missing_headers_without_moving_data(emulator, connection):
    rows = [["Nama Kegiatan", "Catatan pribadi"], ["Rapat", "punya Bu Sri"]]
    spreadsheet_id = emulator.create_spreadsheet("Lama", {"Register": rows}, shared_with=[DEFAULT_EMAIL])
    api.setup_register(f"gsheet:{spreadsheet_id}", connection=connection)
    grid = emulator.grid(spreadsheet_id, "Register")
    assert grid[0][:2] == ["Nama Kegiatan", "Catatan pribadi"] and grid[1][:2] == ["Rapat", "punya Bu Sri"]
    assert set(grid[0]) >= {c.header for c in WORKFLOW.columns}


def test_setup_makes_typed_day_first_dates_read_as_day_first(emulator, connection):
    spreadsheet_id = emulator.create_spreadsheet("Baru", {"Sheet1": []}, shared_with=[DEFAULT_EMAIL])
    api.setup_register(f"gsheet:{spreadsheet_id}", connection=connection)
    emulator.type(spreadsheet_id, "Register", "B2", "03/07/2024")
    assert emulator.cell(spreadsheet_id, "Register", "B2")["userEnteredValue"] == {"numberValue": 45476}


def test_setup_gives_serahkan_a_checkbox_that_refuses_none_of_the_forms_sync_reads(emulator, connection):
    # As the template's dropdown (PANDUAN: "Isi Serahkan yang dibaca sync"): Ya, TRUE or 1 typed
    # over the checkbox is kept, and sync reads it; anything else becomes a note, not a refusal.
    spreadsheet_id = emulator.create_spreadsheet("Baru", {"Sheet1": []}, shared_with=[DEFAULT_EMAIL])
    api.setup_register(f"gsheet:{spreadsheet_id}", connection=connection)
    letter = chr(ord("A") + [c.key for c in WORKFLOW.columns].index("handover"))
    rule = emulator.cell(spreadsheet_id, "Register", f"{letter}2")["dataValidation"]
    assert (rule["condition"]["type"], rule.get("strict", False)) == ("BOOLEAN", False)


def test_a_sheet_set_up_by_sheetflow_syncs(emulator, connection):
    spreadsheet_id = emulator.create_spreadsheet("Baru", {"Sheet1": []}, shared_with=[DEFAULT_EMAIL])
    source = f"gsheet:{spreadsheet_id}"
    api.setup_register(source, connection=connection)
    for column, value in zip("BCDEFGHIJ", ["03/07/2024", "Rapat", "Humas", "Foto", "6",
                                          "https://drive.google.com/x", "n" * 120, "Caption", "TRUE"], strict=True):
        emulator.type(spreadsheet_id, "Register", f"{column}2", value)
    result = api.sync_register(source, now=DAY_H, connection=connection)
    assert [WORKFLOW.status[r.after].label for r in result.plan.rows] == ["Menunggu Pemeriksaan"]


# ---------------------------------------------------------------- recap chart
def test_the_recap_sheet_gets_one_chart_however_often_it_changes(google_register, emulator):
    register = google_register(handed_over())
    register.sync()
    register.edit(0, reviewer="Budi Santoso")
    register.sync()
    recap = next(s for s in emulator.spreadsheet(register.spreadsheet_id)["sheets"]
                 if s["properties"]["title"] == WORKFLOW.sheets.recap)
    (chart,) = recap["charts"]
    assert chart["spec"]["basicChart"]["chartType"] == "COLUMN"


# ---------------------------------------------------------------- what people do to the sheet
def test_a_filter_hiding_rows_changes_nothing_sync_sees(google_register, emulator):
    expected = undisturbed_state(google_register)
    register = google_register(*MIXED)
    emulator.edit(register.spreadsheet_id, WORKFLOW.sheets.register_, "setBasicFilter",
                  lambda s: {"filter": {"range": {"sheetId": s.id}}})
    emulator.edit(register.spreadsheet_id, WORKFLOW.sheets.register_, "updateDimensionProperties",
                  lambda s: {"range": {"sheetId": s.id, "dimension": "ROWS", "startIndex": 2, "endIndex": 4},
                             "properties": {"hiddenByUser": True}, "fields": "hiddenByUser"})
    register.sync()
    assert grids(emulator, register.spreadsheet_id) == expected


def test_merged_cells_leave_a_clear_finding_on_the_hidden_column(google_register, emulator):
    register = google_register(handed_over())
    names = [c.key for c in WORKFLOW.columns]
    first = names.index("activity_name")
    # Someone merged Nama Kegiatan with Tim Pelaksana: Sheets keeps only the first cell's value.
    emulator.edit(register.spreadsheet_id, WORKFLOW.sheets.register_, "mergeCells",
                  lambda s: {"range": {"sheetId": s.id, "startRowIndex": 1, "endRowIndex": 2,
                                       "startColumnIndex": first, "endColumnIndex": first + 2},
                             "mergeType": "MERGE_ALL"})
    register.sync()
    assert register.status() == "Perlu Perbaikan"
    assert "Tim Pelaksana wajib diisi." in register.notes()
