"""One measured process: runs a job, then reports its own peak memory on stderr.

    python -m bench.child sync FILE NOW          # sheetflow sync, as cron runs it
    python -m bench.child sync-write FILE NOW    # the same, also reporting the writer's own memory
    python -m bench.child calamine FILE          # baseline: the fastest plain read
"""

from __future__ import annotations

import json
import resource
import sys


def main(job: str, *args: str) -> None:
    writer_kib = 0
    if job == "sync":
        from sheetflow.cli import cli

        cli.main(["sync", "--quiet", args[0], "--now", args[1]], standalone_mode=False)
    elif job == "sync-write":
        # Imports the writer up front (a no-op sync would not): only for syncs that write.
        from sheetflow.cli import cli
        from sheetflow.xlsx import writer

        write_batch = writer.write_batch

        def measured(*arguments: object) -> None:
            # What the write adds above what the process holds when it starts: the peak is
            # reset (Linux: clear_refs 5), then compared with the resident size before.
            nonlocal writer_kib
            reset_peak()
            before = status("VmRSS")
            write_batch(*arguments)
            writer_kib = status("VmHWM") - before

        writer.write_batch = measured
        cli.main(["sync", "--quiet", args[0], "--now", args[1]], standalone_mode=False)
    elif job == "calamine":
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_path(args[0])
        for name in book.sheet_names:
            book.get_sheet_by_name(name).to_python()
    else:
        raise SystemExit(f"unknown job {job}")
    print(json.dumps({"peak_kib": peak_kib(), "writer_kib": writer_kib}), file=sys.stderr)


def peak_kib() -> int:
    # VmHWM starts afresh at exec; ru_maxrss would carry the parent's peak across fork.
    return status("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def status(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as lines:
        for line in lines:
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    return 0


def reset_peak() -> None:
    with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
        refs.write("5")


if __name__ == "__main__":
    main(*sys.argv[1:])
