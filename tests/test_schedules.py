"""The ready-to-copy schedules and the example configuration are valid as shipped."""

from pathlib import Path
from xml.etree import ElementTree

from sheetflow.config import load_config

SCHEDULE = Path(__file__).parent.parent / "scripts" / "schedule"


def test_the_example_configuration_loads():
    config = load_config(SCHEDULE / "sheetflow.example.toml")
    assert [r.name for r in config.registers] == ["Kapanewon Ponjong", "Kalurahan Bedoyo"]
    assert config.registers[0].timezone == "Asia/Jakarta"


def test_the_windows_task_is_well_formed_and_runs_sync_quietly():
    task = ElementTree.parse(SCHEDULE / "sheetflow-task.xml").getroot()
    ns = {"t": "http://schemas.microsoft.com/windows/2004/02/mit/task"}
    assert task.find("t:Actions/t:Exec/t:Arguments", ns).text == "sync --quiet"
    assert task.find("t:Triggers/t:CalendarTrigger/t:Repetition/t:Interval", ns).text == "PT5M"


def test_the_cron_line_and_the_systemd_service_run_the_same_command():
    cron = (SCHEDULE / "sheetflow.cron").read_text(encoding="utf-8")
    service = (SCHEDULE / "sheetflow.service").read_text(encoding="utf-8")
    assert "sheetflow sync --quiet" in cron.splitlines()[-1]
    assert "ExecStart=/srv/sheetflow/.venv/bin/sheetflow sync --quiet" in service
