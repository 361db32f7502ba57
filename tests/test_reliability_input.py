"""Bad input: a corpus of malformed cells (tests/corpus/cells.jsonl), each typed into an
otherwise valid row, synced. Whatever staff type, sync must not crash, must say exactly
what is wrong, on the right row and column, in Indonesian, and must leave every cell a
person typed as it was."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import figures
import openpyxl
import pytest
from files import new_register, read_rows, type_rows
from support import DAY_H, WORKFLOW, MemoryRegister, approved, handed_over, reviewed, submission

from sheetflow import api
from sheetflow.findings import QUOTE_LENGTH
from sheetflow.messages import CATALOGUE

CORPUS = Path(__file__).parent / "corpus" / "cells.jsonl"
CASES = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
HEADER = {c.key: c.header for c in WORKFLOW.columns}
STAFF = [c.key for c in WORKFLOW.columns if c.filled_by != "system"]
BASES = {
    "handed_over": handed_over,
    "reviewed": reviewed,
    "decided": lambda: reviewed(decision="TERIMA", approved_by="Ketua PPID Pembantu"),
    "approved": approved,
}


def decode(value: dict[str, Any]) -> Any:
    """A corpus value: JSON holds text, so every other type is spelled out."""
    if "text" in value:
        return value["text"] * value.get("times", 1)
    if "int" in value:
        return value["int"]
    if "float" in value:
        return float(value["float"])  # "nan", "inf" and "-inf" too
    if "bool" in value:
        return value["bool"]
    if "date" in value:
        return date.fromisoformat(value["date"])
    if "datetime" in value:
        return datetime.fromisoformat(value["datetime"])
    if value.get("none"):
        return None
    raise ValueError(f"unknown corpus value {value}")


def row_of(case: dict[str, Any]) -> dict[str, Any]:
    return {**BASES[case.get("base", "handed_over")](), case["column"]: decode(case["value"])}


def expected_codes(case: dict[str, Any]) -> list[str]:
    return [] if case["expect"] == "ok" else sorted(case["expect"])


def params(cases: list[dict[str, Any]], check: str) -> list[Any]:
    """The cases as pytest params; a case whose ``bug_in`` names ``check`` is a known bug there."""
    return [
        pytest.param(case, id=case["id"], marks=[
            pytest.mark.xfail(strict=True, reason=f"bug: {case['bug']}")
        ] if check in case.get("bug_in", ()) else [])
        for case in cases
    ]


def staff_cells(row: dict[str, Any]) -> dict[str, Any]:
    return {key: row.get(key) for key in STAFF}


def test_the_corpus_holds_at_least_150_cases_with_unique_ids():
    ids = [case["id"] for case in CASES]
    figures.record("input", note=f"{len(ids)} cases in tests/corpus/cells.jsonl, "
                                 f"{sum(1 for c in CASES if c.get('xlsx'))} of them also on a real .xlsx file")
    assert len(ids) >= 150 and len(set(ids)) == len(ids)


def test_every_corpus_case_names_a_workflow_column_and_known_codes():
    assert {case["column"] for case in CASES} <= set(HEADER)
    assert {code for case in CASES for code in expected_codes(case)} <= set(CATALOGUE)


# ---------------------------------------------------------------- in memory, every case
@pytest.mark.parametrize("case", params(CASES, "codes"))
def test_a_malformed_cell_gives_exactly_its_findings(case):
    register = MemoryRegister.of(row_of(case))
    plan = register.sync()
    assert sorted(f.code for f in plan.findings) == expected_codes(case)


@pytest.mark.parametrize("case", params([c for c in CASES if "status" in c], "status"))
def test_a_malformed_cell_leaves_the_row_at_the_right_status(case):
    register = MemoryRegister.of(row_of(case))
    register.sync()
    assert register.status() == case["status"]


@pytest.mark.parametrize("case", params([c for c in CASES if c["expect"] != "ok"], "messages"))
def test_every_finding_names_the_row_and_column_in_indonesian(case):
    register = MemoryRegister.of(row_of(case))
    plan = register.sync()
    for finding in plan.findings:
        message = finding.message("id")
        assert (finding.row, finding.column in HEADER.values()) == (2, True)
        assert finding.column in message
        assert message.strip() and "{" not in message and "''" not in message
        assert message != finding.message("en")  # the Indonesian template, not the English one
        assert finding.column in register.notes() or finding.code == "status-restored"


@pytest.mark.parametrize("case", [pytest.param(c, id=c["id"]) for c in CASES])
def test_a_malformed_cell_changes_no_staff_cell(case):
    row = row_of(case)
    register = MemoryRegister.of(row)
    register.sync()
    register.sync()
    ok = staff_cells(register.rows[0]) == staff_cells(row)
    figures.record("input", tried=1, survived=int(ok), lost=int(not ok))
    assert staff_cells(register.rows[0]) == staff_cells(row)


@pytest.mark.parametrize("case", [pytest.param(c, id=c["id"]) for c in CASES])
def test_a_second_sync_after_a_malformed_cell_changes_nothing(case):
    register = MemoryRegister.of(row_of(case))
    register.sync()
    assert not register.sync().changed


# ---------------------------------------------------------------- a real .xlsx round trip, a subset
XLSX = [c for c in CASES if c.get("xlsx")]


@pytest.mark.parametrize("case", params(XLSX, "codes"))
def test_a_malformed_cell_in_a_real_file_gives_exactly_its_findings(case, tmp_path: Path):
    path = new_register(tmp_path, row_of(case))
    result = api.sync_register(path, now=DAY_H)
    assert sorted(f.code for f in result.plan.findings) == expected_codes(case)
    assert {(f.row, f.column) for f in result.plan.findings} <= {(2, header) for header in HEADER.values()}


@pytest.mark.parametrize("case", [pytest.param(c, id=c["id"]) for c in XLSX])
def test_a_malformed_cell_in_a_real_file_changes_no_staff_cell(case, tmp_path: Path):
    path = new_register(tmp_path, row_of(case))
    (before,) = read_rows(path)
    api.sync_register(path, now=DAY_H)
    (after,) = read_rows(path)
    figures.record("input", tried=1, survived=int(staff_cells(after) == staff_cells(before)),
                   lost=int(staff_cells(after) != staff_cells(before)))
    assert staff_cells(after) == staff_cells(before)


# ---------------------------------------------------------------- cells as long as a cell holds
LONGEST = 32_767  # the most characters Excel keeps in one cell
SHORTENED = "x" * (QUOTE_LENGTH - 1) + "…"
# Cells whose findings quote what was typed: a line of links, a number, a dropdown value.
QUOTING = ["documentation_links", "documentation_count", "decision"]


@pytest.mark.parametrize("key", QUOTING)
def test_a_long_value_is_quoted_shortened_to_a_fixed_length_with_an_ellipsis(register_of, key):
    register = register_of(handed_over(**{key: "x" * LONGEST}))
    register.sync()
    assert SHORTENED in register.notes()
    assert "x" * QUOTE_LENGTH not in register.notes()


@pytest.mark.parametrize("key", QUOTING)
def test_a_second_sync_after_a_cell_of_32767_characters_changes_nothing(register_of, key):
    register = register_of(handed_over(**{key: "x" * LONGEST}))
    register.sync()
    assert not register.sync().changed
    assert register.cell(key) == "x" * LONGEST


def test_a_copied_row_quotes_the_long_number_it_carried_shortened_in_note_and_history(register_of):
    register = register_of(handed_over(register_no="x" * LONGEST), handed_over(register_no="x" * LONGEST))
    [reason] = [e.reason for e in register.sync().history if e.code == "renumbered"]
    assert SHORTENED in register.notes(1)
    assert SHORTENED in reason and "x" * QUOTE_LENGTH not in reason
    assert not register.sync().changed


def test_a_note_with_more_lines_than_a_cell_holds_keeps_the_first_and_counts_the_rest():
    register = MemoryRegister.of(submission())
    register.sync()
    for n in range(250):  # a status typed by hand again and again: each restore is noted until the row moves
        register.edit(0, status=f"Selesai {n:03} " + "z" * 50)
        register.sync()
    lines = register.notes().splitlines()
    assert len(register.notes()) <= LONGEST
    assert lines[0].startswith("• Status 'Selesai 000 ")
    assert re.fullmatch(r"• … dan \d+ catatan lain yang tidak muat di sel ini\.", lines[-1])
    assert not register.sync().changed


@pytest.mark.parametrize("response", ["x" * LONGEST, "📷" * LONGEST], ids=["letters", "emoji"])
def test_a_response_longer_than_a_cell_holds_is_archived_whole_and_the_history_verifies(tmp_path: Path, response):
    path = new_register(tmp_path, reviewed(decision="TOLAK", response=response))
    api.sync_register(path, now=DAY_H)
    type_rows(path, [{"handover": "Ya"}])
    api.sync_register(path, now=DAY_H.replace(hour=11))
    assert api.verify_register(path).intact
    history = api.check_register(path, now=DAY_H.replace(hour=12)).history
    assert response in next(e.archive for e in history if e.code == "resubmit")
    cells_written = [c.value for row in openpyxl.load_workbook(path)[WORKFLOW.sheets.history].iter_rows() for c in row]
    assert max(len(str(v).encode("utf-16-le")) // 2 for v in cells_written) <= LONGEST
    assert not api.sync_register(path, now=DAY_H.replace(hour=12)).plan.changed
