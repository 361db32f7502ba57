"""One measured process: runs a job, then reports its own peak memory on stderr.

    python -m bench.child sync FILE NOW          # sheetflow sync, as cron runs it
    python -m bench.child calamine FILE          # baseline: the fastest plain read
    python -m bench.child openpyxl-load FILE     # baseline: what openpyxl needs to load
    python -m bench.child openpyxl-roundtrip FILE OUT   # baseline: load + save, any formatting-keeping writer
"""

from __future__ import annotations

import json
import resource
import sys


def main(job: str, *args: str) -> None:
    if job == "sync":
        from sheetflow.cli import cli

        cli.main(["sync", "--quiet", args[0], "--now", args[1]], standalone_mode=False)
    elif job == "calamine":
        from python_calamine import CalamineWorkbook

        book = CalamineWorkbook.from_path(args[0])
        for name in book.sheet_names:
            book.get_sheet_by_name(name).to_python()
    elif job == "openpyxl-load":
        import openpyxl

        openpyxl.load_workbook(args[0])
    elif job == "openpyxl-roundtrip":
        import openpyxl

        openpyxl.load_workbook(args[0]).save(args[1])
    else:
        raise SystemExit(f"unknown job {job}")
    print(json.dumps({"peak_kib": peak_kib()}), file=sys.stderr)


def peak_kib() -> int:
    # VmHWM starts afresh at exec; ru_maxrss would carry the parent's peak across fork.
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


if __name__ == "__main__":
    main(*sys.argv[1:])
