"""What was already told, kept between runs in a small JSON file written atomically.

``sent`` holds the keys of situations every recipient heard of; ``pending`` the events
some recipient still waits for (a failed delivery), with ``reached``: who already has
each, so a retry goes only to those who missed it.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..errors import SheetflowError
from .events import Event, EventKind

FORMAT = 1
# Events come from one run's changes, so an old situation cannot come back from a plan;
# the newest keys are kept only as a safety net, and the file stays small.
KEEP_SENT = 5000


class StateUnreadable(SheetflowError):
    """The notification state file is damaged: sending now could repeat or lose messages."""


@dataclass
class Outbox:
    sent: list[str] = field(default_factory=list)  # oldest first
    pending: list[Event] = field(default_factory=list)
    reached: dict[str, set[str]] = field(default_factory=dict)  # event key -> recipients (``channel:address``)

    def to_json(self) -> dict[str, object]:
        return {
            "format": FORMAT,
            "sent": self.sent[-KEEP_SENT:],
            "pending": [asdict(e) for e in self.pending],
            "reached": {key: sorted(who) for key, who in sorted(self.reached.items())},
        }


def load(path: Path) -> Outbox:
    """The state in ``path``; an empty one when the file does not exist yet."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Outbox()
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StateUnreadable(f"Berkas status notifikasi {path} tidak dapat dibaca ({exc}); "
                              "perbaiki atau pindahkan berkas itu.") from exc
    try:
        if data["format"] != FORMAT:
            raise ValueError(f"format {data['format']}")
        pending = [Event(**{**e, "kind": EventKind(e["kind"])}) for e in data["pending"]]
        return Outbox(list(data["sent"]), pending, {k: set(v) for k, v in data["reached"].items()})
    except (KeyError, TypeError, ValueError) as exc:
        raise StateUnreadable(f"Berkas status notifikasi {path} rusak ({exc!r}); "
                              "perbaiki atau pindahkan berkas itu.") from exc


def save(path: Path, outbox: Outbox) -> None:
    """A temporary file beside the state, then a rename: a crash leaves the old state whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    temporary = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as stream:
            json.dump(outbox.to_json(), stream, ensure_ascii=False, indent=1)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
