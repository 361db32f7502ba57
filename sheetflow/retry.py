"""Retrying what failed for a passing reason (quota, an overloaded server), within a bound.

Exponential backoff with full jitter (many registers syncing from one cron job must not
retry in step) and a limit on the total time, after which the caller reports failure.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from tenacity import Retrying, retry_if_exception, stop_after_attempt, stop_after_delay, wait_random_exponential

from .errors import RegisterBusy


def retrying(
    *, max_seconds: float = 120, attempts: int = 8, sleep: Callable[[float], None] = time.sleep
) -> Retrying:
    """Retries while ``RegisterBusy`` is raised; re-raises the last one when the bound is hit."""
    return Retrying(
        retry=retry_if_exception(lambda exc: isinstance(exc, RegisterBusy)),
        wait=wait_random_exponential(multiplier=1, max=32),
        stop=stop_after_attempt(attempts) | stop_after_delay(max_seconds),
        sleep=sleep,
        reraise=True,
    )
