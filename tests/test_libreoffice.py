"""A real spreadsheet program opens the synced register: LibreOffice, headless.

The CSV export shows cells as LibreOffice displays them (status text, notes, dates in
their number format); the HTML export carries each cell's background, including the
colour that conditional formatting gives the Status column.
"""

import csv
import os
import re
import shutil
import subprocess
from datetime import timedelta
from html import unescape

import pytest
from files import new_register, read_rows
from office import Office, copy_row, text, typed, under, unprotect
from support import DAY_H, WORKFLOW, approved

from sheetflow import api
from sheetflow.errors import SheetflowError

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        SOFFICE is None and not os.environ.get("CI"), reason="LibreOffice is not installed (.ci/run installs it)"
    ),
]


@pytest.fixture(scope="module")
def synced_demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lo")
    result = api.run_demo(folder)
    return folder, result


def convert(folder, to):
    # A private profile: a second LibreOffice (or a desktop session) must not block this one.
    profile = f"-env:UserInstallation=file://{folder}/profile"
    subprocess.run(
        [SOFFICE, profile, "--headless", "--convert-to", to, "--outdir", str(folder), str(folder / api.DEMO_FILE)],
        check=True, capture_output=True, timeout=240,
    )


@pytest.fixture(scope="module")
def displayed(synced_demo):
    folder, _ = synced_demo
    convert(folder, "csv:Text - txt - csv (StarCalc):44,34,76,1")
    with (folder / "register-demo.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return [dict(zip(rows[0], row, strict=False)) for row in rows[1:]]


def test_libreoffice_shows_every_status_sync_wrote(displayed, synced_demo):
    _, result = synced_demo
    assert [row["Status"] for row in displayed] == [WORKFLOW.status[r.after].label for r in result.plan.rows]


def test_libreoffice_shows_the_system_notes(displayed):
    notes = "\n".join(row["Catatan Sistem"] for row in displayed)
    assert "Caption 230 karakter; maksimal 200 karakter." in notes
    assert "PELANGGARAN SOP" in notes


def test_libreoffice_shows_timestamps_day_first(displayed):
    stamps = {row["Waktu Diunggah"] for row in displayed} - {""}
    assert stamps == {"03/07/2024 15:00"}


def test_libreoffice_colours_each_status_as_the_workflow_says(synced_demo):
    folder, _ = synced_demo
    convert(folder, "html")
    html = (folder / "register-demo.html").read_text(encoding="utf-8", errors="replace")
    register = html.split("</table>")[0]  # the first sheet; Petunjuk's legend is coloured too
    cells = re.findall(r'<td[^>]*bgcolor="#([0-9A-Fa-f]{6})"[^>]*>(?:<[^>]+>)*([^<]+)<', register)
    colours = {unescape(text).strip(): colour.upper() for colour, text in cells}
    assert {s.label: colours.get(s.label) for s in WORKFLOW.statuses} == {
        s.label: s.colour.upper() for s in WORKFLOW.statuses
    }


# ---------------------------------------------------------------- edited in LibreOffice, then synced
def test_a_copy_and_a_changed_decision_made_in_libreoffice_agree_with_the_history_and_the_sheet(tmp_path):
    path = new_register(tmp_path, approved(upload_links="https://www.instagram.com/p/abc/"), approved())
    api.sync_register(path, now=DAY_H)
    with Office(tmp_path) as office:
        office.edit(path, [
            # The template protects the system columns; pasting a whole row needs that lifted.
            unprotect("Register"),
            copy_row("Register", 2, 4),
            typed("Register", under("Nama Kegiatan", 4), "Kerja bakti Kalurahan Kenteng"),
            typed("Register", under("Keputusan", 3), "TOLAK"),
            # A line break inside a cell is Alt+Enter: the text as it stands.
            text("Register", under("Tanggapan Tertulis", 3), "Foto 2 menampilkan wajah anak.\nGanti fotonya."),
        ])
    api.sync_register(path, now=DAY_H + timedelta(hours=1))
    rows = read_rows(path)
    assert [row["status"] for row in rows] == ["Diunggah", "Ditolak", "Menunggu Pemeriksaan"]
    assert [rows[2][k] for k in ("reviewer", "decision", "approved_by", "response", "upload_links")] == [None] * 5
    assert api.verify_register(path).intact
    assert not api.sync_register(path, now=DAY_H + timedelta(hours=2)).plan.changed
    printed = api.print_register(path, tmp_path / "cetak", approval="2024/0001", now=DAY_H + timedelta(hours=2))
    assert printed.exists()
    for number in ("2024/0002", "2024/0003"):
        with pytest.raises(SheetflowError, match="tidak sedang disetujui"):
            api.print_register(path, tmp_path / "cetak", approval=number, now=DAY_H + timedelta(hours=2))
