"""Workbooks made by other programs come through a sync with nothing changed but what
sync owns: the system cells of the rows it changed, the rows it appends to Riwayat, and
Rekap, which it replaces whole (see tests/other_programs.py for the workbooks)."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree

import pytest
from office import Office
from other_programs import REGISTER, google_export, libreoffice_register, xlsm_register, xlsxwriter_register
from support import DAY_H, WORKFLOW

from sheetflow import api
from sheetflow.table import Batch
from sheetflow.xlsx.backend import XlsxRegister, open_workbook

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
HISTORY, RECAP = WORKFLOW.sheets.history, WORKFLOW.sheets.recap
# Parts that list or serve the sheets, which a sync may have to extend: a new sheet, a
# new string, a style for a date, the sheet names in the document properties.
WORKBOOK_PARTS = {"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/sharedStrings.xml",
                  "xl/styles.xml", "xl/calcChain.xml", "docProps/app.xml"}
STATUS = next(i for i, c in enumerate(WORKFLOW.columns) if c.key == "status")
NUMBER = next(i for i, c in enumerate(WORKFLOW.columns) if c.key == "register_no") + 1

Build = Callable[[Path, Callable[[], Office]], Path]
CORPUS: dict[str, Build] = {
    "xlsxwriter": lambda folder, office: xlsxwriter_register(folder),
    "libreoffice": lambda folder, office: libreoffice_register(folder, office()),
    "google-sheets": lambda folder, office: google_export(folder),
    "inline-strings": lambda folder, office: google_export(folder, inline=True),
    "xlsm": lambda folder, office: xlsm_register(folder),
}


@dataclass(frozen=True)
class Synced:
    path: Path
    before: bytes
    after: bytes
    batch: Batch
    result: api.SyncResult


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    with Office(tmp_path_factory.mktemp("office")) as running:
        yield running


@pytest.fixture(scope="module", params=list(CORPUS))
def synced(request, tmp_path_factory) -> Synced:
    """A workbook of the corpus, synced once on the day its rows were made."""
    folder = tmp_path_factory.mktemp(request.param)
    path = CORPUS[request.param](folder, lambda: request.getfixturevalue("office"))
    before = path.read_bytes()
    batches: list[Batch] = []
    apply = XlsxRegister.apply
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(XlsxRegister, "apply", lambda self, batch: apply(self, batches.append(batch) or batch))
        result = api.sync_register(path, now=DAY_H)
    return Synced(path, before, path.read_bytes(), batches[0], result)


def _parts(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def _target(source: str, target: str) -> str:
    """A relationship's target as a part name."""
    if target.startswith("/"):
        return target[1:]
    folder = PurePosixPath(source).parent
    parts: list[str] = []
    for piece in (*folder.parts, *PurePosixPath(target).parts):
        if piece == "..":
            parts.pop()
        elif piece != ".":
            parts.append(piece)
    return "/".join(parts)


def _rels_of(part: str) -> str:
    path = PurePosixPath(part)
    return str(path.parent / "_rels" / f"{path.name}.rels")


def _relations(parts: dict[str, bytes], part: str) -> dict[str, str]:
    rels = parts.get(_rels_of(part))
    if rels is None:
        return {}
    return {r.get("Id"): _target(part, r.get("Target")) for r in ElementTree.fromstring(rels)
            if r.get("TargetMode") != "External"}


def _sheets(parts: dict[str, bytes]) -> dict[str, str]:
    """Sheet name → its part."""
    relations = _relations(parts, "xl/workbook.xml")
    book = ElementTree.fromstring(parts["xl/workbook.xml"])
    return {s.get("name"): relations[s.get(f"{{{RELATIONSHIPS}}}id")] for s in book.iter(f"{{{MAIN}}}sheet")}


def _reachable(parts: dict[str, bytes], part: str) -> set[str]:
    """``part``'s relationships part and every part reached from it."""
    found, todo = set(), [part]
    while todo:
        current = todo.pop()
        if _rels_of(current) in parts:
            found.add(_rels_of(current))
        for target in _relations(parts, current).values():
            if target not in found:
                found.add(target)
                todo.append(target)
    return found


def _owned(parts: dict[str, bytes]) -> set[str]:
    """The parts a sync may rewrite: the workbook's lists, the sheets it writes, and
    everything Rekap holds (its chart is drawn anew)."""
    sheets = _sheets(parts)
    owned = WORKBOOK_PARTS | {sheets[name] for name in (REGISTER, HISTORY, RECAP) if name in sheets}
    return owned | (_reachable(parts, sheets[RECAP]) if RECAP in sheets else set())


def _outside_cells(xml: bytes) -> Counter[str]:
    root = ElementTree.fromstring(xml)
    data = root.find(f"{{{MAIN}}}sheetData")
    inside = set(data.iter()) if data is not None else set()
    return Counter(element.tag.split("}")[-1] for element in root.iter() if element not in inside)


def _cells(xml: bytes) -> dict[str, str]:
    """Each cell's XML, canonical, by reference."""
    root = ElementTree.fromstring(xml)
    return {c.get("r"): ElementTree.canonicalize(ElementTree.tostring(c, encoding="unicode"))
            for c in root.iter(f"{{{MAIN}}}c")}


def _position(ref: str) -> tuple[int, int]:
    letters = "".join(ch for ch in ref if ch.isalpha())
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter.upper()) - 64
    return int(ref[len(letters):]), column


# ---------------------------------------------------------------- tests

def test_the_sync_changed_rows_and_wrote_each_status_in_its_row(synced):
    with open_workbook(synced.path, write=False) as book:
        rows = book.read([REGISTER])[REGISTER].rows[1:]
    assert synced.result.plan.changed
    assert [row[STATUS] for row in rows] == [WORKFLOW.status[r.after].label for r in synced.result.plan.rows]


def test_every_part_sync_does_not_own_is_byte_identical(synced):
    before, after = _parts(synced.before), _parts(synced.after)
    owned = _owned(before) | _owned(after)
    assert [name for name in before if name not in owned and after.get(name) != before[name]] == []


@pytest.mark.parametrize("sheet", [REGISTER, HISTORY])  # Rekap is sync's own, replaced whole
def test_a_sheet_sync_writes_keeps_every_element_it_had(synced, sheet):
    before, after = _parts(synced.before), _parts(synced.after)
    if sheet not in _sheets(before):
        pytest.skip(f"this workbook had no {sheet} sheet before the sync")
    kept = _outside_cells(after[_sheets(after)[sheet]])
    assert _outside_cells(before[_sheets(before)[sheet]]) - kept == Counter()


def test_the_register_cells_sync_did_not_write_are_unchanged(synced):
    before, after = _parts(synced.before), _parts(synced.after)
    written = {(w.row, w.column) for w in synced.batch.writes if w.sheet == REGISTER}
    old = _cells(before[_sheets(before)[REGISTER]])
    new = _cells(after[_sheets(after)[REGISTER]])
    changed = [ref for ref in old.keys() | new.keys() if _position(ref) not in written and old.get(ref) != new.get(ref)]
    assert sorted(changed, key=_position) == []


def test_the_history_rows_there_were_are_unchanged(synced):
    before, after = _parts(synced.before), _parts(synced.after)
    if HISTORY not in _sheets(before):
        pytest.skip("this workbook had no history before the sync")
    old = _cells(before[_sheets(before)[HISTORY]])
    new = _cells(after[_sheets(after)[HISTORY]])
    assert {ref: new.get(ref) for ref in old} == old


@pytest.mark.slow
def test_libreoffice_opens_and_renders_the_synced_workbook(synced, office, tmp_path):
    copy = Path(shutil.copy(synced.path, tmp_path / synced.path.name))
    rendered = office.pdf(copy)
    text = subprocess.run(["pdftotext", str(rendered), "-"], capture_output=True, text=True, check=True).stdout
    numbers = [w.value for w in synced.batch.writes if w.column == NUMBER]
    assert (rendered.read_bytes()[:5], numbers[0] in text) == (b"%PDF-", True)


def test_a_second_sync_changes_nothing(synced, tmp_path):
    again = Path(shutil.copy(synced.path, tmp_path / synced.path.name))
    result = api.sync_register(again, now=DAY_H)
    assert (result.plan.changed, again.read_bytes() == synced.after) == (False, True)
