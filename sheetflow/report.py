"""How a sync result reads on a terminal, or as JSON for other programs."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from .memo import QUIET
from .messages import render

if TYPE_CHECKING:
    from .api import SyncResult, Verification
    from .fleet import FleetRun


def form(kind: str, lang: str, *, quiet: bool, as_json: bool) -> str:
    """The form a report is printed in: ``quiet``, ``json:en``, or ``summary:id`` / ``details:id``."""
    if as_json:
        return f"json:{lang}"
    return QUIET if quiet else f"{kind}:{lang}"


def kept(result: SyncResult, form: str) -> Any:
    """The report without what differs between two runs that found the same (the clock and
    how the source was named): what the memo keeps to show again."""
    kind, _, lang = form.partition(":")
    if form == QUIET:
        return ""
    if kind == "json":
        data = as_json(result, lang)
        del data["source"], data["now"]
        return data
    return {"summary": summary, "details": details}[kind](result, lang)


def shown(kept: Any, form: str, *, source: str, now: datetime, timezone: str, dry_run: bool) -> str | None:
    """The report as printed: what was kept, framed by this run's source and clock."""
    kind, _, lang = form.partition(":")
    if form == QUIET:
        return None
    if kind == "json":
        return json.dumps({"source": source, "now": now.isoformat(), **kept}, ensure_ascii=False, indent=2)
    local = now.astimezone(ZoneInfo(timezone)).strftime("%d/%m/%Y %H:%M %Z")
    title = render("out-checked" if dry_run else "out-synced", lang, source=source, now=local)
    return f"{title}\n\n{kept}"


def summary(result: SyncResult, lang: str) -> str:
    """One screen after sync: rows per status and what changed."""
    lines = []
    counts = result.counts()
    width = max(len(label) for label in counts)
    lines.append(f"{render('out-status', lang):<{width}}  {render('out-rows', lang):>5}")
    lines += [f"{label:<{width}}  {count:>5}" for label, count in counts.items()]
    lines += ["", _totals(result, lang)]
    if result.moved:
        lines.append(render("out-moved", lang, rows=len(result.moved)))
    if result.taken.rows and result.applied:
        lines.append(render("out-form-taken", lang, rows=len(result.taken.rows)))
    lines += [f.message(lang) for f in result.taken.findings]
    if count := attention(result):
        lines.append(render("out-attention", lang, rows=count))
    return "\n".join(lines)


def attention(result: SyncResult) -> int:
    """Rows with an error finding: what people must fix."""
    return sum(1 for r in result.plan.rows if any(f.severity == "error" for f in r.findings))


def details(result: SyncResult, lang: str) -> str:
    """Per row, what sync would change and why (for ``check``)."""
    wf = result.workflow
    headers = {c.key: c.header for c in wf.columns}
    lines = []
    for row in result.plan.rows:
        if not (row.changes or row.history or row.findings):
            continue
        before = wf.status[row.before].label if row.before else render("out-new", lang)
        after = wf.status[row.after].label
        move = before if before == after else f"{before} → {after}"
        lines.append(f"{render('out-row', lang, row=row.row)} · {row.register_no} · {move}")
        if row.changes:
            changed = ", ".join(headers[c.column] for c in row.changes)
            lines.append(f"    {render('out-cells', lang)}: {changed}")
        for entry in row.history:
            move = f"{entry.from_status or '—'} → {entry.to_status}: " if entry.to_status else ""
            lines.append(f"    {render('out-history', lang)}: {move}{entry.reason}")
        for finding in row.findings:
            lines.append(f"    {render('out-finding', lang)}: {finding.message(lang)}")
    lines += [f"{render('out-history', lang)}: {entry.reason}" for entry in result.plan.log]
    lines.append(_totals(result, lang))
    return "\n".join(lines)


def as_json(result: SyncResult, lang: str) -> dict[str, Any]:
    wf = result.workflow
    return {
        "source": result.source,
        "now": result.now.isoformat(),
        "applied": result.applied,
        "changed": result.plan.changed,
        "moved_rows": list(result.moved),
        "counts": result.counts(),
        "rows": [
            {
                "row": r.row,
                "register_no": r.register_no,
                "before": wf.status[r.before].label if r.before else None,
                "after": wf.status[r.after].label,
                "changes": [
                    {"column": wf.column[c.column].header, "old": _plain(c.old), "new": _plain(c.new)}
                    for c in r.changes
                ],
                "history": [
                    {"from": e.from_status, "to": e.to_status, "code": e.code, "reason": e.reason} for e in r.history
                ],
                "findings": [f.as_dict(lang) for f in r.findings],
            }
            for r in result.plan.rows
        ],
    }


def verification(result: Verification, lang: str) -> str:
    if result.intact:
        return render("out-verified", lang, entries=result.entries)
    lines = [render("out-chain-broken", lang, row=result.broken_at)] if result.broken_at else []
    lines += [render("out-status-unsupported", lang, row=row, number=number, shown=shown, expected=expected or "—")
              for row, number, shown, expected in result.unsupported]
    if result.seal != "ok":
        lines.append(render(f"out-seal-{result.seal}", lang))
    lines += [render("out-seal-logged", lang, row=row) for row in result.unproven]
    return "\n".join(lines)


def table_text(rows: list[tuple[object, ...]]) -> str:
    """Tables separated by empty rows, each with its columns aligned."""
    blocks: list[list[list[str]]] = [[]]
    for row in rows:
        if any(v is not None for v in row):
            blocks[-1].append([_shown(v) for v in row])
        elif blocks[-1]:
            blocks.append([])
    lines = []
    for block in filter(None, blocks):
        # A one-cell row is a table's title; it does not widen the first column.
        table = [r for r in block if len(r) > 1] or block
        widths = [max((len(r[i]) for r in table if i < len(r)), default=0) for i in range(max(map(len, block)))]
        lines += ["  ".join(cell.ljust(widths[i]) if len(r) > 1 else cell for i, cell in enumerate(r)).rstrip()
                  for r in block]
        lines.append("")
    return "\n".join(lines).rstrip()


def _shown(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    return str(value)


def fleet_summary(run: FleetRun, lang: str) -> str:
    """One line per register of a config, then the total and the notifications."""
    lines = []
    outcomes = run.outcomes
    for outcome in outcomes:
        name = outcome.register.name
        if outcome.remembered is not None:
            code = "out-fleet-checked" if run.dry_run else "out-fleet-ok"
            lines.append(render(code, lang, name=name, changed=0, attention=outcome.remembered.attention))
            continue
        if outcome.result is None:
            lines.append(render("out-fleet-failed", lang, name=name, error=outcome.error))
            continue
        rows = outcome.result.plan.rows
        code = "out-fleet-checked" if run.dry_run else "out-fleet-ok"
        lines.append(render(code, lang, name=name, changed=sum(1 for r in rows if r.changes or r.history),
                            attention=attention(outcome.result)))
    lines.append(render("out-fleet-total", lang, ok=sum(o.ok for o in outcomes), total=len(outcomes)))
    if run.notifications:
        lines += [d.message for d in run.notifications.deliveries]
        lines += [n for n in (run.notifications.repaired, run.notifications.unrecorded) if n]
    if run.notify_error:
        lines.append(render("out-notify-failed", lang, error=run.notify_error))
    return "\n".join(lines)


def fleet_json(run: FleetRun, lang: str) -> dict[str, Any]:
    def register_report(outcome: Any) -> dict[str, Any] | None:
        if outcome.remembered is not None:
            now = outcome.remembered.aware(run.now)
            return {"source": outcome.source, "now": now.isoformat(), **outcome.remembered.report}
        return as_json(outcome.result, lang) if outcome.result else None

    return {
        "registers": [
            {"register": o.register.name, "source": o.source, "ok": o.ok, "error": o.error,
             "report": register_report(o)}
            for o in run.outcomes
        ],
        "notifications": [
            {"recipient": str(d.recipient), "items": d.items, "delivered": d.delivered, "reason": d.reason}
            for d in (run.notifications.deliveries if run.notifications else ())
        ],
    }


def _totals(result: SyncResult, lang: str) -> str:
    plan = result.plan
    if not plan.changed:
        return render("out-would-nothing" if result.dry_run else "out-nothing", lang)
    rows = sum(1 for r in plan.rows if r.changes or r.history)
    code = "out-would-change" if result.dry_run else "out-changed"
    return render(code, lang, rows=rows, cells=len(plan.changes), history=len(plan.history))


def _plain(value: object) -> object:
    from . import cells  # its patterns are compiled only when a change is shown

    return value if value is None or isinstance(value, bool | int | float) else cells.text(value)
