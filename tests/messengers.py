"""A local stand-in for the messaging APIs sheetflow sends to, answering as they do.

Telegram Bot API ``POST /bot<token>/sendMessage`` (JSON ``chat_id``, ``text``; errors
``{"ok": false, "error_code", "description", "parameters": {"retry_after"}}``), WhatsApp
Cloud API ``POST /<version>/<phone-number-id>/messages`` (bearer token; errors
``{"error": {"message", "type", "code", "fbtrace_id"}}``), a Fonnte-style gateway
``POST /send`` (form ``target``, ``message``, header ``Authorization: TOKEN``; refusals are
``200 {"status": false, "reason"}``), and ``POST /template`` that takes anything.
"""

from __future__ import annotations

import json
import re
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs

import pytest
from servers import serving

TOKEN = "7012345678:AAH-rahasia-bot"
WA_TOKEN = "EAAG-rahasia-wa"
FONNTE_TOKEN = "fonnte-rahasia"
PHONE_ID = "109876543210"
CHATS = {"123456789", "-1001234567890"}


class Messengers:
    def __init__(self) -> None:
        self.received: list[tuple[str, dict]] = []  # (service, request body as parsed)
        self.paths: list[str] = []  # the request targets, as sent
        self.busy = 0  # answer this many requests with 429 first
        self.retry_after = 7


@pytest.fixture
def messengers():
    state = Messengers()

    class Api(BaseHTTPRequestHandler):
        def do_POST(self):
            raw = self.rfile.read(int(self.headers["Content-Length"]))
            if self.headers.get("Content-Type", "").startswith("application/json"):
                body = json.loads(raw)
            else:
                body = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
            state.paths.append(self.path)
            if match := re.fullmatch(r"/bot([^/]+)/sendMessage", self.path):
                self.telegram(match[1], body)
            elif match := re.fullmatch(r"/(v\d+\.\d+)/(\d+)/messages", self.path):
                self.whatsapp(match[2], body)
            elif self.path == "/send":
                self.fonnte(body)
            else:
                state.received.append(("template", body))
                self.answer(200, {"accepted": True})

        def telegram(self, token, body):
            if token != TOKEN:
                return self.answer(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
            if state.busy:
                state.busy -= 1
                return self.answer(429, {"ok": False, "error_code": 429,
                                         "description": f"Too Many Requests: retry after {state.retry_after}",
                                         "parameters": {"retry_after": state.retry_after}},
                                   {"Retry-After": str(state.retry_after)})
            if str(body.get("chat_id")) not in CHATS:
                return self.answer(400, {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"})
            state.received.append(("telegram", body))
            self.answer(200, {"ok": True, "result": {"message_id": len(state.received), "text": body["text"]}})

        def whatsapp(self, phone_id, body):
            if self.headers.get("Authorization") != f"Bearer {WA_TOKEN}":
                return self.answer(401, {"error": {"message": "Invalid OAuth access token - Cannot parse access token",
                                                   "type": "OAuthException", "code": 190, "fbtrace_id": "AbC"}})
            if state.busy:
                state.busy -= 1
                return self.answer(429, {"error": {"message": "(#130429) Rate limit hit", "type": "OAuthException",
                                                   "code": 130429, "fbtrace_id": "AbC"}},
                                   {"Retry-After": str(state.retry_after)})
            if (phone_id != PHONE_ID or body.get("messaging_product") != "whatsapp" or body.get("type") != "text"
                    or not re.fullmatch(r"\d{10,15}", body.get("to", ""))):
                return self.answer(400, {"error": {"message": "(#100) Invalid parameter", "type": "OAuthException",
                                                   "code": 100, "fbtrace_id": "AbC"}})
            state.received.append(("whatsapp", body))
            self.answer(200, {"messaging_product": "whatsapp", "contacts": [{"input": body["to"], "wa_id": body["to"]}],
                              "messages": [{"id": f"wamid.{len(state.received)}"}]})

        def fonnte(self, body):
            if self.headers.get("Authorization") != FONNTE_TOKEN:
                return self.answer(200, {"reason": "token invalid", "status": False})
            if not body.get("target") or not body.get("message"):
                return self.answer(200, {"reason": "target invalid", "status": False})
            state.received.append(("fonnte", body))
            self.answer(200, {"detail": "success! message in queue", "id": [str(len(state.received))],
                              "process": "pending", "status": True, "target": [body["target"]]})

        def answer(self, status, data, headers=None):
            payload = json.dumps(data).encode()
            self.send_response(status)
            for name, value in {"Content-Type": "application/json", **(headers or {})}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    with serving(Api) as url:
        yield url, state
