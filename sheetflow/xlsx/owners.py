"""Who else has a register file open: Excel and LibreOffice leave owner files beside it."""

from __future__ import annotations

from pathlib import Path

from ..errors import RegisterLocked


def refuse_if_open(path: Path) -> None:
    """Refuse to write a register someone has open: the last one to save would silently
    undo the other's work. A register named by a symlink may be open under either name."""
    for name in dict.fromkeys((path, path.resolve())):
        _refuse_if_open(name)


def _refuse_if_open(path: Path) -> None:
    # Excel's owner file puts "~$" before the name; Office's Word-style owner files put it
    # over the first two characters instead. Either means someone has the file open.
    for owner in (f"~${path.name}", f"~${path.name[2:]}"):
        if path.with_name(owner).exists():
            who = _by(_excel_owner(path.with_name(owner)))
            raise RegisterLocked(
                f"{path.name} sedang dibuka di Excel{who} (ada berkas {owner}); tutup berkas itu lalu jalankan "
                f"sync lagi, atau hapus {owner} bila Excel sudah tertutup."
            )
    lock = f".~lock.{path.name}#"
    if path.with_name(lock).exists():
        who = _by(_libreoffice_owner(path.with_name(lock)))
        raise RegisterLocked(
            f"{path.name} sedang dibuka di LibreOffice{who} (ada berkas {lock}); tutup berkas itu lalu jalankan "
            f"sync lagi, atau hapus {lock} bila LibreOffice sudah tertutup."
        )


def _by(owner: str | None) -> str:
    return f" oleh {owner}" if owner else ""


def _head(path: Path) -> bytes:
    try:
        with path.open("rb") as stream:
            return stream.read(1024)
    except OSError:
        return b""


def _excel_owner(path: Path) -> str | None:
    """The user name in an Office owner file: a length byte and the name in the Windows
    code page, then (at byte 54 for Word, 55 for Excel) a two-byte length and the name in
    UTF-16; see LibreOffice's msodocumentlockfile.cxx, which writes and reads them."""
    data = _head(path)
    if len(data) < 162 or not 0 < data[0] <= 52:
        return None
    at = 54
    # Word pads the code-page name with zeros up to 54, Excel with spaces up to 55.
    if data[at] == 0x20 and (data[at - 1] or data[at - 2]):
        at = 55
    length = data[at]
    if not 0 < length <= 52 or data[at + 1]:
        return None
    try:
        name = data[at + 2:at + 2 + 2 * length].decode("utf-16-le")
    except UnicodeDecodeError:
        return None
    return _printable(name)


def _libreoffice_owner(path: Path) -> str | None:
    """The person in a LibreOffice lock file: one line of five fields (name from the user
    data, system user, computer, time, profile), comma-separated with backslash escapes,
    ending in a semicolon."""
    fields, field, escaped = [], [], False
    for char in _head(path).decode("utf-8", "replace"):
        if escaped:
            field.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in ",;":
            fields.append("".join(field))
            field = []
            if char == ";":
                break
        else:
            field.append(char)
    if len(fields) != 5:
        return None
    name, user, computer = (_printable(f) for f in fields[:3])
    who = name or user
    if not who:
        return None
    return f"{who} di komputer {computer}" if computer else who


def _printable(text: str) -> str | None:
    """The text if a person could read it in a message: no control characters."""
    text = text.strip()
    return text if text and text.isprintable() else None
