"""Run the benchmarks and write bench/RESULTS.md.

    python -m bench                 # 1,000, 10,000 and 50,000 rows (first run builds the registers)
    python -m bench --sizes 1000    # a quick look

Every figure is a ratio against a baseline measured in the same run on the same file,
each side a whole process (interpreter start-up and imports included), median of runs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path

from sheetflow.xlsx.backend import open_workbook

from .registers import NOW, WORKFLOW, build, edit_one_percent, planner_seconds

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
LATENCY_MS = 100
# The memo of the measured syncs (see sheetflow/memo.py), apart from the user's own.
MEMO = Path(tempfile.mkdtemp(prefix="bench-memo-"))


def forget() -> tuple[str, ...]:
    """Empty the memo: the next sync plans, as the first run after a change does."""
    for record in MEMO.glob("*.json"):
        record.unlink()
    return ()


WRITER_KIB: list[int] = []  # the writer's own memory in each measured sync that wrote


def run_child(*args: str) -> tuple[float, int]:
    """Wall seconds and peak KiB of one measured process."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "bench.child", *args], capture_output=True, text=True,
                          cwd=HERE.parent, check=False, env={**os.environ, "SHEETFLOW_CACHE": str(MEMO)})
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"bench.child {args[0]} failed:\n{done.stderr}")
    report = json.loads(done.stderr.strip().splitlines()[-1])
    if report.get("writer_kib"):
        WRITER_KIB.append(report["writer_kib"])
    return elapsed, report["peak_kib"]


def median_run(runs: int, prepare, *args: str) -> tuple[float, int]:
    times, peaks = [], []
    for _ in range(runs):
        extra = prepare() if prepare else ()
        elapsed, peak = run_child(*args, *extra)
        times.append(elapsed)
        peaks.append(peak)
    return statistics.median(times), max(peaks)


def paired_runs(runs: int, measured: tuple, baseline: tuple) -> tuple[tuple[float, int], tuple[float, int]]:
    """Medians of a measured process and its baseline, run in turns: on a shared machine a
    burst of load then falls on both sides instead of on one side's block of runs.
    Each side is ``(prepare, *args)``."""
    sides: tuple[list, list] = ([], [])
    for _ in range(runs):
        for (prepare, *args), results in zip((measured, baseline), sides, strict=True):
            results.append(run_child(*args, *(prepare() if prepare else ())))
    return tuple((statistics.median(t for t, _ in r), max(p for _, p in r)) for r in sides)  # type: ignore[return-value]


def runs_for(rows: int, least: int) -> int:
    # A process of a tenth of a second varies by tens of milliseconds: more samples for the small sizes.
    return max(least, 9 if rows <= 1_000 else 5 if rows <= 10_000 else 3)


def planner_rate(path: Path) -> float:
    with open_workbook(path, write=False) as book:
        sheets = book.read([WORKFLOW.sheets.register_, WORKFLOW.sheets.history])
    rows, seconds = planner_seconds(sheets)
    return rows / seconds


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} × {cpu}, {memory:.0f} GiB, Python {platform.python_version()}, {platform.platform()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,50000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--google-rows", type=int, default=10_000, help="0 skips the Google measurement")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    CACHE.mkdir(exist_ok=True)
    now = NOW.isoformat()
    results = []
    for size in sizes:
        print(f"[{size} rows] building register (cached after the first run)…", flush=True)
        synced = build(size, CACHE)
        edited = edit_one_percent(synced, CACHE / f"edited-{size}.xlsx")
        scratch = Path(tempfile.mkdtemp(prefix="bench-"))

        def fresh_copy(edited=edited, scratch=scratch):
            target = scratch / "register.xlsx"
            shutil.copyfile(edited, target)
            return ()

        print(f"[{size} rows] measuring…", flush=True)
        before = synced.stat().st_mtime_ns
        # The first sync after a change plans and remembers; the ones after it replay (memo).
        runs = runs_for(size, args.runs)
        planned, planned_peak = median_run(runs, forget, "sync", str(synced), now)
        median_run(1, None, "sync", str(synced), now)  # remembers: every no-op sync below replays
        (noop, noop_peak), (calamine, _) = paired_runs(runs, (None, "sync", str(synced), now),
                                                       (None, "calamine", str(synced)))
        assert synced.stat().st_mtime_ns == before, "the no-op sync wrote the file"
        WRITER_KIB.clear()
        (changed, changed_peak), (changed_calamine, calamine_peak) = paired_runs(
            runs, (fresh_copy, "sync-write", str(scratch / "register.xlsx"), now), (None, "calamine", str(edited)))
        with zipfile.ZipFile(edited) as archive:
            xml_mib = sum(info.file_size for info in archive.infolist()) / 2**20
        results.append({
            "rows": size, "planner_rows_per_s": planner_rate(synced),
            "noop_s": noop, "planned_noop_s": planned, "calamine_s": calamine,
            "changed_s": changed, "changed_calamine_s": changed_calamine,
            "noop_peak_mib": max(noop_peak, planned_peak) / 1024, "changed_peak_mib": changed_peak / 1024,
            "calamine_peak_mib": calamine_peak / 1024, "writer_mib": max(WRITER_KIB) / 1024,
            "xml_mib": xml_mib, "file_mib": synced.stat().st_size / 2**20,
        })
        shutil.rmtree(scratch)
    google = None
    if args.google_rows:
        print(f"[google {args.google_rows} rows] measuring on the emulator…", flush=True)
        from .google import measure

        google = measure(args.google_rows)
    write_results(results, google)


def write_results(results: list[dict], google: dict | None) -> None:
    lines = [
        "# Benchmark results",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `python -m bench` on: {machine()}.",
        "Each figure is the median of whole-process runs (start-up and imports included on both sides):",
        "9 at 1,000 rows, 5 at 10,000, 3 at 50,000, each sync run in turn with its baseline so that a",
        "burst of load on the shared machine falls on both; ratios compare against that baseline, on the same file.",
        "",
        "No-op sync: *repeat* is every run after the first on an unchanged file (replayed from the memo,",
        "what a cron job pays almost always); *first* is the first run after a change (planned, then",
        "remembered), shown for comparison.",
        "",
        "| rows | file | planner rows/s | no-op sync, repeat | calamine read | no-op ratio (≤ 1.5) | "
        "no-op, first | first ratio | 1 % changed sync | calamine read beside it | changed ratio (≤ 3, stretch ≤ 2) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['rows']:,} | {r['file_mib']:.1f} MiB | {r['planner_rows_per_s']:,.0f} | {r['noop_s']:.2f} s | "
            f"{r['calamine_s']:.2f} s | **{r['noop_s'] / r['calamine_s']:.2f}×** | {r['planned_noop_s']:.2f} s | "
            f"{r['planned_noop_s'] / r['calamine_s']:.2f}× | {r['changed_s']:.2f} s | "
            f"{r['changed_calamine_s']:.2f} s | **{r['changed_s'] / r['changed_calamine_s']:.2f}×** |"
        )
    lines += ["", "Memory: the whole process's peak, and the writer's own (what the write adds to what the process "
              "held when it began), against the file's unzipped XML.", "",
              "| rows | unzipped XML | peak, no-op sync | peak, calamine read | peak, 1 % changed sync | ratio to XML "
              "| the writer's own | its ratio to XML (≤ 1.5) |",
              "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        lines.append(
            f"| {r['rows']:,} | {r['xml_mib']:.1f} MiB | {r['noop_peak_mib']:.0f} MiB | "
            f"{r['calamine_peak_mib']:.0f} MiB"
            f" | {r['changed_peak_mib']:.0f} MiB | {r['changed_peak_mib'] / r['xml_mib']:.2f}× | "
            f"{r['writer_mib']:.0f} MiB | **{r['writer_mib'] / r['xml_mib']:.2f}×** |"
        )
    if len(results) > 1:
        lines += ["", "Growth (time ratio between consecutive sizes; linear would be the row ratio):", ""]
        for small, large in pairwise(results):
            factor = large["rows"] / small["rows"]
            lines.append(
                f"- {small['rows']:,} → {large['rows']:,} rows (×{factor:g}): "
                f"no-op repeat ×{large['noop_s'] / small['noop_s']:.1f}, "
                f"no-op first ×{large['planned_noop_s'] / small['planned_noop_s']:.1f}, "
                f"changed ×{large['changed_s'] / small['changed_s']:.1f}, "
                f"planner ×{small['planner_rows_per_s'] / large['planner_rows_per_s'] * factor:.1f}"
            )
    if google:
        lines += [
            "",
            f"Google on the Sheets API emulator, {google['rows']:,} rows, {LATENCY_MS} ms added to every request; "
            f"median of {google['rounds']} syncs, each after 1 % of the rows were edited "
            f"({google['changed']:.0f} rows changed). The emulator is a Python server in the same process: "
            "its own work on each request (logged per request) stands in for Google's servers, whose time the "
            "100 ms models, so the wall time is also given without it.",
            "",
            "| reads | writes | token | planner | budget (requests × 100 ms + 1.5 × planner) | wall time | ratio "
            "| emulator's own time | wall time without it | ratio without it |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
            f"| {google['reads']} | {google['writes']} | {google['tokens']} | {google['planner']:.2f} s | "
            f"{google['budget']:.2f} s | {google['wall']:.2f} s | **{google['wall'] / google['budget']:.2f}×** | "
            f"{google['emulator']:.2f} s | {google['client_wall']:.2f} s | "
            f"**{google['client_wall'] / google['budget']:.2f}×** |",
            "",
            "The metadata a write needs is fetched on a background thread while the sync plans, so a sync that "
            "changes rows waits on three round trips of its four requests.",
            "",
            f"A schedule's usual run, nothing changed since the last run that found nothing to do (recalled once "
            f"read; median of {google['rounds']}): {google['noop_reads']} read, {google['noop_writes']} writes, "
            f"{google['noop_tokens']} token; wall {google['noop_wall']:.2f} s, "
            f"{google['noop_client_wall']:.2f} s without the emulator's own time "
            f"(the planned no-op it replaces plans for about {google['planner']:.2f} s).",
        ]
    (HERE / "RESULTS.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
