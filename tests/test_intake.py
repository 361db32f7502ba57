"""Hand-over with a form: each response becomes one handed-over register row, exactly once,
on a Google Sheet (the emulator) and on an Excel register with a folder of .csv exports."""

from datetime import date, datetime

import pytest
from click.testing import CliRunner
from emulator import DEFAULT_EMAIL
from files import new_register, read_rows
from registers import register_rows
from support import NARRATIVE, WORKFLOW

from sheetflow import api, cells
from sheetflow.cli import cli
from sheetflow.config import load_config
from sheetflow.fleet import sync_all
from sheetflow.history_headers import HISTORY_HEADERS
from sheetflow.intake import TAKEN, FormSource

FORM = "Tanggapan Formulir 1"
SYNCED = datetime(2024, 7, 3, 10, 0, tzinfo=WORKFLOW.tz)
LINKS = ", ".join(f"https://drive.google.com/open?id=foto{n}" for n in range(1, 7))
QUESTIONS = ["Stempel waktu", "Tanggal Kegiatan", "Nama Kegiatan", "Tim Pelaksana", "Jenis Dokumentasi",
             "Tautan Dokumentasi", "Narasi Berita", "Caption"]
CODE = HISTORY_HEADERS.index("Kode")


def response(submitted: datetime, name: str = "Rapat koordinasi kalurahan", **changes) -> list:
    answers = {"Tanggal Kegiatan": date(2024, 7, 3), "Nama Kegiatan": name, "Tim Pelaksana": "Seksi Pemerintahan",
               "Jenis Dokumentasi": "Foto", "Tautan Dokumentasi": LINKS, "Narasi Berita": NARRATIVE,
               "Caption": "Rapat koordinasi bersama sebelas kalurahan.", **changes}
    return [submitted, *(answers[q] for q in QUESTIONS[1:])]


FIRST = response(datetime(2024, 7, 3, 9, 15, 2), "Rapat koordinasi kalurahan")
SECOND = response(datetime(2024, 7, 3, 9, 40, 0), "Bakti sosial")


class FormSheet:
    """A register on the emulator with a linked form's responses sheet."""

    def __init__(self, emulator, connection, *responses):
        self.emulator = emulator
        self.connection = connection
        self.id = emulator.create_spreadsheet(
            "Register", {WORKFLOW.sheets.register_: register_rows(()), WORKFLOW.sheets.history: [list(HISTORY_HEADERS)],
                         WORKFLOW.sheets.recap: [], FORM: [QUESTIONS, *responses]},
            shared_with=[DEFAULT_EMAIL], locale="id_ID", time_zone=WORKFLOW.timezone)

    def sync(self, now=SYNCED):
        return api.sync_register(f"gsheet:{self.id}", now=now, connection=self.connection, form=FormSource(FORM))

    def submit(self, answers):
        row = len(self.emulator.grid(self.id, FORM)) + 1
        for column, value in enumerate(answers):
            typed = value.strftime("%d/%m/%Y %H:%M:%S") if isinstance(value, datetime) else \
                value.strftime("%d/%m/%Y") if isinstance(value, date) else value
            self.emulator.type(self.id, FORM, f"{chr(65 + column)}{row}", typed)

    def rows(self):
        grid = self.emulator.grid(self.id, WORKFLOW.sheets.register_)
        keys = [{c.header: c.key for c in WORKFLOW.columns}.get(h) for h in grid[0]]
        return [dict(zip(keys, row, strict=False)) for row in grid[1:] if any(v not in (None, "") for v in row)]

    def taken(self):
        return [row for row in self.emulator.grid(self.id, WORKFLOW.sheets.history)[1:] if row[CODE] == TAKEN]


@pytest.fixture
def connection(emulator, service_key):
    return api.Connection(credentials=service_key, session=emulator.session, sleep=lambda seconds: None)


@pytest.fixture
def form_sheet(emulator, connection):
    return lambda *responses: FormSheet(emulator, connection, *responses)


# ---------------------------------------------------------------- Google Form
def test_a_response_becomes_a_handed_over_row(form_sheet):
    register = form_sheet(FIRST)
    result = register.sync()
    [row] = register.rows()
    assert row["status"] == "Menunggu Pemeriksaan"
    assert row["activity_name"] == "Rapat koordinasi kalurahan"
    assert row["handover"] is True
    assert cells.parse_datetime(row["handed_over_at"]) == datetime(2024, 7, 3, 9, 15, 2)
    assert cells.parse_date(row["activity_date"]) == date(2024, 7, 3)
    assert row["documentation_links"].split("\n") == LINKS.split(", ")
    assert row["documentation_count"] == 6
    assert [e.code for e in result.plan.history][:3] == [TAKEN, "create", "hand-over"]


def test_a_response_is_taken_once_across_two_syncs_and_the_second_sync_is_a_no_op(form_sheet):
    register = form_sheet(FIRST)
    register.sync()
    again = register.sync()
    assert len(register.rows()) == 1
    assert len(register.taken()) == 1
    assert not again.plan.changed


def test_a_response_that_breaks_a_step_one_rule_still_becomes_a_row_that_says_why(form_sheet):
    register = form_sheet(response(datetime(2024, 7, 3, 9, 15), Caption="x" * 230))
    register.sync()
    [row] = register.rows()
    assert row["status"] == "Perlu Perbaikan"
    assert "Caption" in row["notes"]


def test_a_response_no_question_of_which_is_a_column_is_reported_and_not_lost(emulator, connection):
    register = FormSheet(emulator, connection)
    emulator.type(register.id, FORM, "I1", "Pertanyaan lain")
    emulator.type(register.id, FORM, "A2", "03/07/2024 09:15:00")
    emulator.type(register.id, FORM, "I2", "jawaban")
    for column in "BCDEFGH":
        emulator.type(register.id, FORM, f"{column}1", f"Judul {column}")
    result = register.sync()
    assert register.rows() == []
    assert [f.code for f in result.taken.findings] == ["form-unmapped"]
    assert "baris 2" in result.taken.findings[0].message("id")


@pytest.mark.parametrize("change", ["sorted", "deleted", "filtered"])
def test_a_response_is_taken_once_after_the_responses_sheet_is_changed(form_sheet, emulator, change):
    register = form_sheet(FIRST)
    register.sync()
    register.submit(SECOND)
    if change == "sorted":
        emulator.sort_rows(register.id, FORM, 0, descending=True)
    elif change == "deleted":
        emulator.delete_rows(register.id, FORM, 2)
    else:
        emulator.edit(register.id, FORM, "setBasicFilter", lambda s: {"filter": {
            "range": {"sheetId": s.id}, "criteria": {"2": {"hiddenValues": ["Rapat koordinasi kalurahan"]}}}})
    register.sync()
    assert sorted(r["activity_name"] for r in register.rows()) == ["Bakti sosial", "Rapat koordinasi kalurahan"]
    assert len(register.taken()) == 2
    assert not register.sync().plan.changed


def test_two_identical_responses_are_two_rows(form_sheet):
    register = form_sheet(FIRST, FIRST)
    register.sync()
    assert len(register.rows()) == 2
    assert not register.sync().plan.changed


def test_a_check_takes_nothing(form_sheet):
    register = form_sheet(FIRST)
    api.check_register(f"gsheet:{register.id}", now=SYNCED, connection=register.connection, form=FormSource(FORM))
    assert register.rows() == []


# ---------------------------------------------------------------- .csv exports for an Excel register
MS_FORMS = (
    "ID,Start time,Completion time,Email,Name,Tanggal Kegiatan,Nama Kegiatan,Tim Pelaksana,Jenis Dokumentasi,"
    "Jumlah Dokumentasi,Tautan Dokumentasi,Narasi Berita,Caption\r\n"
    '1,7/3/2024 9:10:11,7/3/2024 9:15:02,anonymous,,03/07/2024,Rapat koordinasi kalurahan,'
    'Seksi Pemerintahan – Ponjong,'
    f'Foto,6,https://drive.google.com/drive/folders/abc,"{NARRATIVE}",Rapat koordinasi.\r\n'
)
KOBO = (
    '"start";"end";"Tanggal Kegiatan";"Nama Kegiatan";"Tim Pelaksana";"Jenis Dokumentasi";"Jumlah Dokumentasi";'
    '"Tautan Dokumentasi";"Narasi Berita";"Caption";"_id";"_uuid";"_submission_time";"_index"\n'
    '"2024-07-03T09:10:00.000+07:00";"2024-07-03T09:15:02.000+07:00";"2024-07-03";"Rapat koordinasi kalurahan";'
    f'"Seksi Pemerintahan – Ponjong";"Foto";"6";"https://drive.google.com/drive/folders/abc";"{NARRATIVE}";'
    '"Rapat koordinasi.";"101";"0a1b";"2024-07-03T02:15:05";"1"\n'
)


@pytest.mark.parametrize(("name", "content", "encoding"), [
    ("microsoft-forms.csv", MS_FORMS, "utf-8-sig"),
    ("microsoft-forms-ansi.csv", MS_FORMS, "cp1252"),
    ("microsoft-forms-unicode.txt.csv", MS_FORMS.replace(",", "\t").replace('"', ""), "utf-16"),
    ("kobotoolbox.csv", KOBO, "utf-8"),
])
def test_a_csv_export_becomes_a_handed_over_row_once(tmp_path, name, content, encoding):
    path = new_register(tmp_path)
    folder = tmp_path / "masuk"
    folder.mkdir()
    (folder / name).write_text(content, encoding=encoding)
    form = FormSource(folder=folder)
    api.sync_register(path, now=SYNCED, form=form)
    [row] = [r for r in read_rows(path) if r.get("activity_name")]
    assert row["status"] == "Menunggu Pemeriksaan"
    assert row["handover"] == "Ya"
    assert row["team_name"] == "Seksi Pemerintahan – Ponjong"
    assert cells.parse_datetime(row["handed_over_at"]) == datetime(2024, 7, 3, 9, 15, 2)
    assert not api.sync_register(path, now=SYNCED, form=form).plan.changed


def test_a_later_export_repeating_earlier_responses_takes_only_the_new_ones(tmp_path):
    path = new_register(tmp_path)
    folder = tmp_path / "masuk"
    folder.mkdir()
    (folder / "export-1.csv").write_text(MS_FORMS, encoding="utf-8-sig")
    form = FormSource(folder=folder)
    api.sync_register(path, now=SYNCED, form=form)
    later = MS_FORMS + MS_FORMS.splitlines()[1].replace("1,7/3/2024 9:10:11,7/3/2024 9:15:02", "2,7/3/2024 10:01:00,"
                                                        "7/3/2024 10:05:00").replace("Rapat koordinasi kalurahan",
                                                                                     "Bakti sosial") + "\r\n"
    (folder / "export-2.csv").write_text(later, encoding="utf-8-sig")
    (folder / "export-1.csv").unlink()
    api.sync_register(path, now=SYNCED, form=form)
    names = sorted(r["activity_name"] for r in read_rows(path) if r.get("activity_name"))
    assert names == ["Bakti sosial", "Rapat koordinasi kalurahan"]


def test_a_csv_export_is_never_moved_or_deleted(tmp_path):
    path = new_register(tmp_path)
    folder = tmp_path / "masuk"
    folder.mkdir()
    export = folder / "microsoft-forms.csv"
    export.write_bytes(MS_FORMS.encode("utf-8-sig"))
    api.sync_register(path, now=SYNCED, form=FormSource(folder=folder))
    assert [p.name for p in folder.iterdir()] == ["microsoft-forms.csv"]
    assert export.read_bytes() == MS_FORMS.encode("utf-8-sig")


def test_two_overlapping_syncs_take_a_response_once(form_sheet, emulator):
    register = form_sheet(FIRST)

    def other_sync_first(record, emu):
        # Both runs have read; the other one writes first.
        if record["kind"] == "write" and not getattr(other_sync_first, "done", False):
            other_sync_first.done = True
            register.sync()

    emulator.on_request(other_sync_first)
    register.sync()
    assert len(register.rows()) == 1
    assert len(register.taken()) == 1
    assert not register.sync().plan.changed


# ---------------------------------------------------------------- from sheetflow.toml
def test_a_csv_dropped_in_the_configured_folder_is_taken_by_the_scheduled_sync(tmp_path):
    path = new_register(tmp_path, name="ponjong.xlsx")
    config = tmp_path / "sheetflow.toml"
    config.write_text('[[registers]]\nname = "ponjong"\nsource = "ponjong.xlsx"\nform_folder = "masuk"\n',
                      encoding="utf-8")
    (tmp_path / "masuk").mkdir()
    runner = CliRunner()
    assert runner.invoke(cli, ["sync", "--config", str(config), "--now", "2024-07-03T10:00"]).exit_code == 0
    # Nothing changed, so the next run could be replayed from the memo; a new export must still be taken.
    (tmp_path / "masuk" / "export.csv").write_bytes(MS_FORMS.encode("utf-8-sig"))
    assert runner.invoke(cli, ["sync", "--config", str(config), "--now", "2024-07-03T10:05"]).exit_code == 0
    assert [r["activity_name"] for r in read_rows(path) if r.get("activity_name")] == ["Rapat koordinasi kalurahan"]


def test_the_configured_responses_sheet_of_a_google_register_is_taken(form_sheet, emulator, service_key, tmp_path):
    register = form_sheet(FIRST)
    config = tmp_path / "sheetflow.toml"
    config.write_text(f'[[registers]]\nname = "ponjong"\nsource = "gsheet:{register.id}"\nform_sheet = "{FORM}"\n'
                      f'[google]\ncredentials = "{service_key}"\n', encoding="utf-8")
    [outcome] = sync_all(load_config(config), now=SYNCED, session=emulator.session, sleep=lambda s: None).outcomes
    assert outcome.ok
    assert [r["activity_name"] for r in register.rows()] == ["Rapat koordinasi kalurahan"]


# ---------------------------------------------------------------- setup looks at the form
def test_setup_reports_the_submission_columns_the_form_has_no_question_for(form_sheet, emulator):
    register = form_sheet()
    for column in "BE":  # Tanggal Kegiatan and Jenis Dokumentasi asked under other titles
        emulator.type(register.id, FORM, f"{column}1", f"Pertanyaan {column}")
    coverage = api.form_coverage(f"gsheet:{register.id}", connection=register.connection)
    assert coverage.missing == ("Tanggal Kegiatan", "Jenis Dokumentasi")
    assert coverage.message("id") == (
        "Formulir (Tanggapan Formulir 1): belum ada pertanyaan untuk Tanggal Kegiatan, Jenis Dokumentasi. "
        "Tambahkan pertanyaan yang judulnya persis judul kolom itu.")


def test_setup_says_a_form_whose_questions_cover_the_columns_is_complete(form_sheet):
    register = form_sheet()
    coverage = api.form_coverage(f"gsheet:{register.id}", connection=register.connection)
    # The file-upload question gives Jumlah Dokumentasi by counting its files.
    assert (coverage.sheet, coverage.missing) == (FORM, ())


def test_setup_says_when_no_form_is_linked(google_register, cli_on_emulator, service_key):
    register = google_register()
    result = CliRunner().invoke(cli, ["setup", register.source, "--credentials", str(service_key)])
    assert result.exit_code == 0, result.output
    assert "Belum ada sheet tanggapan formulir" in result.output


@pytest.mark.parametrize("move", ["insert", "delete", "sort"])
def test_a_response_row_lands_below_the_rows_people_moved_while_sync_wrote(form_sheet, emulator, move):
    register = form_sheet(FIRST)
    emulator.type(register.id, WORKFLOW.sheets.register_, "C2", "Baris ketik")
    register.sync()
    register.submit(SECOND)

    def people_move_rows(record, emu):
        if record["kind"] == "write" and not getattr(people_move_rows, "done", False):
            people_move_rows.done = True
            if move == "insert":
                emu.insert_rows(register.id, WORKFLOW.sheets.register_, 2)
            elif move == "delete":
                emu.delete_rows(register.id, WORKFLOW.sheets.register_, 2)
            else:
                emu.sort_rows(register.id, WORKFLOW.sheets.register_, 2, descending=True)

    emulator.on_request(people_move_rows)
    register.sync()
    names = sorted(r["activity_name"] for r in register.rows())
    expected = ["Bakti sosial", "Rapat koordinasi kalurahan"] + ([] if move == "delete" else ["Baris ketik"])
    assert names == sorted(expected)
    assert len(register.taken()) == 2


def test_an_export_that_cannot_be_read_is_a_finding_and_the_register_still_syncs(tmp_path):
    path = new_register(tmp_path)
    folder = tmp_path / "masuk"
    folder.mkdir()
    # A field longer than the csv reader takes (131,072 characters): not an export.
    (folder / "rusak.csv").write_text('Stempel waktu,Nama Kegiatan\r\n1,"' + "x" * 200_000 + '"\r\n')
    (folder / "ekspor.csv").write_bytes(MS_FORMS.encode("utf-8-sig"))
    result = api.sync_register(path, now=SYNCED, form=FormSource(folder=folder))
    assert [f.code for f in result.taken.findings] == ["form-file-unreadable"]
    assert "rusak.csv" in result.taken.findings[0].message("id")
    assert [r["activity_name"] for r in read_rows(path) if r.get("activity_name")] == ["Rapat koordinasi kalurahan"]


def test_a_configured_responses_sheet_that_is_not_there_is_a_finding(google_register):
    register = google_register()
    result = api.sync_register(register.source, now=SYNCED, connection=register.connection,
                               form=FormSource("Form Responses 1"))
    assert [f.code for f in result.taken.findings] == ["form-sheet-missing"]


def test_control_characters_in_an_answer_are_dropped_and_the_row_is_written(tmp_path):
    path = new_register(tmp_path)
    folder = tmp_path / "masuk"
    folder.mkdir()
    (folder / "ekspor.csv").write_bytes(MS_FORMS.replace("Rapat koordinasi.", "Rapat\x00 koordinasi.\x07")
                                        .encode("utf-8-sig"))
    api.sync_register(path, now=SYNCED, form=FormSource(folder=folder))
    [row] = [r for r in read_rows(path) if r.get("activity_name")]
    assert row["caption"] == "Rapat koordinasi."


def test_an_unchanged_register_with_a_form_costs_what_one_without_costs(form_sheet, emulator, service_key, tmp_path):
    def reads_of_a_run_with_nothing_to_do(form_line):
        register = form_sheet(FIRST)
        config = tmp_path / f"sheetflow-{bool(form_line)}.toml"
        config.write_text(f'[[registers]]\nname = "ponjong"\nsource = "gsheet:{register.id}"\n{form_line}'
                          f'[google]\ncredentials = "{service_key}"\n', encoding="utf-8")
        for _ in range(2):  # the first run takes the response, the second finds nothing and is remembered
            sync_all(load_config(config), now=SYNCED, session=emulator.session, sleep=lambda s: None)
        emulator.reset_log()
        sync_all(load_config(config), now=SYNCED, session=emulator.session, sleep=lambda s: None)
        return emulator.count("read"), emulator.count("write")

    with_form = reads_of_a_run_with_nothing_to_do(f'form_sheet = "{FORM}"\n')
    without = reads_of_a_run_with_nothing_to_do("")
    assert with_form == without
    assert with_form[1] == 0


# ---------------------------------------------------------------- Google failing while a response is taken
FAULTS = [(500, "read", 0, False), (503, "write", 0, False), (500, "write", None, True), (429, "write", None, True)]


@pytest.mark.parametrize(("status", "kind", "at", "after_commit"), FAULTS,
                         ids=[f"{s}-{k}-{'commit' if c else a}" for s, k, a, c in FAULTS])
def test_a_response_is_taken_once_when_google_fails_at_any_request(form_sheet, emulator, status, kind, at,
                                                                   after_commit):
    register = form_sheet(FIRST, SECOND)
    emulator.fail(status, kind=kind, at=at, after_commit=after_commit)
    register.sync()
    assert sorted(r["activity_name"] for r in register.rows()) == ["Bakti sosial", "Rapat koordinasi kalurahan"]
    assert len(register.taken()) == 2
    assert not register.sync().plan.changed
