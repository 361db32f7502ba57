"""Many registers from one configuration: one command, one register's failure reported
while the others complete, Google requests under one rate limit."""

import json
import logging

import pytest
from click.testing import CliRunner
from emulator import DEFAULT_EMAIL
from files import new_register, read_rows
from registers import register_rows
from support import DAY_H, handed_over, submission

from sheetflow.cli import cli
from sheetflow.config import ConfigInvalid, load_config
from sheetflow.fleet import sync_all
from sheetflow.gsheets.ratelimit import RateLimiter

NOW = ["--now", "2024-07-03T10:00"]


def write_config(folder, text):
    path = folder / "sheetflow.toml"
    path.write_text(text, encoding="utf-8")
    return path


def excel_registers(folder, names):
    for name in names:
        new_register(folder, handed_over(activity_name=f"Kegiatan {name}"), name=f"{name}.xlsx")
    return "".join(f'[[registers]]\nname = "{n}"\nsource = "{n}.xlsx"\n\n' for n in names)


class FakeTime:
    """One clock for the rate limiter and the emulator's quota: sleeping moves it."""

    def __init__(self):
        self.now = 0.0

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.now += seconds


def test_three_files_and_two_google_sheets_sync_in_one_run_with_one_broken(tmp_path, emulator, service_key):
    sheets = [emulator.create_spreadsheet("R", {"Register": register_rows((handed_over(),)), "Riwayat": [],
                                                 "Rekap": []}, shared_with=[DEFAULT_EMAIL]) for _ in range(2)]
    text = excel_registers(tmp_path, ["bedoyo", "genjahan", "gombang"])
    text += '[[registers]]\nname = "rusak"\nsource = "tidak-ada.xlsx"\n\n'
    text += "".join(f'[[registers]]\nname = "google-{i}"\nsource = "gsheet:{sid}"\n\n' for i, sid in enumerate(sheets))
    text += f'[google]\ncredentials = "{service_key}"\n'
    outcomes = sync_all(load_config(write_config(tmp_path, text)), now=DAY_H, session=emulator.session,
                        sleep=lambda seconds: None).outcomes
    assert [(o.register.name, o.ok) for o in outcomes] == [
        ("bedoyo", True), ("genjahan", True), ("gombang", True), ("rusak", False), ("google-0", True),
        ("google-1", True),
    ]
    assert "tidak-ada.xlsx" in outcomes[3].error
    assert read_rows(tmp_path / "gombang.xlsx")[0]["status"] == "Menunggu Pemeriksaan"
    assert emulator.grid(sheets[1], "Register")[1][15] == "Menunggu Pemeriksaan"


def test_google_sheets_under_one_key_ask_google_for_one_token_per_run(tmp_path, emulator, service_key):
    sheets = [emulator.create_spreadsheet("R", {"Register": register_rows((handed_over(),)), "Riwayat": [],
                                                 "Rekap": []}, shared_with=[DEFAULT_EMAIL]) for _ in range(3)]
    text = "".join(f'[[registers]]\nname = "google-{i}"\nsource = "gsheet:{sid}"\n\n' for i, sid in enumerate(sheets))
    text += f'[google]\ncredentials = "{service_key}"\n'
    emulator.reset_log()
    outcomes = sync_all(load_config(write_config(tmp_path, text)), now=DAY_H, session=emulator.session,
                        sleep=lambda seconds: None).outcomes
    assert [o.ok for o in outcomes] == [True, True, True]
    assert (emulator.count("token"), emulator.count("write")) == (1, 3)


def test_google_sheets_read_as_a_run_that_found_nothing_read_them_are_not_planned(tmp_path, emulator, service_key):
    sheets = [emulator.create_spreadsheet("R", {"Register": register_rows((handed_over(),)), "Riwayat": [],
                                                 "Rekap": []}, shared_with=[DEFAULT_EMAIL]) for _ in range(2)]
    text = "".join(f'[[registers]]\nname = "google-{i}"\nsource = "gsheet:{sid}"\n\n' for i, sid in enumerate(sheets))
    config = load_config(write_config(tmp_path, text + f'[google]\ncredentials = "{service_key}"\n'))
    for _ in range(2):  # the first run changes both, the second finds nothing and remembers that
        sync_all(config, now=DAY_H, session=emulator.session, sleep=lambda seconds: None)
    emulator.reset_log()
    outcomes = sync_all(config, now=DAY_H, session=emulator.session, sleep=lambda seconds: None).outcomes
    assert [o.remembered is not None for o in outcomes] == [True, True]
    assert (emulator.count("token"), emulator.count("read"), emulator.count("write")) == (1, 2, 0)


def test_a_broken_key_fails_each_register_that_uses_it_and_no_other(tmp_path):
    (tmp_path / "rusak.json").write_text("bukan json", encoding="utf-8")
    text = excel_registers(tmp_path, ["bedoyo"])
    text += "".join(f'[[registers]]\nname = "google-{i}"\nsource = "gsheet:{"x" * 30}{i}"\n'
                    f'credentials = "rusak.json"\n\n' for i in range(2))
    outcomes = sync_all(load_config(write_config(tmp_path, text)), now=DAY_H, sleep=lambda seconds: None).outcomes
    assert [o.ok for o in outcomes] == [True, False, False]
    assert all("rusak.json bukan JSON" in o.error for o in outcomes[1:])


def test_the_cli_syncs_every_register_and_exits_4_when_one_failed(tmp_path, monkeypatch):
    text = excel_registers(tmp_path, ["bedoyo", "genjahan"]) + '[[registers]]\nname = "rusak"\nsource = "x.xlsx"\n'
    monkeypatch.chdir(tmp_path)
    write_config(tmp_path, text)
    result = CliRunner().invoke(cli, ["sync", *NOW])
    assert result.exit_code == 4
    assert "bedoyo: selesai (1 baris berubah" in result.output
    assert "rusak: GAGAL" in result.output and "2 dari 3 register berhasil" in result.output


def test_the_cli_json_lists_each_register(tmp_path):
    config = write_config(tmp_path, excel_registers(tmp_path, ["bedoyo"]))
    result = CliRunner().invoke(cli, ["check", "--json", "--config", str(config), *NOW])
    (entry,) = json.loads(result.stdout)["registers"]
    assert (entry["register"], entry["ok"], entry["report"]["changed"]) == ("bedoyo", True, True)


def test_each_register_runs_in_its_own_time_zone(tmp_path):
    new_register(tmp_path, handed_over(activity_date="3 Juli 2024"), name="timur.xlsx")
    text = '[[registers]]\nname = "timur"\nsource = "timur.xlsx"\ntimezone = "WIT"\n'
    (outcome,) = sync_all(load_config(write_config(tmp_path, text)), now=DAY_H).outcomes
    assert outcome.result.workflow.timezone == "Asia/Jayapura"
    assert read_rows(tmp_path / "timur.xlsx")[0]["handed_over_at"].hour == 12  # 10:00 WIB is 12:00 WIT


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ('[[registers]]\nname = "a"\nsource = "a.xlsx"\ntimezone = 7\n', "baris 4: registers.0.timezone"),
        ('[[registers]]\nname = "a"\nsource = "a.xlsx"\n\n[[registers]]\nname = "b"\nsorce = "b.xlsx"\n',
         "baris 7: registers.1.sorce"),
        ('[google]\nrequests_per_minute = 0\n[[registers]]\nname = "a"\nsource = "a.xlsx"\n',
         "baris 2: google.requests_per_minute"),
        ("registers = []\n", "baris 1: registers"),
    ],
)
def test_a_config_mistake_names_the_key_and_the_line(tmp_path, text, named):
    with pytest.raises(ConfigInvalid, match=named.replace(".", r"\.")):
        load_config(write_config(tmp_path, text))


SHEET_ID = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"
SAME_REGISTER = {
    "the same path": ("a.xlsx", "a.xlsx"),
    "a path through its folder": ("a.xlsx", "./arsip/../a.xlsx"),
    "a symlink": ("a.xlsx", "pintasan.xlsx"),
    "an ID and the sheet's URL": (f"gsheet:{SHEET_ID}", f"https://docs.google.com/spreadsheets/d/{SHEET_ID}/edit"),
}


@pytest.mark.parametrize("case", sorted(SAME_REGISTER))
def test_a_register_listed_twice_is_refused_naming_both_entries(tmp_path, case):
    new_register(tmp_path, handed_over(), name="a.xlsx")
    (tmp_path / "arsip").mkdir()
    (tmp_path / "pintasan.xlsx").symlink_to(tmp_path / "a.xlsx")
    first, second = SAME_REGISTER[case]
    text = (f'[[registers]]\nname = "kantor"\nsource = "{first}"\n\n'
            f'[[registers]]\nname = "lain"\nsource = "b.xlsx"\n\n'
            f'[[registers]]\nname = "kantor-en"\nsource = "{second}"\nlanguage = "en"\n')
    with pytest.raises(ConfigInvalid, match=r"^sheetflow\.toml: register 'kantor' \(baris 1\) dan 'kantor-en' "
                                            r"\(baris 9\) menunjuk register yang sama [^\n]*\.$"):
        load_config(write_config(tmp_path, text))


def test_a_register_listed_twice_stops_the_run_before_anything_is_written(tmp_path):
    path = new_register(tmp_path, handed_over(), name="a.xlsx")
    before = path.read_bytes()
    write_config(tmp_path, '[[registers]]\nname = "a"\nsource = "a.xlsx"\n\n'
                           '[[registers]]\nname = "b"\nsource = "a.xlsx"\nlanguage = "en"\n')
    result = CliRunner().invoke(cli, ["sync", "--config", str(tmp_path / "sheetflow.toml"), *NOW])
    assert (result.exit_code, len(result.output.strip().splitlines()), path.read_bytes()) == (3, 1, before)


def test_a_missing_config_says_what_to_do(tmp_path):
    with pytest.raises(ConfigInvalid, match="tidak ditemukan"):
        load_config(tmp_path / "sheetflow.toml")


def test_the_rate_limiter_spaces_requests_within_a_minute():
    time = FakeTime()
    limiter = RateLimiter(50, clock=time.clock, sleep=time.sleep)
    for _ in range(120):
        limiter.acquire()
    assert 120 <= time.now < 121  # the 101st request waited for the first minute to pass


@pytest.mark.slow
def test_two_hundred_google_registers_sync_without_one_request_failing_for_quota(tmp_path, emulator, service_key):
    time = FakeTime()
    sheets = [emulator.create_spreadsheet("R", {"Register": register_rows((submission(),)), "Riwayat": [],
                                                 "Rekap": []}, shared_with=[DEFAULT_EMAIL]) for _ in range(200)]
    text = "".join(f'[[registers]]\nname = "r{i}"\nsource = "gsheet:{sid}"\n\n' for i, sid in enumerate(sheets))
    text += f'[google]\ncredentials = "{service_key}"\nrequests_per_minute = 55\n'
    emulator.reset_log()
    emulator.quota(reads_per_minute=60, writes_per_minute=60, clock=time.clock)
    try:
        outcomes = sync_all(load_config(write_config(tmp_path, text)), now=DAY_H, session=emulator.session,
                            sleep=time.sleep, clock=time.clock).outcomes
    finally:
        emulator.quota(reads_per_minute=10**9, writes_per_minute=10**9)
    assert all(o.ok for o in outcomes)
    assert [r for r in emulator.requests if r["status"] == 429] == []
    assert time.now >= 600  # 600 requests at 55 a minute took more than ten minutes of (fake) time


def test_the_log_file_rotates(tmp_path):
    from sheetflow import logs
    from sheetflow.config import LogSettings

    logs.configure(LogSettings(file=tmp_path / "log" / "sheetflow.log", max_bytes=200, backups=2), quiet=True,
                   progress_bar=False)
    logger = logging.getLogger("sheetflow")
    for i in range(20):
        logger.info("baris log nomor %s yang cukup panjang untuk memutar berkas", i)
    assert sorted(p.name for p in (tmp_path / "log").iterdir()) == [
        "sheetflow.log", "sheetflow.log.1", "sheetflow.log.2"]
    for handler in logger.handlers:
        handler.close()
    logger.handlers.clear()


def test_one_command_syncs_five_registers_notifies_once_and_prints(tmp_path, emulator, service_key, mail_server,
                                                                    webhook_server, send_webhook):
    """Issue's whole story: 3 files and 2 Google Sheets, one broken register reported, each
    notification delivered once to a local SMTP server and webhook, and the paper copy."""
    import subprocess

    from sheetflow import api

    (controller, mailbox), (hook_url, hooks) = mail_server, webhook_server
    sheets = [emulator.create_spreadsheet("R", {"Register": register_rows((handed_over(activity_name=f"G{i}"),)),
                                                 "Riwayat": [], "Rekap": []}, shared_with=[DEFAULT_EMAIL])
              for i in range(2)]
    text = excel_registers(tmp_path, ["bedoyo", "genjahan", "gombang"])
    text += '[[registers]]\nname = "rusak"\nsource = "rusak.xlsx"\n\n'
    (tmp_path / "rusak.xlsx").write_text("bukan workbook", encoding="utf-8")
    text += "".join(f'[[registers]]\nname = "google-{i}"\nsource = "gsheet:{sid}"\n\n' for i, sid in enumerate(sheets))
    text += f'[google]\ncredentials = "{service_key}"\n\n'
    text += f"""[notify.smtp]
host = "127.0.0.1"
port = {controller.port}
security = "none"
sender = "sheetflow@kantor.example"

[notify.recipients.reviewers]
email = ["pertimbangan@kantor.example"]
webhooks = ["wa"]

[[notify.webhooks]]
name = "wa"
url = "{hook_url}"
"""
    config = load_config(write_config(tmp_path, text))
    first = sync_all(config, now=DAY_H, session=emulator.session, sleep=lambda s: None, send_webhook=send_webhook)
    second = sync_all(config, now=DAY_H, session=emulator.session, sleep=lambda s: None, send_webhook=send_webhook)
    assert [o.ok for o in first.outcomes] == [True, True, True, False, True, True]
    assert "rusak.xlsx bukan berkas Excel" in first.outcomes[3].error
    (mail,) = mailbox.to("pertimbangan@kantor.example")  # one digest, five registers, and nothing the second run
    body = mail.get_content()
    assert all(name in body for name in ["bedoyo", "genjahan", "gombang", "google-0", "google-1"])
    assert len(hooks.received) == 1 and second.notifications.deliveries == ()
    pdf = api.print_register(tmp_path / "gombang.xlsx", tmp_path / "cetak", office="Kalurahan Gombang", now=DAY_H)
    shown = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Kalurahan Gombang" in shown and "2024/0001" in shown and "Kegiatan gombang" in shown


def test_a_damaged_notification_state_is_reported_and_replaced_after_the_registers_are_synced(tmp_path,
                                                                                             monkeypatch):
    text = excel_registers(tmp_path, ["bedoyo"])
    text += '[notify.recipients.reviewers]\nwebhooks = ["wa"]\n\n[[notify.webhooks]]\nname = "wa"\n'
    text += 'url = "http://127.0.0.1:9/hook"\n'
    write_config(tmp_path, text)
    (tmp_path / ".sheetflow-notify.sqlite").write_text("{rusak", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["sync", *NOW])
    assert "bedoyo: selesai" in result.stdout
    assert "Berkas status pemberitahuan .sheetflow-notify.sqlite rusak" in result.stdout
    assert "Gagal mengirim ke webhook:wa" in result.stdout  # this run's event is kept and tried
    assert read_rows(tmp_path / "bedoyo.xlsx")[0]["status"] == "Menunggu Pemeriksaan"
    assert len(list(tmp_path.glob(".sheetflow-notify.sqlite.rusak-*"))) == 1


def test_reminders_set_up_in_the_config_reach_the_reviewers_and_the_superior_once(tmp_path):
    from datetime import timedelta

    text = excel_registers(tmp_path, ["bedoyo"])
    text += """[notify.smtp]
host = "127.0.0.1"
sender = "sheetflow@kantor.example"

[notify.recipients.reviewers]
email = ["pertimbangan@kantor.example"]

[notify.recipients.atasan]
email = ["atasan@kantor.example"]

[notify.reminders]
every_days = 1
office_hours = ["08:00", "16:00"]
escalate_after_days = 3
escalate_to = ["atasan"]
"""
    config = load_config(write_config(tmp_path, text))
    sent: list[tuple[str, str]] = []

    def mail(digest, smtp):
        sent.extend((digest.recipient.address, e.kind.value) for e in digest.items)

    for day in range(4):
        sync_all(config, now=DAY_H + timedelta(days=day), send_email=mail)
        sync_all(config, now=DAY_H + timedelta(days=day, hours=1), send_email=mail)  # a later run that day
    assert sent == [
        ("pertimbangan@kantor.example", "review_needed"), ("pertimbangan@kantor.example", "late"),
        ("pertimbangan@kantor.example", "reminder"),
        ("pertimbangan@kantor.example", "reminder"), ("atasan@kantor.example", "escalation")]
