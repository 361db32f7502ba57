"""A delivery run in a process of its own, for tests that signal or kill it mid-delivery.

    python notify_worker.py STATE URL RECIPIENTS (fresh|quiet)

Sends two events to RECIPIENTS webhooks (``URL/0``, ``URL/1``, …), all of the team; ``quiet``
offers no events, as the next sync after a finished one would: only what is left is sent.
Exits 0 when nothing is left to send.
"""

import sys
from pathlib import Path

from sheetflow.notify import Event, EventKind, NotifySettings, Recipients, WebhookSettings, notify

state, url, count, mode = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
names = [f"r{i}" for i in range(count)]
settings = NotifySettings(
    recipients={"team": Recipients(webhooks=tuple(names))},
    webhooks=tuple(WebhookSettings(name=n, url=f"{url}/{i}", timeout=5) for i, n in enumerate(names)),
)
news = [Event("Ponjong", f"2024/000{n}", EventKind.REJECTED, "team", f"Kegiatan {n}", "Foto kurang jelas.",
              f"Ponjong|2024/000{n}|rejected|t{n}") for n in (1, 2)]
report = notify(news if mode == "fresh" else [], settings, state)
sys.exit(0 if report.pending == 0 else 1)
