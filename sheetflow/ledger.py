"""``Riwayat`` as a hash chain: each row carries a digest of itself and of the row before,
so a row edited, inserted or deleted by hand breaks the chain from that row on.

The chain shows edits made in the spreadsheet; it cannot stop someone who recomputes it
with this code (the digest is not keyed).
"""

from __future__ import annotations

import hashlib
import itertools
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from . import cells
from .sync import HistoryEntry
from .table import Cell


def link(previous: str, fields: Sequence[str]) -> str:
    return hashlib.sha256("\x1f".join([previous, *fields]).encode()).hexdigest()[:16]


def fields(entry: HistoryEntry) -> list[str]:
    """What a row's digest covers, as text: every column but the chain itself."""
    return [entry.time.isoformat(timespec="seconds"), entry.register_no, entry.from_status, entry.to_status,
            entry.role, entry.name, entry.reason, entry.fingerprint, entry.code, entry.archive]


def chain(previous: str, entries: Iterable[HistoryEntry]) -> list[str]:
    links = []
    for entry in entries:
        previous = link(previous, fields(entry))
        links.append(previous)
    return links


def raw_fields(values: Sequence[Cell]) -> list[str]:
    """The same text as ``fields``, from a row as read (a time, then nine texts)."""
    if len(values) != 10:
        values = (*values[:10], *(None,) * (10 - len(values)))
    when = cells.parse_datetime(values[0])
    first = when.isoformat(timespec="seconds") if when else cells.text(values[0])
    # Every sync reads the whole history through here: plain text and empty cells, most of
    # them, skip cells.text.
    text = cells.text
    rest = ["" if v is None else v if type(v) is str and v.isascii() and "\r" not in v else text(v)
            for v in values[1:]]
    rest[0] = cells.squash(rest[0])  # No. Register, as read_history keeps it
    return [first, *rest]


# Hashes tried, beyond one per row, to find where rows moved by a sort belong; a history
# shuffled past this is read as one whose order cannot be recovered.
SEARCH_BUDGET = 2_000_000


@dataclass(frozen=True)
class Order:
    """How a history's rows follow one another by their chain links."""

    rows: tuple[int, ...]  # indices of the rows given, in the order to read them
    unlinked: tuple[int, ...]  # indices of rows that link to no row (the chain breaks there), top first
    moved: bool  # the links put rows in another order than the sheet's (it was sorted)

    @property
    def broken(self) -> bool:
        return bool(self.unlinked)


def order(rows: Sequence[tuple[Sequence[Cell], str]]) -> Order:
    """``rows``: (the row's ten covered values, its stored chain), as the sheet has them.

    Each row's link covers the link stored in the row before it, so a row's predecessor
    is the row whose stored link, with this row's values, gives this row's link: the order
    is recovered however the rows were sorted. A row edited by hand links to nothing (its
    successor still links to it); so do a row inserted by hand and the row after one
    deleted. When the sheet's order agrees with every link found it is kept, breaks and
    all (``verify`` names them); a sorted history is read in its chain's order."""
    count = len(rows)
    fields = [raw_fields(values) for values, _ in rows]
    stored = [link_ for _, link_ in rows]
    before: list[int | None] = [None] * count  # -1: the chain's first row
    followed = [False] * count
    first_taken = False

    def links(p: int, i: int) -> bool:
        return link(stored[p] if p >= 0 else "", fields[i]) == stored[i]

    # The sheet as written, reversed, or sorted by any column keeps most neighbours.
    for i in range(count):
        if not stored[i]:
            continue
        for p in (i - 1, -1, i + 1):
            if (p == -1 and first_taken) or (p >= 0 and (p >= count or followed[p] or not stored[p])):
                continue
            if links(p, i):
                before[i] = p
                if p >= 0:
                    followed[p] = True
                else:
                    first_taken = True
                break
    # The rest: a row follows one written at the same time or just before it.
    lost = sorted((i for i in range(count) if stored[i] and before[i] is None), key=lambda i: fields[i][0])
    if lost:
        open_ends = sorted((fields[p][0], p) for p in range(count) if stored[p] and not followed[p])
        budget = SEARCH_BUDGET
        for i in lost:
            at = bisect_right(open_ends, (fields[i][0], count))
            # Nearest in time first: the same sync's rows, then the syncs before, then after.
            for k in itertools.chain(range(at - 1, -1, -1), range(at, len(open_ends))):
                p = open_ends[k][1]
                if p == i:
                    continue
                budget -= 1
                if links(p, i):
                    before[i], followed[p] = p, True
                    del open_ends[k]
                    break
                if budget <= 0:
                    break
            if budget <= 0:
                break
    moved = any(p is not None and p >= 0 and p != i - 1 for i, p in enumerate(before))
    unlinked = tuple(i for i in range(count) if before[i] is None)
    if not moved or unlinked:
        # A sorted history with a break has no order anything proves: the sheet's is shown.
        return Order(tuple(range(count)), unlinked, moved)
    after = {p: i for i, p in enumerate(before) if p is not None}
    chained: list[int] = []
    here = after.get(-1)
    while here is not None and len(chained) < count:
        chained.append(here)
        here = after.get(here)
    return Order(tuple(chained), unlinked, moved)


def seal(tail: str, count: int) -> str:
    """The mark of a history's end: its last link and its number of rows. Kept outside
    ``Riwayat`` (in ``Rekap``), so deleting the last rows shows even when the rows whose
    status they recorded are deleted too."""
    return link(tail, ["segel", str(count)])
