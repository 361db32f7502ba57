"""Properties over random registers and random input: what must hold whatever people type."""

from datetime import date, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import WORKFLOW, MemoryRegister

from sheetflow import cells
from sheetflow.messages import MONTHS
from sheetflow.sync import COPY_ARCHIVED

cell_values = st.one_of(
    st.none(), st.text(max_size=30), st.integers(-10, 100_000), st.floats(allow_nan=False), st.booleans(),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(9000, 1, 1)),
)


# ---------------------------------------------------------------- parsing
@given(cell_values)
def test_parsers_never_crash_and_never_guess(raw):
    assert isinstance(cells.parse_date(raw), date | cells.Unreadable)
    assert isinstance(cells.parse_flag(raw), bool | cells.Unreadable)
    assert isinstance(cells.parse_whole(raw), int | cells.Unreadable)
    assert isinstance(cells.parse_urls(raw), tuple | cells.Unreadable)
    assert cells.length(raw) >= 0


@given(st.dates(min_value=date(1900, 3, 1), max_value=date(9999, 12, 31)))
def test_every_written_form_of_a_date_reads_back_as_that_date(day):
    forms = [
        day.strftime("%d/%m/%Y"),
        f"{day.day}-{day.month}-{day.year}",
        day.isoformat(),
        f"{day.day} {MONTHS['id'][day.month - 1]} {day.year}",
        (day - date(1899, 12, 30)).days,
        datetime.combine(day, datetime.min.time()),
    ]
    assert {cells.parse_date(form) for form in forms} == {day}


@given(st.integers(0, 10_000))
def test_whole_numbers_read_back_from_text_and_floats(n):
    assert cells.parse_whole(str(n)) == cells.parse_whole(float(n)) == n


# ---------------------------------------------------------------- registers
TEXT_POOL = [None, "", "Rapat kalurahan", "=1+1", "x" * 250, "  spasi  "]
VALUE_POOL = {
    "activity_date": [None, "3 Juli 2024", "01/07/2024", "31/02/2024", 45474, "kemarin", "9 Juli 2024"],
    "activity_name": TEXT_POOL,
    "team_name": [None, "Seksi Kesra", "Tim Humas"],
    "documentation_kind": [None, "Foto", "video", "Audio"],
    "documentation_count": [None, 6, "5", "lima", 2, 5.0],
    "documentation_links": [None, "https://drive.google.com/a", "folder WA", "https://a.id/1\nhttps://b.id/2"],
    "narrative": [None, "pendek", "Narasi panjang " * 10, "https://docs.google.com/d/1"],
    "caption": [None, "Caption singkat 👍🏽", "c" * 201, "c" * 200],
    "handover": [None, "Ya", True, False, "mungkin", "tidak"],
    "reviewer": [None, "Budi", ""],
    "decision": [None, "TERIMA", "tolak", "setuju"],
    "approved_by": [None, "Ketua PPID Pembantu", "Pak Camat"],
    "response": [None, "Perbaiki caption."],
    "upload_links": [None, "https://instagram.com/p/1", "belum"],
    "status": [None, "Disetujui", "Draf"],
}
STAFF = [c.key for c in WORKFLOW.columns if not c.is_system]
# The documented clears: what transitions clear or archive, and what a copy may not inherit.
CLEARING = {t.id for t in WORKFLOW.transitions if t.clear or t.archive} | {COPY_ARCHIVED}
CLEARABLE = {k for t in WORKFLOW.transitions for k in t.clear} | {
    c.key for t in WORKFLOW.transitions if t.archive for c in WORKFLOW.group(t.archive)} | set(WORKFLOW.not_inherited)

rows = st.fixed_dictionaries({key: st.sampled_from(pool) for key, pool in VALUE_POOL.items()})
edits = st.lists(st.tuples(st.integers(0, 5), st.sampled_from(sorted(VALUE_POOL)), st.integers(0, 6)), max_size=6)
hours = st.integers(0, 72)
RUNS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _edit(register, edit_list):
    for index, key, choice in edit_list:
        if index < len(register.rows):
            pool = VALUE_POOL[key]
            register.rows[index][key] = pool[choice % len(pool)]


@RUNS
@given(st.lists(rows, min_size=1, max_size=6), st.lists(st.tuples(edits, hours), max_size=3))
def test_sync_twice_changes_nothing(initial, rounds):
    register = MemoryRegister.of(*initial)
    register.sync()
    for edit_list, delay in rounds:
        _edit(register, edit_list)
        register.later(hours=delay)
        register.sync()
    assert not register.sync().changed


@RUNS
@given(st.lists(rows, min_size=1, max_size=6), st.lists(st.tuples(edits, hours), max_size=3))
def test_no_staff_cell_changes_outside_the_documented_clears(initial, rounds):
    register = MemoryRegister.of(*initial)
    for edit_list, delay in [([], 0), *rounds]:
        _edit(register, edit_list)
        register.later(hours=delay)
        before = [dict(r) for r in register.rows]
        plan = register.sync()
        for change in plan.changes:
            if change.column in STAFF:
                assert change.column in CLEARABLE
                assert change.new in (None, False)
                assert any(e.code in CLEARING for e in plan.history)
        for old, new in zip(before, register.rows, strict=True):
            assert {k: old.get(k) for k in STAFF if k not in CLEARABLE} == {
                k: new.get(k) for k in STAFF if k not in CLEARABLE
            }


@RUNS
@given(st.lists(rows, min_size=1, max_size=4), st.lists(st.tuples(edits, st.lists(st.integers(0, 5), max_size=2),
                                                              hours), max_size=3))
def test_pasted_copies_and_changed_decisions_settle_in_one_sync(initial, rounds):
    register = MemoryRegister.of(*initial)
    register.sync()
    for edit_list, copies, delay in rounds:
        _edit(register, edit_list)
        for index in copies:
            if index < len(register.rows) and register.rows[index].get("register_no"):
                register.copy_row(index)
        register.later(hours=delay)
        plan = register.sync()
        for row in plan.rows:
            if any(e.code == "renumbered" for e in row.history):
                # A copy is new content: it gets no further than waiting for its own reviewer.
                assert row.after in {"draft", "needs_fix", "waiting_review"}
    assert not register.sync().changed


ALLOWED = {(t.from_, t.to) for t in WORKFLOW.transitions}
LABEL_TO_KEY = {s.label: s.key for s in WORKFLOW.statuses}


@RUNS
@given(st.lists(rows, min_size=1, max_size=6), st.lists(st.tuples(edits, hours), max_size=3))
def test_every_status_is_reached_only_by_a_defined_transition(initial, rounds):
    register = MemoryRegister.of(*initial)
    for edit_list, delay in [([], 0), *rounds]:
        _edit(register, edit_list)
        register.later(hours=delay)
        register.sync()
    moves = {t.id: t for t in WORKFLOW.transitions}
    for entry in register.history:
        if entry.code in moves:
            transition = moves[entry.code]
            source = LABEL_TO_KEY.get(entry.from_status)
            assert (source in transition.from_) or (not transition.from_ and entry.from_status == "")
            # A transition without ``to`` records where the row is (a correction).
            assert LABEL_TO_KEY[entry.to_status] == (transition.to or source)
        elif entry.code == COPY_ARCHIVED:
            # A copy's first entry archives what it brought along; it is at no status yet.
            assert (entry.from_status, entry.to_status) == ("", "")
        else:
            # Restores and logged flags record, they do not move: they land on the status history holds.
            assert entry.code in {"status-restored", "renumbered", *(c.finding for c in WORKFLOW.checks)}
    for row in (r for r in register.rows if r.get("register_no")):
        last = [e for e in register.history if e.register_no == row["register_no"] and e.to_status][-1]
        assert row["status"] == last.to_status
