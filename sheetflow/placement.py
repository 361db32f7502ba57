"""Did every write land in its row? Rows people sort, insert or delete while a sync runs.

A spreadsheet that many people edit at once cannot be locked. Sync writes to the
positions it read; the write's response shows the sheet after it. Each row after the
write is matched to the row it was when read — by the people's columns this write did
not touch, and by ``No. Register`` where two rows read alike — so a write that landed
in someone else's row is found, that row is put back as it was read, and the changes
go to where their row is now.
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
    content: tuple[int, ...]  # the people's columns: what tells a row apart


@dataclass(frozen=True)
class Repair:
    moved: tuple[int, ...]  # rows (as written) that held another row when the write landed
    batch: Batch  # puts back what was overwritten, then writes the changes where they belong


def landed(batch: Batch, before: Sheet, after: Sheet, identity: Identity) -> bool:
    """Whether every written row still holds the row that was read there; ``after`` needs
    only the written rows."""
    written = _written(batch, before.name)
    touched = {c for values in written.values() for c in values}
    columns = [c for c in identity.content if c not in touched]
    for row, values in written.items():
        same = all(cells.text(_at(before, row, c)) == cells.text(_at(after, row, c)) for c in columns)
        key = identity.key not in values and cells.squash(_at(before, row, identity.key))
        if not same and not (key and key == cells.squash(_at(after, row, identity.key))):
            return False
    return True


def _written(batch: Batch, sheet: str) -> dict[int, dict[int, Cell]]:
    written: dict[int, dict[int, Cell]] = defaultdict(dict)
    for w in batch.writes:
        if w.sheet == sheet:
            written[w.row][w.column] = w.value
    return written


def check(batch: Batch, before: Sheet, after: Sheet, identity: Identity) -> Repair:
    written = _written(batch, before.name)
    # Cells this write set say nothing about whose row they are in now.
    touched = {c for values in written.values() for c in values}
    columns = tuple(c for c in identity.content if c not in touched)
    keyed = {row for row, values in written.items() if identity.key in values}

    def content(sheet: Sheet, row: int) -> tuple[str, ...]:
        return tuple(cells.text(_at(sheet, row, c)) for c in columns)

    def key(sheet: Sheet, row: int) -> str:
        return cells.squash(_at(sheet, row, identity.key))

    read_as: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for row in range(2, len(before.rows) + 1):
        read_as[content(before, row)].append(row)
    origin: dict[int, int] = {}  # row after the write -> the row it was when read
    for row in range(2, len(after.rows) + 1):
        candidates = read_as.get(content(after, row), [])
        if len(candidates) > 1 and row not in keyed:
            candidates = [r for r in candidates if key(before, r) == key(after, row)]
        if len(candidates) == 1:
            origin[row] = candidates[0]
    position = {was: now for now, was in origin.items()}

    restore: list[CellWrite] = []
    reapply: list[CellWrite] = []
    moved = []
    for row, values in sorted(written.items()):
        now = position.get(row)
        same_row = now == row or (now is None and row not in keyed and key(before, row) == key(after, row) != "")
        if same_row:
            continue
        moved.append(row)
        if row in origin:
            restore += [CellWrite(before.name, row, c, _at(before, origin[row], c)) for c in values]
        elif not any(content(after, row)):
            # The write landed on a row that is empty now (rows were deleted above it).
            restore += [CellWrite(before.name, row, c, None) for c in values]
        if now is not None:
            reapply += [CellWrite(before.name, now, c, v) for c, v in values.items()]
    fix = Batch(writes=tuple(restore + reapply), datetime_format=batch.datetime_format) if moved else Batch()
    return Repair(tuple(moved), fix)


def _at(sheet: Sheet, row: int, column: int) -> Cell:
    values: Sequence[Cell] = sheet.rows[row - 1] if 0 < row <= len(sheet.rows) else ()
    return values[column - 1] if column <= len(values) else None
