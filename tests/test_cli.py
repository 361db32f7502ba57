"""The CLI: each command calls one library function; exit codes and messages for people and cron."""

import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from files import new_register, read_rows
from support import approved, handed_over, rejected, submission
from users import invoke_as_another_user, shared_folder

from sheetflow.cli import cli

NOW = ["--now", "2024-07-03T10:00"]
README = Path(__file__).parent.parent / "README.md"


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)

    return invoke


def test_init_creates_a_register_from_the_template(run, tmp_path):
    result = run("init", tmp_path / "baru.xlsx")
    assert result.exit_code == 0
    assert (tmp_path / "baru.xlsx").stat().st_size > 0
    assert "Register baru dibuat" in result.output


def test_init_never_overwrites(run, tmp_path):
    (tmp_path / "ada.xlsx").write_bytes(b"data staf")
    result = run("init", tmp_path / "ada.xlsx")
    assert result.exit_code == 3
    assert (tmp_path / "ada.xlsx").read_bytes() == b"data staf"


def test_check_shows_per_row_what_would_change_and_why(run, tmp_path):
    path = new_register(tmp_path, handed_over(caption="x" * 230))
    result = run("check", path, *NOW)
    assert result.exit_code == 0
    assert "Baris 2 · 2024/0001 · (baru) → Perlu Perbaikan" in result.output
    assert "Caption 230 karakter; maksimal 200 karakter" in result.output


def test_check_exit_code_says_whether_sync_would_change_something(run, tmp_path):
    path = new_register(tmp_path, handed_over())
    assert run("check", "--exit-code", path, *NOW).exit_code == 1
    run("sync", path, *NOW)
    assert run("check", "--exit-code", path, *NOW).exit_code == 0


def test_sync_prints_counts_per_status_and_what_changed(run, tmp_path):
    path = new_register(tmp_path, submission(), handed_over())
    result = run("sync", path, *NOW)
    assert result.exit_code == 0
    assert re.search(r"^Draf\s+1$", result.output, re.MULTILINE)
    assert re.search(r"^Menunggu Pemeriksaan\s+1$", result.output, re.MULTILINE)
    assert "Berubah: 2 baris" in result.output


def test_sync_exits_zero_even_when_rows_have_findings(run, tmp_path):
    path = new_register(tmp_path, handed_over(documentation_count=1))
    result = run("sync", path, *NOW)
    assert result.exit_code == 0
    assert "1 baris perlu perhatian" in result.output


def test_quiet_sync_prints_nothing(run, tmp_path):
    path = new_register(tmp_path, handed_over())
    result = run("sync", "--quiet", path, *NOW)
    assert (result.exit_code, result.output) == (0, "")
    assert read_rows(path)[0]["status"] == "Menunggu Pemeriksaan"


def test_json_report_is_machine_readable(run, tmp_path):
    path = new_register(tmp_path, approved(caption="y" * 201))
    report = json.loads(run("check", "--json", path, *NOW).output)
    (row,) = report["rows"]
    assert (row["after"], row["findings"][0]["code"], row["findings"][0]["column"]) == (
        "Perlu Perbaikan", "text-too-long", "Caption",
    )


def test_messages_in_english_on_request(run, tmp_path):
    path = new_register(tmp_path, handed_over(caption="y" * 201))
    result = run("check", "--lang", "en", path, *NOW)
    assert "Caption is 201 characters; at most 200 characters." in result.output


def test_missing_file_is_one_clear_sentence_and_exit_3(run, tmp_path):
    result = CliRunner().invoke(cli, ["sync", str(tmp_path / "tidak-ada.xlsx")])
    assert result.exit_code == 3
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_locked_register_exits_75(run, tmp_path):
    path = new_register(tmp_path, handed_over())
    (tmp_path / "~$register.xlsx").write_bytes(b"owner")
    result = CliRunner().invoke(cli, ["sync", str(path), *NOW])
    assert result.exit_code == 75
    assert "Excel" in result.output


def test_bad_now_is_a_usage_error(run, tmp_path):
    result = CliRunner().invoke(cli, ["check", str(tmp_path / "x.xlsx"), "--now", "kemarin"])
    assert result.exit_code == 2


def test_demo_reaches_every_status(run, tmp_path):
    result = run("demo", tmp_path / "demo")
    assert result.exit_code == 0
    statuses = {r["status"] for r in read_rows(tmp_path / "demo" / "register-demo.xlsx")}
    assert statuses == {"Draf", "Perlu Perbaikan", "Menunggu Pemeriksaan", "Sedang Diperiksa", "Ditolak",
                        "Disetujui", "Diunggah"}


def test_python_dash_m_runs_the_cli():
    result = subprocess.run([sys.executable, "-m", "sheetflow", "--help"], capture_output=True, text=True,
                            env={**os.environ, "PYTHONIOENCODING": "utf-8"}, check=True)
    assert "sync" in result.stdout


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_command_has_help_and_is_in_the_readme(command):
    assert cli.commands[command].help
    assert f"sheetflow {command}" in README.read_text(encoding="utf-8")


def test_report_prints_the_recap_tables_and_writes_nothing(run, tmp_path):
    path = new_register(tmp_path, submission(), handed_over(), rejected())
    content = path.read_bytes()
    result = run("report", path, *NOW)
    assert re.search(r"^Menunggu Pemeriksaan\s+1$", result.output, re.MULTILINE)
    assert "Foto kurang jelas; ganti foto 3 dan 4." in result.output
    assert path.read_bytes() == content


# ---------------------------------------------------------------- odd input around a run: one sentence each
def one_sentence(result_or_code, output=None):
    """(exit code, one line, no traceback) of a command's result."""
    code, text = (result_or_code, output) if output is not None else (result_or_code.exit_code, result_or_code.output)
    return code, len(text.strip().splitlines()), "Traceback" not in text


def test_a_lock_file_left_by_another_user_is_one_sentence_and_exit_3(tmp_path):
    with shared_folder() as folder:
        path = new_register(folder, handed_over())
        path.chmod(0o666)
        lock = folder / f".{path.name}.sheetflow-lock"
        lock.touch()
        lock.chmod(0o644)  # as a sync run once by an administrator leaves it
        before = path.read_bytes()
        code, output = invoke_as_another_user("sync", path, *NOW)
        assert (*one_sentence(code, output), "milik pengguna lain" in output, path.read_bytes()) == (
            3, 1, True, True, before)


def test_init_into_a_folder_the_user_may_not_write_is_one_sentence_and_exit_3(tmp_path):
    with shared_folder() as folder:
        closed = folder / "arsip"
        closed.mkdir(mode=0o755)
        code, output = invoke_as_another_user("init", closed / "baru.xlsx")
        assert (*one_sentence(code, output), "izin ditolak" in output, list(closed.iterdir())) == (3, 1, True, True, [])


def test_init_over_a_dangling_symlink_is_one_sentence_and_exit_3(run, tmp_path):
    (tmp_path / "baru.xlsx").symlink_to(tmp_path / "tidak-ada.xlsx")
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "baru.xlsx")])
    assert (*one_sentence(result), "sudah ada" in result.output, (tmp_path / "tidak-ada.xlsx").exists()) == (
        3, 1, True, True, False)


@pytest.mark.parametrize("now", ["9999-12-31T23:59-12:00", "0001-01-01T00:00+07:00", "9999-12-31T23:59"])
@pytest.mark.parametrize("command", ["check", "sync"])
def test_a_clock_beyond_the_years_a_run_can_count_is_a_usage_error_in_indonesian(run, tmp_path, command, now):
    path = new_register(tmp_path, handed_over())
    before = path.read_bytes()
    result = CliRunner().invoke(cli, [command, str(path), "--now", now])
    assert (result.exit_code, "di luar waktu yang dapat dipakai" in result.output, result.exception.__class__,
            path.read_bytes()) == (2, True, SystemExit, before)


def write_config(folder, text, encoding="utf-8"):
    path = folder / "sheetflow.toml"
    path.write_bytes(text.encode(encoding))
    return path


REGISTER_ENTRY = '[[registers]]\nname = "Kapanéwon Ponjong"\nsource = "a.xlsx"\n'


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8"], ids=["utf-8-with-bom", "utf-8"])
def test_a_config_saved_as_utf8_with_or_without_bom_runs(tmp_path, encoding):
    new_register(tmp_path, handed_over(), name="a.xlsx")
    config = write_config(tmp_path, REGISTER_ENTRY, encoding)
    result = CliRunner().invoke(cli, ["check", "--config", str(config), *NOW])
    assert (result.exit_code, "Kapanéwon Ponjong" in result.output) == (0, True)


def test_a_config_saved_as_ansi_names_its_line_and_how_to_save_it(tmp_path):
    new_register(tmp_path, handed_over(), name="a.xlsx")
    config = write_config(tmp_path, REGISTER_ENTRY, "cp1252")
    result = CliRunner().invoke(cli, ["check", "--config", str(config), *NOW])
    assert (*one_sentence(result), "baris 2: berkas tidak tersimpan sebagai UTF-8" in result.output) == (
        3, 1, True, True)


@pytest.mark.parametrize(("line", "named"), [
    ('timezone = "Asia/Jakart"', "baris 4: registers.0.timezone: zona waktu 'Asia/Jakart' tidak dikenal"),
    ('workflow = "sop-011-2025"', "baris 4: registers.0.workflow: alur 'sop-011-2025' tidak ada; alur bawaan: "
                                  "sop-010-2024"),
], ids=["time-zone", "workflow"])
def test_an_unknown_name_in_the_config_is_one_indonesian_sentence_with_its_line(tmp_path, line, named):
    new_register(tmp_path, handed_over(), name="a.xlsx")
    config = write_config(tmp_path, REGISTER_ENTRY + line + "\n")
    result = CliRunner().invoke(cli, ["sync", "--config", str(config), *NOW])
    assert (*one_sentence(result), named in result.output) == (3, 1, True, True)


def test_a_config_folder_the_user_cannot_enter_is_one_sentence_and_exit_3(tmp_path):
    with shared_folder() as folder:
        closed = folder / "konfigurasi"
        closed.mkdir(mode=0o700)
        write_config(closed, REGISTER_ENTRY)
        code, output = invoke_as_another_user("check", "--config", closed / "sheetflow.toml", *NOW)
        assert (*one_sentence(code, output), "izin ditolak" in output) == (3, 1, True, True)


def test_the_log_file_is_relative_to_the_config_folder_not_the_current_one(tmp_path, monkeypatch):
    folder, elsewhere = tmp_path / "kantor", tmp_path / "lain"
    folder.mkdir()
    elsewhere.mkdir()
    new_register(folder, handed_over(), name="a.xlsx")
    config = write_config(folder, REGISTER_ENTRY + '\n[log]\nfile = "log/sync.log"\n')
    monkeypatch.chdir(elsewhere)
    try:
        result = CliRunner().invoke(cli, ["check", "--config", str(config), "--quiet", *NOW])
    finally:
        for handler in logging.getLogger("sheetflow").handlers:
            handler.close()
        logging.getLogger("sheetflow").handlers.clear()
    assert (result.exit_code, (folder / "log" / "sync.log").is_file(), list(elsewhere.iterdir())) == (0, True, [])


def test_a_log_file_that_cannot_be_opened_is_one_sentence_and_exit_3(tmp_path):
    new_register(tmp_path, handed_over(), name="a.xlsx")
    (tmp_path / "log").write_text("sebuah berkas, bukan folder", encoding="utf-8")
    config = write_config(tmp_path, REGISTER_ENTRY + '\n[log]\nfile = "log/sync.log"\n')
    result = CliRunner().invoke(cli, ["check", "--config", str(config), *NOW])
    assert (*one_sentence(result), "Berkas log" in result.output) == (3, 1, True, True)
