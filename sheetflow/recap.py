"""The ``Rekap`` sheet: counts per status and per activity month, and the on-time rate."""

from __future__ import annotations

from collections import Counter
from datetime import date

from . import cells, messages
from .sync import Plan
from .table import Values
from .workflow import ColumnType, Workflow


def recap(plan: Plan, workflow: Workflow) -> list[Values]:
    lang = workflow.language
    labels = [s.label for s in workflow.statuses]
    on_time = messages.render("on-time", lang)
    activity = next(c.key for c in workflow.columns if c.type is ColumnType.DATE)

    per_status = Counter(workflow.status[r.after].label for r in plan.rows)
    months: dict[tuple[int, int] | None, Counter[str]] = {}
    judged: Counter[tuple[int, int] | None] = Counter()
    timely: Counter[tuple[int, int] | None] = Counter()
    for row in plan.rows:
        parsed = cells.parse_date(row.values.get(activity))
        month = (parsed.year, parsed.month) if isinstance(parsed, date) else None
        months.setdefault(month, Counter())[workflow.status[row.after].label] += 1
        verdict = cells.squash(row.values.get("timeliness"))
        if verdict:
            judged[month] += 1
            timely[month] += verdict == on_time

    def t(code: str, **params: object) -> str:
        return messages.render(code, lang, **params)

    table: list[Values] = [(t("recap-title", title=f"{workflow.title} (SOP {workflow.sop_number})"),), ()]
    table.append((t("recap-status"), t("recap-count")))
    table += [(label, per_status[label]) for label in labels]
    table += [(t("recap-total"), sum(per_status.values())), ()]
    table.append((t("recap-month"), *labels, t("recap-total"), t("recap-on-time")))
    for month in sorted(months, key=lambda m: (m is None, m)):
        name = t("recap-undated") if month is None else f"{messages.MONTHS[lang][month[1] - 1]} {month[0]}"
        rate = round(100 * timely[month] / judged[month], 1) if judged[month] else None
        table.append((name, *(months[month][label] for label in labels), sum(months[month].values()), rate))
    return table
