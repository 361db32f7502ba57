"""Faults: a sync killed at random moments, eight syncs at once, a full disk or a folder
that cannot be written during the save, Google failing at every request or while
people move rows, and a clock set back. The register stays as it was or fully synced, never half; nothing a
person typed is lost or lands in another row; the next run converges."""

from __future__ import annotations

import errno
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import figures
import openpyxl
import pytest
from click.testing import CliRunner
from files import new_register, read_rows
from python_calamine import CalamineWorkbook
from riwayat import snapshot
from support import DAY_H, WORKFLOW, approved, handed_over, rejected, reviewed, submission

from sheetflow import api
from sheetflow.cli import cli
from sheetflow.errors import ClockBehind, SheetflowError
from sheetflow.history_headers import HISTORY_HEADERS
from sheetflow.xlsx import files
from sheetflow.xlsx.package import PackageWriter

SHEETS = (WORKFLOW.sheets.register_, WORKFLOW.sheets.history, WORKFLOW.sheets.recap)
NOW = "2024-07-03T10:00"
CLEARABLE = {"handover"} | {c.key for c in WORKFLOW.columns if c.group and c.group.value == "review"}
KEPT = [c.key for c in WORKFLOW.columns if c.filled_by != "system" and c.key not in CLEARABLE]
KINDS = (submission, handed_over, lambda **kw: handed_over(caption="x" * 230, **kw), reviewed, rejected, approved)


def mixed_rows(count: int) -> list[dict[str, Any]]:
    return [KINDS[i % len(KINDS)](activity_name=f"Kegiatan {i:04d}") for i in range(count)]


def sheetflow_command(path: Path, *options: str) -> list[str]:
    return [sys.executable, "-m", "sheetflow", "sync", str(path), "--now", NOW, *options]


def values(path: Path) -> dict[str, list[list[Any]]]:
    """Every sheet sync writes, as calamine reads it (it raises on a damaged file)."""
    book = CalamineWorkbook.from_path(str(path))
    return {name: book.get_sheet_by_name(name).to_python() for name in SHEETS if name in book.sheet_names}


def opens_in_openpyxl(path: Path) -> bool:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return all(sum(1 for _ in book[name].iter_rows(values_only=True)) >= 0 for name in book.sheetnames)
    finally:
        book.close()


def kept_cells(path: Path) -> list[dict[str, Any]]:
    return [{k: row.get(k) for k in KEPT} for row in read_rows(path)]


# ---------------------------------------------------------------- kill -9
TRIALS = 100
KILL_ROWS = 300


@pytest.mark.slow
def test_a_sync_killed_at_any_moment_leaves_the_register_before_or_after_and_the_next_run_converges(tmp_path):
    original = new_register(tmp_path, *mixed_rows(KILL_ROWS), name="asli.xlsx")
    reference = shutil.copy(original, tmp_path / "acuan.xlsx")
    started = time.monotonic()
    subprocess.run(sheetflow_command(Path(reference), "--quiet"), check=True)
    duration = time.monotonic() - started
    before, after, kept = values(original), values(Path(reference)), kept_cells(original)
    assert kept_cells(Path(reference)) == kept  # so a state equal to either keeps every staff cell
    rng = random.Random(20240703)
    outcome: Counter[str] = Counter()
    failures = []
    for trial in range(TRIALS):
        folder = tmp_path / f"percobaan-{trial:03d}"
        folder.mkdir()
        path = Path(shutil.copy(original, folder / "register.xlsx"))
        # Half the kills fall anywhere in the run, half in its last quarter, where it saves.
        delay = rng.uniform(0, duration) if trial % 2 else rng.uniform(duration * 0.75, duration)
        process = subprocess.Popen(sheetflow_command(path, "--quiet"), stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        outcome["temporary files left"] += len(list(folder.glob(".register.xlsx.*.tmp")))
        try:
            state = values(path)
            readable = opens_in_openpyxl(path)
        except Exception as exc:  # a file neither reader opens is the loss this test is for
            failures.append(f"trial {trial}: unreadable ({exc!r})")
            outcome["lost"] += 1
            continue
        if not readable or state not in (before, after):
            lost = kept_cells(path) != kept
            failures.append(f"trial {trial}: {'staff cells changed' if lost else 'half-synced'}")
            outcome["lost" if lost else "misplaced"] += 1
            continue
        outcome["before" if state == before else "after"] += 1
        # A state equal to the original's bytes behaves as the original: resync a sample of those.
        if path.read_bytes() != original.read_bytes() or trial % 20 == 0:
            api.sync_register(path, now=DAY_H)  # the stale lock file must not block it
            if values(path) != after:
                failures.append(f"trial {trial}: next run did not converge")
                outcome["misplaced"] += 1
                continue
        outcome["survived"] += 1
    figures.record("faults", tried=TRIALS, faults=TRIALS, survived=outcome["survived"], lost=outcome["lost"],
                   misplaced=outcome["misplaced"],
                   note=(f"kill -9 of a {KILL_ROWS}-row sync ({duration:.1f} s): {outcome['before']} before, "
                         f"{outcome['after']} after; {outcome['temporary files left']} temporary files left"))
    assert failures == []


HOLD = """
import sys, time
from filelock import FileLock
FileLock(sys.argv[1]).acquire()
print("held", flush=True)
time.sleep(120)
"""


def test_a_lock_left_by_a_killed_sync_does_not_block_the_next(tmp_path):
    path = new_register(tmp_path, *mixed_rows(6))
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(path.with_name(f".{path.name}.sheetflow-lock"))],
                              stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    holder.stdout.close()
    assert api.sync_register(path, now=DAY_H).applied


# ---------------------------------------------------------------- eight at once
def run_at_once(path: Path, count: int, *options: str) -> list[tuple[int, str, str]]:
    """``count`` syncs of ``path`` started together: (exit code, stdout, stderr) of each."""
    folder = path.parent / "keluaran"
    folder.mkdir()
    outputs = [(folder / f"{i}.out", folder / f"{i}.err") for i in range(count)]
    streams = [(out.open("w"), err.open("w")) for out, err in outputs]
    processes = [subprocess.Popen(sheetflow_command(path, *options), stdout=out, stderr=err) for out, err in streams]
    codes = [p.wait(timeout=120) for p in processes]
    for out, err in streams:
        out.close()
        err.close()
    return [(code, out.read_text(), err.read_text()) for code, (out, err) in zip(codes, outputs, strict=True)]


def test_eight_syncs_at_once_apply_exactly_once(tmp_path):
    path = new_register(tmp_path, *mixed_rows(60))
    results = run_at_once(path, 8, "--json")
    applied = [json.loads(out)["applied"] for code, out, _ in results if code == 0]
    busy = [err for code, _, err in results if code == 75]
    figures.record("faults", tried=8, faults=7, survived=len(busy) + applied.count(False),
                   note=f"8 concurrent syncs: {applied.count(True)} applied, {len(busy)} busy, "
                        f"{applied.count(False)} found nothing to do")
    assert (applied.count(True), len(applied) + len(busy)) == (1, 8)


def test_eight_syncs_at_once_say_busy_in_one_indonesian_sentence(tmp_path):
    path = new_register(tmp_path, *mixed_rows(60))
    busy = [err.strip() for code, _, err in run_at_once(path, 8, "--quiet") if code == 75]
    assert {(len(err.splitlines()), "sedang diproses oleh sync lain" in err) for err in busy} <= {(1, True)}


def test_a_sync_refused_as_busy_says_so_in_one_indonesian_sentence(tmp_path):
    path = new_register(tmp_path, *mixed_rows(60))
    from filelock import FileLock

    with FileLock(path.with_name(f".{path.name}.sheetflow-lock")):
        result = subprocess.run(sheetflow_command(path), capture_output=True, text=True)
    lines = result.stderr.strip().splitlines()
    assert (result.returncode, len(lines), "sedang diproses oleh sync lain" in result.stderr) == (75, 1, True)


def test_eight_syncs_at_once_leave_no_duplicate_riwayat_entry(tmp_path):
    path = new_register(tmp_path, *mixed_rows(60))
    run_at_once(path, 8, "--quiet")
    rows = openpyxl.load_workbook(path)[WORKFLOW.sheets.history].iter_rows(min_row=2, values_only=True)
    number, code = HISTORY_HEADERS.index("No. Register"), HISTORY_HEADERS.index("Kode")
    counted = Counter((row[number], row[code]) for row in rows if row[number])
    assert [key for key, n in counted.items() if n > 1] == []


# ---------------------------------------------------------------- disk full, read-only folder
def _disk_full(self: PackageWriter, data: bytes) -> None:
    self._stream.write(data[: len(data) // 2])
    raise OSError(errno.ENOSPC, "No space left on device")


def _read_only_folder(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    if os.geteuid() != 0:
        folder.chmod(0o555)
        return

    # root writes into a read-only folder anyway: refuse the temporary file as the OS would.
    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(folder))

    monkeypatch.setattr(files.tempfile, "mkstemp", refuse)


def _rename_refused(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    # What Windows answers while another program holds the register, and Unix in a sticky folder.
    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(folder))

    monkeypatch.setattr(files.os, "replace", refuse)


FAILURES = {
    "disk-full": lambda monkeypatch, folder: monkeypatch.setattr(PackageWriter, "_write", _disk_full),
    "read-only-folder": _read_only_folder,
    "rename-refused": _rename_refused,
}


@pytest.fixture
def failing_save(tmp_path, monkeypatch, request):
    path = new_register(tmp_path, *mixed_rows(12))
    FAILURES[request.param](monkeypatch, tmp_path)
    yield path
    tmp_path.chmod(0o755)


@pytest.mark.parametrize("failing_save", sorted(FAILURES), indirect=True)
def test_a_failed_save_leaves_the_original_intact(failing_save):
    before = failing_save.read_bytes()
    with pytest.raises((OSError, SheetflowError)):
        api.sync_register(failing_save, now=DAY_H)
    figures.record("faults", tried=1, faults=1, survived=int(failing_save.read_bytes() == before),
                   lost=int(failing_save.read_bytes() != before))
    assert failing_save.read_bytes() == before


@pytest.mark.parametrize("failing_save", sorted(FAILURES), indirect=True)
def test_a_failed_save_leaves_no_temporary_file(failing_save):
    with pytest.raises((OSError, SheetflowError)):
        api.sync_register(failing_save, now=DAY_H)
    assert sorted(p.name for p in failing_save.parent.iterdir() if p.name.endswith(".tmp")) == []


@pytest.mark.parametrize("failing_save", sorted(FAILURES), indirect=True)
def test_a_failed_save_is_one_clear_sentence_and_exit_3(failing_save):
    result = CliRunner().invoke(cli, ["sync", str(failing_save), "--now", NOW])
    assert (result.exit_code, len(result.output.strip().splitlines())) == (3, 1)


# ---------------------------------------------------------------- Google: faults at every request
MIXED = (submission(activity_name="Alpha"), handed_over(activity_name="Bravo", caption="x" * 230),
         reviewed(activity_name="Charlie"), rejected(activity_name="Delta"), approved(activity_name="Echo"),
         approved(activity_name="Foxtrot", upload_links="https://www.instagram.com/p/abc/"))


def grids(emulator: Any, spreadsheet_id: str) -> dict[str, list[list[Any]]]:
    return {name: emulator.grid(spreadsheet_id, name) for name in SHEETS[:2]}


@pytest.fixture
def calm(google_register):
    """The grids of an undisturbed sync of MIXED."""
    register = google_register(*MIXED)
    register.sync()
    return grids(register.emulator, register.spreadsheet_id)


# (status, kind, at, after_commit): the positions tests/test_google.py leaves out.
POSITIONS = [
    (500, "token", 0, False), (500, "read", 0, False), (500, "read", 1, False), (500, "write", 0, False),
    (503, "read", 0, False), (503, "write", 0, False), (503, "write", None, True), (429, "write", None, True),
]


@pytest.mark.parametrize(("status", "kind", "at", "after_commit"), POSITIONS,
                         ids=[f"{s}-{k}-{'commit' if c else a}" for s, k, a, c in POSITIONS])
def test_a_google_failure_at_any_request_converges_to_the_undisturbed_result(
    google_register, emulator, calm, status, kind, at, after_commit
):
    register = google_register(*MIXED)
    emulator.fail(status, kind=kind, at=at, after_commit=after_commit)
    register.sync()
    same = grids(emulator, register.spreadsheet_id) == calm
    figures.record("faults", tried=1, faults=1, survived=int(same), misplaced=int(not same))
    assert grids(emulator, register.spreadsheet_id) == calm


def by_name(register: Any) -> dict[str, dict[str, Any]]:
    """Each row by its activity name, without its number: a retry after people sorted the sheet
    may number new rows in their new order, which is right."""
    return {row["activity_name"]: {k: v for k, v in row.items() if k != "register_no"} for row in register.rows()}


def stories(register: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Each row's Riwayat entries (from, to, code), found through the row's own number."""
    code = HISTORY_HEADERS.index("Kode")
    numbers = {row["register_no"]: row["activity_name"] for row in register.rows()}
    told: dict[str, list[tuple[Any, ...]]] = {name: [] for name in numbers.values()}
    for row in register.history_rows():
        told.setdefault(numbers.get(row[1], f"(no row) {row[1]}"), []).append((row[2], row[3], row[code]))
    return told


MOVES = ["sort", "insert", "delete"]



def combined() -> list[Any]:
    """A write failing after it landed, and one refused before it landed."""
    return [pytest.param(500, True, id="500-after-commit"),
            pytest.param(429, False, id="429-at-write")]


def move_before_the_write(emulator: Any, register: Any, move: str) -> None:
    sheet = WORKFLOW.sheets.register_
    name = [c.key for c in WORKFLOW.columns].index("activity_name")
    action = {
        "sort": lambda: emulator.sort_rows(register.spreadsheet_id, sheet, name, descending=True),
        "insert": lambda: emulator.insert_rows(register.spreadsheet_id, sheet, 2),
        "delete": lambda: emulator.delete_rows(register.spreadsheet_id, sheet, 3),
    }[move]

    def hook(record: dict[str, Any], emu: Any) -> None:
        if record["kind"] == "write" and not getattr(hook, "done", False):
            hook.done = True
            action()

    emulator.on_request(hook)


def calm_and_moved(google_register: Any, emulator: Any, move: str, status: int, after_commit: bool):
    """An undisturbed register, and the same register synced while a row moved and the write failed."""
    calm_register = google_register(*MIXED)
    calm_register.sync()
    register = google_register(*MIXED)
    move_before_the_write(emulator, register, move)
    emulator.fail(status, kind="write", at=None if after_commit else 0, after_commit=after_commit)
    register.sync()
    emulator.clear_hooks()
    return calm_register, register


def without_deleted(table: dict[str, Any], move: str) -> dict[str, Any]:
    # The delete takes row 3 (Bravo) away before sync writes: its story ends where it was.
    return {k: v for k, v in table.items() if move != "delete" or k != "Bravo"}


@pytest.mark.parametrize("move", MOVES)
@pytest.mark.parametrize(("status", "after_commit"), combined())
def test_rows_moved_during_a_failing_write_end_in_their_own_rows(google_register, emulator, move, status,
                                                                  after_commit):
    calm_register, register = calm_and_moved(google_register, emulator, move, status, after_commit)
    expected = without_deleted(by_name(calm_register), move)
    misplaced = sum(1 for k, v in by_name(register).items() if expected.get(k) != v)
    figures.record("faults", tried=1, faults=2, survived=int(not misplaced), misplaced=misplaced)
    assert by_name(register) == expected


DELETED_ROW_LOGGED = pytest.mark.xfail(strict=True, reason=(
    "known limitation: a row deleted between sync's read and a write that lands keeps the history entries "
    "that write appended for it (Riwayat is append-only); its cells are repaired, the history is not"))


@pytest.mark.parametrize(("move", "status", "after_commit"), [
    pytest.param(move, status, after, id=f"{'500-after-commit' if after else '429-at-write'}-{move}",
                 marks=[DELETED_ROW_LOGGED] if move == "delete" and after else [])
    for move in MOVES for status, after in ((500, True), (429, False))
])
def test_rows_moved_during_a_failing_write_keep_the_history_of_an_undisturbed_run(google_register, emulator,
                                                                                  move, status, after_commit):
    calm_register, register = calm_and_moved(google_register, emulator, move, status, after_commit)
    assert without_deleted(stories(register), move) == without_deleted(stories(calm_register), move)


@pytest.mark.parametrize("move", MOVES)
@pytest.mark.parametrize(("status", "after_commit"), combined())
def test_after_rows_moved_during_a_failing_write_the_next_run_changes_nothing(google_register, emulator, move,
                                                                              status, after_commit):
    _, register = calm_and_moved(google_register, emulator, move, status, after_commit)
    assert not register.sync().changed


# ---------------------------------------------------------------- a clock set back
@pytest.mark.parametrize("behind", [timedelta(days=30), timedelta(seconds=1)], ids=["a-month", "a-second"])
def test_a_clock_behind_the_newest_riwayat_entry_refuses_to_run_and_writes_nothing(register_of, behind):
    register = register_of(handed_over(), reviewed(), approved())
    register.sync()
    register.edit(0, reviewer="Budi Santoso")
    before = snapshot(register)
    with pytest.raises(ClockBehind) as raised:
        register.sync(now=DAY_H - behind)
    untouched = snapshot(register) == before
    figures.record("faults", tried=1, faults=1, survived=int(untouched), lost=int(not untouched),
                   note="a clock behind the newest Riwayat entry (a month, a second): exit 3, nothing written")
    assert (raised.value.exit_code, untouched) == (3, True)


# ---------------------------------------------------------------- notifications killed mid-delivery
NOTIFY_WORKER = Path(__file__).parent / "notify_worker.py"
NOTIFY_RECIPIENTS = 8


@pytest.mark.slow
def test_a_delivery_killed_at_any_moment_sends_each_message_once_when_rerun(tmp_path, webhook_server):
    url, hooks = webhook_server
    rng = random.Random(20240704)

    def deliver(state: Path) -> subprocess.Popen:
        command = [sys.executable, str(NOTIFY_WORKER), str(state), url, str(NOTIFY_RECIPIENTS), "fresh"]
        return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    hooks.delay = 0.01
    started = time.monotonic()
    assert deliver(tmp_path / "acuan.sqlite").wait(timeout=60) == 0
    duration = time.monotonic() - started
    outcome: Counter[str] = Counter()
    failures = []
    for trial in range(TRIALS):
        hooks.paths.clear()
        hooks.headers.clear()
        state = tmp_path / f"percobaan-{trial:03d}.sqlite"
        process = deliver(state)
        time.sleep(rng.uniform(0, duration))
        process.send_signal(signal.SIGKILL)
        process.wait()
        # Rerun until nothing is left, as the next scheduled syncs would (the same events offered again).
        reruns = 0
        while deliver(state).wait(timeout=60) != 0 and reruns < 5:
            reruns += 1
        received: dict[str, list[str]] = {}
        for path, headers in zip(hooks.paths, hooks.headers, strict=True):
            received.setdefault(path, []).append(headers["Idempotency-Key"])
        lost = NOTIFY_RECIPIENTS - len(received)
        twice = sum(len(set(keys)) > 1 for keys in received.values())  # two different messages: a real double
        resent = sum(len(keys) > len(set(keys)) for keys in received.values())  # the same message again
        outcome["lost"] += lost
        outcome["twice"] += twice
        outcome["resent"] += resent
        if lost or twice:
            failures.append(f"trial {trial}: {lost} lost, {twice} sent twice")
        else:
            outcome["survived"] += 1
    figures.record("delivery", tried=TRIALS, faults=TRIALS, survived=outcome["survived"], lost=outcome["lost"],
                   misplaced=outcome["twice"],
                   note=(f"kill -9 of a delivery to {NOTIFY_RECIPIENTS} webhooks ({duration:.1f} s with the "
                         f"process start), then reruns: {outcome['resent']} recipients got the same message "
                         "(same Idempotency-Key) again because the kill fell after the server took it and "
                         "before its answer was recorded"))
    assert failures == []
