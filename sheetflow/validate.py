"""The rules a row must pass, each a small unit yielding findings.

``submission_findings`` holds step 1's rules (the hand-over); ``field_findings`` the
reviewer and admin fields that must be readable whatever the status. Which rule
applies to a column, and its limits, come from the workflow definition.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import date, timedelta

from . import cells, messages
from .findings import Finding, Severity
from .table import Cell
from .workflow import Column, ColumnType, Group, Workflow

Rule = Callable[[Column, Cell, date], Iterator[tuple[str, dict[str, object]]]]

# A date cell made by a program set to month-first (English) from day-first typing holds
# the day and month swapped: 03/07/2024 typed for 3 July is stored as 7 March. Where both
# are 12 or less, the swapped reading is taken to fit the row far better when it falls on
# the hand-over day or up to this many days before it; the cell's own date is then at
# least three weeks from the hand-over (swapping moves a date by 28 days or more).
SWAP_WINDOW = timedelta(days=7)
SWAPPED = "date-day-month-swapped"


def _date(column: Column, raw: Cell, today: date) -> Iterator[tuple[str, dict[str, object]]]:
    parsed = cells.parse_date(raw)
    if isinstance(parsed, cells.Unreadable):
        yield parsed.code, parsed.params
    elif column.not_after_today and parsed > today:
        yield "date-in-future", {"date": parsed.strftime("%d/%m/%Y")}


def _swapped(column: Column, raw: Cell, handed_over: date) -> Iterator[tuple[str, dict[str, object]]]:
    """Both readings of a date cell (not text) whose swapped reading fits the hand-over day far better."""
    parsed = cells.parse_date(raw)
    other = cells.swapped(parsed) if isinstance(parsed, date) else None
    if other is not None and timedelta(0) <= handed_over - other <= SWAP_WINDOW:
        yield SWAPPED, {"date": parsed.strftime("%d/%m/%Y"), "swapped": other.strftime("%d/%m/%Y"),
                        "date_words": _in_words(parsed), "swapped_words": _in_words(other)}


def _in_words(day: date) -> str:
    # Indonesian month names whatever the language: they are what sync reads (cells.MONTHS).
    return f"{day.day} {messages.MONTHS['id'][day.month - 1]} {day.year}"


def _whole(column: Column, raw: Cell, today: date) -> Iterator[tuple[str, dict[str, object]]]:
    parsed = cells.parse_whole(raw)
    if isinstance(parsed, cells.Unreadable):
        yield parsed.code, parsed.params
    elif column.min is not None and parsed < column.min:
        yield "whole-too-small", {"min": column.min}


def _choice(column: Column, raw: Cell, today: date) -> Iterator[tuple[str, dict[str, object]]]:
    parsed = cells.parse_choice(raw, column.choices)
    if isinstance(parsed, cells.Unreadable):
        yield parsed.code, parsed.params


def _flag(column: Column, raw: Cell, today: date) -> Iterator[tuple[str, dict[str, object]]]:
    parsed = cells.parse_flag(raw)
    if isinstance(parsed, cells.Unreadable):
        yield parsed.code, parsed.params


def _urls(column: Column, raw: Cell, today: date) -> Iterator[tuple[str, dict[str, object]]]:
    parsed = cells.parse_urls(raw, folders=column.folders)
    if isinstance(parsed, cells.Unreadable):
        yield parsed.code, parsed.params


def _narrative(column: Column, raw: Cell, today: date) -> Iterator[tuple[str, dict[str, object]]]:
    if cells.is_url(cells.squash(raw)):
        return
    if column.min_length is not None and (length := cells.length(raw)) < column.min_length:
        yield "narrative-too-short", {"length": length, "min": column.min_length}
    yield from _text(column, raw, today)


def _text(column: Column, raw: Cell, today: date) -> Iterator[tuple[str, dict[str, object]]]:
    if column.max_length is not None and (length := cells.length(raw)) > column.max_length:
        yield "text-too-long", {"length": length, "max": column.max_length, "excess": length - column.max_length}


RULES: dict[ColumnType, Rule] = {
    ColumnType.DATE: _date,
    ColumnType.WHOLE: _whole,
    ColumnType.CHOICE: _choice,
    ColumnType.FLAG: _flag,
    ColumnType.URLS: _urls,
    ColumnType.NARRATIVE: _narrative,
    ColumnType.TEXT: _text,
}


def submission_findings(row: int, values: Mapping[str, Cell], workflow: Workflow, today: date) -> list[Finding]:
    """Step 1: every submission column filled, and each passes its type's rule."""
    ruled = _ruled(workflow)
    findings = []
    for column, rule in ruled.submission:
        raw = values.get(column.key)
        if cells.is_blank(raw):
            findings.append(Finding("required-missing", row, column.header, Severity.ERROR))
            continue
        findings += _check(row, column, rule, raw, today)
        if (stamp := ruled.handed_over_by.get(column.key)) and cells.is_typed_date(raw):
            # Text is read day-first, as people in Indonesia write it: only a date cell is doubted.
            # The hand-over day: when it was first stamped, or today for one being made now.
            handed_over = cells.parse_datetime(values.get(stamp))
            findings += _check(row, column, _swapped, raw, handed_over.date() if handed_over else today)
    return findings


def field_findings(row: int, values: Mapping[str, Cell], workflow: Workflow, today: date) -> list[Finding]:
    """Dropdowns and flags outside the submission that hold something unreadable."""
    findings = []
    for column, rule in _ruled(workflow).fields:
        raw = values.get(column.key)
        if not cells.is_blank(raw):
            findings += _check(row, column, rule, raw, today)
    return findings


def _check(row: int, column: Column, rule: Rule, raw: Cell, today: date) -> list[Finding]:
    return [Finding(code, row, column.header, Severity.ERROR, raw, params) for code, params in rule(column, raw, today)]


class _Ruled:
    """A workflow's columns that have rules, each with its rule, in the workflow's order."""

    def __init__(self, workflow: Workflow):
        self.workflow = workflow
        self.submission = tuple((c, RULES[c.type]) for c in workflow.group(Group.SUBMISSION))
        # Date columns the hand-over is due by (the activity's day), with the hand-over's stamp.
        self.handed_over_by = {
            d.due: d.stamp for d in workflow.deadlines if d.due in workflow.column
            and workflow.column[d.due].type is ColumnType.DATE
        }
        self.fields = tuple(
            (c, RULES[c.type])
            for c in workflow.columns
            if not c.is_system and c.group is not Group.SUBMISSION and c.type in (ColumnType.CHOICE, ColumnType.FLAG)
        )


_last: _Ruled | None = None


def _ruled(workflow: Workflow) -> _Ruled:
    # Sorted out once per workflow rather than once per row; the one last used is kept
    # (held, so its id cannot be another workflow's).
    global _last
    ruled = _last
    if ruled is None or ruled.workflow is not workflow:
        ruled = _last = _Ruled(workflow)
    return ruled
