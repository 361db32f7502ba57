"""Did every write land in its row? Rows people sort, insert or delete while a sync runs.

A spreadsheet that many people edit at once cannot be locked. Sync writes to the
positions it read; the write's response shows the sheet after it. A row is told by its
``No. Register`` (or, for a row that had none yet, by its content), so a write that
landed in someone else's row is found, that row is put back as it was read, and the
changes go to where their row is now.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from . import cells
from .table import Batch, Cell, CellWrite, Sheet


@dataclass(frozen=True)
class Identity:
    key: int  # 1-based column of the row's stable identity (No. Register)
    content: tuple[int, ...]  # columns that tell a row apart while it has no key yet


@dataclass(frozen=True)
class Repair:
    moved: tuple[int, ...]  # rows (as written) that held another row when the write landed
    batch: Batch  # puts back what was overwritten, then writes the changes where they belong


def check(batch: Batch, before: Sheet, after: Sheet, identity: Identity) -> Repair:
    written: dict[int, dict[int, Cell]] = defaultdict(dict)
    for w in batch.writes:
        if w.sheet == before.name:
            written[w.row][w.column] = w.value
    restore: list[CellWrite] = []
    reapply: list[CellWrite] = []
    moved = []
    indexes: dict[tuple[int, frozenset[int]], dict[tuple[object, ...], list[int]]] = {}

    def find(sheet: Sheet, wanted: tuple[object, ...], values: dict[int, Cell]) -> int | None:
        # Rows are indexed once per sheet and set of written columns, not scanned per row.
        signature = (id(sheet), frozenset(values))
        if signature not in indexes:
            index: dict[tuple[object, ...], list[int]] = defaultdict(list)
            for r in range(2, len(sheet.rows) + 1):
                index[_identify(sheet, r, values, identity)].append(r)
            indexes[signature] = index
        matches = indexes[signature].get(wanted, [])
        return matches[0] if len(matches) == 1 else None

    for row, values in sorted(written.items()):
        was, now = _identify(before, row, values, identity), _identify(after, row, values, identity)
        if was == now:
            continue
        moved.append(row)
        source = find(before, now, values)
        if source is not None:
            restore += [CellWrite(before.name, row, c, _at(before, source, c)) for c in values]
        elif all(part == "" for part in now[1:]):
            # The write landed on a row that is empty now (rows were deleted above it).
            restore += [CellWrite(before.name, row, c, None) for c in values]
        target = find(after, was, values)
        if target is not None:
            reapply += [CellWrite(before.name, target, c, v) for c, v in values.items()]
    fix = Batch(writes=tuple(restore + reapply), datetime_format=batch.datetime_format) if moved else Batch()
    return Repair(tuple(moved), fix)


def _identify(sheet: Sheet, row: int, written: dict[int, Cell], identity: Identity) -> tuple[object, ...]:
    # A key that this write sets cannot tell whose row it landed in; the content can.
    if identity.key not in written and not cells.is_blank(key := _at(sheet, row, identity.key)):
        return ("key", cells.squash(key))
    return ("content", *(cells.text(_at(sheet, row, c)) for c in identity.content if c not in written))


def _at(sheet: Sheet, row: int, column: int) -> Cell:
    values: Sequence[Cell] = sheet.rows[row - 1] if 0 < row <= len(sheet.rows) else ()
    return values[column - 1] if column <= len(values) else None
