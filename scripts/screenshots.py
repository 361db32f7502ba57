"""Regenerate the pictures of the user guide (PANDUAN.md) in docs/gambar/.

Every picture comes from the bundled demo register synced by ``sheetflow.api.run_demo``,
so the guide shows what staff will really see:

    register-status.png      the Register sheet: No. Register, Nama Kegiatan, Status (every colour)
                             and Catatan Sistem
    register-ditolak.png     a refusal (2024/0010: TOLAK without a Tanggapan Tertulis) and a
                             rejection (2024/0012 Festival Budaya Ponjong, Ditolak)
    rekap.png                the Rekap sheet: counts per status and the bar chart
    cetak-register.png       page 1 of `sheetflow print` for July 2024
    cetak-persetujuan.png    the approval sheet of 2024/0013, with the signature blocks

    .venv/bin/python scripts/screenshots.py [--output docs/gambar]

Needs LibreOffice (soffice) and poppler (pdftoppm, pdftotext) on PATH, and Pillow (already
installed with sheetflow, which fpdf2 requires).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter
from PIL import Image, ImageChops

from sheetflow import api

ROOT = Path(__file__).resolve().parent.parent
OFFICE = "Kapanewon Ponjong"
# The demo's story happens in July 2024; printing "now" would mark every row as late
# by hundreds of days, so the paper copies are printed at the demo's own sync time.
PRINTED_AT = api.DEMO_NOW
JULY = (date(2024, 7, 1), date(2024, 7, 31))
APPROVAL = "2024/0013"
BUDGET = 250_000  # bytes per PNG: the guide is read on office PCs and in the repository browser
PADDING = 8  # white pixels kept around a trimmed picture
VIEW_DPI = 150  # a view is shrunk to fit one page: more dots keep its text readable
LINE_HEIGHT = 13  # points per line of wrapped text in the register's default font


@dataclass(frozen=True)
class View:
    """Which part of the Register sheet a picture shows.

    The register prints three pages wide and two tall, so no page of the real print holds
    every status; a view hides the other columns (and rows) of a copy, as a person could
    in Excel, and prints it on one page."""

    name: str
    headers: tuple[str, ...]
    numbers: tuple[str, ...] = ()  # the No. Register of the rows to keep; empty keeps all


VIEWS = (
    View("register-status", ("No. Register", "Nama Kegiatan", "Status", "Catatan Sistem")),
    View(
        "register-ditolak",
        ("No. Register", "Nama Kegiatan", "Pemeriksa", "Keputusan", "Tanggapan Tertulis", "Status",
         "Catatan Sistem"),
        ("2024/0010", "2024/0012"),
    ),
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "gambar")
    args = parser.parse_args()
    for tool in ("soffice", "pdftoppm", "pdftotext"):
        if not shutil.which(tool):
            print(f"{tool} is not installed (LibreOffice / poppler-utils)", file=sys.stderr)
            return 2
    args.output.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="sheetflow-gambar-") as scratch:
        tmp = Path(scratch)
        register = Path(api.run_demo(tmp / "demo").source)
        written = [*register_views(register, tmp, args.output), rekap(register, tmp, args.output),
                   *paper(register, tmp, args.output)]
    for path in written:
        size = path.stat().st_size
        print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: {size // 1000} KB")
        if size > BUDGET:
            print(f"  over the {BUDGET // 1000} KB budget: lower the resolution or crop tighter", file=sys.stderr)
            return 1
    return 0


def register_views(register: Path, tmp: Path, output: Path) -> list[Path]:
    pictures = []
    for view in VIEWS:
        copy = tmp / f"{view.name}.xlsx"
        only_view(register, copy, view)
        pdf = to_pdf(copy, tmp)
        pictures.append(render(pdf, 1, output / f"{view.name}.png", dpi=VIEW_DPI))
    return pictures


def only_view(source: Path, target: Path, view: View) -> None:
    book = openpyxl.load_workbook(source)
    for name in book.sheetnames[1:]:  # Riwayat, Rekap, Petunjuk would print pages of their own
        del book[name]
    sheet = book.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    for number, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(number)].hidden = header not in view.headers
    number_column = headers.index("No. Register")
    shown = [i for i, header in enumerate(headers) if header in view.headers]
    for row in sheet.iter_rows(min_row=2):
        dimension = sheet.row_dimensions[row[0].row]
        dimension.hidden = bool(view.numbers) and row[number_column].value not in view.numbers
        # The template's row height suits the wrapped narrative, which the view hides, and
        # LibreOffice keeps a stored height rather than fitting the row on import.
        lines = max(wrapped_lines(row[i].value, sheet.column_dimensions[get_column_letter(i + 1)].width)
                    for i in shown)
        dimension.height = LINE_HEIGHT * lines + 3
    sheet.print_title_cols = None
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 1
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    book.save(target)


def wrapped_lines(value: object, width: float) -> int:
    """How many lines a wrapped cell takes in LibreOffice (measured: about 1.1 characters per width unit)."""
    if value is None:
        return 1
    per_line = max(int(width * 1.1), 1)
    return sum(len(textwrap.wrap(part, per_line)) or 1 for part in str(value).splitlines()) or 1


def rekap(register: Path, tmp: Path, output: Path) -> Path:
    """The Rekap sheet as LibreOffice prints the real workbook: title, counts and chart.

    The page's lower half holds wide tables (per month, per team) that read better in
    `sheetflow report`; the picture stops above them."""
    pdf = to_pdf(register, tmp)
    page = page_with(pdf, "Rekap")
    words = page_words(pdf, page)
    top = min(w.top for w in words if w.text == "Rekap")
    bottom = min(w.top for w in words if w.text == "Per" and w.top > top)
    return render(pdf, page, output / "rekap.png", dpi=150, band=(top - 6, bottom - 4))


def paper(register: Path, tmp: Path, output: Path) -> list[Path]:
    start, end = JULY
    folder = tmp / "cetak"
    listing = api.print_register(register, folder, start=start, end=end, office=OFFICE, now=PRINTED_AT)
    approval = api.print_register(register, folder, approval=APPROVAL, office=OFFICE, now=PRINTED_AT)
    # The whole page: the masthead, the period and the footer are what makes it a record.
    return [render(listing, 1, output / "cetak-register.png", dpi=100, trim=False),
            render(approval, 1, output / "cetak-persetujuan.png", dpi=80, trim=False)]


def to_pdf(workbook: Path, tmp: Path) -> Path:
    folder = tmp / f"pdf-{workbook.stem}"
    # A private profile: a LibreOffice the user has open (or a first-run dialog) must not
    # interfere, and nothing is left in the user's own profile.
    subprocess.run(
        ["soffice", f"-env:UserInstallation={(tmp / 'profile').as_uri()}", "--headless", "--convert-to", "pdf",
         "--outdir", str(folder), str(workbook)],
        check=True, capture_output=True, timeout=180,
    )
    return folder / f"{workbook.stem}.pdf"


@dataclass(frozen=True)
class Word:
    text: str
    left: float  # points from the page's top-left corner
    top: float
    right: float
    bottom: float


def page_words(pdf: Path, page: int) -> list[Word]:
    html = subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(pdf), "-"],
        check=True, capture_output=True, text=True,
    ).stdout
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    return [Word(m[5], float(m[1]), float(m[2]), float(m[3]), float(m[4])) for m in re.finditer(pattern, html)]


def page_with(pdf: Path, first_word: str) -> int:
    """The page whose first word is ``first_word`` (a sheet's title)."""
    page = 1
    while words := page_words(pdf, page):
        if words[0].text == first_word:
            return page
        page += 1
    raise SystemExit(f"no page of {pdf.name} starts with {first_word!r}")


def render(
    pdf: Path, page: int, target: Path, *, dpi: int, band: tuple[float, float] | None = None, trim: bool = True
) -> Path:
    """One page (or a horizontal band of it, in points) as a PNG, cut to its content."""
    stem = target.with_suffix("")
    command = ["pdftoppm", "-f", str(page), "-l", str(page), "-r", str(dpi), "-png", "-singlefile"]
    if band:
        top, bottom = band
        scale = dpi / 72
        command += ["-x", "0", "-y", str(round(top * scale)), "-H", str(round((bottom - top) * scale))]
    subprocess.run([*command, str(pdf), str(stem)], check=True, capture_output=True)
    image = Image.open(target).convert("RGB")
    if trim:
        image = trimmed(image)
    # Spreadsheet pictures hold few colours: a palette keeps them small without blurring text.
    image.quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(target, optimize=True)
    return target


def trimmed(image: Image.Image) -> Image.Image:
    box = ImageChops.difference(image, Image.new("RGB", image.size, "white")).getbbox()
    if not box:
        return image
    left, top, right, bottom = box
    return image.crop((max(left - PADDING, 0), max(top - PADDING, 0), min(right + PADDING, image.width),
                       min(bottom + PADDING, image.height)))


if __name__ == "__main__":
    sys.exit(main())
