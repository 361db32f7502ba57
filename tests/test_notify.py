"""Notifications: events read from real plans, digests delivered to real local SMTP and webhook servers."""

from __future__ import annotations

import dataclasses
import datetime as dt
import ipaddress
import json
import logging
import signal
import socket
import sqlite3
import ssl
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pydantic import ValidationError
from servers import Mailbox, free_port
from support import WIB, WORKFLOW, MemoryRegister, approved, handed_over, rejected, reviewed

from sheetflow.notify import (
    EventKind,
    NotifySettings,
    Recipients,
    Rules,
    SmtpSettings,
    StateUnavailable,
    Step,
    WebhookSettings,
    events,
    notify,
    reminders,
)
from sheetflow.notify.outbox import Outbox
from sheetflow.notify.settings import ReminderSettings

REGISTER = "Kapanewon Ponjong"
PASSWORD = "rahasia-Ponjong-2024"
SENDER = "sheetflow@ponjong.example"


def events_of(register: MemoryRegister) -> list:
    return events(register.sync(), WORKFLOW, REGISTER)


def kinds(found: list) -> list[tuple[str, str, str]]:
    return [(e.register_no, e.kind.value, e.role) for e in found]


# ---------------------------------------------------------------- events from plans
def test_review_needed_when_a_hand_over_waits_for_review():
    found = events_of(MemoryRegister.of(handed_over()))
    assert kinds(found) == [("2024/0001", "review_needed", "reviewers")]
    assert found[0].activity == "Rapat koordinasi kalurahan"
    assert found[0].detail == "Diserahkan lengkap dan diterima."


def test_fix_needed_carries_the_system_notes():
    found = events_of(MemoryRegister.of(handed_over(documentation_count=3)))
    assert kinds(found) == [("2024/0001", "fix_needed", "team")]
    assert "minimal 5" in found[0].detail


def test_rejected_carries_the_written_response():
    found = events_of(MemoryRegister.of(rejected()))
    assert kinds(found) == [("2024/0001", "rejected", "team")]
    assert found[0].detail == "Foto kurang jelas; ganti foto 3 dan 4."


def test_approved_goes_to_the_admin():
    found = events_of(MemoryRegister.of(approved()))
    assert kinds(found) == [("2024/0001", "approved", "admin")]
    assert found[0].detail == "Ketua PPID Pembantu"


def test_a_corrected_sign_off_is_no_new_approval_to_announce():
    register = MemoryRegister.of(approved())
    register.sync()
    register.edit(0, approved_by="Atasan PPID Pembantu")
    assert events_of(register) == []
    assert register.codes()[-1] == "signoff-corrected"


def test_a_changed_decision_tells_the_team_it_was_rejected():
    register = MemoryRegister.of(approved())
    register.sync()
    register.edit(0, decision="TOLAK", response="Foto 2 menampilkan wajah anak.\nGanti fotonya.")
    (event,) = events_of(register)
    assert (event.kind, event.role) == (EventKind.REJECTED, "team")
    assert event.detail == "Foto 2 menampilkan wajah anak.\nGanti fotonya."


def test_late_goes_to_the_team_and_whoever_must_act_when_a_same_day_deadline_passes():
    register = MemoryRegister.of(handed_over())
    register.sync()
    register.later(days=1)
    found = events_of(register)
    assert kinds(found) == [("2024/0001", "late", "team"), ("2024/0001", "late", "reviewers")]
    assert {e.detail for e in found} == {"Terlambat: belum diperiksa H+1"}
    assert len({e.key for e in found}) == 1


def test_late_is_an_event_once_while_the_row_stays_late():
    register = MemoryRegister.of(handed_over())
    register.sync()
    register.later(days=1)
    register.sync()
    register.later(days=1)
    assert events_of(register) == []
    assert register.cell("timeliness") == "Terlambat: belum diperiksa H+2"


def test_a_second_sync_with_no_change_makes_no_event():
    register = MemoryRegister.of(handed_over(), rejected(), approved(), handed_over(caption="x" * 201))
    assert len(events_of(register)) == 4
    register.later(hours=1)
    assert events_of(register) == []


def test_a_row_through_several_steps_in_one_run_tells_only_where_it_stopped():
    assert kinds(events_of(MemoryRegister.of(reviewed()))) == []


def test_a_resubmission_then_a_second_rejection_is_a_new_event():
    register = MemoryRegister.of(rejected())
    (first,) = events_of(register)
    register.later(hours=1)
    register.edit(0, handover="Ya")
    assert kinds(events_of(register)) == [("2024/0001", "review_needed", "reviewers")]
    register.later(hours=1)
    register.edit(0, reviewer="Budi Santoso", decision="TOLAK", response="Caption belum menyebut kalurahan.")
    (second,) = events_of(register)
    assert second.kind is EventKind.REJECTED and second.key != first.key
    assert second.detail == "Caption belum menyebut kalurahan."


def test_lateness_in_a_new_round_after_a_resubmission_is_a_new_event():
    register = MemoryRegister.of(handed_over())
    register.sync()
    register.later(days=1)
    first = events_of(register)
    register.edit(0, reviewer="Budi Santoso", decision="TOLAK", response="Foto kurang jelas.")
    register.sync()
    register.edit(0, handover="Ya")
    register.sync()
    register.later(days=1)
    again = events_of(register)
    assert {e.detail for e in again} == {e.detail for e in first} == {"Terlambat: belum diperiksa H+1"}
    assert {e.key for e in again}.isdisjoint(e.key for e in first)


def test_a_revoked_approval_asks_the_reviewers_again():
    register = MemoryRegister.of(approved())
    register.sync()
    register.later(hours=1)
    register.edit(0, caption="Caption baru setelah disetujui.")
    (found,) = events_of(register)
    assert (found.kind, found.role) == (EventKind.REVIEW_NEEDED, "reviewers")
    assert found.detail.startswith("Persetujuan dicabut")


def test_who_acts_in_each_status_comes_from_the_workflow_definition():
    rules = Rules.of(WORKFLOW)
    assert rules.steps["rejected"] == Step("team", EventKind.REJECTED, "response")
    assert "published" not in rules.steps  # a published row waits for no one


# ---------------------------------------------------------------- settings
def test_settings_refuse_unknown_keys_and_webhooks():
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        SmtpSettings(host="mail", sender=SENDER, tls=True)
    with pytest.raises(ValidationError, match=r"recipients\.team: unknown webhook 'wa'"):
        NotifySettings(recipients={"team": Recipients(webhooks=("wa",))})


def test_settings_never_print_secrets():
    settings = NotifySettings(
        smtp=SmtpSettings(host="mail", username="sheetflow", password=PASSWORD, sender=SENDER),
        webhooks=(WebhookSettings(name="wa", url="https://gateway.example/send?token=abc123",
                                  headers={"Authorization": "Bearer xyz789"}),),
    )
    shown = f"{settings} {settings!r} {settings.model_dump()}"
    assert PASSWORD not in shown and "abc123" not in shown and "xyz789" not in shown


def self_signed(tmp_path) -> tuple[str, str]:
    """A certificate for 127.0.0.1 made for this run, and its key: (cert.pem, key.pem)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sheetflow test mail")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        # Python 3.13 verifies strictly (VERIFY_X509_STRICT): a CA needs its key usage and key identifier.
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(key.public_key()), critical=False)
        .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, content_commitment=False,
                                     key_encipherment=False, data_encipherment=False, key_agreement=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "mail.pem", tmp_path / "mail.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_file), str(key_file)


@pytest.fixture
def tls_mail_server(tmp_path):
    """STARTTLS required, then AUTH LOGIN/PLAIN with one known user."""
    cert_file, key_file = self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
            b"sheetflow", PASSWORD.encode())
        # handled=False: aiosmtpd answers a refusal with 535 itself.
        return AuthResult(success=ok, handled=False)

    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port(), tls_context=context,
                            require_starttls=True, authenticator=authenticator, auth_required=True)
    controller.start()
    yield controller, mailbox, cert_file
    controller.stop()


def settings_for(port: int, hook_url: str, **smtp: object) -> NotifySettings:
    return NotifySettings(
        recipients={
            "reviewers": Recipients(email=("pertimbangan@ponjong.example",)),
            "team": Recipients(email=("pelaksana@ponjong.example",), webhooks=("wa",)),
            # The admin is also a reviewer: one address, one digest.
            "admin": Recipients(email=("pertimbangan@ponjong.example",)),
        },
        smtp=SmtpSettings(**{"host": "127.0.0.1", "port": port, "security": "none", "sender": SENDER, "timeout": 5,
                               **smtp}),
        webhooks=(WebhookSettings(name="wa", url=hook_url, headers={"X-Token": "hook-secret"}, timeout=5),),
    )


def dead_port() -> int:
    """A port nothing listens on: connecting is refused at once."""
    return free_port()


@pytest.fixture
def busy_register():
    """A register whose first sync has something for every role."""
    return MemoryRegister.of(handed_over(), rejected(activity_name="Posyandu Kalurahan Bedoyo"), approved())


# ---------------------------------------------------------------- delivery
def test_each_recipient_gets_exactly_one_digest_per_run(mail_server, webhook_server, send_webhook, busy_register,
                                                        tmp_path):
    (controller, mailbox), (url, hooks) = mail_server, webhook_server
    report = notify(events_of(busy_register), settings_for(controller.port, url), tmp_path / "state.json",
                    send_webhook=send_webhook)
    assert sorted(rcpt[0] for rcpt, _, _ in mailbox.received) == [
        "pelaksana@ponjong.example", "pertimbangan@ponjong.example"]
    assert len(hooks.received) == 1
    assert report.ok and len(report.deliveries) == 3 and report.pending == 0
    (both,) = mailbox.to("pertimbangan@ponjong.example")
    assert both["Subject"] == "[sheetflow] Register Kapanewon Ponjong: 2 hal perlu tindakan"


def test_the_digest_names_the_register_number_the_activity_and_what_to_do(mail_server, webhook_server,
                                                                          send_webhook, busy_register, tmp_path):
    (controller, mailbox), (url, _) = mail_server, webhook_server
    notify(events_of(busy_register), settings_for(controller.port, url), tmp_path / "state.json",
           send_webhook=send_webhook)
    (message,) = mailbox.to("pelaksana@ponjong.example")
    body = message.get_content()
    assert message["From"] == SENDER and message.get_content_charset() == "utf-8"
    assert "No. Register 2024/0002 — Posyandu Kalurahan Bedoyo" in body
    assert "Ditolak: mohon baca tanggapan tertulis" in body
    assert "Tanggapan Tertulis: Foto kurang jelas; ganti foto 3 dan 4." in body


def test_the_webhook_gets_the_digest_as_json(mail_server, webhook_server, send_webhook, busy_register, tmp_path):
    (controller, _), (url, hooks) = mail_server, webhook_server
    notify(events_of(busy_register), settings_for(controller.port, url), tmp_path / "state.json",
           send_webhook=send_webhook)
    (payload,) = hooks.received
    assert set(payload) == {"register", "recipient", "subject", "text", "items"}
    assert (payload["register"], payload["recipient"]) == (REGISTER, "wa")
    assert [(i["register_no"], i["kind"], i["activity"]) for i in payload["items"]] == [
        ("2024/0002", "rejected", "Posyandu Kalurahan Bedoyo")]
    assert hooks.headers[0]["X-Token"] == "hook-secret"


def test_each_event_arrives_once_across_runs(mail_server, webhook_server, send_webhook, busy_register, tmp_path):
    (controller, mailbox), (url, hooks) = mail_server, webhook_server
    settings, state = settings_for(controller.port, url), tmp_path / "state.json"
    first = events_of(busy_register)
    notify(first, settings, state, send_webhook=send_webhook)
    busy_register.later(hours=1)
    # The same events offered again (a plan read twice) and the next, quiet sync's: nothing is sent.
    report = notify([*first, *events_of(busy_register)], settings, state, send_webhook=send_webhook)
    assert report.deliveries == () and (len(mailbox.received), len(hooks.received)) == (2, 1)
    busy_register.edit(0, reviewer="Budi Santoso", decision="TERIMA", approved_by="Atasan PPID Pembantu")
    notify(events_of(busy_register), settings, state, send_webhook=send_webhook)
    assert len(mailbox.received) == 3
    assert "2024/0001" in mailbox.received[-1][1].get_content()


def test_a_dead_mail_server_is_reported_and_the_webhook_still_delivers(webhook_server, send_webhook, busy_register,
                                                                        tmp_path):
    url, hooks = webhook_server
    report = notify(events_of(busy_register), settings_for(dead_port(), url), tmp_path / "state.json",
                    send_webhook=send_webhook)
    outcome = {str(d.recipient): d for d in report.deliveries}
    assert outcome["webhook:wa"].delivered and len(hooks.received) == 1
    failed = outcome["email:pelaksana@ponjong.example"]
    assert not failed.delivered and failed.reason.startswith("Server surel 127.0.0.1:")
    assert "tidak dapat dihubungi" in failed.reason
    assert failed.message.endswith("Akan dicoba lagi pada sync berikutnya.")
    assert not report.ok and report.pending == 3


def test_a_failed_delivery_is_retried_next_run_only_to_who_missed_it(mail_server, webhook_server, send_webhook,
                                                                      busy_register, tmp_path):
    (controller, mailbox), (url, hooks) = mail_server, webhook_server
    state = tmp_path / "state.json"
    notify(events_of(busy_register), settings_for(dead_port(), url), state, send_webhook=send_webhook)
    busy_register.later(hours=1)
    report = notify(events_of(busy_register), settings_for(controller.port, url), state, send_webhook=send_webhook)
    assert report.ok and report.pending == 0
    assert len(mailbox.to("pelaksana@ponjong.example")) == 1 and len(mailbox.to("pertimbangan@ponjong.example")) == 1
    assert len(hooks.received) == 1  # the webhook had its digest in the first run
    assert notify([], settings_for(controller.port, url), state, send_webhook=send_webhook).deliveries == ()


def test_a_webhook_answering_an_error_is_retried(mail_server, webhook_server, send_webhook, busy_register,
                                                 tmp_path):
    (controller, _), (url, hooks) = mail_server, webhook_server
    settings, state = settings_for(controller.port, url), tmp_path / "state.json"
    hooks.status = 503
    report = notify(events_of(busy_register), settings, state, send_webhook=send_webhook)
    (failed,) = [d for d in report.deliveries if not d.delivered]
    assert failed.reason == "Webhook wa menjawab HTTP 503; pesan tidak diterima."
    hooks.status = 200
    report = notify([], settings, state, send_webhook=send_webhook)
    assert [str(d.recipient) for d in report.deliveries] == ["webhook:wa"] and report.ok
    assert len(hooks.received) == 2


def test_starttls_and_login_deliver(tls_mail_server, webhook_server, send_webhook, busy_register, tmp_path):
    (controller, mailbox, ca_file), (url, _) = tls_mail_server, webhook_server
    settings = settings_for(controller.port, url, security="starttls", username="sheetflow", password=PASSWORD,
                            ca_file=ca_file)
    report = notify(events_of(busy_register), settings, tmp_path / "state.json", send_webhook=send_webhook)
    assert report.ok
    assert [authenticated for _, _, authenticated in mailbox.received] == [True, True]


def test_no_password_in_the_logs_or_the_report(tls_mail_server, webhook_server, send_webhook, busy_register,
                                               tmp_path, caplog):
    (controller, mailbox, ca_file), (url, _) = tls_mail_server, webhook_server
    # Everything sheetflow logs; the fake server's own log (mail.log) is not ours to judge.
    caplog.set_level(logging.DEBUG, logger="sheetflow")
    wrong = settings_for(controller.port, url, security="starttls", username="sheetflow",
                         password=PASSWORD[::-1], ca_file=ca_file)
    report = notify(events_of(busy_register), wrong, tmp_path / "state.json", send_webhook=send_webhook)
    right = settings_for(controller.port, url, security="starttls", username="sheetflow", password=PASSWORD,
                         ca_file=ca_file)
    retried = notify([], right, tmp_path / "state.json", send_webhook=send_webhook)
    assert "menolak login sheetflow" in caplog.text and retried.ok and len(mailbox.received) == 2
    told = caplog.text + " ".join(d.message for d in (*report.deliveries, *retried.deliveries))
    for secret in (PASSWORD, PASSWORD[::-1], "hook-secret", url):
        assert secret not in told
    assert PASSWORD.encode() not in (tmp_path / "state.json").read_bytes()


def test_an_unknown_certificate_is_refused(tls_mail_server, webhook_server, send_webhook, busy_register, tmp_path):
    (controller, mailbox, _), (url, _) = tls_mail_server, webhook_server
    settings = settings_for(controller.port, url, security="starttls", username="sheetflow", password=PASSWORD)
    report = notify(events_of(busy_register), settings, tmp_path / "state.json", send_webhook=send_webhook)
    failed = [d.reason for d in report.deliveries if not d.delivered]
    assert len(failed) == 2 and all("Koneksi aman (TLS)" in r for r in failed) and mailbox.received == []


def test_roles_without_recipients_are_reported(mail_server, webhook_server, send_webhook, busy_register, tmp_path):
    (controller, _), (url, _) = mail_server, webhook_server
    settings = settings_for(controller.port, url).model_copy(update={"recipients": {}})
    report = notify(events_of(busy_register), settings, tmp_path / "state.json", send_webhook=send_webhook)
    assert report.unaddressed == ("admin", "reviewers", "team") and report.deliveries == ()


def test_the_outbox_is_one_sqlite_file_that_remembers_every_delivery(mail_server, webhook_server, send_webhook,
                                                                     busy_register, tmp_path):
    (controller, _), (url, _) = mail_server, webhook_server
    notify(events_of(busy_register), settings_for(controller.port, url), tmp_path / "state.sqlite",
           send_webhook=send_webhook)
    assert [p.name for p in tmp_path.iterdir()] == ["state.sqlite"]
    with sqlite3.connect(tmp_path / "state.sqlite") as db:
        assert db.execute("SELECT count(*), sum(done) FROM tasks").fetchone() == (4, 4)
        assert db.execute("SELECT count(*) FROM events").fetchone() == (3,)


def rejected_to_the_team(tmp_path, sent: list) -> object:
    settings = NotifySettings(recipients={"team": Recipients(email=("pelaksana@ponjong.example",))},
                              smtp=SmtpSettings(host="127.0.0.1", sender=SENDER))
    return notify(events_of(MemoryRegister.of(rejected())), settings, tmp_path / "state.sqlite",
                  send_email=lambda digest, smtp: sent.append(digest))


@pytest.mark.parametrize("damage", [b"{not json", b"SQLite format 3\x00" + b"\xff" * 200])
def test_a_damaged_state_file_is_put_aside_reported_and_this_runs_events_still_sent(tmp_path, damage):
    (tmp_path / "state.sqlite").write_bytes(damage)
    sent: list = []
    report = rejected_to_the_team(tmp_path, sent)
    (aside,) = tmp_path.glob("state.sqlite.rusak-*")
    assert aside.read_bytes() == damage
    assert report.repaired.startswith("Berkas status pemberitahuan state.sqlite rusak (")
    assert aside.name in report.repaired and report.repaired.count(".") <= 4
    assert [d.items[0].register_no for d in sent] == ["2024/0001"] and report.ok
    assert rejected_to_the_team(tmp_path, sent).deliveries == () and len(sent) == 1


def test_an_unwritable_state_folder_is_one_sentence_and_nothing_is_sent(tmp_path):
    (tmp_path / "state.sqlite").mkdir()  # a folder where the file should be: SQLite cannot open it
    sent: list = []
    with pytest.raises(StateUnavailable, match=r"^Berkas status pemberitahuan .*state\.sqlite tidak dapat dibuka"):
        rejected_to_the_team(tmp_path, sent)
    assert sent == []


# ---------------------------------------------------------------- exactly once
WORKER = Path(__file__).parent / "notify_worker.py"


def worker_command(state: Path, url: str, count: int, mode: str) -> list[str]:
    return [sys.executable, str(WORKER), str(state), url, str(count), mode]


def wait_for(condition, seconds: float = 20) -> None:
    end = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.01)


def test_recipients_not_yet_reached_when_a_run_is_terminated_hear_on_the_next_run(webhook_server, tmp_path):
    url, hooks = webhook_server
    hooks.delay = 0.5
    run = subprocess.Popen(worker_command(tmp_path / "state.sqlite", url, 4, "fresh"), stderr=subprocess.DEVNULL)
    wait_for(lambda: len(hooks.paths) >= 2)
    run.send_signal(signal.SIGTERM)
    run.wait(timeout=20)
    hooks.delay = 0
    # The next sync finds nothing new in the register: what was left must come from the state.
    done = subprocess.run(worker_command(tmp_path / "state.sqlite", url, 4, "quiet"), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert sorted(hooks.paths) == ["/hook/0", "/hook/1", "/hook/2", "/hook/3"]


class QuitFails(Mailbox):
    """Takes the message, then answers QUIT with an error."""

    async def handle_QUIT(self, server, session, envelope):
        return "421 4.3.0 Antrean sedang penuh"


def test_a_mail_server_failing_on_quit_after_taking_the_message_gets_it_once(tmp_path):
    mailbox = QuitFails()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        settings = NotifySettings(recipients={"team": Recipients(email=("pelaksana@ponjong.example",))},
                                  smtp=SmtpSettings(host="127.0.0.1", port=controller.port, security="none",
                                                    sender=SENDER, timeout=5))
        first = notify(events_of(MemoryRegister.of(rejected())), settings, tmp_path / "state.sqlite")
        again = notify([], settings, tmp_path / "state.sqlite")
    finally:
        controller.stop()
    assert first.ok and first.pending == 0 and again.deliveries == ()
    assert len(mailbox.received) == 1


def test_two_overlapping_runs_deliver_a_pending_digest_once(tmp_path):
    sent = []

    def slow(digest, smtp):
        time.sleep(0.5)
        sent.append(digest.recipient.address)

    settings = NotifySettings(recipients={"team": Recipients(email=("pelaksana@ponjong.example",))},
                              smtp=SmtpSettings(host="127.0.0.1", sender=SENDER))
    news = events_of(MemoryRegister.of(rejected()))
    runs = [threading.Thread(target=notify, args=(news, settings, tmp_path / "state.sqlite"),
                             kwargs={"send_email": slow}) for _ in range(2)]
    for run in runs:
        run.start()
    for run in runs:
        run.join(timeout=30)
    assert sent == ["pelaksana@ponjong.example"]


def trickle(reply: bytes, every: float):
    """A TCP server that answers each connection with ``reply``, one byte every ``every`` seconds."""
    listener = socket.create_server(("127.0.0.1", 0))

    def serve():
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            with connection:
                try:
                    for byte in reply:
                        connection.sendall(bytes([byte]))
                        time.sleep(every)
                except OSError:
                    pass

    threading.Thread(target=serve, daemon=True).start()
    return listener


def _notified_through(listener, settings, tmp_path):
    """A rejection notified with ``settings`` while ``listener`` trickles: the report and the seconds it took."""
    started = time.monotonic()
    try:
        report = notify(events_of(MemoryRegister.of(rejected())), settings, tmp_path / "state.sqlite")
    finally:
        listener.close()
    return report, time.monotonic() - started


def test_a_trickling_webhook_is_cut_off_at_its_timeout(tmp_path):
    listener = trickle(b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"x" * 60 + b"\r\n\r\n", 0.1)
    port = listener.getsockname()[1]
    settings = NotifySettings(recipients={"team": Recipients(webhooks=("wa",))},
                              webhooks=(WebhookSettings(name="wa", url=f"http://127.0.0.1:{port}/", timeout=1),))
    report, seconds = _notified_through(listener, settings, tmp_path)
    assert seconds < 3
    (failed,) = report.deliveries
    assert failed.reason == "Webhook wa tidak menjawab dalam 1 detik." and report.pending == 1


def test_a_trickling_mail_server_is_cut_off_at_its_timeout(tmp_path):
    listener = trickle(b"220 " + b"x" * 60 + b"\r\n", 0.1)
    port = listener.getsockname()[1]
    settings = NotifySettings(recipients={"team": Recipients(email=("pelaksana@ponjong.example",))},
                              smtp=SmtpSettings(host="127.0.0.1", port=port, security="none", sender=SENDER,
                                                timeout=1))
    report, seconds = _notified_through(listener, settings, tmp_path)
    assert seconds < 3
    (failed,) = report.deliveries
    assert failed.reason == f"Server surel 127.0.0.1:{port} tidak menjawab dalam 1 detik."


def test_a_state_file_that_cannot_be_written_after_sending_is_one_sentence(tmp_path, monkeypatch):
    sent: list = []

    def refuse(self, claim, now):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(Outbox, "delivered", refuse)
    report = rejected_to_the_team(tmp_path, sent)
    assert len(sent) == 1 and not report.ok
    assert report.unrecorded == (f"Berkas status pemberitahuan {tmp_path / 'state.sqlite'} tidak dapat ditulis "
                                 "(disk I/O error); pesan ke email:pelaksana@ponjong.example mungkin terkirim "
                                 "lagi pada sync berikutnya.")


# ---------------------------------------------------------------- reminders
REMIND = ReminderSettings(every_days=1, office_hours=("08:00", "16:00"), escalate_after_days=3,
                          escalate_to=("atasan",))


def reminders_after(days: int, settings: ReminderSettings = REMIND, hour: int = 10) -> list:
    register = MemoryRegister.of(handed_over())
    register.sync()
    register.later(days=days)
    now = register.clock.replace(hour=hour)
    return reminders(register.sync(now=now), WORKFLOW, REGISTER, settings, now)


def test_a_review_still_awaited_is_reminded_from_the_day_after_the_late_notice():
    assert reminders_after(1) == []  # H+1 is the late event's day
    (reminder,) = reminders_after(2)
    assert (reminder.kind, reminder.role, reminder.detail) == (EventKind.REMINDER, "reviewers", "belum diperiksa H+2")


def test_after_n_days_the_reminder_also_goes_to_the_escalation_roles():
    found = reminders_after(3)
    assert [(e.kind, e.role) for e in found] == [(EventKind.REMINDER, "reviewers"), (EventKind.ESCALATION, "atasan")]
    assert len({e.key for e in found}) == 2


def test_reminders_every_two_days_skip_the_days_between():
    every_two = REMIND.model_copy(update={"every_days": 2})
    assert [len(reminders_after(d, every_two)) for d in (2, 3, 4, 5)] == [0, 2, 0, 2]


def test_a_reminder_found_before_office_hours_waits_for_them():
    (early,) = reminders_after(2, hour=6)
    assert dt.datetime.fromtimestamp(early.due, WIB).strftime("%H:%M") == "08:00"
    (late,) = reminders_after(2, hour=17)
    assert dt.datetime.fromtimestamp(late.due, WIB).strftime("%d %H:%M") == "06 08:00"


def test_each_reminder_is_sent_once_and_only_in_office_hours(tmp_path):
    sent: list = []
    settings = NotifySettings(recipients={"reviewers": Recipients(email=("pertimbangan@ponjong.example",)),
                                          "atasan": Recipients(email=("atasan@ponjong.example",))},
                              smtp=SmtpSettings(host="127.0.0.1", sender=SENDER), reminders=REMIND)
    found = reminders_after(3, hour=6)
    due = found[0].due

    def run(at: float) -> object:
        return notify(found, settings, tmp_path / "state.sqlite", clock=lambda: at,
                      send_email=lambda digest, smtp: sent.append(digest.recipient.address))

    assert run(due - 3600).deliveries == () and sent == []  # 07:00: recorded, not sent
    assert run(due + 300).ok and sorted(sent) == ["atasan@ponjong.example", "pertimbangan@ponjong.example"]
    assert run(due + 600).deliveries == () and len(sent) == 2


def test_the_json_state_of_earlier_versions_is_taken_over_without_losing_or_repeating(tmp_path):
    pending = events_of(MemoryRegister.of(rejected()))[0]
    legacy = tmp_path / ".sheetflow-notify.json"
    legacy.write_text(json.dumps({
        "format": 1, "sent": ["Kapanewon Ponjong|2024/0009|approved|x"],
        "pending": [{**dataclasses.asdict(pending), "kind": "rejected"}],
        "reached": {pending.key: ["email:pelaksana@ponjong.example"]},
    }), encoding="utf-8")
    sent: list = []
    settings = NotifySettings(recipients={"team": Recipients(email=("pelaksana@ponjong.example",),
                                                             webhooks=("wa",))},
                              smtp=SmtpSettings(host="127.0.0.1", sender=SENDER),
                              webhooks=(WebhookSettings(name="wa", url="http://127.0.0.1:9/"),))
    report = notify([], settings, tmp_path / "state.sqlite", legacy=legacy,
                    send_email=lambda digest, smtp: sent.append(digest),
                    send_webhook=lambda digest, hook: sent.append(digest))
    assert [str(d.recipient) for d in report.deliveries] == ["webhook:wa"]  # the e-mail had it already
    assert report.ok and not legacy.exists() and (tmp_path / ".sheetflow-notify.json.diimpor").exists()


def test_a_state_folder_that_cannot_be_made_is_one_sentence(tmp_path):
    (tmp_path / "berkas").write_text("bukan folder", encoding="utf-8")
    settings = NotifySettings(recipients={"team": Recipients(email=("pelaksana@ponjong.example",))},
                              smtp=SmtpSettings(host="127.0.0.1", sender=SENDER))
    with pytest.raises(StateUnavailable, match=r"^Berkas status pemberitahuan .*berkas/state\.sqlite tidak dapat"):
        notify([], settings, tmp_path / "berkas" / "state.sqlite")
