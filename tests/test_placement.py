"""Rows people move while sync writes: found after the write, put back, and written where they are now."""

from placement_tables import sheet

from sheetflow import placement
from sheetflow.table import Batch, CellWrite

# Columns: 1 No. Register, 2 Nama Kegiatan (a person's), 3 Status (sync's).
IDENTITY = placement.Identity(key=1, content=(2,))
BEFORE = sheet(
    ["No. Register", "Nama Kegiatan", "Status"],
    ["2024/0001", "Rapat", "Draf"],
    ["2024/0002", "Lomba", "Draf"],
    [None, "Pentas", None],
)


def write(*cells):
    return Batch(writes=tuple(CellWrite("Register", r, c, v) for r, c, v in cells))


def test_an_undisturbed_write_needs_no_repair():
    batch = write((2, 3, "Diunggah"))
    after = sheet(["No. Register", "Nama Kegiatan", "Status"], ["2024/0001", "Rapat", "Diunggah"],
                  ["2024/0002", "Lomba", "Draf"], [None, "Pentas", None])
    assert placement.check(batch, BEFORE, after, IDENTITY).moved == ()


def test_a_write_into_a_row_sorted_away_is_put_back_and_redone_where_the_row_went():
    batch = write((2, 3, "Diunggah"))
    # Someone sorted by name before the write landed: Lomba, Pentas, Rapat.
    after = sheet(["No. Register", "Nama Kegiatan", "Status"], ["2024/0002", "Lomba", "Diunggah"],
                  [None, "Pentas", None], ["2024/0001", "Rapat", "Draf"])
    repair = placement.check(batch, BEFORE, after, IDENTITY)
    assert repair.moved == (2,)
    assert [(w.row, w.column, w.value) for w in repair.batch.writes] == [(2, 3, "Draf"), (4, 3, "Diunggah")]


def test_a_row_inserted_above_shifts_the_writes_down():
    batch = write((3, 3, "Menunggu Pemeriksaan"))
    after = sheet(["No. Register", "Nama Kegiatan", "Status"], [None, "Baris baru", None],
                  ["2024/0001", "Rapat", "Draf"], ["2024/0002", "Lomba", "Draf"], [None, "Pentas", None])
    repair = placement.check(batch, BEFORE, after, IDENTITY)
    assert [(w.row, w.value) for w in repair.batch.writes] == [(3, "Draf"), (4, "Menunggu Pemeriksaan")]


def test_a_new_row_is_found_by_its_content_when_its_number_is_being_written():
    batch = write((4, 1, "2024/0003"), (4, 3, "Draf"))
    # Row 2 was deleted: Pentas moved up to row 3, and the write hit row 4 (now empty).
    after = sheet(["No. Register", "Nama Kegiatan", "Status"], ["2024/0002", "Lomba", "Draf"],
                  [None, "Pentas", None], ["2024/0003", None, "Draf"])
    repair = placement.check(batch, BEFORE, after, IDENTITY)
    assert repair.moved == (4,)
    assert [(w.row, w.column, w.value) for w in repair.batch.writes] == [
        (4, 1, None), (4, 3, None), (3, 1, "2024/0003"), (3, 3, "Draf"),
    ]


def test_a_row_edited_but_not_moved_is_left_alone():
    batch = write((2, 3, "Diunggah"))
    after = sheet(["No. Register", "Nama Kegiatan", "Status"], ["2024/0001", "Rapat diubah", "Diunggah"],
                  ["2024/0002", "Lomba", "Draf"], [None, "Pentas", None])
    assert placement.check(batch, BEFORE, after, IDENTITY).moved == ()
