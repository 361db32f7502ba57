"""Telling people what a sync left for them to do: one digest per recipient per run, each event once.

``events`` reads a sync's plan; ``notify`` records the events in the outbox (``outbox``)
before anything is sent, then sends what is due and marks each recipient done once its
channel accepted the digest. A recipient that cannot be reached is reported and tried again
later; it never fails the sync.
"""

from __future__ import annotations

import logging
import signal
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from . import channels
from .channels import DeliveryFailed
from .digest import Channel, Digest, Recipient, digest, route, targets
from .events import Event, EventKind, Rules, Step, events, reminders
from .outbox import Outbox, StateUnavailable
from .settings import NotifySettings, Recipients, SmtpSettings, WebhookSettings

__all__ = [
    "Delivery", "DeliveryFailed", "Event", "EventKind", "NotifyReport", "NotifySettings", "Recipient",
    "Recipients", "Rules", "SmtpSettings", "StateUnavailable", "Step", "WebhookSettings", "events", "notify",
    "reminders",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Delivery:
    recipient: Recipient
    items: int
    reason: str | None = None  # why it failed: one Indonesian sentence; None when delivered
    retry_after: float | None = None  # seconds the service asked to wait

    @property
    def delivered(self) -> bool:
        return self.reason is None

    @property
    def message(self) -> str:
        if self.delivered:
            return f"Terkirim ke {self.recipient}: {self.items} hal."
        when = f"setelah {self.retry_after:g} detik" if self.retry_after else "pada sync berikutnya"
        return f"Gagal mengirim ke {self.recipient}: {self.reason} Akan dicoba lagi {when}."


@dataclass(frozen=True)
class NotifyReport:
    deliveries: tuple[Delivery, ...]
    pending: int  # events kept for the next run: some recipient has not heard of them yet
    unaddressed: tuple[str, ...]  # role keys that had events but no recipient in the settings
    repaired: str | None = None  # the state file was damaged, put aside and started anew: one sentence
    unrecorded: str | None = None  # a delivery's outcome could not be written down: one sentence

    @property
    def ok(self) -> bool:
        return all(d.delivered for d in self.deliveries) and self.unrecorded is None


def notify(
    events: Iterable[Event],
    settings: NotifySettings,
    state_path: Path,
    *,
    send_email: Callable[[Digest, SmtpSettings], None] = channels.send_email,
    send_webhook: Callable[[Digest, WebhookSettings], None] = channels.send_webhook,
    clock: Callable[[], float] = time.time,
    legacy: Path | None = None,
) -> NotifyReport:
    """Record the new events in the outbox, then send each recipient due a message one digest
    of what it has not heard of; a message accepted by its channel is marked done at once.
    ``legacy``: where earlier versions kept their JSON state; its pending events are taken over."""
    everyone = targets(settings)
    addressed = {role for role, who in everyone.items() if who}
    # A message whose run died mid-attempt is sent again once this lease has run out.
    lease = max([settings.smtp.timeout if settings.smtp else 0, *(w.timeout for w in settings.webhooks)]) + 60
    deliveries: list[Delivery] = []
    with Outbox.open(state_path) as box, _terminating() as stop:
        if box.repaired:
            log.error("notify: %s", box.repaired)
        adopted = box.adopt(legacy, clock()) if legacy is not None and legacy.is_file() else None
        queue = [*(adopted[0] if adopted else ()), *events]
        unaddressed = tuple(sorted({e.role for e in queue} - addressed))
        if unaddressed:
            log.warning("notify: no recipients for role(s) %s; their events are dropped", ", ".join(unaddressed))
        # An event nobody is set up to hear of is dropped, not kept: the report names its role instead.
        heard: dict[str, tuple[Event, list[str]]] = {}
        for recipient, items in route([e for e in queue if e.role in addressed], everyone).items():
            for event in items:
                heard.setdefault(event.key, (event, []))[1].append(str(recipient))
        box.record(heard.values(), clock())
        if adopted:
            box.reached(adopted[1])
        claims = box.claim(list(dict.fromkeys(str(r) for who in everyone.values() for r in who)), clock(), lease)
        for n, claim in enumerate(claims):
            if stop.is_set():
                # Terminated: the messages not begun go back untouched; the run ends after this.
                box.release(claims[n:])
                break
            message = digest(_recipient(claim.recipient), claim.events, f"sheetflow.{claim.token}.{claim.id}")
            delivery = _deliver(message, settings, send_email, send_webhook)
            deliveries.append(delivery)
            try:
                if delivery.delivered:
                    box.delivered(claim, clock())
                else:
                    box.failed(claim, delivery.reason or "", clock(), delivery.retry_after)
            except sqlite3.Error as exc:
                # The message went out or failed; only remembering it did not: say so, never a traceback.
                unrecorded = (f"Berkas status pemberitahuan {state_path} tidak dapat ditulis ({exc}); "
                              f"pesan ke {delivery.recipient} mungkin terkirim lagi pada sync berikutnya.")
                log.error("notify: %s", unrecorded)
                return NotifyReport(tuple(deliveries), box.pending(), unaddressed, box.repaired, unrecorded)
        return NotifyReport(tuple(deliveries), box.pending(), unaddressed, box.repaired)


@contextmanager
def _terminating() -> Iterator[threading.Event]:
    """SIGTERM (a stopped service, a scheduler's time limit) waits for the message being sent
    to be accepted or refused and written down, then ends the process as it would have."""
    stop = threading.Event()
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGTERM"):
        yield stop
        return
    before = signal.signal(signal.SIGTERM, lambda number, frame: stop.set())
    try:
        yield stop
    finally:
        signal.signal(signal.SIGTERM, before)
    if stop.is_set():
        signal.raise_signal(signal.SIGTERM)


def _recipient(text: str) -> Recipient:
    channel, _, address = text.partition(":")
    return Recipient(Channel(channel), address)


def _deliver(
    message: Digest,
    settings: NotifySettings,
    send_email: Callable[[Digest, SmtpSettings], None],
    send_webhook: Callable[[Digest, WebhookSettings], None],
) -> Delivery:
    recipient, count = message.recipient, len(message.items)
    try:
        if recipient.channel is Channel.EMAIL:
            assert settings.smtp is not None  # NotifySettings refuses e-mail recipients without smtp
            send_email(message, settings.smtp)
        elif recipient.channel is Channel.CHAT:
            channels.send_chat(message, settings.webhook[recipient.via[0]])
        else:
            send_webhook(message, settings.webhook[recipient.address])
    except DeliveryFailed as exc:
        log.warning("notify: %s not delivered (%d items): %s", recipient, count, exc)
        return Delivery(recipient, count, str(exc), exc.retry_after)
    log.info("notify: %s delivered (%d items)", recipient, count)
    return Delivery(recipient, count)
