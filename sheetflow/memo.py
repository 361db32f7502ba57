"""What sync remembers between runs: that a register needed nothing, and what it said.

Most scheduled runs change nothing, and planning a large register costs several times
reading it. Whether a plan changes anything depends only on the register's content, its
workflow, sheetflow's own code and the day in the register's time zone: the planner reads
the clock's date for deadlines and the time only to stamp the changes it makes. So a
record of a run that changed nothing (the file's digest, the day, the workflow, the code)
says that the same run would again change nothing, and what that run printed can be
printed again without reading a cell. A Google Sheet has no file to name unread: it is
read every time, and the record names the bytes of that read instead, which still spares
the planning (and the metadata a write would need).

Records are kept in the user's cache folder (``SHEETFLOW_CACHE`` overrides it), never
beside the register: a shared folder must not carry one machine's memory to another.
Anything unexpected (no record, a damaged one, an unwritable folder) means planning as
usual; the memo can only save time, never change what sync does.

This module imports little on purpose: a run that replays must not pay for the planner.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from . import resources
from .gsheets.source import is_google, spreadsheet_id

ENVIRONMENT = "SHEETFLOW_CACHE"
# The forms a report is printed in: "quiet", "summary:id", "details:en", "json:id", …
QUIET = "quiet"
# Bumped when a record's layout changes, so older records are simply not used.
LAYOUT = 1
FIELDS = {"layout", "register", "file", "day", "timezone", "workflow", "code", "attention", "reports"}


@dataclass(frozen=True)
class Remembered:
    """A run that changed nothing, in the register's time zone: what it reported."""

    timezone: str
    attention: int  # rows with an error finding
    report: Any  # the report in the form asked for: text, or the JSON object

    def aware(self, now: datetime) -> datetime:
        """A clock without a zone is in the register's, as for a planned run."""
        return now if now.tzinfo else now.replace(tzinfo=ZoneInfo(self.timezone))


def definition(text: str, **adjustments: str | None) -> str:
    """Names a workflow definition: its text and the adjustments made to it."""
    named = {k: v for k, v in sorted(adjustments.items()) if v}
    return _digest(json.dumps([text, named], ensure_ascii=False).encode())


def bundled_definition(name: str) -> str:
    """The name of a workflow shipped with sheetflow, read without building it."""
    text = resources.workflow(name).read_text(encoding="utf-8")
    return definition(text)


def file_digest(content: bytes) -> str:
    return _digest(content)


def recall(
    source: str | os.PathLike[str], *, now: datetime, workflow: str, form: str, content: str | None = None
) -> Remembered | None:
    """The remembered run of ``source`` when nothing has changed since: same content (the
    file's, or ``content``: the digest of what was just read), workflow and code, and the
    same day in the register's time zone."""
    name = _name(source)
    record = _load(name)
    if record is None or form not in record["reports"]:
        return None
    if record["workflow"] != workflow or record["code"] != _code():
        return None
    if content is None:
        try:
            content = file_digest(Path(source).read_bytes())
        except OSError:
            return None
    if record["file"] != content:
        return None
    zone = ZoneInfo(record["timezone"])
    if (now if now.tzinfo else now.replace(tzinfo=zone)).astimezone(zone).date().isoformat() != record["day"]:
        return None
    return Remembered(record["timezone"], record["attention"], record["reports"][form])


def remember(
    source: str | os.PathLike[str], *, content: str, now: datetime, timezone: str, workflow: str,
    attention: int, form: str, report: Any,
) -> None:
    """Record that the register with content digest ``content`` needed nothing at ``now``,
    and its report in ``form`` (kept beside the other forms of the same run). ``now`` is aware."""
    name = _name(source)
    day = now.astimezone(ZoneInfo(timezone)).date().isoformat()
    record = _load(name)
    same_run = record is not None and (record["file"], record["day"], record["workflow"], record["code"]) == (
        content, day, workflow, _code())
    reports = record["reports"] if same_run and record else {}
    record = {"layout": LAYOUT, "register": name, "file": content, "day": day, "timezone": timezone,
              "workflow": workflow, "code": _code(), "attention": attention,
              "reports": {**reports, QUIET: "", form: report}}
    _store(name, record)


def _folder() -> Path:
    chosen = os.environ.get(ENVIRONMENT)
    if chosen:
        return Path(chosen)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("sheetflow", appauthor=False)) / "memo"


def _name(source: str | os.PathLike[str]) -> str:
    """A register's name in the memo: ``gsheet:ID`` however the sheet was given, or the file's full path."""
    if is_google(source):
        return f"gsheet:{spreadsheet_id(str(source))}"
    return str(Path(source).resolve())


def _record_path(name: str) -> Path:
    return _folder() / f"{_digest(name.encode())[:32]}.json"


def _load(name: str) -> dict[str, Any] | None:
    try:
        record = json.loads(_record_path(name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not (isinstance(record, dict) and record.get("layout") == LAYOUT and record.keys() >= FIELDS
            and record["register"] == name and isinstance(record["reports"], dict)):
        return None  # damaged, or written by another version: plan as usual
    return record


def _store(name: str, record: dict[str, Any]) -> None:
    target = _record_path(name)
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Written whole and renamed into place: two runs at once leave one record or the other.
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".memo-", suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(record, out, ensure_ascii=False)
        os.replace(temporary, target)
    except OSError:
        pass  # the memo only saves time; the next run plans as usual


@cache
def _code() -> str:
    """Names sheetflow's own code: an upgrade, or an edited module, forgets every record."""
    package = Path(__file__).resolve().parent
    stamps = sorted(
        f"{entry.relative_to(package)}:{entry.stat().st_size}:{entry.stat().st_mtime_ns}"
        for entry in package.rglob("*")
        if entry.suffix in {".py", ".toml"}
    )
    return _digest("\n".join(stamps).encode())


def _digest(content: bytes) -> str:
    return hashlib.blake2b(content, digest_size=20).hexdigest()
