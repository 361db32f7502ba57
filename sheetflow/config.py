"""``sheetflow.toml``: the registers one scheduled job syncs, and their settings.

Validated by pydantic; a mistake is reported with the key and the line it is on.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import SheetflowError
from .notify.settings import NotifySettings

if TYPE_CHECKING:
    from .intake import FormSource

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
    # Hand-overs by form (see intake): the responses sheet of a linked Google Form in the
    # register's spreadsheet, and a folder of .csv exports (relative to this file).
    form_sheet: str | None = Field(default=None, min_length=1)
    form_folder: Path | None = None

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if not value:
            return value
        zone = ZONES.get(value.upper(), value)
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"zona waktu {value!r} tidak dikenal; tulis WIB, WITA, WIT atau nama zona seperti Asia/Jakarta"
            ) from None
        return zone

    @field_validator("workflow")
    @classmethod
    def _bundled(cls, value: str) -> str:
        from .resources import workflow

        if not value.endswith(".toml") and not workflow(value).is_file():
            raise ValueError(f"alur {value!r} tidak ada; alur bawaan: {', '.join(_bundled_workflows())}")
        return value


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

    def form(self, register: RegisterSettings) -> FormSource | None:
        from .intake import FormSource

        if register.form_sheet is None and register.form_folder is None:
            return None
        return FormSource(register.form_sheet, self.folder / register.form_folder if register.form_folder else None)

    def credentials(self, register: RegisterSettings) -> Path | None:
        chosen = register.credentials or self.google.credentials
        return self.folder / chosen if chosen else None


def find_config(path: str | Path | None = None) -> Path:
    candidate = Path(path) if path else Path.cwd() / DEFAULT_FILE
    try:
        found = candidate.is_file()
    except PermissionError:
        raise ConfigInvalid(_denied(candidate)) from None
    if not found:
        raise ConfigInvalid(
            f"Berkas konfigurasi {candidate} tidak ditemukan; buat {DEFAULT_FILE} (lihat docs/operasi.md) "
            "atau sebutkan register yang disinkronkan."
        )
    return candidate


def load_config(path: str | Path | None = None) -> Config:
    file = find_config(path)
    text = _text(file)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigInvalid(f"{file.name}: bukan TOML yang sah ({exc}).") from None
    try:
        config = Config.model_validate({**data, "folder": file.parent})
    except ValidationError as exc:
        problems = "; ".join(
            f"baris {_line(text, e['loc'])}: {'.'.join(str(p) for p in e['loc'])}: {_message(e)}" for e in exc.errors()
        )
        raise ConfigInvalid(f"{file.name} {problems}.") from None
    _refuse_duplicates(config, file, text)
    if config.log.file and not config.log.file.is_absolute():
        # Like every other path in the file, the log is relative to the file's folder (docs/operasi.md).
        log = config.log.model_copy(update={"file": file.parent / config.log.file})
        config = config.model_copy(update={"log": log})
    return config


def _text(file: Path) -> str:
    """The file's text: UTF-8, with or without the mark Notepad puts at its start."""
    try:
        content = file.read_bytes()
    except PermissionError:
        raise ConfigInvalid(_denied(file)) from None
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise ConfigInvalid(
            f"{file.name} baris {line}: berkas tidak tersimpan sebagai UTF-8 (mungkin ANSI); buka di Notepad, pilih "
            "Simpan Sebagai dengan Pengodean UTF-8, lalu jalankan lagi."
        ) from None


def _denied(path: Path) -> str:
    return (f"Berkas konfigurasi {path} tidak dapat dibaca karena izin ditolak (berkas atau foldernya); jalankan "
            "sheetflow sebagai pengguna yang boleh membukanya, atau perbaiki hak aksesnya.")


def _message(error: Any) -> str:
    """pydantic's message; a check of ours gives its own sentence, without pydantic's prefix."""
    if error["type"] == "value_error" and "error" in error.get("ctx", {}):
        return str(error["ctx"]["error"])
    return str(error["msg"])


def _bundled_workflows() -> list[str]:
    from importlib import resources

    return sorted(p.name.removesuffix(".toml") for p in (resources.files("sheetflow") / "workflows").iterdir()
                  if p.name.endswith(".toml"))


def _refuse_duplicates(config: Config, file: Path, text: str) -> None:
    """Two entries for one register would sync it twice a run, each undoing the other's
    settings (a language, a time zone): the file would be rewritten every run."""
    seen: dict[object, int] = {}
    for index, register in enumerate(config.registers):
        identity = _identity(config.source(register))
        if identity in seen:
            first = config.registers[seen[identity]]
            raise ConfigInvalid(
                f"{file.name}: register '{first.name}' (baris {_line(text, ('registers', seen[identity]))}) dan "
                f"'{register.name}' (baris {_line(text, ('registers', index))}) menunjuk register yang sama "
                f"({register.source}); hapus salah satunya, karena satu register yang didaftarkan dua kali "
                "ditulis ulang pada setiap sync."
            )
        seen[identity] = index


def _identity(source: str) -> object:
    """What a source names: the spreadsheet's ID, or the file itself (through symlinks and hard links)."""
    from .gsheets.source import is_google, spreadsheet_id

    if is_google(source):
        try:
            return ("gsheet", spreadsheet_id(source))
        except SheetflowError:
            return ("unknown", source)  # that register reports its own mistake
    try:
        found = os.stat(source)
        return ("file", found.st_dev, found.st_ino)
    except OSError:
        return ("path", os.path.normcase(os.path.realpath(source)))


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
