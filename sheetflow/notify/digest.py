"""One digest per recipient per run: who hears of which events, and the words they read. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from .events import Event, EventKind
from .settings import NotifySettings

# Shaped like messages.CATALOGUE, so these can move there as they are.
TEMPLATES: dict[str, dict[str, str]] = {
    "notify-subject": {"id": "[sheetflow] Register {register}: {count} hal perlu tindakan"},
    "notify-greeting": {"id": "Yth. Bapak/Ibu,"},
    "notify-intro": {"id": "Berikut {count} hal di Register {register} yang menunggu tindak lanjut Bapak/Ibu:"},
    "notify-item": {"id": "{n}. No. Register {register_no} — {activity}"},
    "notify-closing": {
        "id": "Pesan ini dikirim otomatis oleh sheetflow setelah register disinkronkan; mohon tidak dibalas.\n"
              "Terima kasih."
    },
    "notify-action-review-needed": {
        "id": "Menunggu pemeriksaan: mohon diperiksa hari ini juga (Hari H) dengan mengisi Pemeriksa."
    },
    "notify-action-fix-needed": {
        "id": "Perlu perbaikan: mohon dilengkapi sesuai Catatan Sistem; setelah lengkap, konten otomatis "
              "diteruskan ke Tim Pertimbangan."
    },
    "notify-action-rejected": {
        "id": "Ditolak: mohon baca tanggapan tertulis, perbaiki konten, lalu isi Serahkan dengan Ya lagi."
    },
    "notify-action-approved": {
        "id": "Disetujui: mohon diunggah ke media sosial hari ini juga dan isi Tautan Unggahan."
    },
    "notify-action-late": {"id": "Melewati batas waktu Hari H: mohon segera ditindaklanjuti."},
    "notify-action-reminder": {"id": "Pengingat: langkah ini masih ditunggu dan sudah melewati batas waktunya."},
    "notify-action-escalation": {
        "id": "Untuk perhatian atasan: langkah ini masih ditunggu dan sudah lama melewati batas waktunya."
    },
    "notify-detail-review-needed": {"id": "Keterangan"},
    "notify-detail-fix-needed": {"id": "Catatan Sistem"},
    "notify-detail-rejected": {"id": "Tanggapan Tertulis"},
    "notify-detail-approved": {"id": "Disetujui Oleh"},
    "notify-detail-late": {"id": "Ketepatan Waktu"},
    "notify-detail-reminder": {"id": "Ketepatan Waktu"},
    "notify-detail-escalation": {"id": "Ketepatan Waktu"},
}
INDENT = "   "


class Channel(StrEnum):
    EMAIL = "email"
    WEBHOOK = "webhook"
    CHAT = "chat"  # a messenger webhook and one phone number or chat id


@dataclass(frozen=True)
class Recipient:
    channel: Channel
    address: str  # an e-mail address, a webhook's name, or for a chat ``webhook/number``

    @property
    def via(self) -> tuple[str, str]:
        """A chat's webhook name and phone number or chat id."""
        name, _, to = self.address.partition("/")
        return name, to

    def __str__(self) -> str:
        return f"{self.channel.value}:{self.address}"


@dataclass(frozen=True)
class Digest:
    recipient: Recipient
    items: tuple[Event, ...]
    subject: str
    text: str
    id: str = "sheetflow"  # names this digest, the same when it is sent again after a crash

    def payload(self) -> dict[str, object]:
        """The digest as a webhook receives it."""
        items = [
            {"register_no": e.register_no, "kind": e.kind.value, "role": e.role, "activity": e.activity,
             "action": render(_code("action", e)), "detail": e.detail}
            for e in self.items
        ]
        return {"register": _registers(self.items), "recipient": self.recipient.address, "subject": self.subject,
                "text": self.text, "items": items}


def targets(settings: NotifySettings) -> dict[str, list[Recipient]]:
    """Each role's recipients, phone numbers in the form their API wants."""
    return {role: [*(Recipient(Channel.EMAIL, a) for a in who.email),
                   *(Recipient(Channel.WEBHOOK, n) for n in who.webhooks),
                   *(Recipient(Channel.CHAT, f"{name}/{settings.address(name, to)}")
                     for name, addresses in who.to.items() for to in addresses)]
            for role, who in settings.recipients.items()}


def route(events: Iterable[Event], recipients: Mapping[str, list[Recipient]]) -> dict[Recipient, list[Event]]:
    """Each recipient's events, once per situation (someone in two roles hears of a late row once),
    a row's items together."""
    routed: dict[Recipient, dict[str, Event]] = {}
    for event in events:
        for recipient in recipients.get(event.role, []):
            routed.setdefault(recipient, {}).setdefault(event.key, event)
    order = list(EventKind)
    return {
        recipient: sorted(by_key.values(), key=lambda e: (e.register_no, order.index(e.kind)))
        for recipient, by_key in routed.items()
    }


def digest(recipient: Recipient, events: Iterable[Event], id: str = "sheetflow") -> Digest:
    items = tuple(events)
    register = _registers(items)
    lines = [render("notify-greeting"), "", render("notify-intro", count=len(items), register=register), ""]
    for n, event in enumerate(items, start=1):
        lines.append(render("notify-item", n=n, register_no=event.register_no, activity=event.activity or "-"))
        lines.append(INDENT + render(_code("action", event)))
        if event.detail:
            label = render(_code("detail", event))
            detail = event.detail.splitlines()
            if len(detail) == 1:
                lines.append(f"{INDENT}{label}: {detail[0]}")
            else:
                lines += [f"{INDENT}{label}:", *(INDENT * 2 + line for line in detail)]
        lines.append("")
    lines.append(render("notify-closing"))
    subject = render("notify-subject", register=register, count=len(items))
    return Digest(recipient, items, subject, "\n".join(lines) + "\n", id)


def render(code: str, **params: object) -> str:
    return TEMPLATES[code]["id"].format(**params)


def _code(part: str, event: Event) -> str:
    return f"notify-{part}-{event.kind.value.replace('_', '-')}"


def _registers(items: Iterable[Event]) -> str:
    return ", ".join(dict.fromkeys(e.register for e in items))
