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
            raise RegisterLocked(
                f"{path.name} sedang dibuka di Excel (ada berkas {owner}); tutup berkas itu lalu jalankan "
                f"sync lagi, atau hapus {owner} bila Excel sudah tertutup."
            )
    lock = f".~lock.{path.name}#"
    if path.with_name(lock).exists():
        raise RegisterLocked(
            f"{path.name} sedang dibuka di LibreOffice (ada berkas {lock}); tutup berkas itu lalu jalankan "
            f"sync lagi, atau hapus {lock} bila LibreOffice sudah tertutup."
        )
