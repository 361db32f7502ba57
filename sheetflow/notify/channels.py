"""Delivering a digest: e-mail over SMTP, a JSON POST to a webhook, or a text to one phone
number or chat through Telegram, the WhatsApp Cloud API, a Fonnte-style gateway or a templated HTTP API.

A channel that cannot deliver raises ``DeliveryFailed`` with one Indonesian sentence that
quotes no secret (no password, no webhook URL, no header); ``notify`` reports it and goes on.
A channel's ``timeout`` bounds its whole attempt (connect, every read, the answer), not one
socket read: when it passes, a watchdog shuts the socket, so a server that trickles bytes
cannot hold a run.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import smtplib
import socket
import ssl
import threading
import urllib.request
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any
from urllib.parse import urlencode, urlsplit

from .digest import Digest
from .settings import SmtpSettings, WebhookSettings


class DeliveryFailed(Exception):
    """A digest did not arrive. The message is one Indonesian sentence, free of secrets.

    ``retry_after``: seconds the service asked to wait (HTTP 429 ``Retry-After``), if any."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class _Deadline:
    """A wall-clock limit over one attempt: at the end, the socket in ``holder`` is shut down."""

    def __init__(self, seconds: float, holder: Any):
        self.seconds, self.expired = seconds, False
        self._timer = threading.Timer(seconds, self._expire, args=(holder,))
        self._timer.daemon = True

    def _expire(self, holder: Any) -> None:
        self.expired = True
        sock = getattr(holder, "sock", None)
        if sock is not None:
            with contextlib.suppress(OSError):  # already closed
                sock.shutdown(socket.SHUT_RDWR)

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()


def send_email(digest: Digest, smtp: SmtpSettings) -> None:
    """Delivered once the server answered DATA with 250: an error while saying goodbye (QUIT)
    after that changes nothing, so the message is not sent again."""
    where = f"{smtp.host}:{smtp.port}"
    client = _Client(smtp)
    accepted = False
    try:
        with _Deadline(smtp.timeout, client) as deadline:
            try:
                client.connect(smtp.host, smtp.port)
                if smtp.security == "starttls":
                    client.starttls(context=client.tls)
                if smtp.username and smtp.password:
                    client.login(smtp.username, smtp.password.get_secret_value())
                client.send_message(_message(digest, smtp.sender))
                accepted = True
                client.quit()
            except (smtplib.SMTPException, OSError):
                if accepted:
                    return
                if deadline.expired:
                    raise TimeoutError from None
                raise
            finally:
                client.close()
    except smtplib.SMTPAuthenticationError as exc:
        raise DeliveryFailed(
            f"Server surel {where} menolak login {smtp.username}; periksa nama pengguna dan kata sandi."
        ) from exc
    except smtplib.SMTPRecipientsRefused as exc:
        raise DeliveryFailed(f"Server surel {where} menolak alamat penerima {digest.recipient.address}.") from exc
    except smtplib.SMTPNotSupportedError as exc:
        raise DeliveryFailed(f"Server surel {where} tidak mendukung yang diminta ({exc}); periksa pengaturan "
                             "security.") from exc
    except smtplib.SMTPResponseException as exc:
        raise DeliveryFailed(f"Server surel {where} menolak pesan (kode {exc.smtp_code}).") from exc
    except smtplib.SMTPException as exc:
        raise DeliveryFailed(f"Server surel {where} memutus hubungan ({type(exc).__name__}).") from exc
    except ssl.SSLError as exc:
        why = exc.reason or type(exc).__name__
        raise DeliveryFailed(f"Koneksi aman (TLS) ke server surel {where} gagal ({why}).") from exc
    except FileNotFoundError as exc:
        raise DeliveryFailed(f"Berkas CA {smtp.ca_file} untuk server surel tidak ditemukan.") from exc
    except TimeoutError as exc:
        raise DeliveryFailed(f"Server surel {where} tidak menjawab dalam {smtp.timeout:g} detik.") from exc
    except OSError as exc:
        raise DeliveryFailed(
            f"Server surel {where} tidak dapat dihubungi ({exc.strerror or type(exc).__name__})."
        ) from exc


class _Client(smtplib.SMTP):
    """An SMTP client not yet connected (so the deadline covers the greeting too), over TLS
    from the start for ``security = "ssl"``."""

    def __init__(self, smtp: SmtpSettings):
        # The CA file is read here: a missing one is reported before connecting.
        self.tls = ssl.create_default_context(cafile=smtp.ca_file) if smtp.security != "none" else None
        self.wrapped = smtp.security == "ssl"
        super().__init__(timeout=smtp.timeout)
        self._host = smtp.host  # STARTTLS checks the certificate against it; only a connecting __init__ sets it

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        sock = super()._get_socket(host, port, timeout)
        if self.wrapped:
            assert self.tls is not None
            sock = self.tls.wrap_socket(sock, server_hostname=host)
        return sock


def _message(digest: Digest, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = digest.subject
    message["From"] = sender
    message["To"] = digest.recipient.address
    message["Date"] = formatdate(localtime=True)
    # The same digest sent again after a crash keeps its Message-ID: mail programs show it once.
    message["Message-ID"] = f"<{digest.id}@{sender.rpartition('@')[2]}>"
    # RFC 3834: out-of-office replies are not sent back to an automatic message.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(digest.text, charset="utf-8")
    return message


def send_webhook(digest: Digest, hook: WebhookSettings) -> None:
    """A JSON POST; accepted on any 2xx answer. ``Idempotency-Key`` names the digest, the same on a retry."""
    headers = {name: value.get_secret_value() for name, value in hook.headers.items()}
    headers |= {"Content-Type": "application/json", "Idempotency-Key": digest.id}
    body = json.dumps(digest.payload(), ensure_ascii=False).encode()
    status, retry_after, _ = post(hook.endpoint(), body, headers, hook.timeout, hook.name)
    if status == 429:
        raise DeliveryFailed(f"Webhook {hook.name} meminta menunggu (HTTP 429); pesan dikirim lagi nanti.",
                             retry_after)
    if not 200 <= status < 300:
        raise DeliveryFailed(f"Webhook {hook.name} menjawab HTTP {status}; pesan tidak diterima.", retry_after)


SERVICES = {"telegram": "Telegram", "whatsapp": "WhatsApp Cloud API", "fonnte": "Gerbang WhatsApp",
            "template": "Webhook"}


def send_chat(digest: Digest, hook: WebhookSettings) -> None:
    """The digest's text to one phone number or chat id through a messenger's API."""
    to = digest.recipient.address.partition("/")[2]
    text = _fitted(digest.text)
    headers = {name: value.get_secret_value() for name, value in hook.headers.items()}
    token = hook.token.get_secret_value() if hook.token else ""
    if hook.kind == "telegram":
        body, kind = {"chat_id": to, "text": text}, "json"
    elif hook.kind == "whatsapp":
        body = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to, "type": "text",
                "text": {"preview_url": False, "body": text}}
        kind, headers = "json", headers | {"Authorization": f"Bearer {token}"}
    elif hook.kind == "fonnte":
        body, kind, headers = {"target": to, "message": text}, "form", headers | {"Authorization": token}
    else:
        assert hook.body is not None
        body, kind = _filled(hook.body, {"recipient": to, "text": text}), hook.format
    if kind == "json":
        data, headers["Content-Type"] = json.dumps(body, ensure_ascii=False).encode(), "application/json"
    else:
        data = urlencode({k: v if isinstance(v, str) else json.dumps(v) for k, v in body.items()}).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    status, retry_after, answer = post(hook.endpoint(), data, headers, hook.timeout, hook.name)
    refusal = _refusal(hook.kind, status, answer)
    if refusal is None:
        return
    why, wait = refusal
    service = SERVICES[hook.kind]
    if status == 429 or wait is not None:
        raise DeliveryFailed(f"{service} ({hook.name}) meminta menunggu{f' {why}' if why else ''}; pesan dikirim "
                             "lagi nanti.", wait if wait is not None else retry_after)
    raise DeliveryFailed(f"{service} ({hook.name}) menolak pesan ke {to} (HTTP {status}{f': {why}' if why else ''}).",
                         retry_after)


# Telegram and WhatsApp refuse a text longer than 4096 characters.
LONGEST_TEXT = 4096
CUT = "\n…\n(Pesan dipotong karena terlalu panjang; daftar lengkap ada di register.)"


def _fitted(text: str) -> str:
    """The text, cut at a line end with a note when a messenger would refuse its length."""
    if len(text) <= LONGEST_TEXT:
        return text
    room = LONGEST_TEXT - len(CUT)
    end = text.rfind("\n", 0, room)
    return text[: end if end > 0 else room] + CUT


def _refusal(kind: str, status: int, answer: bytes) -> tuple[str, float | None] | None:
    """None when the API accepted the message; else its reason and the seconds it asked to wait."""
    try:
        data = json.loads(answer) if answer else {}
    except ValueError:
        data = {}
    data = data if isinstance(data, dict) else {}
    if kind == "telegram":
        if 200 <= status < 300 and data.get("ok") is True:
            return None
        wait = (data.get("parameters") or {}).get("retry_after")
        return str(data.get("description", "")), float(wait) if isinstance(wait, int | float) else None
    if kind == "whatsapp":
        if 200 <= status < 300 and data.get("messages"):
            return None
        error = data.get("error") or {}
        why = f"{error.get('message', '')} (kode {error['code']})" if "code" in error else str(error.get("message", ""))
        return why, None
    if kind == "fonnte":
        # Fonnte answers 200 with ``status: false`` and a ``reason`` when it refuses.
        if 200 <= status < 300 and data.get("status") is True:
            return None
        return str(data.get("reason", "")), None
    return None if 200 <= status < 300 else ("", None)


def _filled(template: object, values: dict[str, str]) -> object:
    """The template with ``{recipient}`` and ``{text}`` replaced in every string, keys untouched."""
    if isinstance(template, str):
        for key, value in values.items():
            template = template.replace("{" + key + "}", value)
        return template
    if isinstance(template, dict):
        return {key: _filled(value, values) for key, value in template.items()}
    if isinstance(template, list):
        return [_filled(value, values) for value in template]
    return template


def post(url: str, body: bytes, headers: dict[str, str], timeout: float,
         name: str) -> tuple[int, float | None, bytes]:
    """POST ``body`` within ``timeout`` seconds in all: the status, the ``Retry-After`` seconds
    and the answer. Messages never quote the URL, which may hold a token."""
    parts = urlsplit(url)
    host, port = parts.hostname or "", parts.port
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    # An office that reaches the Internet through a proxy names it in HTTPS_PROXY / HTTP_PROXY.
    proxy = urllib.request.getproxies().get(parts.scheme)
    via = urlsplit(proxy) if proxy and not urllib.request.proxy_bypass(host) else None
    if parts.scheme == "https":
        connection: http.client.HTTPConnection = http.client.HTTPSConnection(
            via.hostname if via else host, via.port if via else port, timeout=timeout,
            context=ssl.create_default_context())
        if via:
            connection.set_tunnel(host, port)
    else:
        connection = http.client.HTTPConnection(via.hostname if via else host, via.port if via else port,
                                                timeout=timeout)
        if via:
            target = url  # a plain-HTTP proxy takes the whole address
    try:
        with _Deadline(timeout, connection) as deadline:
            try:
                connection.connect()
                connection.request("POST", target, body=body, headers=headers)
                response = connection.getresponse()
                answer = response.read()
            except (OSError, http.client.HTTPException) as exc:
                if deadline.expired or isinstance(exc, TimeoutError):
                    raise DeliveryFailed(f"Webhook {name} tidak menjawab dalam {timeout:g} detik.") from exc
                raise DeliveryFailed(f"Webhook {name} tidak dapat dihubungi ({type(exc).__name__}).") from exc
    finally:
        connection.close()
    return response.status, _seconds(response.getheader("Retry-After")), answer


def _seconds(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None  # an HTTP date: the backoff decides
