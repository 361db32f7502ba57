"""Delivering a digest: e-mail over SMTP, or a JSON POST to a webhook (WhatsApp/Telegram gateways).

A channel that cannot deliver raises ``DeliveryFailed`` with one Indonesian sentence that
quotes no secret (no password, no webhook URL, no header); ``notify`` reports it and goes on.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import requests

from .digest import Digest
from .settings import SmtpSettings, WebhookSettings


class DeliveryFailed(Exception):
    """A digest did not arrive. The message is one Indonesian sentence, free of secrets."""


def send_email(digest: Digest, smtp: SmtpSettings) -> None:
    where = f"{smtp.host}:{smtp.port}"
    try:
        with _session(smtp) as client:
            client.send_message(_message(digest, smtp.sender))
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


@contextmanager
def _session(smtp: SmtpSettings) -> Iterator[smtplib.SMTP]:
    """A connected, secured and logged-in SMTP client, closed (QUIT) on the way out."""
    tls = ssl.create_default_context(cafile=smtp.ca_file) if smtp.security != "none" else None
    if smtp.security == "ssl":
        client: smtplib.SMTP = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout, context=tls)
    else:
        client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
    with client:
        if smtp.security == "starttls":
            client.starttls(context=tls)
        if smtp.username and smtp.password:
            client.login(smtp.username, smtp.password.get_secret_value())
        yield client


def _message(digest: Digest, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = digest.subject
    message["From"] = sender
    message["To"] = digest.recipient.address
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2])
    # RFC 3834: out-of-office replies are not sent back to an automatic message.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(digest.text, charset="utf-8")
    return message


def send_webhook(digest: Digest, hook: WebhookSettings, *, session: requests.Session | None = None) -> None:
    headers = {name: value.get_secret_value() for name, value in hook.headers.items()}
    try:
        response = (session or requests).post(
            hook.url.get_secret_value(), json=digest.payload(), headers=headers, timeout=hook.timeout
        )
    # requests' messages quote the URL, which may hold a token: only the kind of failure is said.
    except requests.Timeout as exc:
        raise DeliveryFailed(f"Webhook {hook.name} tidak menjawab dalam {hook.timeout:g} detik.") from exc
    except requests.RequestException as exc:
        raise DeliveryFailed(f"Webhook {hook.name} tidak dapat dihubungi ({type(exc).__name__}).") from exc
    if not response.ok:
        raise DeliveryFailed(f"Webhook {hook.name} menjawab HTTP {response.status_code}; pesan tidak diterima.")
