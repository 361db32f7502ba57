"""The Google backend on the Sheets API emulator with a fixed 100 ms added to every request:
requests per sync, exactly, and wall time against requests × 100 ms + 1.5 × the planner;
then the no-op sync a schedule repeats (recalled from the memo once read).

The emulator (the test suite's, a Python server) runs in this process and each sync in a
child process of its own, as sheetflow runs against Google: the client's heap and garbage
collector do not carry the emulator's spreadsheet, and the two do not share a GIL. The wall
time of a sync still holds the emulator's own work on each request, which stands in for
Google's servers (whose time the fixed 100 ms models); the emulator logs that work per
request (``seconds``, its added latency excluded), so the result gives the raw wall time and
the wall time without it.

    python -m bench.google sync|planner|noop BASE_URL KEY SOURCE   # one child: prints JSON
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sheetflow import api
from sheetflow.resources import DEFAULT_WORKFLOW

from .registers import MIX, NOW, WORKFLOW, planner_seconds, staff_row

LATENCY = 0.1
ROUNDS = 3
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))


def measure(rows: int, rounds: int = ROUNDS) -> dict[str, float]:
    """Medians over ``rounds`` syncs, each after staff edited another 1 % of the rows."""
    from emulator import DEFAULT_EMAIL, SheetsEmulator, make_service_account  # the test suite's emulator

    rng = random.Random(rows)
    kinds = [kind for kind, share in MIX for _ in range(share)]
    staff = [staff_row(rng.choice(kinds), i, rng) for i in range(rows)]
    keys = [c.key for c in WORKFLOW.columns]
    caption = _letter(1 + keys.index("caption"))
    grid = [[c.header for c in WORKFLOW.columns], *([row.get(k) for k in keys] for row in staff)]
    runs: list[dict[str, float]] = []
    with SheetsEmulator() as emulator:
        key = make_service_account(Path(tempfile.mkdtemp()), emulator)
        sid = emulator.create_spreadsheet("Bench", {"Register": grid, "Riwayat": [], "Rekap": []},
                                          shared_with=[DEFAULT_EMAIL], row_count=rows + 10)
        connection = api.Connection(credentials=key, session=emulator.session, sleep=lambda s: None)
        api.sync_register(f"gsheet:{sid}", now=NOW, connection=connection)
        for round_ in range(rounds):
            for row in rng.sample(range(2, rows + 2), rows // 100):
                emulator.type(sid, "Register", f"{caption}{row}", f"Caption diperbarui {row} ({round_ + 1}).")
            child = (emulator.base_url, str(key), f"gsheet:{sid}")
            planner = _child("planner", *child)["planner"]
            emulator.on_request(lambda record, emu: time.sleep(LATENCY))
            emulator.reset_log()
            synced = _child("sync", *child)
            emulator.clear_hooks()
            runs.append({"reads": emulator.count("read"), "writes": emulator.count("write"),
                         "tokens": emulator.count("token"), "emulator": emulator.seconds(), "planner": planner,
                         **synced})
        # A schedule's usual run: nothing changed since the last run, which found nothing to do.
        memo_folder = tempfile.mkdtemp(prefix="bench-memo-")
        os.environ["SHEETFLOW_CACHE"] = memo_folder  # the children's memo, apart from the user's own
        _child("noop", *child)  # plans, finds nothing, remembers
        emulator.on_request(lambda record, emu: time.sleep(LATENCY))
        repeats = []
        for _ in range(rounds):
            emulator.reset_log()
            repeat = _child("noop", *child)
            repeats.append({"wall": repeat["wall"], "recalled": repeat["recalled"], "emulator": emulator.seconds(),
                            "requests": (emulator.count("read"), emulator.count("write"), emulator.count("token"))})
        emulator.clear_hooks()
        os.environ.pop("SHEETFLOW_CACHE")
    counts = {(r["reads"], r["writes"], r["tokens"]) for r in runs}
    assert len(counts) == 1, f"the request count differs between syncs: {counts}"
    out: dict[str, float] = {"rows": rows, "rounds": rounds, **{k: runs[0][k] for k in ("reads", "writes", "tokens")}}
    for name in ("wall", "emulator", "planner", "changed"):
        out[name] = statistics.median(r[name] for r in runs)
    out["client_wall"] = statistics.median(r["wall"] - r["emulator"] for r in runs)
    requests = out["reads"] + out["writes"] + out["tokens"]
    out["budget"] = requests * LATENCY + 1.5 * out["planner"]
    assert all(r["recalled"] for r in repeats), "a no-op sync after a no-op sync was planned"
    (out["noop_reads"], out["noop_writes"], out["noop_tokens"]), = {r["requests"] for r in repeats}
    out["noop_wall"] = statistics.median(r["wall"] for r in repeats)
    out["noop_client_wall"] = statistics.median(r["wall"] - r["emulator"] for r in repeats)
    return out


def _child(mode: str, base_url: str, key: str, source: str) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-m", "bench.google", mode, base_url, key, source], capture_output=True,
                          text=True, cwd=Path(__file__).resolve().parent.parent, check=False)
    if done.returncode != 0:
        raise SystemExit(f"bench.google {mode} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def child(mode: str, base_url: str, key: str, source: str) -> dict[str, float]:
    """One sync (or the planner alone) against the emulator at ``base_url``, timed in this process."""
    from emulator.transport import authorized_session

    import sheetflow.gsheets.backend  # noqa: F401  (imported before the clock starts, as in a warm process)

    connection = api.Connection(credentials=key, session=lambda creds: authorized_session(creds, base_url)[0],
                                sleep=lambda s: None)
    if mode == "planner":
        return {"planner": _planner(source, connection)}
    if mode == "noop":
        return _noop(source, connection)
    started = time.perf_counter()
    result = api.sync_register(source, now=NOW, connection=connection)
    wall = time.perf_counter() - started
    return {"wall": wall, "changed": sum(1 for r in result.plan.rows if r.changes)}


def _noop(source: str, connection: api.Connection) -> dict[str, float]:
    """A sync as the command line runs it: recalled when what it reads is what the last
    no-op sync read (see sheetflow/memo.py), else planned and remembered."""
    from sheetflow import memo, runs

    started = time.perf_counter()
    done = runs.planned(source, write=True, now=NOW, moment=NOW, workflow=None, form=memo.QUIET,
                        definition=memo.bundled_definition(DEFAULT_WORKFLOW), connection=connection)
    if not isinstance(done, memo.Remembered):
        assert not done.plan.changed, "the no-op sync changed the register"
        runs.remember(done, memo.QUIET)
    return {"wall": time.perf_counter() - started, "recalled": isinstance(done, memo.Remembered)}


def _planner(source: str, connection: api.Connection) -> float:
    """The pure planner on the rows the next sync will read (median of three)."""
    with api.open_source(source, write=False, connection=connection) as book:
        sheets = book.read([WORKFLOW.sheets.register_, WORKFLOW.sheets.history])
    return planner_seconds(sheets)[1]


def _letter(column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


if __name__ == "__main__":
    print(json.dumps(child(*sys.argv[1:])))
