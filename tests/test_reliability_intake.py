"""Form intake killed at random moments: no response is taken twice or lost.

An Excel register with a folder of .csv exports is synced by the scheduled command and
killed with SIGKILL at a random moment; then a sync runs to the end. Every response must
be one register row with one ``form-taken`` record, whatever moment the kill hit."""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import figures
import pytest
from files import new_register, read_rows
from python_calamine import CalamineWorkbook
from support import NARRATIVE, WORKFLOW

from sheetflow.history_headers import HISTORY_HEADERS
from sheetflow.intake import TAKEN

TRIALS = 100
RESPONSES = 60
NOW = "2024-07-03T10:00"
HEADER = ("ID,Start time,Completion time,Email,Name,Tanggal Kegiatan,Nama Kegiatan,Tim Pelaksana,"
          "Jenis Dokumentasi,Jumlah Dokumentasi,Tautan Dokumentasi,Narasi Berita,Caption\r\n")


def export(count: int) -> str:
    lines = [f'{n},7/3/2024 8:{n % 60:02d}:00,7/3/2024 9:{n % 60:02d}:{n // 60:02d},anonymous,,03/07/2024,'
             f'Kegiatan {n:03d},Seksi Pemerintahan,Foto,6,https://drive.google.com/drive/folders/f{n},'
             f'"{NARRATIVE}",Caption {n}.\r\n' for n in range(1, count + 1)]
    return HEADER + "".join(lines)


def scheduled_sync(folder: Path) -> list[str]:
    return [sys.executable, "-m", "sheetflow", "sync", "--config", str(folder / "sheetflow.toml"), "--now", NOW,
            "--quiet"]


def make_office(folder: Path) -> None:
    new_register(folder, name="register.xlsx")
    (folder / "masuk").mkdir()
    (folder / "masuk" / "ekspor.csv").write_bytes(export(RESPONSES).encode("utf-8-sig"))
    (folder / "sheetflow.toml").write_text(
        '[[registers]]\nname = "ponjong"\nsource = "register.xlsx"\nform_folder = "masuk"\n', encoding="utf-8")


def taken(path: Path) -> tuple[Counter[str], Counter[str]]:
    """How often each activity is a register row, and how often a response is recorded taken."""
    rows = Counter(r["activity_name"] for r in read_rows(path) if r.get("activity_name"))
    history = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(WORKFLOW.sheets.history).to_python()
    code, fingerprint = HISTORY_HEADERS.index("Kode"), HISTORY_HEADERS.index("Sidik Konten")
    records = Counter(row[fingerprint] for row in history[1:] if len(row) > code and row[code] == TAKEN)
    return rows, records


@pytest.mark.slow
def test_intake_killed_at_any_moment_takes_every_response_once(tmp_path):
    reference = tmp_path / "acuan"
    reference.mkdir()
    make_office(reference)
    started = time.monotonic()
    subprocess.run(scheduled_sync(reference), check=True)
    duration = time.monotonic() - started
    rows, records = taken(reference / "register.xlsx")
    assert len(rows) == RESPONSES and set(rows.values()) == {1}
    assert len(records) == RESPONSES and set(records.values()) == {1}
    rng = random.Random(20240703)
    outcome: Counter[str] = Counter()
    failures = []
    for trial in range(TRIALS):
        folder = tmp_path / f"percobaan-{trial:03d}"
        folder.mkdir()
        make_office(folder)
        # Half the kills fall anywhere in the run, half in its last quarter, where it saves.
        delay = rng.uniform(0, duration) if trial % 2 else rng.uniform(duration * 0.75, duration)
        process = subprocess.Popen(scheduled_sync(folder), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        outcome["before" if not taken(folder / "register.xlsx")[0] else "after"] += 1
        subprocess.run(scheduled_sync(folder), check=True)
        rows, records = taken(folder / "register.xlsx")
        doubled = any(n > 1 for n in rows.values()) or any(n > 1 for n in records.values())
        lost = len(rows) < RESPONSES or len(records) < RESPONSES
        if doubled or lost:
            failures.append(f"trial {trial}: {'doubled' if doubled else 'lost'}")
            outcome["misplaced" if doubled else "lost"] += 1
            continue
        outcome["survived"] += 1
        shutil.rmtree(folder)
    figures.record("faults", tried=TRIALS, faults=TRIALS, survived=outcome["survived"], lost=outcome["lost"],
                   misplaced=outcome["misplaced"],
                   note=(f"kill -9 of a sync taking {RESPONSES} form responses from a .csv export "
                         f"({duration:.1f} s), then a sync to the end: {outcome['before']} kills left the register "
                         f"as before, {outcome['after']} as after"))
    assert failures == []
