"""Evidence counted, not trusted: the photos and videos behind a row's links.

Counting is I/O (Google Drive, a folder on disk), so it happens before planning, by a
counter the backend provides; the planner gets what was counted as plain data, keyed by
the links counted. This module is the pure part: which rows need counting, what an
earlier count in ``Riwayat`` says, and what a count means for the row.

A count is remembered in ``Riwayat`` (an ``evidence-counted`` entry whose ``Arsip`` holds
the count, the first file names and a fingerprint of the links counted), so a row is
counted once per hand-over and again only when its links change: nothing outside the
register is needed, and Drive's quota is spent on changes only. A failure (not shared,
quota, network) is not remembered: the next sync tries again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from . import archive, cells
from .workflow import Workflow, fold

if TYPE_CHECKING:
    from .sync import HistoryEntry, RegisterRow

COUNTED = "evidence-counted"
# Names shown to the reviewer; the count covers them all.
SHOWN_NAMES = 5
# Arsip fields of an evidence-counted entry.
LINKS_FIELD = "Sidik Tautan"
COUNT_FIELD = "Jumlah"
NAMES_FIELD = "Berkas"


@dataclass(frozen=True)
class Count:
    """Photos and videos found: how many, and the names of the first few."""

    files: int
    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Failure:
    """Why nothing could be counted: a catalogue code and its parameters."""

    code: str  # evidence-not-shared, evidence-unavailable, evidence-not-found
    params: Mapping[str, object]


Evidence = Count | Failure
# What a backend counts one link with: None for a link it cannot count (not its kind).
Counter = Callable[[str], Evidence | None]


def count(wanted: Iterable[tuple[str, ...]], counter: Counter,
          known: dict[tuple[str, ...], Evidence] | None = None) -> dict[tuple[str, ...], Evidence]:
    """The evidence behind each set of links (those with nothing countable left out);
    ``known`` holds what this run counted already (a retried attempt asks Drive no more)."""
    found = known if known is not None else {}
    for links_ in wanted:
        if links_ not in found:
            combined = combine(filter(None, map(counter, links_)))
            if combined is not None:
                found[links_] = combined
    return found


def links(raw: cells.Cell) -> tuple[str, ...]:
    """The lines of a links cell, spaces squashed, blank lines left out."""
    return tuple(line for line in (" ".join(part.split()) for part in cells.text(raw).split("\n")) if line)


def fingerprint(counted: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(counted).encode()).hexdigest()[:16]


def combine(parts: Iterable[Evidence]) -> Evidence | None:
    """One row's evidence from its links' (None: none of them could be counted): a failure
    of any link is the row's, since a partial count would understate it."""
    total, names, any_counted = 0, [], False
    for part in parts:
        if isinstance(part, Failure):
            return part
        any_counted = True
        total += part.files
        names += part.names
    return Count(total, tuple(names[:SHOWN_NAMES])) if any_counted else None


@dataclass(frozen=True)
class Remembered:
    time: datetime
    links: str  # fingerprint of the links counted
    count: Count


def remembered(history: Iterable[HistoryEntry], workflow: Workflow) -> dict[str, Remembered]:
    """Per register number, the count made since its latest hand-over, if any."""
    handovers = {t.id for t in workflow.transitions if t.handover}
    found: dict[str, Remembered] = {}
    for entry in history:
        if entry.code in handovers:
            found.pop(entry.register_no, None)
        elif entry.code == COUNTED:
            memo = read(entry.archive)
            if memo is not None:
                found[entry.register_no] = Remembered(entry.time, memo[0], memo[1])
    return found


def write(links_fingerprint: str, count: Count) -> str:
    return archive.write([(LINKS_FIELD, links_fingerprint), (COUNT_FIELD, str(count.files)),
                          (NAMES_FIELD, "\n".join(count.names))])


def read(text: str) -> tuple[str, Count] | None:
    fields = archive.read(text, (LINKS_FIELD, COUNT_FIELD, NAMES_FIELD))
    files = cells.parse_whole(fields.get(COUNT_FIELD))
    if LINKS_FIELD not in fields or not isinstance(files, int):
        return None
    names = tuple(name for name in fields.get(NAMES_FIELD, "").split("\n") if name)
    return fields[LINKS_FIELD], Count(files, names)


def wanted(
    rows: Iterable[RegisterRow], history: Sequence[HistoryEntry], workflow: Workflow
) -> dict[int, tuple[str, ...]]:
    """Row number -> the links to count before planning: rows handed over whose hand-over
    is new in this run (the row's status is one a hand-over leaves from, or it has none
    yet), or whose links differ from those of the count since their latest hand-over."""
    evidence = workflow.evidence
    if evidence is None:
        return {}
    # A hand-over is a flag set (``set:COL`` of a hand-over transition) in a status it leaves from.
    handing = [t for t in workflow.transitions if t.handover and any(c.startswith("set:") for c in t.when)]
    flags = {c.removeprefix("set:") for t in handing for c in t.when if c.startswith("set:")}
    starts = {None, *(s for t in handing for s in t.from_)}
    shown = set(evidence.shown_in)
    status: dict[str, str] = {}
    by_label = {fold(s.label): s.key for s in workflow.statuses}
    for entry in history:
        if (key := by_label.get(fold(entry.to_status))) is not None:
            status[entry.register_no] = key
    memo = remembered(history, workflow)
    found = {}
    for row in rows:
        counted = links(row.values.get(evidence.links))
        if not counted or not any(cells.parse_flag(row.values.get(flag)) is True for flag in flags):
            continue
        number = cells.squash(row.values.get("register_no"))
        state = status.get(number) if number else None
        earlier = memo.get(number) if number else None
        if state in starts or (state in shown and (earlier is None or earlier.links != fingerprint(counted))):
            found[row.number] = counted
    return found

