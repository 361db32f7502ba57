"""A synced register stays the file it was: owner, group, mode, its symlink, its backup,
and nobody's save is overwritten by a plan made for other bytes."""

from __future__ import annotations

import errno
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from files import new_register, read_rows, type_rows
from support import DAY_H, approved, handed_over, submission

from sheetflow import api
from sheetflow.cli import cli
from sheetflow.errors import RegisterChanged, RegisterLocked, RegisterUnwritable
from sheetflow.xlsx import backend
from sheetflow.xlsx import files as xlsx_files

NOW = ["--now", "2024-07-03T10:00"]
# Staff and the service account on a shared machine; the suite runs as root in CI.
STAFF, SERVICE = 1000, 1001
as_root = pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                             reason="giving a file to another user needs root (CI runs as root)")
posix = pytest.mark.skipif(os.name != "posix", reason="owners, modes and links are POSIX")


def _register(folder: Path) -> Path:
    return new_register(folder, handed_over(), approved(), submission())


def _sync(path: Path) -> int:
    result = CliRunner().invoke(cli, ["sync", "--quiet", str(path), *NOW])
    return result.exit_code


def _identity(path: Path) -> tuple[int, int, int]:
    status = path.stat()
    return status.st_uid, status.st_gid, stat.S_IMODE(status.st_mode)


def _synced_copy(path: Path, folder: Path) -> list[dict]:
    """The rows the register has after a sync nobody disturbed."""
    folder.mkdir()
    control = Path(shutil.copy(path, folder / path.name))
    assert _sync(control) == 0
    return read_rows(control)


# ---------------------------------------------------------------- owner, group, mode

@posix
@as_root
def test_a_register_staff_own_keeps_its_owner_group_and_mode(tmp_path):
    path = _register(tmp_path)
    os.chown(path, STAFF, STAFF)
    path.chmod(0o660)

    assert (_sync(path), _identity(path)) == (0, (STAFF, STAFF, 0o660))


@posix
@as_root
def test_the_backup_has_the_registers_owner_group_and_mode(tmp_path):
    path = _register(tmp_path)
    os.chown(path, STAFF, STAFF)
    path.chmod(0o640)

    _sync(path)

    assert _identity(path.with_name(path.name + ".bak")) == (STAFF, STAFF, 0o640)


@posix
def test_a_register_sync_may_not_give_away_is_written_in_place(tmp_path, monkeypatch):
    path = _register(tmp_path)
    expected = _synced_copy(path, tmp_path / "control")
    before = path.read_bytes()
    inode = path.stat().st_ino

    def not_permitted(*args: object) -> None:
        raise PermissionError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(xlsx_files.os, "fchown", not_permitted)
    api.sync_register(path, now=DAY_H)

    assert (path.stat().st_ino, read_rows(path), path.with_name(path.name + ".bak").read_bytes()) == (
        inode, expected, before)


def _as(uid: int, groups: list[int], action: Callable[[], int]) -> int:
    """Runs ``action`` in a child process that is user ``uid`` in ``groups``: forked, not
    started anew, so it needs none of the files only root may read (the interpreter)."""
    pid = os.fork()
    if pid == 0:
        code = 70
        try:
            os.setgroups(groups)
            os.setgid(uid)
            os.setuid(uid)
            code = action()
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A folder staff own and the service account may write through their group: outside
    pytest's own folders, which only root may enter."""
    folder = Path(tempfile.mkdtemp(prefix="sheetflow-shared-"))
    folder.chmod(0o755)
    inner = folder / "bersama"
    inner.mkdir()
    os.chown(inner, STAFF, STAFF)
    inner.chmod(0o770)
    yield inner
    shutil.rmtree(folder)


@pytest.fixture
def synced_by_the_service(shared_folder, monkeypatch) -> tuple[Path, int, list[dict]]:
    """A register staff own (660), synced by a service account in the staff group: the
    register, its inode before, and the rows an undisturbed sync gives."""
    path = _register(shared_folder)
    expected = _synced_copy(path, shared_folder / "control")  # also loads what a sync imports
    os.chown(path, STAFF, STAFF)
    path.chmod(0o660)
    inode = path.stat().st_ino
    monkeypatch.setenv("SHEETFLOW_CACHE", str(shared_folder / "cache"))
    assert _as(SERVICE, [STAFF], lambda: _sync(path)) == 0
    return path, inode, expected


@posix
@as_root
def test_a_service_account_in_the_staff_group_writes_in_place_keeping_the_staff_owner(synced_by_the_service):
    path, inode, expected = synced_by_the_service
    assert (_identity(path), path.stat().st_ino, read_rows(path)) == ((STAFF, STAFF, 0o660), inode, expected)


@posix
@as_root
def test_a_service_accounts_backup_keeps_the_staff_group_and_mode(synced_by_the_service):
    path, _, _ = synced_by_the_service
    assert _identity(path.with_name(path.name + ".bak")) == (SERVICE, STAFF, 0o660)


@posix
def test_extended_attributes_are_kept(tmp_path):
    path = _register(tmp_path)
    try:
        os.setxattr(path, "user.arsip", b"SOP 010/2024")
    except OSError:
        pytest.skip("this filesystem keeps no extended attributes")

    _sync(path)

    assert os.getxattr(path, "user.arsip") == b"SOP 010/2024"


# ---------------------------------------------------------------- symlinks

@pytest.fixture
def linked(tmp_path) -> tuple[Path, Path]:
    """A register in an archive folder, named by a symlink in the folder sync is given."""
    (tmp_path / "arsip").mkdir()
    (tmp_path / "kerja").mkdir()
    target = _register(tmp_path / "arsip")
    link = tmp_path / "kerja" / "register.xlsx"
    link.symlink_to(target)
    return link, target


@posix
def test_a_symlinked_register_updates_its_target_and_stays_a_link(linked, tmp_path):
    link, target = linked
    expected = _synced_copy(target, tmp_path / "control")

    assert _sync(link) == 0
    assert (link.is_symlink(), link.resolve(), read_rows(target)) == (True, target, expected)


@posix
def test_a_symlinked_registers_backup_is_beside_its_target(linked):
    link, target = linked
    before = target.read_bytes()

    _sync(link)

    assert (target.with_name(target.name + ".bak").read_bytes(), link.with_name(link.name + ".bak").exists()) == (
        before, False)


@posix
@pytest.mark.parametrize("owner", [".~lock.register.xlsx#", "~$register.xlsx"], ids=["libreoffice", "excel"])
def test_a_symlinked_register_open_under_its_real_name_is_refused(linked, owner):
    link, target = linked
    before = target.read_bytes()
    target.with_name(owner).write_bytes(b"someone")

    with pytest.raises(RegisterLocked):
        api.sync_register(link, now=DAY_H)
    assert target.read_bytes() == before


@posix
def test_a_sync_through_a_symlink_and_one_by_the_real_name_share_the_lock(linked):
    link, target = linked
    with backend.open_workbook(target, write=True), pytest.raises(RegisterLocked, match="sync lain"):
        api.sync_register(link, now=DAY_H)


# ---------------------------------------------------------------- refused files

@posix
def test_a_register_with_a_hard_link_is_refused_and_both_names_untouched(tmp_path):
    path = _register(tmp_path)
    other = tmp_path / "salinan.xlsx"
    os.link(path, other)
    before = path.read_bytes()

    with pytest.raises(RegisterUnwritable, match=r"punya 2 nama di disk \(hard link\)"):
        api.sync_register(path, now=DAY_H)
    assert (path.read_bytes(), other.read_bytes(), other.stat().st_nlink) == (before, before, 2)


@posix
def test_a_read_only_register_is_refused_and_untouched(tmp_path):
    path = _register(tmp_path)
    path.chmod(0o444)
    before = path.read_bytes()

    result = CliRunner().invoke(cli, ["sync", str(path), *NOW])

    assert "hanya dapat dibaca (read-only)" in result.output
    assert (result.exit_code, path.read_bytes(), path.with_name(path.name + ".bak").exists()) == (3, before, False)


@posix
def test_a_read_only_register_that_needs_no_change_syncs_without_writing(tmp_path):
    path = _register(tmp_path)
    api.sync_register(path, now=DAY_H)
    path.chmod(0o444)
    before = path.read_bytes()

    assert (_sync(path), path.read_bytes()) == (0, before)


# ---------------------------------------------------------------- someone saves during a sync

def _new_submission(path: Path, folder: Path) -> bytes:
    """The register as someone else saves it: the same rows and one more typed below."""
    folder.mkdir()
    saved = Path(shutil.copy(path, folder / path.name))
    type_rows(saved, [submission(activity_name="Posyandu Kalurahan Bedoyo")], first=5)
    return saved.read_bytes()


def _renamed_over(path: Path, content: bytes) -> None:
    # LibreOffice and Excel save to a new file and rename it over the old one.
    fresh = path.with_name("~saved.tmp")
    fresh.write_bytes(content)
    os.replace(fresh, path)


def _written_in_place(path: Path, content: bytes) -> None:
    # A sync client (Drive, OneDrive) may rewrite the same file.
    with path.open("r+b") as stream:
        stream.write(content)
        stream.truncate()


SAVES = {"renamed-over": _renamed_over, "written-in-place": _written_in_place}


def _after(function: Callable, action: Callable[[], None]) -> Callable:
    def wrapped(*args: object, **kwargs: object) -> object:
        result = function(*args, **kwargs)
        action()
        return result

    return wrapped


def _while_writing(monkeypatch: pytest.MonkeyPatch, action: Callable[[], None]) -> None:
    """The other save lands once the new version is written, before it is checked."""
    replace = xlsx_files.replace
    monkeypatch.setattr(xlsx_files, "replace", lambda snapshot, write: replace(snapshot, _after(write, action)))


def _ending(owner: object, name: str) -> Callable[[pytest.MonkeyPatch, Callable[[], None]], None]:
    """The other save lands when ``owner.name`` returns."""
    return lambda monkeypatch, action: monkeypatch.setattr(owner, name, _after(getattr(owner, name), action))


# Each stage of a sync, and how to make another save land at its end.
STAGES = {
    "after-the-read": _ending(backend.XlsxRegister, "read"),
    "during-planning": _ending(api, "plan"),
    "while-writing": _while_writing,
    "just-before-the-rename": _ending(xlsx_files, "_keep_backup"),
}


@pytest.mark.parametrize("save", sorted(SAVES))
@pytest.mark.parametrize("stage", list(STAGES))
def test_a_register_saved_during_a_sync_is_left_as_saved_and_synced_next_time(tmp_path, monkeypatch, stage, save):
    path = _register(tmp_path)
    saved = _new_submission(path, tmp_path / "saved")
    once = iter([lambda: SAVES[save](path, saved)])
    STAGES[stage](monkeypatch, lambda: next(once, lambda: None)())

    result = CliRunner().invoke(cli, ["sync", str(path), *NOW])
    monkeypatch.undo()

    assert (result.exit_code, "berubah selama sync berjalan" in result.output, path.read_bytes()) == (
        75, True, saved)
    expected = _synced_copy(path, tmp_path / "control")
    assert (_sync(path), read_rows(path)) == (0, expected)


def test_a_changed_register_leaves_no_temporary_file(tmp_path, monkeypatch):
    path = _register(tmp_path)
    saved = _new_submission(path, tmp_path / "saved")
    monkeypatch.setattr(api, "plan", _after(api.plan, lambda: _renamed_over(path, saved)))

    with pytest.raises(RegisterChanged):
        api.sync_register(path, now=DAY_H)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")) == []


# ---------------------------------------------------------------- the backup

def _fail_syncing(part: str) -> Callable[[int], None]:
    """fsync that fails (a full disk) for a file whose name contains ``part``."""
    real = os.fsync

    def fsync(fd: int) -> None:
        if part in os.readlink(f"/proc/self/fd/{fd}"):
            raise OSError(errno.ENOSPC, "No space left on device")
        real(fd)

    return fsync


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="names an open file through /proc")
def test_a_backup_that_cannot_be_written_leaves_the_previous_backup_whole(tmp_path, monkeypatch):
    path = _register(tmp_path)
    backup = path.with_name(path.name + ".bak")
    backup.write_bytes(b"the previous backup")
    before = path.read_bytes()
    monkeypatch.setattr(xlsx_files.os, "fsync", _fail_syncing(".bak."))

    with pytest.raises(RegisterUnwritable, match="tidak dapat disimpan"):
        api.sync_register(path, now=DAY_H)
    assert (backup.read_bytes(), path.read_bytes(), sorted(tmp_path.glob(".*.tmp"))) == (
        b"the previous backup", before, [])


def test_a_refused_rename_leaves_the_register_and_a_complete_backup(tmp_path, monkeypatch):
    path = _register(tmp_path)
    before = path.read_bytes()
    real = os.replace

    def refuse_the_register(source: object, destination: object) -> None:
        if Path(destination) == path:
            raise PermissionError(errno.EACCES, "Permission denied")
        real(source, destination)

    monkeypatch.setattr(xlsx_files.os, "replace", refuse_the_register)

    with pytest.raises(RegisterUnwritable):
        api.sync_register(path, now=DAY_H)
    assert (path.read_bytes(), path.with_name(path.name + ".bak").read_bytes()) == (before, before)
