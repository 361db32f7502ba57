"""The memo: a register file unchanged since a sync that found nothing to do, on the same
day, is not planned again; the run's report is shown again, exactly as planning would show it."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from files import new_register, read_rows, type_rows
from support import DAY_H, handed_over

from sheetflow.cli import cli
from sheetflow.config import load_config
from sheetflow.fleet import sync_all

TODAY = ["--now", "2024-07-03T10:00"]
LATER_TODAY = ["--now", "2024-07-03T16:30"]
TOMORROW = ["--now", "2024-07-04T09:00"]


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def settled(tmp_path):
    """A register synced once (so the next sync today has nothing to do), with one row to fix."""
    path = new_register(tmp_path, handed_over(), handed_over(caption="x" * 230))
    assert run("sync", path, *TODAY).exit_code == 0
    return path


def remembered_records(folder):
    return [json.loads(p.read_text(encoding="utf-8")) for p in Path(folder).glob("*.json")]


def planned_output(monkeypatch, tmp_path, *args):
    """What the command prints when it plans: with a memo folder of its own, empty."""
    fresh = tmp_path / "fresh-memo"
    fresh.mkdir(exist_ok=True)
    for stale in fresh.glob("*.json"):
        stale.unlink()
    with monkeypatch.context() as patch:
        patch.setenv("SHEETFLOW_CACHE", str(fresh))
        return run(*args).stdout


def test_a_sync_that_changed_nothing_is_remembered(settled, memo_folder):
    assert remembered_records(memo_folder) == []  # the first sync changed the register
    run("sync", settled, *TODAY)
    (record,) = remembered_records(memo_folder)
    assert (record["day"], record["timezone"], record["attention"]) == ("2024-07-03", "Asia/Jakarta", 1)


@pytest.mark.parametrize("args", [
    ("sync",), ("sync", "--lang", "en"), ("sync", "--json"), ("sync", "--quiet"),
    ("check",), ("check", "--lang", "en"), ("check", "--json"),
])
def test_a_replayed_report_reads_exactly_as_a_planned_one(settled, monkeypatch, tmp_path, args):
    run(*args, settled, *TODAY)  # remembers this form
    replayed = run(*args, settled, *LATER_TODAY).stdout
    assert replayed == planned_output(monkeypatch, tmp_path, *args, settled, *LATER_TODAY)
    if "--quiet" not in args:
        assert "16:30" in replayed  # the clock of this run, not the remembered one's


def test_a_replay_does_not_load_the_planner_or_a_spreadsheet_reader(settled, memo_folder):
    run("sync", "--quiet", settled, *TODAY)
    script = (
        "import sys; from sheetflow.cli import cli\n"
        f"cli.main(['sync', '--quiet', {str(settled)!r}, '--now', '2024-07-03T11:00'], standalone_mode=False)\n"
        "print(sorted(m for m in ('sheetflow.sync', 'sheetflow.workflow', 'openpyxl', 'python_calamine', 'pydantic')"
        " if m in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                            env={**_environment(), "SHEETFLOW_CACHE": str(memo_folder)})
    assert loaded.stdout.strip() == "[]"


def test_a_replay_leaves_the_file_untouched(settled):
    run("sync", settled, *TODAY)
    before = (settled.read_bytes(), settled.stat().st_mtime_ns)
    assert run("sync", settled, *LATER_TODAY).exit_code == 0
    assert (settled.read_bytes(), settled.stat().st_mtime_ns) == before


def test_a_staff_edit_is_planned_and_synced(settled):
    run("sync", settled, *TODAY)
    type_rows(settled, [{"caption": "Caption yang sudah diperbaiki."}], first=3)
    result = run("sync", settled, *LATER_TODAY)
    assert "Tidak ada yang berubah" not in result.output
    assert read_rows(settled)[1]["status"] == "Menunggu Pemeriksaan"


def test_a_new_day_is_planned_again_because_deadlines_move(settled):
    run("sync", settled, *TODAY)
    result = run("sync", settled, *TOMORROW)
    assert "Tidak ada yang berubah" not in result.output
    assert "H+1" in read_rows(settled)[0]["timeliness"]


def test_check_exit_code_is_0_when_replayed(settled):
    run("check", "--exit-code", settled, *TODAY)
    assert run("check", "--exit-code", settled, *LATER_TODAY).exit_code == 0


def test_a_sync_refuses_a_register_open_in_excel_even_when_it_would_replay(settled):
    run("sync", settled, *TODAY)
    (settled.parent / f"~${settled.name}").write_bytes(b"owner")
    result = CliRunner().invoke(cli, ["sync", str(settled), *LATER_TODAY])
    assert result.exit_code == 75
    assert "sedang dibuka di Excel" in result.output


def test_a_record_from_other_code_or_a_damaged_record_is_not_used(settled, memo_folder):
    run("sync", settled, *TODAY)
    (path,) = Path(memo_folder).glob("*.json")
    record = json.loads(path.read_text(encoding="utf-8"))
    record["code"] = "another version"
    record["reports"]["summary:id"] = "dipalsukan"
    path.write_text(json.dumps(record), encoding="utf-8")
    assert "dipalsukan" not in run("sync", settled, *LATER_TODAY).output
    for damaged in ("{ rusak", json.dumps({"layout": 1, "register": str(settled.resolve())}), "[]"):
        path.write_text(damaged, encoding="utf-8")
        assert run("sync", settled, *LATER_TODAY).exit_code == 0


def test_an_unwritable_memo_folder_costs_only_time(settled, monkeypatch, tmp_path):
    blocked = tmp_path / "bukan-folder"
    blocked.write_text("a file where the folder would be")
    monkeypatch.setenv("SHEETFLOW_CACHE", str(blocked))
    for _ in range(2):
        result = run("sync", settled, *LATER_TODAY)
        assert result.exit_code == 0 and "Tidak ada yang berubah" in result.output


def test_another_workflow_setting_is_planned_not_replayed(settled, tmp_path, memo_folder):
    config = tmp_path / "sheetflow.toml"
    config.write_text(f'[[registers]]\nname = "a"\nsource = "{settled.name}"\n', encoding="utf-8")
    first = sync_all(load_config(config), now=DAY_H).outcomes
    again = sync_all(load_config(config), now=DAY_H).outcomes
    assert (first[0].remembered, again[0].remembered is not None) == (None, True)
    config.write_text(f'[[registers]]\nname = "a"\nsource = "{settled.name}"\ntimezone = "Asia/Makassar"\n',
                      encoding="utf-8")
    (moved,) = sync_all(load_config(config), now=DAY_H).outcomes
    assert moved.remembered is None and moved.result is not None


def test_a_config_run_replays_unchanged_files_and_reports_them_alike(settled, tmp_path, monkeypatch):
    config = tmp_path / "sheetflow.toml"
    config.write_text(f'[[registers]]\nname = "bedoyo"\nsource = "{settled.name}"\n', encoding="utf-8")
    args = ("sync", "--json", "--config", config, *LATER_TODAY)
    run(*args)
    replayed = json.loads(run(*args).stdout)
    assert replayed == json.loads(planned_output(monkeypatch, tmp_path, *args))
    assert "bedoyo: selesai (0 baris berubah, 1 perlu perhatian)" in run("sync", "--config", config,
                                                                              *LATER_TODAY).output


def _environment():
    import os

    return dict(os.environ)


# ---------------------------------------------------------------- a Google Sheet: read, then recalled
@pytest.fixture
def google_settled(google_register, service_key, cli_on_emulator):
    """A Google Sheet synced once through the command line, with one row to fix."""
    register = google_register(handed_over(), handed_over(caption="x" * 230))
    assert run("sync", register.source, "--credentials", service_key, *TODAY).exit_code == 0
    return register


def google_run(register, key, *args):
    register.emulator.reset_log()
    return run(*args[:1], register.source, "--credentials", key, *args[1:])


def test_a_google_sheet_read_as_a_run_that_found_nothing_read_it_is_not_planned(google_settled, service_key):
    google_run(google_settled, service_key, "sync", *TODAY)  # finds nothing, remembers it
    again = google_run(google_settled, service_key, "sync", *LATER_TODAY)
    # Read, as always; no metadata for a write, no write.
    assert [r["kind"] for r in google_settled.emulator.requests] == ["token", "read"]
    assert again.exit_code == 0 and "16:30" in again.stdout


@pytest.mark.parametrize("args", [("sync",), ("sync", "--json"), ("check", "--lang", "en")])
def test_a_recalled_google_report_reads_exactly_as_a_planned_one(google_settled, service_key, monkeypatch,
                                                                  tmp_path, args):
    google_run(google_settled, service_key, *args, *TODAY)
    recalled = google_run(google_settled, service_key, *args, *LATER_TODAY).stdout
    assert len([r for r in google_settled.emulator.requests if r["kind"] == "read"]) == 1
    planned = planned_output(monkeypatch, tmp_path, *args[:1], google_settled.source, "--credentials", service_key,
                             *args[1:], *LATER_TODAY)
    assert recalled == planned


def test_a_staff_edit_in_the_google_sheet_is_planned_and_synced(google_settled, service_key):
    google_run(google_settled, service_key, "sync", *TODAY)
    caption = google_settled.emulator.grid(google_settled.spreadsheet_id, "Register")[0].index("Caption") + 1
    google_settled.emulator.type(google_settled.spreadsheet_id, "Register", f"{chr(64 + caption)}3", "Pendek.")
    google_run(google_settled, service_key, "sync", *LATER_TODAY)
    assert google_settled.emulator.count("write") == 1
    assert google_settled.rows()[1]["status"] == "Menunggu Pemeriksaan"  # the caption now fits
