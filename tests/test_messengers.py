"""Telegram, WhatsApp (Cloud API and a Fonnte-style gateway) and a templated HTTP API, set up
from sheetflow.toml alone and delivered to local stand-ins that answer as those services do."""

from __future__ import annotations

import dataclasses
import re

import pytest
from messengers import FONNTE_TOKEN, PHONE_ID, TOKEN, WA_TOKEN
from support import WORKFLOW, MemoryRegister, rejected

from sheetflow.config import ConfigInvalid, load_config
from sheetflow.notify import events, notify
from sheetflow.notify.settings import phone

REGISTER = "Kapanewon Ponjong"


def config_with(tmp_path, channel: str, recipients: str):
    (tmp_path / "sheetflow.toml").write_text(
        f'[[registers]]\nname = "{REGISTER}"\nsource = "r.xlsx"\n\n{channel}\n'
        f"[notify.recipients.team]\n{recipients}\n", encoding="utf-8")
    return load_config(tmp_path / "sheetflow.toml")


def rejected_events() -> list:
    return events(MemoryRegister.of(rejected()).sync(), WORKFLOW, REGISTER)


def send(config, tmp_path, news=None, clock=None):
    extra = {"clock": clock} if clock else {}
    return notify(rejected_events() if news is None else news, config.notify, tmp_path / "state.sqlite", **extra)


def telegram(url: str, token: str = TOKEN) -> str:
    return f'[[notify.webhooks]]\nname = "tg"\nkind = "telegram"\ntoken = "{token}"\nurl = "{url}"\n'


def test_telegram_gets_the_digest_text_for_each_chat(tmp_path, messengers):
    url, api = messengers
    config = config_with(tmp_path, telegram(url), 'to = { tg = ["123456789", "-1001234567890"] }')
    report = send(config, tmp_path)
    assert report.ok and [d.recipient.address for d in report.deliveries] == ["tg/123456789", "tg/-1001234567890"]
    assert [body["chat_id"] for _, body in api.received] == ["123456789", "-1001234567890"]
    assert "Ditolak: mohon baca tanggapan tertulis" in api.received[0][1]["text"]


def test_telegram_refusing_a_chat_is_reported_with_its_description(tmp_path, messengers):
    url, _ = messengers
    config = config_with(tmp_path, telegram(url), 'to = { tg = ["555"] }')
    (failed,) = send(config, tmp_path).deliveries
    assert failed.reason == "Telegram (tg) menolak pesan ke 555 (HTTP 400: Bad Request: chat not found)."


def test_a_wrong_bot_token_is_reported_without_the_token(tmp_path, messengers):
    url, _ = messengers
    config = config_with(tmp_path, telegram(url, token="1:salah-token"), 'to = { tg = ["123456789"] }')
    (failed,) = send(config, tmp_path).deliveries
    assert failed.reason == "Telegram (tg) menolak pesan ke 123456789 (HTTP 401: Unauthorized)."
    assert "salah-token" not in failed.message


def test_telegram_429_waits_for_retry_after_then_delivers_once(tmp_path, messengers):
    url, api = messengers
    api.busy, api.retry_after = 1, 400  # longer than the backoff's first wait, which is none
    config = config_with(tmp_path, telegram(url), 'to = { tg = ["123456789"] }')
    now = [1_000_000.0]
    (first,) = send(config, tmp_path, clock=lambda: now[0]).deliveries
    assert first.reason == ("Telegram (tg) meminta menunggu Too Many Requests: retry after 400; "
                            "pesan dikirim lagi nanti.")
    assert send(config, tmp_path, [], clock=lambda: now[0]).deliveries == ()  # still waiting
    now[0] += 401
    assert send(config, tmp_path, [], clock=lambda: now[0]).ok
    assert len(api.received) == 1


def whatsapp(url: str) -> str:
    return (f'[[notify.webhooks]]\nname = "wa"\nkind = "whatsapp"\ntoken = "{WA_TOKEN}"\n'
            f'phone_number_id = "{PHONE_ID}"\nurl = "{url}"\n')


def test_whatsapp_cloud_api_gets_a_text_message_to_the_normalised_number(tmp_path, messengers):
    url, api = messengers
    config = config_with(tmp_path, whatsapp(url), 'to = { wa = ["0812-3456-7890"] }')
    assert send(config, tmp_path).ok
    ((service, body),) = api.received
    assert (service, body["messaging_product"], body["to"], body["type"]) == (
        "whatsapp", "whatsapp", "6281234567890", "text")
    assert "No. Register 2024/0001" in body["text"]["body"]


def test_whatsapp_refusing_the_token_is_reported_with_its_error(tmp_path, messengers):
    url, _ = messengers
    channel = whatsapp(url).replace(WA_TOKEN, "kedaluwarsa")
    config = config_with(tmp_path, channel, 'to = { wa = ["+62 812 3456 7890"] }')
    (failed,) = send(config, tmp_path).deliveries
    assert failed.reason == ("WhatsApp Cloud API (wa) menolak pesan ke 6281234567890 (HTTP 401: Invalid OAuth "
                             "access token - Cannot parse access token (kode 190)).")
    assert "kedaluwarsa" not in failed.message


def test_whatsapp_429_is_retried_after_the_wait_it_asks_for(tmp_path, messengers):
    url, api = messengers
    api.busy, api.retry_after = 1, 120
    config = config_with(tmp_path, whatsapp(url), 'to = { wa = ["081234567890"] }')
    now = [1_000_000.0]
    (first,) = send(config, tmp_path, clock=lambda: now[0]).deliveries
    assert first.retry_after == 120 and not first.delivered
    assert send(config, tmp_path, [], clock=lambda: now[0]).deliveries == ()
    now[0] += 121
    assert send(config, tmp_path, [], clock=lambda: now[0]).ok and len(api.received) == 1


def fonnte(url: str, token: str = FONNTE_TOKEN) -> str:
    return f'[[notify.webhooks]]\nname = "gateway"\nkind = "fonnte"\ntoken = "{token}"\nurl = "{url}/send"\n'


def test_a_fonnte_style_gateway_gets_form_fields_and_the_token_header(tmp_path, messengers):
    url, api = messengers
    config = config_with(tmp_path, fonnte(url), 'to = { gateway = ["62 812-3456-7890"] }')
    assert send(config, tmp_path).ok
    ((service, body),) = api.received
    assert (service, body["target"]) == ("fonnte", "6281234567890") and "2024/0001" in body["message"]


def test_a_gateway_answering_status_false_is_a_failed_delivery(tmp_path, messengers):
    url, _ = messengers
    config = config_with(tmp_path, fonnte(url, token="salah"), 'to = { gateway = ["081234567890"] }')
    report = send(config, tmp_path)
    (failed,) = report.deliveries
    assert failed.reason == "Gerbang WhatsApp (gateway) menolak pesan ke 6281234567890 (HTTP 200: token invalid)."
    assert report.pending == 1


@pytest.mark.parametrize("form", ["json", "form"])
def test_a_template_webhook_gets_the_recipient_and_the_text_in_its_own_body(tmp_path, messengers, form):
    url, api = messengers
    channel = (f'[[notify.webhooks]]\nname = "sms"\nkind = "template"\nurl = "{url}/template"\nformat = "{form}"\n'
               'body = { nomor = "{recipient}", pesan = "{text}", jenis = "teks" }\n')
    config = config_with(tmp_path, channel, 'to = { sms = ["0812 3456 7890"] }')
    assert send(config, tmp_path).ok
    ((_, body),) = api.received
    assert (body["nomor"], body["jenis"]) == ("6281234567890", "teks") and "2024/0001" in body["pesan"]


@pytest.mark.parametrize("typed", ["0812-3456-7890", "+62 812 3456 7890", "6281234567890", "(0812) 3456.7890"])
def test_phone_numbers_are_normalised_to_the_country_code_form(typed):
    assert phone(typed) == "6281234567890"


@pytest.mark.parametrize("typed", ["0812", "pelaksana", "+62 812 3456 7890 1234 5"])
def test_a_mistyped_phone_number_is_refused_with_its_key(tmp_path, messengers, typed):
    url, _ = messengers
    with pytest.raises(ConfigInvalid, match=rf"recipients\.team\.to\.wa: '{re.escape(typed)}' is not a phone number"):
        config_with(tmp_path, whatsapp(url), f'to = {{ wa = ["{typed}"] }}')


def test_a_messenger_named_as_a_json_webhook_is_refused(tmp_path, messengers):
    url, _ = messengers
    with pytest.raises(ConfigInvalid, match=r"'tg' sends to phone numbers or chats; list them under to\.tg"):
        config_with(tmp_path, telegram(url), 'webhooks = ["tg"]')


def test_a_digest_longer_than_a_messenger_takes_is_cut_at_a_line_with_a_note(tmp_path, messengers):
    url, api = messengers
    config = config_with(tmp_path, telegram(url), 'to = { tg = ["123456789"] }')
    many = [dataclasses.replace(e, register_no=f"2024/{n:04d}", key=f"{e.key}|{n}", detail="x" * 80)
            for n in range(80) for e in rejected_events()]
    assert send(config, tmp_path, many).ok
    ((_, body),) = api.received
    assert len(body["text"]) <= 4096 and body["text"].endswith("daftar lengkap ada di register.)")


def test_an_office_proxy_named_in_http_proxy_carries_the_request(tmp_path, messengers, monkeypatch):
    url, api = messengers
    monkeypatch.setenv("HTTP_PROXY", url)  # the stand-in plays the proxy: it sees the whole address
    monkeypatch.setenv("NO_PROXY", "")
    channel = ('[[notify.webhooks]]\nname = "sms"\nkind = "template"\nurl = "http://gateway.kantor.example/kirim"\n'
               'body = { nomor = "{recipient}", pesan = "{text}" }\n')
    config = config_with(tmp_path, channel, 'to = { sms = ["0812 3456 7890"] }')
    assert send(config, tmp_path).ok
    ((_, body),) = api.received
    assert body["nomor"] == "6281234567890" and api.paths == ["http://gateway.kantor.example/kirim"]
