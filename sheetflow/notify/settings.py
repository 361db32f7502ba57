"""Who hears about what, and how to reach them: the ``notify`` part of the config file.

Passwords, webhook URLs (a Telegram bot URL holds its token) and webhook headers are
``SecretStr``: they print as ``**********`` and reach only the connection that needs them.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

Key = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
Address = Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
WebhookName = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
Seconds = Annotated[float, Field(gt=0, le=300)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Recipients(_Model):
    """Who is told about one role's events: e-mail addresses and/or webhooks by name."""

    email: tuple[Address, ...] = ()
    webhooks: tuple[WebhookName, ...] = ()


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


class WebhookSettings(_Model):
    name: WebhookName
    url: SecretStr
    headers: dict[str, SecretStr] = Field(default_factory=dict)
    timeout: Seconds = 15

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: SecretStr) -> SecretStr:
        # The message must not quote the URL: it may hold a token.
        if not value.get_secret_value().startswith(("https://", "http://")):
            raise ValueError("must be an http(s) URL")
        return value


class NotifySettings(_Model):
    """``recipients`` maps workflow role keys (``reviewers``, ``team``, ``admin``) to who is told."""

    recipients: dict[Key, Recipients] = Field(default_factory=dict)
    smtp: SmtpSettings | None = None
    webhooks: tuple[WebhookSettings, ...] = ()

    @model_validator(mode="after")
    def _references_resolve(self) -> NotifySettings:
        names = [w.name for w in self.webhooks]
        problems = [f"webhooks: the name '{n}' is used twice" for n in sorted({n for n in names if names.count(n) > 1})]
        for role, who in self.recipients.items():
            problems += [f"recipients.{role}: unknown webhook '{n}'" for n in who.webhooks if n not in names]
            if who.email and self.smtp is None:
                problems.append(f"recipients.{role}: e-mail recipients need the smtp settings")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def webhook(self) -> dict[str, WebhookSettings]:
        return {w.name: w for w in self.webhooks}
