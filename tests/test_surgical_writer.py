"""The .xlsx writer edits the package in place: what sync does not own stays as it was.

The register here is made by XlsxWriter, the way another program makes one: a text box,
rich text, a data bar, a sparkline, a dropdown whose list is on another sheet, an image,
a chart and a comment, shared strings, and formulas with the values they last showed.
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import sys
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
import xlsxwriter
from lxml import etree
from python_calamine import CalamineWorkbook
from support import DAY_H, WORKFLOW, approved, handed_over, rejected, reviewed, submission

from sheetflow import api
from sheetflow.errors import SheetflowError
from sheetflow.xlsx.sheet import escape

SHEETS = WORKFLOW.sheets
HEADERS = [c.header for c in WORKFLOW.columns]
COLUMN = {c.key: HEADERS.index(c.header) for c in WORKFLOW.columns}
# A 1×1 PNG.
PIXEL = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
# Parts sync owns: the sheets it writes (Register, Riwayat), and the lists it adds to.
OWNED = {"xl/worksheets/sheet1.xml", "xl/worksheets/sheet3.xml", "xl/sharedStrings.xml", "xl/styles.xml",
         "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml", "xl/calcChain.xml"}


def _cell_value(value: object) -> object:
    return value.replace(tzinfo=None) if isinstance(value, datetime) else value


def made_by_xlsxwriter(folder: Path, *rows: dict, formulas: dict[tuple[int, str], tuple[str, object]] | None = None,
                       name: str = "register.xlsx", date_1904: bool = False) -> Path:
    """A register as XlsxWriter writes it, with content sync must keep. ``formulas``: at (row
    index, column key), a formula and the value it shows."""
    path = folder / name
    (folder / "pixel.png").write_bytes(PIXEL)
    book = xlsxwriter.Workbook(str(path), {"date_1904": date_1904})
    dated = book.add_format({"num_format": "dd/mm/yyyy"})
    bold = book.add_format({"bold": True, "font_color": "red"})
    sheet = book.add_worksheet(SHEETS.register_)
    lists = book.add_worksheet("Daftar")
    lists.write_column("A1", ["Ya", "Tidak"])
    history = book.add_worksheet(SHEETS.history)
    history.write_row(0, 0, ["Waktu", "No. Register", "Dari", "Ke", "Peran", "Nama", "Alasan", "Sidik Konten",
                             "Kode", "Arsip", "Rantai"])
    sheet.write_row(0, 0, HEADERS)
    for index, row in enumerate(rows, start=1):
        for key, value in row.items():
            value = _cell_value(value)
            if isinstance(value, date):
                sheet.write_datetime(index, COLUMN[key], value, dated)
            else:
                sheet.write(index, COLUMN[key], value)
    for (index, key), (formula, shown) in (formulas or {}).items():
        sheet.write_formula(index, COLUMN[key], formula, None, shown)
    # A person's own additions: a note beside the register, rich text in a staff cell,
    # a data bar, a sparkline, a dropdown from another sheet, an image, a chart, a comment.
    last = len(HEADERS) + 2
    sheet.write_rich_string(1, last + 5, "catatan ", bold, "penting", " staf")
    sheet.insert_textbox(len(rows) + 5, 2, "Kotak teks milik staf")
    sheet.conditional_format(1, COLUMN["documentation_count"], 50, COLUMN["documentation_count"],
                             {"type": "data_bar"})
    sheet.write_row(1, last, [1, 3, 2])
    sheet.add_sparkline(1, last + 3, {"range": f"{SHEETS.register_}!{_letters(last)}2:{_letters(last + 2)}2"})
    sheet.data_validation(1, COLUMN["handover"], 50, COLUMN["handover"],
                          {"validate": "list", "source": "=Daftar!$A$1:$A$2"})
    sheet.insert_image(len(rows) + 8, 4, str(folder / "pixel.png"))
    sheet.write_comment(0, 1, "Komentar staf")
    chart = book.add_chart({"type": "column"})
    chart.add_series({"values": f"={SHEETS.register_}!${_letters(last)}$2:${_letters(last + 2)}$2"})
    lists.insert_chart("C2", chart)
    sheet.autofilter(0, 0, len(rows), len(HEADERS) - 1)
    book.close()
    return path


def _letters(index: int) -> str:
    text, number = "", index + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        text = chr(65 + remainder) + text
    return text


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def register_rows(path: Path) -> list[dict]:
    book = CalamineWorkbook.from_path(str(path))
    rows = book.get_sheet_by_name(SHEETS.register_).to_python()
    return [dict(zip(rows[0], row, strict=False)) for row in rows[1:] if any(v != "" for v in row)]


def elements(xml: bytes) -> list[str]:
    """Every element of a sheet but its cells and rows, with its attributes, in order."""
    root = etree.fromstring(xml)
    skipped = {"row", "c", "v", "is", "t", "r", "f", "dimension"}
    return [f"{etree.QName(e).localname} {sorted(e.attrib.items())}" for e in root.iter()
            if isinstance(e.tag, str) and etree.QName(e).localname not in skipped
            and etree.QName(e).localname != "autoFilter"]


@pytest.fixture
def synced(tmp_path):
    path = made_by_xlsxwriter(tmp_path, handed_over(), approved(activity_name="Apel pagi"), submission())
    before = parts(path)
    api.sync_register(path, now=DAY_H)
    return path, before, parts(path)


def test_every_part_sync_does_not_own_is_byte_identical(synced):
    _, before, after = synced
    untouched = sorted(name for name in before if name not in OWNED)
    assert [name for name in untouched if after.get(name) != before[name]] == []
    assert {"xl/worksheets/sheet2.xml", "xl/drawings/drawing1.xml", "xl/drawings/vmlDrawing1.vml",
            "xl/media/image1.png", "xl/comments1.xml", "xl/charts/chart1.xml"} <= set(untouched)


def test_the_register_sheet_keeps_every_element_it_had(synced):
    _, before, after = synced
    kept, now = elements(before["xl/worksheets/sheet1.xml"]), elements(after["xl/worksheets/sheet1.xml"])
    assert [e for e in kept if e not in now] == []
    assert any(e.startswith("sparkline ") for e in now) and any(e.startswith("dataBar ") for e in now)


def test_the_rich_text_a_person_wrote_stays_rich(synced):
    _, _, after = synced
    strings = after["xl/sharedStrings.xml"].decode()
    assert "<r><rPr><b/>" in strings and "penting" in strings


def test_sync_writes_text_into_the_shared_strings_the_file_uses(synced):
    path, _, after = synced
    assert 't="inlineStr"' not in after["xl/worksheets/sheet1.xml"].decode()
    assert [row["Status"] for row in register_rows(path)] == ["Menunggu Pemeriksaan", "Disetujui", "Draf"]


def test_a_second_sync_changes_nothing(synced):
    path, _, _ = synced
    content = path.read_bytes()
    result = api.sync_register(path, now=DAY_H)
    assert (result.plan.changed, path.read_bytes() == content) == (False, True)


@pytest.mark.parametrize("date_1904", [False, True], ids=["1900-dates", "1904-dates"])
def test_times_sync_writes_read_back_as_written(tmp_path, date_1904):
    path = made_by_xlsxwriter(tmp_path, handed_over(), date_1904=date_1904)
    api.sync_register(path, now=DAY_H)
    (row,) = register_rows(path)
    assert row["Waktu Diserahkan"] == DAY_H.replace(tzinfo=None)


def test_a_formula_in_a_staff_cell_is_read_as_shown_and_kept(tmp_path):
    path = made_by_xlsxwriter(tmp_path, handed_over(), formulas={(1, "documentation_count"): ("=4+4", 8)})
    api.sync_register(path, now=DAY_H)
    api.sync_register(path, now=DAY_H)
    sheet = parts(path)["xl/worksheets/sheet1.xml"].decode()
    (row,) = register_rows(path)
    assert (row["Jumlah Dokumentasi"], row["Status"], "<f>4+4</f><v>8</v>" in sheet) == (
        8, "Menunggu Pemeriksaan", True)


def test_a_libreoffice_checkbox_formula_keeps_the_hand_over(tmp_path):
    # LibreOffice stores a ticked checkbox as =TRUE(): its shown value is the hand-over.
    row = handed_over()
    del row["handover"]
    path = made_by_xlsxwriter(tmp_path, row, formulas={(1, "handover"): ("=TRUE()", True)})
    first = api.sync_register(path, now=DAY_H)
    second = api.sync_register(path, now=DAY_H)
    third = api.sync_register(path, now=DAY_H)
    (shown,) = register_rows(path)
    assert [WORKFLOW.status[r.after].label for r in first.plan.rows] == ["Menunggu Pemeriksaan"]
    assert (second.plan.changed, third.plan.changed, shown["Serahkan"]) == (False, False, True)


@pytest.mark.parametrize(("row", "key", "text"), [
    (rejected, "response", "Foto kurang jelas.\x0bGanti foto 3 dan 4."),  # Word's manual line break
    (reviewed, "reviewer", "Sri\x01Lestari"),
], ids=["vertical-tab-in-a-response", "start-of-heading-in-a-reviewer"])
def test_control_characters_in_staff_cells_sync_and_read_back(tmp_path, row, key, text):
    path = made_by_xlsxwriter(tmp_path, row(**{key: text}))
    api.sync_register(path, now=DAY_H)
    (shown,) = register_rows(path)
    book = CalamineWorkbook.from_path(str(path))
    quoted = [v for name in (SHEETS.history, SHEETS.recap)
              for row in book.get_sheet_by_name(name).to_python() for v in row]
    assert shown[HEADERS[COLUMN[key]]] == text
    assert text in quoted  # what sync wrote of it: the reviewer in Riwayat, the reason in Rekap
    assert not api.sync_register(path, now=DAY_H).plan.changed


@pytest.mark.parametrize(("text", "stored"), [
    ("a\x0bb", "a_x000B_b"), ("\x01", "_x0001_"), ("_x0041_", "_x005F_x0041_"), ("x_y", "x_y"),
    ("tab\tand\nline", "tab\tand\nline"),
])
def test_text_xml_cannot_carry_is_written_in_the_escaped_form(text, stored):
    assert escape(text) == stored


def test_a_literal_escape_sequence_typed_by_a_person_reads_back_as_typed(tmp_path):
    path = made_by_xlsxwriter(tmp_path, handed_over(team_name="Tim _x0041_ Humas"))
    api.sync_register(path, now=DAY_H)
    history = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(SHEETS.history).to_python()
    assert "Tim _x0041_ Humas" in [row[5] for row in history]


def _handed_over_book(path: Path) -> xlsxwriter.Workbook:
    """An open XlsxWriter workbook with one handed-over row and a Riwayat; the test adds the Rekap it needs."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet(SHEETS.register_)
    sheet.write_row(0, 0, HEADERS)
    for key, value in handed_over().items():
        sheet.write(1, COLUMN[key], _cell_value(value))
    book.add_worksheet(SHEETS.history).write_row(0, 0, ["Waktu", "No. Register"])
    return book


def test_a_sheet_sync_must_write_that_is_a_chart_sheet_is_refused_and_nothing_written(tmp_path):
    path = tmp_path / "register.xlsx"
    book = _handed_over_book(path)
    chart = book.add_chart({"type": "column"})
    chart.add_series({"values": f"={SHEETS.register_}!$F$2:$F$2"})
    book.add_chartsheet(SHEETS.recap).set_chart(chart)
    book.close()
    content = path.read_bytes()
    with pytest.raises(SheetflowError, match=r"Rekap .*bukan lembar kerja biasa"):
        api.sync_register(path, now=DAY_H)
    assert path.read_bytes() == content


def test_cells_in_an_excel_tables_header_are_refused_and_nothing_written(tmp_path):
    path = tmp_path / "register.xlsx"
    book = _handed_over_book(path)
    recap = book.add_worksheet(SHEETS.recap)
    recap.add_table("A1:B3", {"columns": [{"header": "Kolom A"}, {"header": "Kolom B"}]})
    book.close()
    content = path.read_bytes()
    with pytest.raises(SheetflowError, match="tabel Excel"):
        api.sync_register(path, now=DAY_H)
    assert path.read_bytes() == content


def test_a_formula_overwritten_by_sync_leaves_no_stale_calculation_chain(tmp_path):
    made = made_by_xlsxwriter(tmp_path, handed_over(), formulas={(1, "status"): ('="Draf"', "Draf")}, name="asal.xlsx")
    path = tmp_path / "register.xlsx"
    chain = ('<calcChain xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             f'<c r="{_letters(COLUMN["status"])}2" i="1"/></calcChain>')
    with zipfile.ZipFile(made) as source, zipfile.ZipFile(path, "w") as target:  # as Excel keeps it
        for name in source.namelist():
            data = source.read(name).decode(errors="replace")
            if name == "[Content_Types].xml":
                data = data.replace("</Types>", '<Override PartName="/xl/calcChain.xml" ContentType="application/'
                                    'vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml"/></Types>')
            if name == "xl/_rels/workbook.xml.rels":
                data = data.replace("</Relationships>", '<Relationship Id="rIdChain" Type="http://schemas.openxml'
                                    'formats.org/officeDocument/2006/relationships/calcChain" Target="calcChain.xml"/>'
                                    "</Relationships>")
            target.writestr(name, data if name.endswith((".xml", ".rels")) else source.read(name))
        target.writestr("xl/calcChain.xml", chain)
    api.sync_register(path, now=DAY_H)
    after = parts(path)
    assert "xl/calcChain.xml" not in after and b"calcChain" not in after["[Content_Types].xml"] + after[
        "xl/_rels/workbook.xml.rels"]
    assert [row["Status"] for row in register_rows(path)] == ["Menunggu Pemeriksaan"]


SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.slow
@pytest.mark.skipif(SOFFICE is None and not os.environ.get("CI"), reason="LibreOffice is not installed")
def test_libreoffice_opens_the_synced_file_without_error(synced, tmp_path):
    path, _, _ = synced
    profile = f"-env:UserInstallation=file://{tmp_path}/profile"
    done = subprocess.run([SOFFICE, profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path / "pdf"),
                           str(path)], capture_output=True, text=True, timeout=240)
    pdf = tmp_path / "pdf" / "register.pdf"
    assert (done.returncode, pdf.exists() and pdf.stat().st_size > 1000) == (0, True), done.stderr
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "2024/0001" in text


DISK_FULL = """
import errno, shutil, sys
from sheetflow.cli import main

def full(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")

if sys.argv[2] == "register":
    from sheetflow.xlsx import package

    written = 0
    original = package.PackageWriter._write

    def _write(self, data):
        global written
        if written + len(data) > 4000:
            full()
        written += len(data)
        original(self, data)

    package.PackageWriter._write = _write
else:
    import os
    from sheetflow.xlsx import files

    sync = os.fsync

    def fsync(fd):
        # The backup is written under a temporary name: the disk fills up before it is whole.
        if ".bak." in os.readlink(f"/proc/self/fd/{fd}"):
            full()
        sync(fd)

    files.os.fsync = fsync
sys.argv = ["sheetflow", "sync", sys.argv[1], "--now", "2024-07-03T10:00"]
main()
"""


@pytest.mark.parametrize("filling", ["register", "backup"], ids=["writing-the-register", "copying-the-backup"])
def test_a_full_disk_is_one_sentence_and_leaves_the_register_and_backup_whole(tmp_path, filling):
    path = made_by_xlsxwriter(tmp_path, handed_over(), approved())
    api.sync_register(path, now=DAY_H)  # leaves a .bak
    backup = path.with_name("register.xlsx.bak")
    backed_up = backup.read_bytes()
    shutil.copyfile(made_by_xlsxwriter(tmp_path, handed_over(), approved(), submission(), name="baru.xlsx"), path)
    before = path.read_bytes()
    done = subprocess.run([sys.executable, "-c", DISK_FULL, str(path), filling], capture_output=True, text=True,
                          env={**os.environ, "SHEETFLOW_CACHE": str(tmp_path / "cache")}, timeout=120)
    assert (done.returncode, done.stderr.count("\n"), "Traceback" in done.stderr + done.stdout) == (3, 1, False), (
        done.stderr)
    assert "Exception ignored" not in done.stderr
    assert (path.read_bytes() == before, backup.read_bytes() == backed_up) == (True, True)
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_a_formula_other_cells_share_is_never_overwritten(tmp_path):
    made = made_by_xlsxwriter(tmp_path, handed_over(), formulas={(1, "status"): ('="Draf"', "Draf")}, name="asal.xlsx")
    path = tmp_path / "register.xlsx"
    status = _letters(COLUMN["status"])
    with zipfile.ZipFile(made) as source, zipfile.ZipFile(path, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "xl/worksheets/sheet1.xml":  # the formula of P2, shared with P3 as Excel stores a fill-down
                data = data.replace(b'<f>"Draf"</f>', f'<f t="shared" ref="{status}2:{status}3" si="0">"Draf"</f>'
                                    .encode())
            target.writestr(name, data)
    content = path.read_bytes()
    with pytest.raises(SheetflowError, match=f"{status}2 .*dipakai bersama sel lain"):
        api.sync_register(path, now=DAY_H)
    assert path.read_bytes() == content
