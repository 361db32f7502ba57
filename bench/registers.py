"""Generated registers with a realistic mix of statuses, built through sheetflow itself."""

from __future__ import annotations

import random
import shutil
import statistics
import time
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl

from sheetflow import api
from sheetflow.layout import read_history, read_register
from sheetflow.sync import plan
from sheetflow.table import Sheet
from sheetflow.workflow import load_workflow

WORKFLOW = load_workflow()
HEADER = {c.key: c.header for c in WORKFLOW.columns}
WIB = ZoneInfo("Asia/Jakarta")
# Every generated register is synced at this moment, then measured at it again.
NOW = datetime(2024, 12, 20, 16, 0, tzinfo=WIB)
NARRATIVE = "Kegiatan berlangsung lancar dan dihadiri perangkat kalurahan serta warga setempat. " * 2

# Share of rows per status the staff input leads to, as an office's register looks after a year.
MIX = [("draft", 30), ("needs_fix", 10), ("waiting_review", 15), ("in_review", 10), ("rejected", 5),
       ("approved", 15), ("published", 15)]


def staff_row(kind: str, index: int, rng: random.Random) -> dict[str, object]:
    day = date(2024, 1, 1) + timedelta(days=rng.randrange(0, 350))
    row: dict[str, object] = {
        "activity_date": day, "activity_name": f"Kegiatan nomor {index}", "team_name": "Seksi Pemerintahan",
        "documentation_kind": "Foto", "documentation_count": rng.randrange(5, 30),
        "documentation_links": f"https://drive.google.com/drive/folders/k{index}", "narrative": NARRATIVE,
        "caption": f"Kegiatan nomor {index} di kalurahan bersama warga.",
    }
    if kind == "draft":
        return row
    row["handover"] = "Ya"
    if kind == "needs_fix":
        row["documentation_count"] = 2
        return row
    if kind == "waiting_review":
        return row
    row["reviewer"] = "Sri Lestari"
    if kind == "in_review":
        return row
    if kind == "rejected":
        return row | {"decision": "TOLAK", "response": "Foto kurang jelas."}
    row |= {"decision": "TERIMA", "approved_by": "Ketua PPID Pembantu"}
    if kind == "published":
        row["upload_links"] = f"https://www.instagram.com/p/k{index}/"
    return row


def build(rows: int, folder: Path) -> Path:
    """A register of ``rows`` rows, synced once at NOW (cached: generation is slow)."""
    path = folder / f"register-{rows}.xlsx"
    if path.exists():
        return path
    rng = random.Random(rows)
    kinds = [kind for kind, share in MIX for _ in range(share)]
    scratch = folder / f"scratch-{rows}.xlsx"
    scratch.unlink(missing_ok=True)
    api.init_register(scratch)
    book = openpyxl.load_workbook(scratch)
    sheet = book[WORKFLOW.sheets.register_]
    where = {cell.value: cell.column for cell in sheet[1]}
    for index in range(rows):
        for key, value in staff_row(rng.choice(kinds), index, rng).items():
            sheet.cell(index + 2, where[HEADER[key]], value)
    book.save(scratch)
    api.sync_register(scratch, now=NOW)
    shutil.move(scratch, path)
    return path


def edit_one_percent(source: Path, target: Path, seed: int = 1) -> Path:
    """A copy where staff edited 1 % of the rows (new hand-overs and reviews), unsynced."""
    shutil.copyfile(source, target)
    book = openpyxl.load_workbook(target)
    sheet = book[WORKFLOW.sheets.register_]
    where = {cell.value: cell.column for cell in sheet[1]}
    rng = random.Random(seed)
    for row in rng.sample(range(2, sheet.max_row + 1), max(1, (sheet.max_row - 1) // 100)):
        sheet.cell(row, where[HEADER["caption"]], f"Caption diperbarui {row}.")
        sheet.cell(row, where[HEADER["handover"]], "Ya")
    book.save(target)
    return target


def planner_seconds(sheets: Mapping[str, Sheet]) -> tuple[int, float]:
    """The pure planner on a register read by a backend: its rows, and the median seconds
    of three plans (the rows and history parsed beforehand, outside the clock)."""
    _, rows = read_register(sheets, WORKFLOW)
    history = read_history(sheets, WORKFLOW).entries
    times = []
    for _ in range(3):
        started = time.perf_counter()
        plan(rows, history, NOW, WORKFLOW)
        times.append(time.perf_counter() - started)
    return len(rows), statistics.median(times)
