"""The Google backend on the Sheets API emulator with a fixed 100 ms added to every request:
requests per sync, exactly, and wall time against requests × 100 ms + 1.5 × the planner."""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

from sheetflow import api
from sheetflow.layout import read_history, read_register
from sheetflow.sync import plan

from .registers import MIX, NOW, WORKFLOW, staff_row

LATENCY = 0.1
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))


def measure(rows: int) -> dict[str, float]:
    from emulator import DEFAULT_EMAIL, SheetsEmulator, make_service_account  # the test suite's emulator

    rng = random.Random(rows)
    kinds = [kind for kind, share in MIX for _ in range(share)]
    staff = [staff_row(rng.choice(kinds), i, rng) for i in range(rows)]
    keys = [c.key for c in WORKFLOW.columns]
    grid = [[c.header for c in WORKFLOW.columns], *([row.get(k) for k in keys] for row in staff)]
    with SheetsEmulator() as emulator:
        key = make_service_account(Path(tempfile.mkdtemp()), emulator)
        sid = emulator.create_spreadsheet("Bench", {"Register": grid, "Riwayat": [], "Rekap": []},
                                          shared_with=[DEFAULT_EMAIL], row_count=rows + 10)
        connection = api.Connection(credentials=key, session=emulator.session, sleep=lambda s: None)
        api.sync_register(f"gsheet:{sid}", now=NOW, connection=connection)
        caption = 1 + keys.index("caption")
        for row in rng.sample(range(2, rows + 2), rows // 100):
            emulator.type(sid, "Register", f"{_letter(caption)}{row}", f"Caption diperbarui {row}.")
        emulator.on_request(lambda record, emu: time.sleep(LATENCY))
        emulator.reset_log()
        started = time.perf_counter()
        result = api.sync_register(f"gsheet:{sid}", now=NOW, connection=connection)
        wall = time.perf_counter() - started
        reads, writes = emulator.count("read"), emulator.count("write")
        tokens = emulator.count("token")
        emulator.clear_hooks()
        with api.open_source(f"gsheet:{sid}", write=False, connection=connection) as book:
            sheets = book.read([WORKFLOW.sheets.register_, WORKFLOW.sheets.history])
    _, register_rows = read_register(sheets, WORKFLOW)
    history = read_history(sheets, WORKFLOW)
    started = time.perf_counter()
    plan(register_rows, history, NOW, WORKFLOW)
    planner = time.perf_counter() - started
    changed = sum(1 for r in result.plan.rows if r.changes)
    return {"rows": rows, "changed": changed, "reads": reads, "writes": writes, "tokens": tokens, "wall": wall,
            "planner": planner, "budget": (reads + writes + tokens) * LATENCY + 1.5 * planner}


def _letter(column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
