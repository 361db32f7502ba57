"""The Excel backend: raw reads, text-only writes, atomic saves, and refusing open files."""

from __future__ import annotations

import os
import re
import stat
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import pytest
from filelock import FileLock
from openpyxl import Workbook, load_workbook
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from sheetflow.errors import RegisterLocked, RegisterNotFound, RegisterUnreadable, RegisterUnwritable
from sheetflow.table import Batch, CellWrite
from sheetflow.xlsx import files
from sheetflow.xlsx.backend import open_workbook
from sheetflow.xlsx.package import PackageWriter

WHEN = datetime(2024, 7, 3, 9, 30)
GREY = PatternFill(fill_type="solid", start_color="F2F2F2", end_color="F2F2F2")


def _save(workbook: Workbook, path: Path) -> Path:
    workbook.save(path)
    return path


def _workbook(*rows: tuple) -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Register"
    for row in rows:
        sheet.append(row)
    return workbook


@pytest.fixture
def register(tmp_path: Path) -> Path:
    workbook = _workbook(("No. Register", "Nama Kegiatan", "Status"), ("2024/0001", "Rapat", "Draf"))
    return _save(workbook, tmp_path / "Register.xlsx")


def _read(path: Path, name: str = "Register") -> tuple:
    with open_workbook(path, write=False) as opened:
        return opened.read([name])[name].rows


def _apply(path: Path, batch: Batch) -> None:
    with open_workbook(path, write=True) as opened:
        opened.apply(batch)


def _write(row: int, column: int, value: object) -> Batch:
    return Batch(writes=(CellWrite("Register", row, column, value),))


def _sheet_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()


# ---------------------------------------------------------------- read

def test_read_trims_trailing_empty_rows_and_cells(tmp_path: Path) -> None:
    workbook = _workbook()
    sheet = workbook.active
    sheet["A1"], sheet["C1"] = "a", "b"
    sheet["E1"].fill = GREY  # styled but empty: not content
    sheet["A6"].fill = GREY
    path = _save(workbook, tmp_path / "Register.xlsx")

    assert _read(path) == (("a", None, "b"),)


def test_read_starts_at_row_one_even_when_it_is_empty(tmp_path: Path) -> None:
    workbook = _workbook()
    workbook.active["B3"] = "x"
    path = _save(workbook, tmp_path / "Register.xlsx")

    assert _read(path) == ((), (), (None, "x"))


def _without_dimension(path: Path) -> Path:
    """The register as a writer that leaves out <dimension> (it is optional) would save it."""
    with zipfile.ZipFile(path) as old:
        parts = {item.filename: old.read(item.filename) for item in old.infolist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    start = sheet.index(b"<dimension")
    parts["xl/worksheets/sheet1.xml"] = sheet[:start] + sheet[sheet.index(b">", start) + 1:]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for name, data in parts.items():
            new.writestr(name, data)
    return path


@pytest.mark.parametrize("declared", [True, False], ids=["dimension", "no-dimension"])
def test_read_puts_rows_far_below_the_table_in_their_places_with_their_values(tmp_path: Path, declared: bool) -> None:
    workbook = _workbook(("No. Register", "Tanggal", "Status"), ("2024/0001", WHEN, "Draf"))
    sheet = workbook.active
    sheet["B1048576"] = WHEN
    sheet["C1048575"] = " "  # blank: no row of the table
    sheet["XFD1048576"] = "x"  # beyond the headers: not the table's
    path = _save(workbook, tmp_path / "Register.xlsx")
    if not declared:
        _without_dimension(path)

    rows = _read(path)
    assert (len(rows), rows[:2], rows[-1], set(rows[2:-1])) == (
        1048576, (("No. Register", "Tanggal", "Status"), ("2024/0001", WHEN, "Draf")), (None, WHEN), {()})


def test_read_refuses_a_header_typed_far_to_the_right_over_many_rows_in_one_sentence(tmp_path: Path) -> None:
    workbook = _workbook(*[(f"2024/{n:04}", "Rapat") for n in range(200)])
    workbook.active["XFD1"] = "x"
    path = _save(workbook, tmp_path / "Register.xlsx")

    with pytest.raises(RegisterUnreadable, match=r"^Sheet Register di Register\.xlsx berisi isian sampai kolom XFD "
                                                 r"baris 200, jauh di luar tabel register; [^.]*\.$"):
        _read(path)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("5", "5"),
        (5, 5),
        (2.5, 2.5),
        (True, True),
        (WHEN, WHEN),
        (date(2024, 7, 3), date(2024, 7, 3)),
        # Values are what the spreadsheet last computed; a formula never computed (as
        # openpyxl saves one) and an error value read as empty.
        ("=SUM(1,2)", None),
        ("#REF!", None),
    ],
    ids=["text-digit", "int", "float", "bool", "datetime", "date", "formula", "error"],
)
def test_read_keeps_the_stored_value(tmp_path: Path, value: object, expected: object) -> None:
    workbook = _workbook()
    workbook.active["A1"] = value
    path = _save(workbook, tmp_path / "Register.xlsx")

    assert _read(path) == (((expected,),) if expected is not None else ())


def test_read_returns_only_sheets_that_exist(register: Path) -> None:
    with open_workbook(register, write=False) as opened:
        assert list(opened.read(["Register", "Riwayat"])) == ["Register"]


def test_read_then_apply_adds_no_blank_cells_over_column_styles(tmp_path: Path) -> None:
    # A blank cell saved with the default style would lock an unlocked input column.
    workbook = _workbook(("a", None, "c"), ("d",))
    workbook.active.column_dimensions["B"].protection = Protection(locked=False)
    path = _save(workbook, tmp_path / "Register.xlsx")

    with open_workbook(path, write=True) as opened:
        opened.read(["Register"])
        opened.apply(_write(3, 1, "e"))

    assert 'r="B1"' not in _sheet_xml(path)


# ---------------------------------------------------------------- apply

def test_apply_writes_a_value(register: Path) -> None:
    _apply(register, _write(2, 3, "Menunggu Pemeriksaan"))

    assert _read(register)[1] == ("2024/0001", "Rapat", "Menunggu Pemeriksaan")


def test_apply_none_clears_the_cell(register: Path) -> None:
    _apply(register, _write(2, 3, None))

    assert _read(register)[1] == ("2024/0001", "Rapat")


def test_apply_writes_empty_text_as_an_empty_cell(register: Path) -> None:
    _apply(register, _write(2, 3, ""))

    cell = load_workbook(register)["Register"]["C2"]
    assert (cell.value, cell.data_type) == (None, "n")


def test_apply_appends_no_cell_for_empty_text(register: Path) -> None:
    _apply(register, Batch(appends={"Register": (("2024/0002", "", "Draf"),)}))

    assert 'r="B3"' not in _sheet_xml(register)


def test_apply_shows_datetimes_in_the_batch_format(register: Path) -> None:
    _apply(register, Batch(writes=(CellWrite("Register", 2, 4, WHEN),), datetime_format="dd/mm/yyyy hh:mm"))

    assert load_workbook(register)["Register"]["D2"].number_format == "dd/mm/yyyy hh:mm"


@pytest.mark.parametrize("text", ["=1+1", '=HYPERLINK("http://x")', "+62 812", "-5", "@SUM(A1)", "#REF!"])
def test_apply_stores_formula_like_text_as_text(register: Path, text: str) -> None:
    _apply(register, _write(2, 2, text))

    cell = load_workbook(register)["Register"]["B2"]
    assert (cell.value, cell.data_type) == (text, "s")


def test_apply_writes_no_formula_into_the_file(register: Path) -> None:
    _apply(register, _write(2, 2, "=1+1"))

    assert "<f>" not in _sheet_xml(register)


def test_apply_gives_a_new_cell_its_column_style(tmp_path: Path) -> None:
    workbook = _workbook(("No. Register",))
    workbook.active.column_dimensions["A"].fill = GREY
    path = _save(workbook, tmp_path / "Register.xlsx")

    _apply(path, _write(2, 1, "2024/0001"))

    assert load_workbook(path)["Register"]["A2"].fill.fgColor.rgb == "00F2F2F2"


def test_empty_batch_leaves_the_file_untouched(register: Path) -> None:
    before = (register.read_bytes(), register.stat().st_mtime_ns)

    _apply(register, Batch(appends={"Riwayat": ()}))

    assert (register.read_bytes(), register.stat().st_mtime_ns) == before


def test_apply_keeps_the_previous_version_as_bak(register: Path) -> None:
    before = register.read_bytes()

    _apply(register, _write(2, 3, "Ditolak"))

    assert register.with_name("Register.xlsx.bak").read_bytes() == before


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_apply_keeps_the_file_mode(register: Path) -> None:
    register.chmod(0o664)

    _apply(register, _write(2, 3, "Ditolak"))

    assert stat.S_IMODE(register.stat().st_mode) == 0o664


def test_apply_appends_after_the_last_filled_row(tmp_path: Path) -> None:
    workbook = _workbook(("Waktu", "Kode"), ("x", "y"))
    workbook.active["A40"].fill = GREY  # formatted rows below the data are not content
    path = _save(workbook, tmp_path / "Register.xlsx")

    _apply(path, Batch(appends={"Register": (("z", "create"),)}))

    assert _read(path) == (("Waktu", "Kode"), ("x", "y"), ("z", "create"))


def test_apply_appends_to_a_sheet_it_creates(register: Path) -> None:
    _apply(register, Batch(appends={"Riwayat": (("Waktu", "Kode"), (WHEN, "create"))}))

    assert _read(register, "Riwayat") == (("Waktu", "Kode"), (WHEN, "create"))


def test_apply_replacement_clears_old_values_and_writes_from_a1(register: Path) -> None:
    _apply(register, Batch(replacements={"Register": (("Rekap",), ("Draf", 3))}))

    assert _read(register) == (("Rekap",), ("Draf", 3))


def test_apply_replacement_keeps_column_widths(register: Path) -> None:
    workbook = load_workbook(register)
    workbook["Register"].column_dimensions["B"].width = 33
    workbook.save(register)

    _apply(register, Batch(replacements={"Register": (("Rekap",),)}))

    assert load_workbook(register)["Register"].column_dimensions["B"].width == 33


def test_apply_extends_the_autofilter_over_new_rows(register: Path) -> None:
    workbook = load_workbook(register)
    workbook["Register"].auto_filter.ref = "A1:C1"
    workbook.save(register)

    _apply(register, Batch(appends={"Register": (("2024/0002", "Apel"),)}))

    assert load_workbook(register)["Register"].auto_filter.ref == "A1:C3"


def _fail_mid_save(self: PackageWriter) -> None:
    self._stream.write(b"PK half a workbook")
    raise OSError("disk full")


def _fail(*args: object, **kwargs: object) -> None:
    raise OSError("disk full")


@pytest.mark.parametrize(
    ("target", "name", "replacement"),
    [
        (PackageWriter, "close", _fail_mid_save),
        (files, "_keep_backup", _fail),
        (files.os, "replace", _fail),
    ],
    ids=["while-writing", "while-backing-up", "while-replacing"],
)
def test_failed_save_leaves_the_original_intact(
    register: Path, monkeypatch: pytest.MonkeyPatch, target: object, name: str, replacement: object
) -> None:
    before = register.read_bytes()
    with open_workbook(register, write=True) as opened:
        monkeypatch.setattr(target, name, replacement)
        with pytest.raises(RegisterUnwritable, match="tidak dapat disimpan"):
            opened.apply(_write(2, 3, "Ditolak"))
        monkeypatch.undo()

    assert register.read_bytes() == before


def test_failed_save_leaves_no_temporary_file(register: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with open_workbook(register, write=True) as opened:
        monkeypatch.setattr(files.os, "replace", _fail)
        with pytest.raises(RegisterUnwritable, match="tidak dapat disimpan"):
            opened.apply(_write(2, 3, "Ditolak"))
        monkeypatch.undo()

    assert list(register.parent.glob("*.tmp")) == []


# ---------------------------------------------------------------- preserved features

@pytest.fixture
def rich_register(tmp_path: Path) -> Path:
    workbook = _workbook(("Keputusan", "Status"), ("TERIMA", "Draf"))
    sheet = workbook.active
    dropdown = DataValidation(type="list", formula1='"TERIMA,TOLAK"', showErrorMessage=True)
    dropdown.add("A2:A100")
    sheet.add_data_validation(dropdown)
    sheet.conditional_formatting.add("B2:B100", CellIsRule(operator="equal", formula=['"Draf"'], fill=GREY))
    sheet.column_dimensions["B"].width = 22
    sheet.freeze_panes = "A2"
    sheet.protection.sheet = True
    workbook.create_sheet("Catatan Pribadi")["A1"] = "milik staf"
    return _save(workbook, tmp_path / "Register.xlsx")


def _features(path: Path) -> dict[str, object]:
    workbook = load_workbook(path)
    sheet = workbook["Register"]
    return {
        "data_validation": [(str(v.sqref), v.formula1) for v in sheet.data_validations.dataValidation],
        "conditional_formatting": [
            (str(area.sqref), rule.formula) for area in sheet.conditional_formatting for rule in area.rules
        ],
        "width": sheet.column_dimensions["B"].width,
        "freeze_panes": sheet.freeze_panes,
        "protection": sheet.protection.sheet,
        "other_sheet": workbook["Catatan Pribadi"]["A1"].value,
    }


@pytest.mark.parametrize(
    "feature",
    ["data_validation", "conditional_formatting", "width", "freeze_panes", "protection", "other_sheet"],
)
def test_apply_keeps(rich_register: Path, feature: str) -> None:
    before = _features(rich_register)[feature]

    _apply(rich_register, _write(2, 2, "Disetujui"))

    assert before
    assert _features(rich_register)[feature] == before


# ---------------------------------------------------------------- refusals

@pytest.mark.parametrize("owner", ["~$Register.xlsx", ".~lock.Register.xlsx#"], ids=["excel", "libreoffice"])
def test_open_refuses_a_register_open_in_a_spreadsheet_program(register: Path, owner: str) -> None:
    register.with_name(owner).write_bytes(b"someone")

    with pytest.raises(RegisterLocked, match=r"Register\.xlsx sedang dibuka"):
        _apply(register, _write(2, 3, "Ditolak"))


@pytest.mark.parametrize("owner", ["~$Register.xlsx", ".~lock.Register.xlsx#"], ids=["excel", "libreoffice"])
def test_refused_register_is_not_written(register: Path, owner: str) -> None:
    before = register.read_bytes()
    register.with_name(owner).write_bytes(b"someone")

    with pytest.raises(RegisterLocked):
        _apply(register, _write(2, 3, "Ditolak"))

    assert (register.read_bytes(), register.with_name("Register.xlsx.bak").exists()) == (before, False)


def _excel_owner_file(name: str) -> bytes:
    """An owner file as Excel writes it: the name's length and the name in the code page,
    spaces up to byte 55, the length again in two bytes, the name in UTF-16, spaces to 165."""
    head = bytes([len(name)]) + name.encode("cp1252", "replace")
    head += b" " * (55 - len(head)) + len(name).to_bytes(2, "little") + name.encode("utf-16-le")
    return head + b" \0" * ((165 - len(head)) // 2) + b" " * ((165 - len(head)) % 2)


OWNER_FILES = {
    "excel": ("~$Register.xlsx", _excel_owner_file("Sri Lestari"), "di Excel oleh Sri Lestari (ada berkas"),
    "libreoffice-user-data": (".~lock.Register.xlsx#", b"Sri Lestari,sri,KANTOR-PC,08.12.2026 09:15,"
                              b"file:///C:/Users/sri/AppData/Roaming/LibreOffice/4;",
                              "di LibreOffice oleh Sri Lestari di komputer KANTOR-PC (ada berkas"),
    # As LibreOffice wrote it for a user who never filled in Tools › Options › User Data.
    "libreoffice-system-user": (".~lock.Register.xlsx#", b",root,vm,08.12.2026 01:27,file:///root/.config/lo;",
                                "di LibreOffice oleh root di komputer vm (ada berkas"),
    "libreoffice-escaped": (".~lock.Register.xlsx#", b"Lestari\\, Sri,sri,,08.12.2026 09:15,file:///x;",
                            "di LibreOffice oleh Lestari, Sri (ada berkas"),
}


@pytest.mark.parametrize("case", sorted(OWNER_FILES))
def test_a_register_open_in_a_spreadsheet_program_names_who_has_it_open(register: Path, case: str) -> None:
    owner, content, expected = OWNER_FILES[case]
    register.with_name(owner).write_bytes(content)

    with pytest.raises(RegisterLocked, match=re.escape(f"Register.xlsx sedang dibuka {expected} {owner});")):
        _apply(register, _write(2, 3, "Ditolak"))


@pytest.mark.parametrize("content", [b"", b"someone", b"\xff" * 165, b"a,b;"], ids=["empty", "text", "bytes", "short"])
@pytest.mark.parametrize("owner", ["~$Register.xlsx", ".~lock.Register.xlsx#"], ids=["excel", "libreoffice"])
def test_an_owner_file_that_cannot_be_read_gives_the_message_without_a_name(register: Path, owner: str,
                                                                            content: bytes) -> None:
    register.with_name(owner).write_bytes(content)

    with pytest.raises(RegisterLocked, match=re.escape("Register.xlsx sedang dibuka di ") + r"\w+ \(ada berkas"):
        _apply(register, _write(2, 3, "Ditolak"))


def test_open_refuses_a_register_another_sync_holds(register: Path) -> None:
    before = register.read_bytes()
    with FileLock(register.with_name(".Register.xlsx.sheetflow-lock")), pytest.raises(
        RegisterLocked, match="sync lain"
    ):
        _apply(register, _write(2, 3, "Ditolak"))

    assert register.read_bytes() == before


def test_apply_refuses_when_excel_opened_the_file_meanwhile(register: Path) -> None:
    before = register.read_bytes()
    with open_workbook(register, write=True) as opened:
        register.with_name("~$Register.xlsx").write_bytes(b"someone")
        with pytest.raises(RegisterLocked):
            opened.apply(_write(2, 3, "Ditolak"))

    assert register.read_bytes() == before


def test_lock_is_released_when_the_sync_ends(register: Path) -> None:
    _apply(register, _write(2, 3, "Ditolak"))

    _apply(register, _write(2, 3, "Disetujui"))

    assert _read(register)[1][2] == "Disetujui"


def test_dry_run_reads_while_another_sync_holds_the_lock(register: Path) -> None:
    with FileLock(register.with_name(".Register.xlsx.sheetflow-lock")):
        assert _read(register)[1] == ("2024/0001", "Rapat", "Draf")


def test_dry_run_refuses_to_write(register: Path) -> None:
    before = register.read_bytes()
    with open_workbook(register, write=False) as opened, pytest.raises(RuntimeError, match="dry run"):
        opened.apply(_write(2, 3, "Ditolak"))

    assert register.read_bytes() == before


def test_missing_register_raises_not_found(tmp_path: Path) -> None:
    missing = tmp_path / "Tidak.xlsx"
    with pytest.raises(RegisterNotFound, match="tidak ditemukan"), open_workbook(missing, write=True):
        pass


def _text_file(path: Path) -> None:
    path.write_text("No. Register;Status\n2024/0001;Draf\n", encoding="utf-8")


def _zip_without_workbook(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("catatan.txt", "bukan workbook")


@pytest.mark.parametrize("make", [_text_file, _zip_without_workbook], ids=["text", "zip-without-workbook"])
def test_unreadable_file_raises_unreadable(tmp_path: Path, make: Callable[[Path], None]) -> None:
    path = tmp_path / "Register.xlsx"
    make(path)

    with pytest.raises(RegisterUnreadable, match=r"Register\.xlsx bukan berkas Excel"), open_workbook(
        path, write=False
    ):
        pass
