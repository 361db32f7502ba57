"""Replacing a register file with a new version while it stays the file it was.

A register is a file people share: it has an owner, a group and a mode that let staff
open it, perhaps a symlink that names it, and people who save it while a sync runs. A
new version is written to a temporary file beside the register, given the original's
owner, group, mode and extended attributes (ACLs live there), checked against what sync
read, and renamed over it; the old version is kept as ``NAME.xlsx.bak``.

When the process may not give the temporary file the original's owner (a service account
writing a file staff own), the new version is copied into the register in place instead,
under sync's lock, after the ``.bak`` is complete: the file keeps its owner, group, mode
and inode, and a crash in the middle of that copy leaves the ``.bak`` to restore from.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from ..errors import RegisterChanged, RegisterUnwritable
from ..memo import file_digest

POSIX = os.name == "posix"


@dataclass(frozen=True)
class Snapshot:
    """The register file as it was read: what the plan was made from."""

    path: Path  # the file to update (symlinks resolved)
    size: int
    mtime_ns: int
    digest: str  # BLAKE2b of the bytes read


def snapshot(path: Path, content: bytes) -> Snapshot:
    """The file ``content`` was read from. Its status is taken after the read: a save in
    between gives a status that does not match the digest, which ``replace`` refuses."""
    target = path.resolve()
    status = target.stat()
    return Snapshot(target, status.st_size, status.st_mtime_ns, file_digest(content))


def replace(snapshot: Snapshot, write: Callable[[BinaryIO], None]) -> None:
    """Writes a new version through ``write`` into a temporary file beside it, with the
    original's owner, group and mode; checks the file on disk is still ``snapshot``;
    keeps the old one as NAME.xlsx.bak; renames. Raises RegisterChanged (exit 75) when the
    file changed since it was read, RegisterUnwritable when it cannot write."""
    path = snapshot.path
    try:
        _refuse_what_cannot_be_kept(path, _status(snapshot))
        _replace(snapshot, write)
    except OSError as exc:
        raise RegisterUnwritable(
            f"{path.name} tidak dapat disimpan ({exc.strerror or exc}); periksa ruang disk dan izin tulis folder "
            "itu. Berkas asli tidak berubah."
        ) from exc


def _status(snapshot: Snapshot) -> os.stat_result:
    """The file's status, when it has not visibly changed since the read: checked before
    the new version is made, so that work is not spent on a plan already out of date."""
    try:
        status = snapshot.path.stat()
    except FileNotFoundError:
        raise RegisterChanged(snapshot.path.name) from None
    if (status.st_size, status.st_mtime_ns) != (snapshot.size, snapshot.mtime_ns):
        raise RegisterChanged(snapshot.path.name)
    return status


def _refuse_what_cannot_be_kept(path: Path, status: os.stat_result) -> None:
    if status.st_nlink > 1:
        # Either way would be wrong for one of the names: a rename leaves the other names on
        # the old content, and writing in place changes a copy kept with hard links (a
        # backup made with cp -al or rsnapshot) that must not change.
        raise RegisterUnwritable(
            f"{path.name} punya {status.st_nlink} nama di disk (hard link), jadi sync tidak tahu nama mana yang "
            "harus diperbarui; tidak ada yang ditulis. Jadikan register satu berkas biasa (salin lalu hapus nama "
            "lainnya, atau pakai symlink), lalu jalankan sync lagi."
        )
    if not status.st_mode & 0o222 or not os.access(path, os.W_OK):
        # Someone closed the file to writing (an archived register, a finished year):
        # the folder may still allow a rename, which would overwrite it anyway.
        raise RegisterUnwritable(
            f"{path.name} hanya dapat dibaca (read-only) bagi akun yang menjalankan sync; tidak ada yang ditulis. "
            "Bila register ini masih dipakai, beri izin tulis (misalnya chmod 660) lalu jalankan sync lagi."
        )


def _replace(snapshot: Snapshot, write: Callable[[BinaryIO], None]) -> None:
    path = snapshot.path
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    temporary = Path(name)
    try:
        with os.fdopen(fd, "w+b") as stream:
            write(stream)
            stream.flush()
            status, old = _verified(snapshot)
            kept = _keep_identity(stream.fileno(), status, path)
            os.fsync(stream.fileno())
            _keep_backup(path, old, status)
            _unchanged_since(path, status)
            if kept:
                os.replace(temporary, path)
            else:
                stream.seek(0)
                _copy_in_place(stream, path, status)
        _sync_folder(path.parent)
    finally:
        temporary.unlink(missing_ok=True)


def _verified(snapshot: Snapshot) -> tuple[os.stat_result, bytes]:
    """The file's status and bytes, when they are still what was read."""
    try:
        with snapshot.path.open("rb") as stream:
            status = os.fstat(stream.fileno())
            if (status.st_size, status.st_mtime_ns) == (snapshot.size, snapshot.mtime_ns):
                content = stream.read()
                if file_digest(content) == snapshot.digest:
                    return status, content
    except FileNotFoundError:
        pass
    raise RegisterChanged(snapshot.path.name)


def _unchanged_since(path: Path, status: os.stat_result) -> None:
    """The last look before the rename: the same file, not written since it was verified."""
    try:
        now = path.stat()
    except FileNotFoundError:
        raise RegisterChanged(path.name) from None
    if _identity(now) != _identity(status):
        raise RegisterChanged(path.name)


def _identity(status: os.stat_result) -> tuple[int, ...]:
    return status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns


def _keep_identity(fd: int, status: os.stat_result, path: Path) -> bool:
    """Gives the open file the original's owner, group, mode and extended attributes;
    False when the process may not (the new version must then go in place)."""
    if not POSIX:
        return True  # Windows keeps no owner or mode to carry over in this sense
    try:
        os.fchown(fd, status.st_uid, status.st_gid)
        os.fchmod(fd, stat.S_IMODE(status.st_mode))
    except PermissionError:
        return False
    now = os.fstat(fd)
    # Some shared filesystems accept a chown and ignore it.
    return (now.st_uid, now.st_gid, stat.S_IMODE(now.st_mode)) == (
        status.st_uid, status.st_gid, stat.S_IMODE(status.st_mode)) and _copy_attributes(path, fd)


def _copy_attributes(path: Path, fd: int) -> bool:
    """Gives the open file the original's extended attributes (POSIX ACLs, Samba's NT
    ACLs); False when one cannot be read or set. One the new file already has alike (an
    SELinux label its folder gave it) is not set again."""
    try:
        names = os.listxattr(path)
    except OSError:
        return True  # a filesystem without extended attributes
    for name in names:
        try:
            value = os.getxattr(path, name)
            if _attribute(fd, name) != value:
                os.setxattr(fd, name, value)
        except OSError:
            return False
    return True


def _attribute(fd: int, name: str) -> bytes | None:
    try:
        return os.getxattr(fd, name)
    except OSError:
        return None


def _keep_backup(path: Path, content: bytes, status: os.stat_result) -> None:
    """``NAME.xlsx.bak`` holds the version being replaced, complete or not at all: it is
    written beside it and renamed, like the register."""
    backup = path.with_name(f"{path.name}.bak")
    fd, name = tempfile.mkstemp(prefix=f".{backup.name}.", suffix=".tmp", dir=path.parent)
    temporary = Path(name)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(content)
            stream.flush()
            if POSIX:
                # The backup is as private as the register, and staff's where allowed.
                _give_owner(stream.fileno(), status)
                os.fchmod(stream.fileno(), stat.S_IMODE(status.st_mode))
            os.fsync(stream.fileno())
        os.replace(temporary, backup)
        _sync_folder(path.parent)
    finally:
        temporary.unlink(missing_ok=True)


def _give_owner(fd: int, status: os.stat_result) -> None:
    """The original's owner and group, or its group alone (a member may give that)."""
    try:
        os.fchown(fd, status.st_uid, status.st_gid)
    except PermissionError:
        with contextlib.suppress(PermissionError):
            os.fchown(fd, -1, status.st_gid)


def _copy_in_place(source: BinaryIO, path: Path, status: os.stat_result) -> None:
    with path.open("r+b") as target:
        if _identity(os.fstat(target.fileno())) != _identity(status):
            raise RegisterChanged(path.name)
        shutil.copyfileobj(source, target)
        target.truncate()
        target.flush()
        os.fsync(target.fileno())


def _sync_folder(folder: Path) -> None:
    """Makes the renames durable: a rename lives in the folder, not in the file."""
    if not POSIX:
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
