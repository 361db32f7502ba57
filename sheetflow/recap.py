"""The ``Rekap`` sheet: counts per status, per activity month and per team; the on-time
rate and median hours per SOP step; rejections with their reasons; breaches."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import pairwise

from . import archive, cells, messages
from .sync import HistoryEntry, Plan, RowOutcome
from .table import Values
from .workflow import Workflow

# Where the status counts sit, so a chart can point at them: header on this row, one row per status.
STATUS_TABLE_ROW = 3
# The chart stands beside the status table; the next tables start below it.
CHART_ROWS = 18


@dataclass(frozen=True)
class ChartData:
    """The rows of the status table (1-based, inclusive), for the recap chart."""

    first_row: int
    last_row: int


def chart_data(workflow: Workflow) -> ChartData:
    return ChartData(STATUS_TABLE_ROW + 1, STATUS_TABLE_ROW + len(workflow.statuses))


def recap(plan: Plan, history: Sequence[HistoryEntry], workflow: Workflow) -> list[Values]:
    """``history`` is the whole history, this run's entries included."""
    lang = workflow.language

    def t(code: str, **params: object) -> str:
        return messages.render(code, lang, **params)

    labels = [s.label for s in workflow.statuses]
    rows = list(plan.rows)
    table: list[Values] = [(t("recap-title", title=f"{workflow.title} (SOP {workflow.sop_number})"),), ()]
    per_status = Counter(workflow.status[r.after].label for r in rows)
    table.append((t("recap-status"), t("recap-count")))
    table += [(label, per_status[label]) for label in labels]
    table.append((t("recap-total"), len(rows)))
    table += [()] * (STATUS_TABLE_ROW + CHART_ROWS - len(table))

    steps = list(workflow.deadlines)
    month_header = (t("recap-month"), *labels, t("recap-total"),
                    *(t("recap-on-time-step", step=d.label) for d in steps),
                    *(t("recap-median-step", step=d.label) for d in steps[1:]))
    table += [(t("recap-per-month"),), month_header]
    timed = _Timed(rows, workflow)
    for month, group in _grouped(rows, lambda r: _month(r, workflow)):
        name = t("recap-undated") if month is None else f"{messages.MONTHS[lang][month[1] - 1]} {month[0]}"
        table.append((name, *_counts(group, labels, workflow), *timed.on_time(group), *timed.median_hours(group)))
    if group_by := workflow.recap.group_by:
        header = workflow.column[group_by].header
        table += [(), (t("recap-per-group", group=header),), (header, *month_header[1:])]
        for value, group in _grouped(rows, lambda r: cells.squash(r.values.get(group_by)) or None):
            table.append((value or t("recap-no-group"), *_counts(group, labels, workflow),
                          *timed.on_time(group), *timed.median_hours(group)))

    table += [(), (t("recap-rejections"),),
              (t("recap-number"), t("recap-activity"), t("recap-when"), t("recap-reason"))]
    activity = {r.register_no: cells.squash(r.values.get(workflow.name_column)) for r in rows}
    rejections = list(_rejections(history, rows, workflow))
    table += [(n, activity.get(n, ""), when, reason) for n, when, reason in rejections] or [(t("recap-none"),)]
    # Breaches the workflow logs, and approvals revoked because the content changed.
    breach_codes = {c.finding for c in workflow.checks if c.log} | {
        tr.id for tr in workflow.transitions if "changed" in tr.when}
    table += [(), (t("recap-breaches"),), (t("recap-number"), t("recap-kind"), t("recap-when"))]
    breaches = [(e.register_no, e.reason, e.time) for e in history if e.code in breach_codes]
    table += [(n, reason, when) for n, reason, when in breaches] or [(t("recap-none"),)]
    return table


def _month(row: RowOutcome, workflow: Workflow) -> tuple[int, int] | None:
    if workflow.dated_by is None:
        return None
    parsed = cells.parse_date(row.values.get(workflow.dated_by))
    return (parsed.year, parsed.month) if isinstance(parsed, date) else None


def _grouped(rows: Iterable[RowOutcome], key: Callable[[RowOutcome], object]) -> list[tuple[object, list[RowOutcome]]]:
    groups: dict[object, list[RowOutcome]] = defaultdict(list)
    for row in rows:
        groups[key(row)].append(row)
    return sorted(groups.items(), key=lambda item: (item[0] is None, str(item[0]) if item[0] is not None else ""))


def _counts(rows: list[RowOutcome], labels: list[str], workflow: Workflow) -> tuple[int, ...]:
    counted = Counter(workflow.status[r.after].label for r in rows)
    return (*(counted[label] for label in labels), len(rows))


class _Timed:
    """Each row's steps done and the hours between its steps, worked out once for both
    tables (per month and per group) that add them up."""

    def __init__(self, rows: Iterable[RowOutcome], workflow: Workflow):
        self.deadlines = workflow.deadlines
        self.steps = list(pairwise(range(len(self.deadlines))))
        # Keyed by the row object itself: a RowOutcome's own hash would digest all its values.
        self.done: dict[int, list[tuple[str, bool]]] = {}
        self.hours: dict[int, list[float | None]] = {}
        for row in rows:
            # Steps still awaited are not counted: the rate is of what was done.
            self.done[id(row)] = [(delay.deadline.stamp, delay.days <= 0) for delay in row.delays if delay.done]
            stamped = row.stamps
            self.hours[id(row)] = [_hours(stamped[earlier], stamped[later]) for earlier, later in self.steps]

    def on_time(self, rows: list[RowOutcome]) -> tuple[float | None, ...]:
        """Per step, the share of the steps done whose stamp fell on their day."""
        done: Counter[str] = Counter()
        timely: Counter[str] = Counter()
        for row in rows:
            for stamp, in_time in self.done[id(row)]:
                done[stamp] += 1
                timely[stamp] += in_time
        return tuple(
            round(100 * timely[d.stamp] / done[d.stamp], 1) if done[d.stamp] else None for d in self.deadlines
        )

    def median_hours(self, rows: list[RowOutcome]) -> tuple[float | None, ...]:
        """Per step after the first, the median hours from the step before it."""
        medians = []
        for step in range(len(self.steps)):
            hours = [h for row in rows if (h := self.hours[id(row)][step]) is not None]
            medians.append(round(statistics.median(hours), 1) if hours else None)
        return tuple(medians)


def _hours(start: datetime | None, end: datetime | None) -> float | None:
    return (end - start).total_seconds() / 3600 if start and end and end >= start else None


def _rejections(
    history: Sequence[HistoryEntry], rows: Sequence[RowOutcome], workflow: Workflow
) -> Iterable[tuple[str, object, str]]:
    """Each rejection with the written response, in the order they were made: as the
    rejection recorded it, or (history written before decisions were recorded) from the
    archive of the later resubmission, or from the row itself while it is still rejected."""
    key = workflow.recap.reason
    if key is None:
        return
    response = workflow.column[key].header
    headers = [c.header for c in workflow.columns]
    # A rejection is a step that cannot be taken without the reason written.
    rejecting = {t.id for t in workflow.transitions if any(r.condition == f"filled:{key}" for r in t.requires)}
    archiving = {t.id for t in workflow.transitions if t.archive}
    found: list[list[object]] = []
    unread: dict[str, list[object]] = {}  # number -> its rejection whose reason is still to be found
    for entry in history:
        if entry.code in rejecting:
            item: list[object] = [entry.register_no, entry.time, archive.read(entry.archive, headers).get(response)]
            found.append(item)
            if item[2] is None:
                unread[entry.register_no] = item
            else:
                unread.pop(entry.register_no, None)
        elif entry.code in archiving and entry.register_no in unread:
            unread.pop(entry.register_no)[2] = archive.read(entry.archive, headers).get(response, "")
    current = {r.register_no: cells.text(r.values.get(key)) for r in rows}
    for number, item in unread.items():
        item[2] = current.get(number, "")
    for number, when, reason in found:
        yield str(number), when, str(reason)
