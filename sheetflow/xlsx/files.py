"""The register file's identity: what was read, and replacing it with a new version.

A small stand-in: it saves atomically beside the file and keeps the previous version as
``NAME.xlsx.bak``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..errors import RegisterUnwritable


@dataclass(frozen=True)
class Snapshot:
    """The register file as it was read: what the plan was made from."""

    path: Path  # the file to update (symlinks resolved)
    size: int
    mtime_ns: int
    digest: str  # BLAKE2b of the bytes read


def snapshot(path: Path, content: bytes) -> Snapshot:
    status = path.stat()
    return Snapshot(path.resolve(), len(content), status.st_mtime_ns, hashlib.blake2b(content).hexdigest())


def replace(snapshot: Snapshot, write: Callable[[BinaryIO], None]) -> None:
    """Writes a new version through ``write`` into a temporary file beside it, keeps the old
    one as NAME.xlsx.bak, and renames. Raises RegisterUnwritable when it cannot write."""
    path = snapshot.path
    try:
        _replace(path, write)
    except OSError as exc:
        raise RegisterUnwritable(
            f"{path.name} tidak dapat disimpan ({exc.strerror or exc}); periksa ruang disk dan izin tulis folder "
            "itu. Berkas asli tidak berubah."
        ) from None


def _replace(path: Path, write: Callable[[BinaryIO], None]) -> None:
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    temporary = Path(name)
    backup = path.with_name(f"{path.name}.bak")
    try:
        with os.fdopen(fd, "wb") as stream:
            write(stream)
            stream.flush()
            os.fsync(stream.fileno())
        # mkstemp makes the file private; the register keeps the mode people gave it.
        shutil.copymode(path, temporary)
        _back_up(path, backup)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _back_up(path: Path, backup: Path) -> None:
    """The previous version, complete or not at all: copied beside it under a temporary name
    and renamed, so a disk that fills up mid-copy leaves the older backup, never half of one."""
    fd, name = tempfile.mkstemp(prefix=f".{backup.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    partial = Path(name)
    try:
        shutil.copy2(path, partial)
        os.replace(partial, backup)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
