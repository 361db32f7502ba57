"""The paper copy: the register for a period and the approval sheet, read back with poppler."""

from __future__ import annotations

import re
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from support import DAY_H, WIB, WORKFLOW, MemoryRegister, approved, handed_over, rejected, submission

from sheetflow import cells
from sheetflow.api import SyncResult, run_demo
from sheetflow.errors import SheetflowError
from sheetflow.paper import approval_pdf, register_pdf
from sheetflow.paper.fonts import PLACEHOLDER, fallback_files, font_files, printable
from sheetflow.sync import RowOutcome

OFFICE = "Kapanewon Ponjong"
JULY = {"start": date(2024, 7, 1), "end": date(2024, 7, 31)}
PRINTED_AT = datetime(2024, 7, 3, 15, 0, tzinfo=WIB)
ROLES = WORKFLOW.column["approved_by"].choices
MIXED_CAPTION = "Kerja bakti 👍🏽🎉 warga ❤️ café — مرحبا بكم في بونجونج שלום"
# What people type that DejaVu Sans lacks: emoji and Javanese script ("Sugeng rawuh").
EMOJI_AND_JAVANESE = ["👍", "🎉", "🙏", "📸", "ꦱꦸꦒꦼꦁ", "ꦫꦮꦸꦃ"]


def in_memory(*rows: dict) -> SyncResult:
    """A register synced by the real planner, as check_register would return it."""
    return SyncResult("memory", WORKFLOW, MemoryRegister.of(*rows).sync(), DAY_H, dry_run=True)


def register_of(result: SyncResult, **period: date) -> bytes:
    return register_pdf(result, **(period or JULY), office=OFFICE, printed_at=PRINTED_AT)


def approval_of(result: SyncResult, number: str) -> bytes:
    return approval_pdf(result, number, office=OFFICE, printed_at=PRINTED_AT)


def text(pdf: bytes, folder: Path, mode: str = "-layout") -> str:
    """The PDF's text as poppler reads it; ``-raw`` keeps each wrapped cell's lines together."""
    path = folder / "printed.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", mode, path, "-"], check=True, capture_output=True, text=True).stdout


def flat(pdf: bytes, folder: Path) -> str:
    """The text in drawing order, line breaks made spaces: a label wrapped in its cell reads whole."""
    return " ".join(text(pdf, folder, "-raw").split())


def page_size(pdf: bytes, folder: Path) -> tuple[float, float]:
    path = folder / "sized.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", path], check=True, capture_output=True, text=True).stdout
    line = next(line for line in info.splitlines() if line.startswith("Page size:"))
    width, _, height = line.split()[2:5]
    return float(width), float(height)


@pytest.fixture(scope="module")
def glyphs() -> dict[int, str]:
    """The characters the shipped regular font can draw."""
    with font_files() as files, TTFont(files[""]) as font:
        return font.getBestCmap()


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> SyncResult:
    """The bundled demo register, synced: every status, activities on 1–3 July 2024."""
    return run_demo(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="module")
def demo_register(demo) -> bytes:
    return register_of(demo)


@pytest.fixture(scope="module")
def demo_text(demo_register, tmp_path_factory) -> str:
    return text(demo_register, tmp_path_factory.mktemp("text"))


def activity_day(row: RowOutcome) -> date | None:
    day = cells.parse_date(row.values.get("activity_date"))
    return day if isinstance(day, date) else None


def test_register_page_renders_as_an_image(demo_register, tmp_path):
    (tmp_path / "register.pdf").write_bytes(demo_register)
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", tmp_path / "register.pdf",
                    tmp_path / "page"], check=True)
    [image] = tmp_path.glob("page*.png")
    assert image.read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize("words", [
    OFFICE,
    "SOP 010 / SOP / 2024 · Alur Upload Konten Media Sosial",
    "Periode 1 Juli 2024 – 31 Juli 2024",
    "Dicetak 3 Juli 2024 15:00 WIB",
    "Halaman 1 dari",
])
def test_register_heads_its_pages_with(demo_text, words):
    assert words in demo_text


def test_register_numbers_its_pages_out_of_the_total(demo_text):
    pages = demo_text.count("Halaman ")
    assert pages > 1
    assert f"Halaman {pages} dari {pages}" in demo_text


@pytest.mark.parametrize("header", ["No. Register", "Tanggal Kegiatan", "Nama Kegiatan", "Caption", "Status",
                                    "Catatan Sistem", "Ketepatan"])
def test_register_heads_its_columns_with_the_workflow_headers(demo_register, tmp_path, header):
    assert header in flat(demo_register, tmp_path)


def test_register_lists_every_row_of_the_period(demo, demo_text):
    numbers = [r.register_no for r in demo.plan.rows]
    assert numbers
    assert [n for n in numbers if n not in demo_text] == []


def test_register_leaves_out_rows_dated_outside_the_period(demo, tmp_path):
    printed = text(register_of(demo, start=date(2024, 7, 3), end=date(2024, 7, 3)), tmp_path)
    outside = [r.register_no for r in demo.plan.rows if activity_day(r) != date(2024, 7, 3)]
    assert outside
    assert [n for n in outside if n in printed] == []


def test_register_keeps_rows_dated_inside_a_narrower_period(demo, tmp_path):
    printed = text(register_of(demo, start=date(2024, 7, 3), end=date(2024, 7, 3)), tmp_path)
    inside = [r.register_no for r in demo.plan.rows if activity_day(r) == date(2024, 7, 3)]
    assert inside
    assert [n for n in inside if n not in printed] == []


def test_register_sorts_rows_by_activity_date_then_number(demo, demo_register, tmp_path):
    printed = flat(demo_register, tmp_path)
    expected = sorted(demo.plan.rows, key=lambda r: (activity_day(r), r.register_no))
    positions = [printed.index(r.register_no) for r in expected]
    assert positions == sorted(positions)


@pytest.mark.parametrize("status", WORKFLOW.statuses, ids=lambda s: s.key)
def test_register_shows_the_status_label_of_each_row(demo, demo_register, tmp_path, status):
    printed = flat(demo_register, tmp_path)
    order = sorted(demo.plan.rows, key=lambda r: (activity_day(r), r.register_no))
    starts = [printed.index(r.register_no) for r in order] + [len(printed)]
    rows = {r.register_no: printed[starts[i]:starts[i + 1]] for i, r in enumerate(order)}
    having = [r.register_no for r in order if r.after == status.key]
    assert having, f"the demo has no row in {status.label}"
    assert [n for n in having if status.label not in rows[n]] == []


def test_register_lists_rows_without_a_readable_date_last_under_a_heading(tmp_path):
    result = in_memory(submission(activity_date="kemarin"), submission())
    undated, dated = (r.register_no for r in result.plan.rows)
    printed = flat(register_of(result), tmp_path)
    heading = printed.index("Tanggal Kegiatan belum diisi atau tidak terbaca")
    assert printed.index(dated) < heading < printed.index(undated)


def test_register_of_an_empty_period_says_so(demo, tmp_path):
    printed = text(register_of(demo, start=date(2023, 1, 1), end=date(2023, 1, 31)), tmp_path)
    assert "Tidak ada kegiatan dengan Tanggal Kegiatan dalam periode ini." in printed


def test_register_refuses_a_period_that_ends_before_it_starts(demo):
    with pytest.raises(SheetflowError, match="Periode tidak sah"):
        register_of(demo, start=date(2024, 7, 31), end=date(2024, 7, 1))


def test_register_continues_a_row_taller_than_a_page_on_the_next(tmp_path):
    caption = "Catatan panjang sekali. " * 300 + "AKHIR-CAPTION"
    pdf = register_of(in_memory(handed_over(caption=caption)))
    printed = text(pdf, tmp_path)
    assert "Halaman 2 dari" in printed
    assert "AKHIR-CAPTION" in printed


def test_register_pages_are_a4_landscape(demo_register, tmp_path):
    assert page_size(demo_register, tmp_path) == (841.89, 595.28)


def test_approval_pages_are_a4_portrait(tmp_path):
    result = in_memory(approved())
    assert page_size(approval_of(result, result.plan.rows[0].register_no), tmp_path) == (595.28, 841.89)


@pytest.mark.parametrize("words", [
    "Lembar Persetujuan Unggahan Konten Media Sosial",
    approved()["caption"],
    approved()["narrative"],
    "Keputusan TERIMA",
    "Disetujui Oleh Ketua PPID Pembantu",
    "Pemeriksa Budi Santoso",
    "Waktu Keputusan 03/07/2024 10:00",
    *ROLES,
    "tanda tangan",
])
def test_approval_sheet_shows(tmp_path, words):
    result = in_memory(approved())
    assert words in flat(approval_of(result, result.plan.rows[0].register_no), tmp_path)


def test_approval_has_a_signature_block_for_each_sign_off_role(tmp_path):
    result = in_memory(approved())
    printed = flat(approval_of(result, result.plan.rows[0].register_no), tmp_path)
    assert printed.count("tanda tangan") == len(ROLES) == 3


def test_approval_of_an_unknown_number_raises_naming_it():
    with pytest.raises(SheetflowError, match="2024/9999 tidak ditemukan"):
        approval_of(in_memory(approved()), "2024/9999")


# ---------------------------------------------------------------- the approval sheet shows what Riwayat records
def test_the_approval_sheet_prints_the_recorded_decision_not_a_changed_cell(register_of, tmp_path):
    register = register_of(approved())
    register.sync()
    # TOLAK without a written response is refused; the reviewer's name is not a decision.
    register.edit(0, decision="TOLAK", reviewer="Orang Lain")
    register.sync()
    printed = flat(register.approval("2024/0001"), tmp_path)
    assert "Keputusan TERIMA Disetujui Oleh Ketua PPID Pembantu Pemeriksa Budi Santoso" in printed
    assert "Orang Lain" not in printed


def test_an_item_never_approved_gets_no_approval_sheet(register_of):
    register = register_of(rejected())
    register.sync()
    with pytest.raises(SheetflowError, match=re.escape("2024/0001 tidak sedang disetujui (status Ditolak)")):
        register.approval("2024/0001")


def test_an_approval_reversed_before_upload_gets_no_approval_sheet():
    register = MemoryRegister.of(approved())
    register.sync()
    register.edit(0, decision="TOLAK", response="Ganti foto 2.")
    register.sync()
    with pytest.raises(SheetflowError, match="tidak sedang disetujui"):
        register.approval("2024/0001")


def test_an_approval_not_yet_synced_is_printed_as_sync_would_record_it(tmp_path):
    printed = flat(MemoryRegister.of(approved()).approval("2024/0001"), tmp_path)
    assert "Keputusan TERIMA Disetujui Oleh Ketua PPID Pembantu" in printed


def test_the_approval_sheet_shows_a_corrected_approver_and_the_correction(tmp_path):
    register = MemoryRegister.of(approved())
    register.sync()
    register.later(hours=2)
    register.edit(0, approved_by="Atasan PPID Pembantu")
    register.sync()
    printed = flat(register.approval("2024/0001"), tmp_path)
    assert "Disetujui Oleh Atasan PPID Pembantu" in printed
    assert "Koreksi 03/07/2024 12:00: Koreksi penyetuju. Disetujui Oleh: Ketua PPID Pembantu → Atasan PPID" in printed


def test_the_approval_sheet_prints_the_times_riwayat_records(tmp_path):
    register = MemoryRegister.of(approved())
    register.sync()
    register.edit(0, decided_at=datetime(2024, 7, 1, 8, 0))
    printed = flat(register.approval("2024/0001"), tmp_path)
    assert "Waktu Keputusan 03/07/2024 10:00" in printed


def test_an_approver_older_history_did_not_record_is_marked_as_such(tmp_path):
    register = MemoryRegister.of(approved())
    register.sync()
    register.history = [e._replace(archive="") for e in register.history]
    printed = flat(register.approval("2024/0001"), tmp_path)
    assert "Disetujui Oleh Ketua PPID Pembantu (tidak tercatat di Riwayat; tertulis di register)" in printed
    assert "Pemeriksa Budi Santoso" in printed


@pytest.mark.parametrize("render", [register_of, lambda result: approval_of(result, result.plan.rows[0].register_no)],
                         ids=["register", "approval"])
def test_caption_with_emoji_and_arabic_renders(tmp_path, render):
    printed = flat(render(in_memory(approved(caption=MIXED_CAPTION))), tmp_path)
    assert "Kerja bakti" in printed
    assert "café" in printed


APPROVAL_OR_REGISTER = pytest.mark.parametrize(
    "render", [register_of, lambda result: approval_of(result, result.plan.rows[0].register_no)],
    ids=["register", "approval"])


def fonts_of(pdf: bytes, folder: Path) -> str:
    path = folder / "fonts.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdffonts", path], check=True, capture_output=True, text=True).stdout


@APPROVAL_OR_REGISTER
def test_emoji_and_javanese_script_print_as_typed_not_as_boxes(tmp_path, render):
    printed = flat(render(in_memory(approved(caption=f"Kerja bakti {' '.join(EMOJI_AND_JAVANESE)}"))), tmp_path)
    assert f"Kerja bakti {' '.join(EMOJI_AND_JAVANESE)}" in printed
    assert PLACEHOLDER not in printed


@APPROVAL_OR_REGISTER
def test_emoji_and_javanese_script_are_drawn_with_the_shipped_fallback_fonts(tmp_path, render):
    embedded = fonts_of(render(in_memory(approved(caption=" ".join(EMOJI_AND_JAVANESE)))), tmp_path)
    assert "NotoEmoji" in embedded
    assert "NotoSansJavanese" in embedded


def test_a_caption_without_emoji_or_javanese_embeds_no_fallback_font(tmp_path):
    assert "Noto" not in fonts_of(register_of(in_memory(approved())), tmp_path)


def test_every_shipped_font_has_its_licence_beside_it():
    with font_files() as files, fallback_files() as fallbacks:
        folder = files[""].parent
        licences = (folder / "LICENSE").read_text() + (folder / "OFL.txt").read_text()
        assert all(path.name in licences for path in [*files.values(), *fallbacks.values()])
    assert "SIL OPEN FONT LICENSE Version 1.1" in licences


def test_text_that_looks_like_a_page_count_alias_stays_as_typed(tmp_path):
    printed = flat(register_of(in_memory(handed_over(caption="Hadiah {nb} untuk warga"))), tmp_path)
    assert "Hadiah {nb} untuk warga" in printed


@pytest.mark.parametrize(("typed", "printed"), [
    ("café", "café"),
    ("مرحبا", "مرحبا"),
    ("baris satu\nbaris dua", "baris satu\nbaris dua"),
    ("😀", "😀"),  # DejaVu Sans has the emoticons block
    ("❤️", "❤️"),  # the heart and the emoji-style selector: DejaVu Sans has both
    ("👍🏽", PLACEHOLDER),  # with a skin tone: one box, as a reader counts one character
    ("👨‍👩‍👧", PLACEHOLDER),
    ("ok 🎉!", f"ok {PLACEHOLDER}!"),
])
def test_printable_boxes_what_the_font_cannot_draw(glyphs, typed, printed):
    assert printable(typed, glyphs) == printed
