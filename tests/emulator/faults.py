"""Injected failures and the optional per-minute quota."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from .errors import quota_exceeded

FAULT_STATUSES = frozenset({400, 401, 403, 404, 429, 500, 503})
KINDS = frozenset({"token", "read", "write", "drive"})


@dataclass
class Fault:
    status: int
    kind: str | None
    at: int | None
    times: int
    after_commit: bool
    retry_after: int = 30  # seconds, in the Retry-After of a Drive 429
    seen: int = 0

    def due(self, kind: str) -> bool:
        """Count a request of `kind`; True when this fault is due to answer it (the caller spends it)."""
        if self.kind not in (None, kind) or (self.after_commit and kind != "write"):
            return False
        position = self.seen
        self.seen += 1
        return self.times > 0 and (self.at is None or position >= self.at)


def make_fault(
    status: int, at: int | None, times: int, kind: str | None, after_commit: bool, retry_after: int = 30
) -> Fault:
    if status not in FAULT_STATUSES:
        raise ValueError(f"status must be one of {sorted(FAULT_STATUSES)}")
    if kind is not None and kind not in KINDS:
        raise ValueError(f"kind must be one of {sorted(KINDS)} or None")
    if after_commit and kind not in (None, "write"):
        raise ValueError("after_commit only applies to writes")
    return Fault(status, kind, at, times, after_commit, retry_after)


class Quota:
    """Per service account, per kind, per clock minute: https://developers.google.com/sheets/api/limits
    ("Read requests per minute per user per project: 60", same for writes)."""

    def __init__(self, reads_per_minute: int, writes_per_minute: int, clock: Callable[[], float] = time.monotonic):
        self.limits = {"read": reads_per_minute, "write": writes_per_minute}
        self.clock = clock
        self.used: dict[tuple[str, str, int], int] = {}

    def allows(self, email: str, kind: str = "drive") -> bool:
        """Spend one request of ``kind``; False when the minute's limit is already used."""
        key = (email, kind, int(self.clock() // 60))
        self.used[key] = self.used.get(key, 0) + 1
        return self.used[key] <= self.limits[kind]

    def spend(self, email: str, kind: str) -> None:
        key = (email, kind, int(self.clock() // 60))
        self.used[key] = self.used.get(key, 0) + 1
        if self.used[key] > self.limits[kind]:
            raise quota_exceeded(kind, self.limits[kind])
