"""One request budget shared by every Google Sheet a run syncs.

Google counts quota per user per minute, and a service account is one user: two hundred
registers synced in one run share 60 reads and 60 writes a minute. Spacing requests
under a limit is cheaper than meeting 429s and backing off.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable


class RateLimiter:
    """At most ``per_minute`` requests in any 60-second window; ``acquire`` waits for room."""

    def __init__(
        self,
        per_minute: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.per_minute = per_minute
        self._clock = clock
        self._sleep = sleep
        self._sent: deque[float] = deque()
        self._lock = threading.Lock()

    def acquire(self) -> None:
        with self._lock:
            now = self._clock()
            while self._sent and now - self._sent[0] >= 60:
                self._sent.popleft()
            if len(self._sent) >= self.per_minute:
                wait = 60 - (now - self._sent[0])
                self._sleep(wait)
                now += wait
                self._sent.popleft()
            self._sent.append(now)
