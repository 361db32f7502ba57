"""The bundled demo: a register filled by hand over two days, each row ending where register.md says."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from files import read_rows

from sheetflow import api

ROOT = Path(__file__).parent.parent

# Activity -> the status register.md prescribes after the demo's sync, and why.
EXPECTED = {
    "Musrenbang Kalurahan Bedoyo": "Diunggah",  # approved yesterday, upload link today
    "Posyandu Balita Genjahan": "Menunggu Pemeriksaan",  # TOLAK yesterday, revised and handed over again
    "Kerja Bakti Gombang": "Menunggu Pemeriksaan",  # approved, then the caption changed: revoked
    "Sosialisasi PBB Karangasem": "Menunggu Pemeriksaan",  # 'Disetujui' typed by hand: restored
    "Musrenbang Kalurahan Kenteng": "Draf",  # a copied row: new number, new row
    "Rapat Koordinasi Linmas": "Draf",  # not handed over
    "Pelatihan UMKM Sawahan": "Perlu Perbaikan",  # 3 photos, no link, caption too long
    "Lomba Desa Sidorejo": "Menunggu Pemeriksaan",
    "Pengajian Akbar Sumbergiri": "Sedang Diperiksa",
    "Bakti Sosial Tambakromo": "Sedang Diperiksa",  # TOLAK without a response: refused
    "Senam Lansia Umbulrejo": "Sedang Diperiksa",  # TERIMA without Disetujui Oleh: refused
    "Festival Budaya Ponjong": "Ditolak",
    "Vaksinasi Hewan Kenteng": "Disetujui",
    "Penyaluran BLT Genjahan": "Menunggu Pemeriksaan",  # a decision without Pemeriksa: refused
    "Gotong Royong Bedoyo": "Draf",  # upload link before approval: a breach
    "Peringatan Hari Bhayangkara": "Menunggu Pemeriksaan",  # handed over two days late
    "Rapat Pleno Kalurahan Ponjong": "Draf",  # a decision on a row not handed over: refused
    "Pentas Seni Sekolah": "Perlu Perbaikan",  # 'lima' is not a number
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    result = api.run_demo(folder)
    return result, read_rows(folder / api.DEMO_FILE)


@pytest.mark.parametrize(("activity", "status"), EXPECTED.items())
def test_each_demo_row_ends_in_its_prescribed_status(demo, activity, status):
    _, rows = demo
    assert {r["activity_name"]: r["status"] for r in rows}[activity] == status


def test_the_demo_has_no_row_the_story_does_not_name(demo):
    _, rows = demo
    assert sorted(r["activity_name"] for r in rows) == sorted(EXPECTED)


def test_the_late_hand_over_shows_h_plus_two(demo):
    _, rows = demo
    row = next(r for r in rows if r["activity_name"] == "Peringatan Hari Bhayangkara")
    assert row["timeliness"] == "Terlambat: diserahkan H+2"


def test_a_second_demo_sync_changes_nothing(demo):
    result, _ = demo
    again = api.sync_register(result.source, now=result.now)
    assert not again.plan.changed


def test_the_committed_demo_agrees_with_its_generator():
    completed = subprocess.run([sys.executable, str(ROOT / "scripts" / "make_demo.py"), "--check"],
                               capture_output=True, text=True, env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert completed.returncode == 0, completed.stdout + completed.stderr
