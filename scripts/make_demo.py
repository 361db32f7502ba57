"""Build templates/demo.xlsx: the demo register that `sheetflow demo` copies and syncs.

Its story runs over the SOP's first days. Rows handed over on 2 July were synced that
day; then people kept working (an upload link, a revision, a late edit, a status typed
by hand, a copied row, new hand-overs of every kind) and the file waits for the sync of
3 July, which `sheetflow demo` runs. Together the rows reach every status and every
refusal register.md names.

    python scripts/make_demo.py            # rewrite templates/demo.xlsx
    python scripts/make_demo.py --check    # exit 1 if the committed file is stale
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl

from sheetflow import api
from sheetflow.xlsx.template import describe_workbook

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "templates" / "demo.xlsx"
WIB = ZoneInfo("Asia/Jakarta")
FIRST_SYNC = datetime(2024, 7, 2, 16, 0, tzinfo=WIB)
DAY_2 = date(2024, 7, 2)
DAY_3 = date(2024, 7, 3)

NARRATIVE = (
    "Kegiatan berlangsung di balai kalurahan dan dihadiri perangkat kalurahan, tokoh masyarakat, "
    "serta warga. Camat menyampaikan arahan tentang pelayanan publik yang cepat dan terbuka."
)
DRIVE = "https://drive.google.com/drive/folders/"


def content(name: str, day: date | str, team: str, **more: object) -> dict[str, object]:
    row: dict[str, object] = {
        "Tanggal Kegiatan": day,
        "Nama Kegiatan": name,
        "Tim Pelaksana": team,
        "Jenis Dokumentasi": "Foto",
        "Jumlah Dokumentasi": 8,
        "Tautan Dokumentasi": DRIVE + name.split()[0].lower(),
        "Narasi Berita": NARRATIVE,
        "Caption": f"{name}: bersama warga membangun kalurahan yang maju dan terbuka.",
    }
    row.update(more)
    return row


REVIEW = {"Pemeriksa": "Sri Lestari"}
APPROVE = {**REVIEW, "Keputusan": "TERIMA", "Disetujui Oleh": "Ketua PPID Pembantu"}

# Handed over on 2 July and synced that afternoon.
FIRST_DAY = [
    content("Musrenbang Kalurahan Bedoyo", DAY_2, "Seksi Pemerintahan", Serahkan="Ya", **APPROVE),
    content("Posyandu Balita Genjahan", DAY_2, "Seksi Kesejahteraan Rakyat", Serahkan=True, **REVIEW,
            Keputusan="TOLAK", **{"Tanggapan Tertulis": "Foto buram dan caption belum menyebut kalurahan."}),
    content("Kerja Bakti Gombang", DAY_2, "Seksi Ketentraman dan Ketertiban", Serahkan="Ya", **APPROVE),
    content("Sosialisasi PBB Karangasem", DAY_2, "Seksi Perekonomian", Serahkan="Ya"),
]

# What people did on 3 July, before the sync that `sheetflow demo` runs.
EDITS = {
    0: {"Tautan Unggahan": "https://www.instagram.com/p/musrenbang-bedoyo/"},
    1: {"Caption": "Posyandu Balita Kalurahan Genjahan: 62 balita ditimbang dan diberi vitamin A.",
        "Serahkan": True},
    2: {"Caption": "Kerja bakti warga Gombang membersihkan saluran irigasi menjelang musim tanam."},
    3: {"Status": "Disetujui"},
}
SECOND_DAY = [
    {**FIRST_DAY[0], "Nama Kegiatan": "Musrenbang Kalurahan Kenteng", "Pemeriksa": None, "Keputusan": None,
     "Disetujui Oleh": None, "Serahkan": None},  # copied from the first row, No. Register and all
    content("Rapat Koordinasi Linmas", DAY_3, "Seksi Ketentraman dan Ketertiban", **{"Narasi Berita": None}),
    content("Pelatihan UMKM Sawahan", DAY_3, "Seksi Perekonomian", Serahkan="Ya", **{
        "Jumlah Dokumentasi": 3, "Tautan Dokumentasi": "ada di grup WA",
        "Caption": "Pelatihan UMKM " + "pemasaran digital bagi pelaku usaha kecil di Sawahan, " * 4}),
    content("Lomba Desa Sidorejo", DAY_3, "Seksi Pemerintahan", Serahkan="Ya"),
    content("Pengajian Akbar Sumbergiri", DAY_3, "Seksi Kesejahteraan Rakyat", Serahkan="Ya", **REVIEW),
    content("Bakti Sosial Tambakromo", DAY_3, "Seksi Kesejahteraan Rakyat", Serahkan="Ya", **REVIEW,
            Keputusan="TOLAK"),
    content("Senam Lansia Umbulrejo", DAY_3, "Seksi Kesejahteraan Rakyat", Serahkan="Ya", **REVIEW,
            Keputusan="terima"),
    content("Festival Budaya Ponjong", DAY_3, "Seksi Pemerintahan", Serahkan="Ya", **REVIEW, Keputusan="TOLAK",
            **{"Tanggapan Tertulis": "Narasi belum menyebut jumlah peserta; lengkapi lalu serahkan lagi."}),
    content("Vaksinasi Hewan Kenteng", DAY_3, "Seksi Perekonomian", Serahkan="Ya", **APPROVE),
    content("Penyaluran BLT Genjahan", DAY_3, "Seksi Kesejahteraan Rakyat", Serahkan="Ya", Keputusan="TERIMA"),
    content("Gotong Royong Bedoyo", DAY_3, "Seksi Pemerintahan",
            **{"Tautan Unggahan": "https://www.facebook.com/kapanewon/posts/1"}),
    content("Peringatan Hari Bhayangkara", "01/07/2024", "Seksi Ketentraman dan Ketertiban", Serahkan="ya"),
    content("Rapat Pleno Kalurahan Ponjong", DAY_3, "Seksi Pemerintahan", **APPROVE),
    content("Pentas Seni Sekolah", "3 Juli 2024", "Seksi Kesejahteraan Rakyat", Serahkan="Ya",
            **{"Jumlah Dokumentasi": "lima", "Jenis Dokumentasi": "foto & video"}),
]


def write_rows(path: Path, rows: list[dict[str, object]], edits: dict[int, dict[str, object]]) -> None:
    """Type rows and edits into the Register sheet by header, as staff would."""
    book = openpyxl.load_workbook(path)
    sheet = book["Register"]
    where = {cell.value: cell.column for cell in sheet[1]}
    start = sheet.max_row + 1
    typed = [(index + 2, changes) for index, changes in edits.items()]
    typed += [(start + offset, row) for offset, row in enumerate(rows)]
    for number, values in typed:
        for header, value in values.items():
            cell = sheet.cell(number, where[header], value)
            if isinstance(value, date):
                cell.number_format = "dd/mm/yyyy"  # what the spreadsheet shows a typed date as
    book.save(path)


def copy_number(path: Path, source_index: int, target_index: int) -> None:
    book = openpyxl.load_workbook(path)
    sheet = book["Register"]
    column = next(c.column for c in sheet[1] if c.value == "No. Register")
    sheet.cell(target_index + 2, column, sheet.cell(source_index + 2, column).value)
    book.save(path)


def build(target: Path) -> None:
    # Built in a scratch folder: a sync leaves its backup and lock file beside the register.
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder) / "demo.xlsx"
        api.init_register(scratch)
        write_rows(scratch, FIRST_DAY, {})
        api.sync_register(scratch, now=FIRST_SYNC)
        write_rows(scratch, SECOND_DAY, EDITS)
        copy_number(scratch, 0, len(FIRST_DAY))
        shutil.copyfile(scratch, target)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if templates/demo.xlsx is stale")
    args = parser.parse_args()
    if not args.check:
        build(TARGET)
        print(f"wrote {TARGET.relative_to(ROOT)}")
        return 0
    with tempfile.TemporaryDirectory() as folder:
        fresh = Path(folder) / "demo.xlsx"
        build(fresh)
        same = describe_workbook(openpyxl.load_workbook(fresh)) == describe_workbook(openpyxl.load_workbook(TARGET))
    print("templates/demo.xlsx is up to date" if same else "templates/demo.xlsx is stale: run scripts/make_demo.py")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
