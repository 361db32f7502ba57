"""Regenerate templates/register.xlsx from the bundled workflow.

    python scripts/make_template.py           # writes the template
    python scripts/make_template.py --check   # exit 1 if the committed template is out of date

The check compares what a person sees (``describe_workbook``), not bytes: openpyxl
stamps the save time into the file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from openpyxl import load_workbook

from sheetflow.workflow import load_workflow
from sheetflow.xlsx.template import build_template, describe_workbook

TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "register.xlsx"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing")
    parser.add_argument("--output", type=Path, default=TEMPLATE, help="template path (default: %(default)s)")
    args = parser.parse_args(argv)
    built = build_template(load_workflow())
    if not args.check:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        built.save(args.output)
        print(f"wrote {args.output}")
        return 0
    if not args.output.is_file():
        print(f"{args.output} is missing; run scripts/make_template.py", file=sys.stderr)
        return 1
    committed = describe_workbook(load_workbook(args.output))
    expected = describe_workbook(built)
    if committed == expected:
        print(f"{args.output} is up to date")
        return 0
    for where in _differences(committed, expected):
        print(f"differs: {where}", file=sys.stderr)
    print("run scripts/make_template.py to regenerate it", file=sys.stderr)
    return 1


def _differences(committed: object, expected: object, where: str = "") -> list[str]:
    if isinstance(committed, dict) and isinstance(expected, dict):
        return [
            found
            for key in sorted(committed.keys() | expected.keys(), key=str)
            for found in _differences(committed.get(key), expected.get(key), f"{where}/{key}")
        ]
    return [] if committed == expected else [f"{where or '/'}: {committed!r} != {expected!r}"]


if __name__ == "__main__":
    sys.exit(main())
