"""``sheetflow.toml``: the registers one scheduled job syncs, and their settings.

Validated by pydantic; a mistake is reported with the key and the line it is on.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import SheetflowError
from .notify.settings import NotifySettings

DEFAULT_FILE = "sheetflow.toml"
# Indonesia's three zones by their everyday names.
ZONES = {"WIB": "Asia/Jakarta", "WITA": "Asia/Makassar", "WIT": "Asia/Jayapura"}


class ConfigInvalid(SheetflowError):
    """The configuration file is broken."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RegisterSettings(_Model):
    name: str = Field(min_length=1)
    source: str = Field(min_length=1)  # an .xlsx path (relative to the config file) or gsheet:ID / URL
    office: str = ""
    timezone: str | None = None
    language: Annotated[str, Field(pattern="^(id|en)$")] | None = None
    credentials: Path | None = None
    workflow: str = "sop-010-2024"

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        return ZONES.get(value.upper(), value) if value else value


class LogSettings(_Model):
    file: Path | None = None
    max_bytes: int = Field(default=1_000_000, gt=0)
    backups: int = Field(default=5, ge=0)


class GoogleSettings(_Model):
    # A service account is one user: Google allows 60 reads and 60 writes a minute.
    requests_per_minute: int = Field(default=50, gt=0, le=300)
    credentials: Path | None = None


class Config(_Model):
    registers: list[RegisterSettings] = Field(min_length=1)
    google: GoogleSettings = GoogleSettings()
    log: LogSettings = LogSettings()
    notify: NotifySettings | None = None
    # The notification outbox (SQLite): what was sent, so none is sent twice (relative to the config file).
    notify_state: Path = Path(".sheetflow-notify.sqlite")
    folder: Path = Path(".")  # where the file was: relative paths are relative to it

    def source(self, register: RegisterSettings) -> str:
        from .gsheets.source import is_google

        return register.source if is_google(register.source) else str(self.folder / register.source)

    def credentials(self, register: RegisterSettings) -> Path | None:
        chosen = register.credentials or self.google.credentials
        return self.folder / chosen if chosen else None


def find_config(path: str | Path | None = None) -> Path:
    candidate = Path(path) if path else Path.cwd() / DEFAULT_FILE
    if not candidate.is_file():
        raise ConfigInvalid(
            f"Berkas konfigurasi {candidate} tidak ditemukan; buat {DEFAULT_FILE} (lihat docs/operasi.md) "
            "atau sebutkan register yang disinkronkan."
        )
    return candidate


def load_config(path: str | Path | None = None) -> Config:
    file = find_config(path)
    text = file.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigInvalid(f"{file.name}: bukan TOML yang sah ({exc}).") from None
    try:
        return Config.model_validate({**data, "folder": file.parent})
    except ValidationError as exc:
        problems = "; ".join(
            f"baris {_line(text, e['loc'])}: {'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise ConfigInvalid(f"{file.name} {problems}") from None


def _line(text: str, loc: tuple[Any, ...]) -> int:
    """The line a pydantic error location points at, found in the TOML text."""
    lines = text.splitlines()
    start = 0
    for part, following in zip(loc, [*loc[1:], None], strict=True):
        if isinstance(part, int):
            continue
        if isinstance(following, int):  # an array of tables: [[part]] number `following`
            headers = [i for i, line in enumerate(lines) if re.match(rf"^\s*\[\[\s*{re.escape(part)}\s*\]\]", line)]
            if following < len(headers):
                start = headers[following]
                continue
        for i in range(start, len(lines)):
            if re.match(rf"^\s*(\[\s*)?{re.escape(str(part))}\s*(=|\])", lines[i]):
                start = i
                break
    return start + 1
