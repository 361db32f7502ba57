"""The CLI: each command calls one library function; exit codes and messages for people and cron."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from files import new_register, read_rows
from support import approved, handed_over, rejected, submission

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
