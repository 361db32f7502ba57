"""Counts the reliability tests report: how many cases they tried, faults they injected,
and how many of those the register survived, lost or misplaced.

``record`` appends one JSON line to the file named by ``$SHEETFLOW_FIGURES``; without
that variable it does nothing, so the tests run the same with or without a report.
``scripts/reliability_report.py`` sets it and renders ``docs/reliability.md``.
"""

from __future__ import annotations

import json
import os


def record(area: str, *, tried: int = 0, faults: int = 0, survived: int = 0, lost: int = 0, misplaced: int = 0,
           note: str = "") -> None:
    """One test's figures for ``area`` (a section of the report)."""
    target = os.environ.get("SHEETFLOW_FIGURES")
    if not target:
        return
    test = os.environ.get("PYTEST_CURRENT_TEST", "").split(" ")[0]
    line = {"area": area, "test": test, "tried": tried, "faults": faults, "survived": survived, "lost": lost,
            "misplaced": misplaced, "note": note}
    with open(target, "a", encoding="utf-8") as stream:
        stream.write(json.dumps(line, ensure_ascii=False) + "\n")
