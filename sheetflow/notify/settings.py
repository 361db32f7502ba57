"""Who hears about what, and how to reach them: the ``notify`` part of the config file.

Passwords, webhook URLs (a Telegram bot URL holds its token) and webhook headers are
``SecretStr``: they print as ``**********`` and reach only the connection that needs them.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

Key = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
Address = Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
WebhookName = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
Seconds = Annotated[float, Field(gt=0, le=300)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Recipients(_Model):
    """Who is told about one role's events: e-mail addresses, webhooks by name (they get the
    digest as JSON), and per messenger webhook (``kind`` telegram, whatsapp, fonnte, template)
    its phone numbers or chat ids: ``to = { wa = ["0812-3456-7890"] }``."""

    email: tuple[Address, ...] = ()
    webhooks: tuple[WebhookName, ...] = ()
    to: dict[WebhookName, tuple[str, ...]] = Field(default_factory=dict)


class SmtpSettings(_Model):
    host: str = Field(min_length=1)
    port: int = Field(default=587, ge=1, le=65535)
    security: Literal["starttls", "ssl", "none"] = "starttls"
    username: str | None = None
    password: SecretStr | None = None
    sender: Address
    timeout: Seconds = 30
    # An office mail server with a certificate from its own CA: trust that CA's PEM file.
    ca_file: str | None = None

    @model_validator(mode="after")
    def _login_is_whole(self) -> SmtpSettings:
        if bool(self.username) != (self.password is not None):
            raise ValueError("username and password are given together, or neither")
        return self


# Where each messenger's API is when ``url`` is not given.
DEFAULT_URLS = {"telegram": "https://api.telegram.org", "whatsapp": "https://graph.facebook.com",
                "fonnte": "https://api.fonnte.com/send"}


class WebhookSettings(_Model):
    """An HTTP channel. ``kind``: ``json`` (the digest as JSON to ``url``), ``telegram`` (Bot API
    ``sendMessage``), ``whatsapp`` (Cloud API), ``fonnte`` (form fields ``target``/``message``,
    ``Authorization: TOKEN``), or ``template`` (``body`` with ``{recipient}`` and ``{text}``,
    sent as JSON or as form fields per ``format``)."""

    name: WebhookName
    kind: Literal["json", "telegram", "whatsapp", "fonnte", "template"] = "json"
    url: SecretStr | None = None
    token: SecretStr | None = None
    phone_number_id: str | None = None  # WhatsApp Cloud API
    version: str = "v21.0"  # WhatsApp Cloud API (Graph API version)
    body: dict[str, object] | None = None  # template: placeholders {recipient} and {text} in its strings
    format: Literal["json", "form"] = "json"
    headers: dict[str, SecretStr] = Field(default_factory=dict)
    timeout: Seconds = 15

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: SecretStr | None) -> SecretStr | None:
        # The message must not quote the URL: it may hold a token.
        if value is not None and not value.get_secret_value().startswith(("https://", "http://")):
            raise ValueError("must be an http(s) URL")
        return value

    @model_validator(mode="after")
    def _complete(self) -> WebhookSettings:
        needed = {"json": ["url"], "template": ["url", "body"], "telegram": ["token"], "fonnte": ["token"],
                  "whatsapp": ["token", "phone_number_id"]}[self.kind]
        missing = [key for key in needed if getattr(self, key) is None]
        if missing:
            raise ValueError(f"kind {self.kind} needs {', '.join(missing)}")
        return self

    @property
    def messenger(self) -> bool:
        """Sends one text to one phone number or chat id, not the digest as JSON."""
        return self.kind != "json"

    def endpoint(self) -> str:
        base = (self.url.get_secret_value() if self.url else DEFAULT_URLS[self.kind]).rstrip("/")
        if self.kind == "telegram":
            assert self.token is not None
            return f"{base}/bot{self.token.get_secret_value()}/sendMessage"
        if self.kind == "whatsapp":
            return f"{base}/{self.version}/{self.phone_number_id}/messages"
        return base


Clock = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]


class ReminderSettings(_Model):
    """A step still awaited past its day is reminded every ``every_days`` days, sent within
    office hours of the register's time zone, and after ``escalate_after_days`` days also
    to the roles in ``escalate_to`` (keys of ``recipients``, e.g. ``atasan``)."""

    every_days: int = Field(default=1, ge=1, le=30)
    office_hours: tuple[Clock, Clock] = ("08:00", "16:00")
    escalate_after_days: int | None = Field(default=None, ge=1)
    escalate_to: tuple[Key, ...] = ()

    @model_validator(mode="after")
    def _hours_run_forward(self) -> ReminderSettings:
        if self.office_hours[0] >= self.office_hours[1]:
            raise ValueError("office_hours: the start comes before the end")
        if bool(self.escalate_to) != (self.escalate_after_days is not None):
            raise ValueError("escalate_after_days and escalate_to are given together, or neither")
        return self


class NotifySettings(_Model):
    """``recipients`` maps workflow role keys (``reviewers``, ``team``, ``admin``) to who is told."""

    recipients: dict[Key, Recipients] = Field(default_factory=dict)
    smtp: SmtpSettings | None = None
    webhooks: tuple[WebhookSettings, ...] = ()
    reminders: ReminderSettings | None = None  # none: a late step is told once (its ``late`` event)

    @model_validator(mode="after")
    def _references_resolve(self) -> NotifySettings:
        names = [w.name for w in self.webhooks]
        problems = [f"webhooks: the name '{n}' is used twice" for n in sorted({n for n in names if names.count(n) > 1})]
        kinds = {w.name: w.messenger for w in self.webhooks}
        for role, who in self.recipients.items():
            problems += [f"recipients.{role}: unknown webhook '{n}'" for n in [*who.webhooks, *who.to]
                         if n not in names]
            problems += [f"recipients.{role}.webhooks: '{n}' sends to phone numbers or chats; list them under to.{n}"
                         for n in who.webhooks if kinds.get(n)]
            problems += [f"recipients.{role}.to: '{n}' takes the digest as JSON; name it under webhooks"
                         for n in who.to if kinds.get(n) is False]
            for name, addresses in who.to.items():
                for address in addresses:
                    try:
                        self.address(name, address)
                    except ValueError as exc:
                        problems.append(f"recipients.{role}.to.{name}: {exc}")
            if who.email and self.smtp is None:
                problems.append(f"recipients.{role}: e-mail recipients need the smtp settings")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def webhook(self) -> dict[str, WebhookSettings]:
        return {w.name: w for w in self.webhooks}

    def address(self, name: str, value: str) -> str:
        """A recipient of messenger ``name`` in the form its API wants: a Telegram chat id as
        given; a phone number as digits with the country code (``0812-3456-7890`` and
        ``+62 812 3456 7890`` both ``6281234567890``)."""
        hook = self.webhook.get(name)
        if hook is not None and hook.kind == "telegram":
            if not re.fullmatch(r"-?\d+|@[A-Za-z]\w{3,}", value.strip()):
                raise ValueError(f"'{value}' is not a Telegram chat id (digits, or @channel)")
            return value.strip()
        return phone(value)


def phone(value: str) -> str:
    """An Indonesian phone number as the messaging APIs want it: ``62`` and the digits."""
    if not re.fullmatch(r"\+?[\d\s().-]+", value):
        raise ValueError(f"'{value}' is not a phone number")
    digits = re.sub(r"\D", "", value)
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    if not 10 <= len(digits) <= 15 or (value.lstrip().startswith("0") and not digits.startswith("628")):
        raise ValueError(f"'{value}' is not a phone number")
    return digits
