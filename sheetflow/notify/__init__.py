"""Telling people what a sync left for them to do: one digest per recipient per run, each event once.

``events`` reads a sync's plan; ``notify`` sends what has not been sent yet and remembers it.
A recipient that cannot be reached is reported and tried again next run; it never fails the sync.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from . import channels, state
from .channels import DeliveryFailed
from .digest import Channel, Digest, Recipient, digest, route
from .events import Event, EventKind, Rules, Step, events
from .settings import NotifySettings, Recipients, SmtpSettings, WebhookSettings
from .state import StateUnreadable

__all__ = [
    "Delivery", "DeliveryFailed", "Event", "EventKind", "NotifyReport", "NotifySettings", "Recipient",
    "Recipients", "Rules", "SmtpSettings", "StateUnreadable", "Step", "WebhookSettings", "events", "notify",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Delivery:
    recipient: Recipient
    items: int
    reason: str | None = None  # why it failed: one Indonesian sentence; None when delivered

    @property
    def delivered(self) -> bool:
        return self.reason is None

    @property
    def message(self) -> str:
        if self.delivered:
            return f"Terkirim ke {self.recipient}: {self.items} hal."
        return f"Gagal mengirim ke {self.recipient}: {self.reason} Akan dicoba lagi pada sync berikutnya."


@dataclass(frozen=True)
class NotifyReport:
    deliveries: tuple[Delivery, ...]
    pending: int  # events kept for the next run: some recipient has not heard of them yet
    unaddressed: tuple[str, ...]  # role keys that had events but no recipient in the settings

    @property
    def ok(self) -> bool:
        return all(d.delivered for d in self.deliveries)


def notify(
    events: Iterable[Event],
    settings: NotifySettings,
    state_path: Path,
    *,
    send_email: Callable[[Digest, SmtpSettings], None] = channels.send_email,
    send_webhook: Callable[[Digest, WebhookSettings], None] = channels.send_webhook,
) -> NotifyReport:
    """Send each recipient one digest of the events it has not heard of; remember what arrived."""
    outbox = state.load(state_path)
    before = outbox.to_json()
    sent, waiting = set(outbox.sent), {(e.key, e.role) for e in outbox.pending}
    queue = [*outbox.pending, *(e for e in events if e.key not in sent and (e.key, e.role) not in waiting)]
    addressed = {role for role, who in settings.recipients.items() if who.email or who.webhooks}
    unaddressed = tuple(sorted({e.role for e in queue} - addressed))
    if unaddressed:
        log.warning("notify: no recipients for role(s) %s; their events are dropped", ", ".join(unaddressed))
    # An event nobody is set up to hear of is dropped, not kept: the report names its role instead.
    queue = [e for e in queue if e.role in addressed]
    routes = route(queue, settings.recipients)

    deliveries = []
    for recipient, items in routes.items():
        missed = [e for e in items if str(recipient) not in outbox.reached.get(e.key, ())]
        if missed:
            deliveries.append(_deliver(digest(recipient, missed), settings, send_email, send_webhook))
            if deliveries[-1].delivered:
                for event in missed:
                    outbox.reached.setdefault(event.key, set()).add(str(recipient))

    targets: dict[str, set[str]] = {}
    for recipient, items in routes.items():
        for event in items:
            targets.setdefault(event.key, set()).add(str(recipient))
    done = [key for key, who in targets.items() if who <= outbox.reached.get(key, set())]
    outbox.sent += done
    outbox.pending = [e for e in queue if e.key not in done]
    outbox.reached = {e.key: outbox.reached[e.key] for e in outbox.pending if e.key in outbox.reached}
    if outbox.to_json() != before:
        state.save(state_path, outbox)
    return NotifyReport(tuple(deliveries), len(outbox.pending), unaddressed)


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
        else:
            send_webhook(message, settings.webhook[recipient.address])
    except DeliveryFailed as exc:
        log.warning("notify: %s not delivered (%d items): %s", recipient, count, exc)
        return Delivery(recipient, count, str(exc))
    log.info("notify: %s delivered (%d items)", recipient, count)
    return Delivery(recipient, count)
