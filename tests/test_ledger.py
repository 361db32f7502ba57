"""Tamper evidence: Riwayat is a hash chain, and `sheetflow verify` finds the first row
edited, inserted or deleted by hand, and any Status its history does not support."""

import random
from datetime import timedelta

import openpyxl
import pytest
from click.testing import CliRunner
from files import new_register, read_rows, type_rows
from support import DAY_H, approved, handed_over, rejected, submission

from sheetflow import api, ledger
from sheetflow.cli import cli
from sheetflow.sync import HistoryEntry


@pytest.fixture
def synced(tmp_path):
    path = new_register(tmp_path, submission(), handed_over(), rejected(), approved())
    api.sync_register(path, now=DAY_H)
    return path


def riwayat(path, change):
    book = openpyxl.load_workbook(path)
    change(book["Riwayat"])
    book.save(path)


def test_a_register_synced_only_by_sheetflow_verifies(synced):
    result = api.verify_register(synced)
    assert result.intact and result.entries == 11  # 1 + 2 + 4 + 4 status changes


def test_an_edited_history_row_is_found(synced):
    riwayat(synced, lambda sheet: setattr(sheet.cell(5, 7), "value", "Disetujui oleh Camat."))
    assert api.verify_register(synced).broken_at == 5


def test_an_inserted_history_row_is_found(synced):
    riwayat(synced, lambda sheet: sheet.insert_rows(4))
    riwayat(synced, lambda sheet: [setattr(sheet.cell(4, c), "value", v)
                                   for c, v in enumerate([DAY_H.replace(tzinfo=None), "2024/0004", "Draf",
                                                          "Disetujui", "Sistem"], start=1)])
    assert api.verify_register(synced).broken_at == 4


def test_a_deleted_history_row_is_found_at_the_row_after_it(synced):
    riwayat(synced, lambda sheet: sheet.delete_rows(6))
    assert api.verify_register(synced).broken_at == 6


def test_a_status_the_history_does_not_support_is_reported(synced):
    type_rows(synced, [{"status": "Disetujui"}])
    (unsupported,) = api.verify_register(synced).unsupported
    assert unsupported == (2, "2024/0001", "Disetujui", "Draf")


def test_a_forged_approval_typed_into_a_row_without_history_is_caught_by_verify_and_sync(synced):
    type_rows(synced, [submission(activity_name="Palsu", status="Disetujui", decision="TERIMA",
                                  register_no="2024/0099")], first=6)
    assert api.verify_register(synced).unsupported == ((6, "2024/0099", "Disetujui", ""),)
    api.sync_register(synced, now=DAY_H)
    assert read_rows(synced)[4]["status"] == "Draf"
    assert api.verify_register(synced).intact


def test_new_history_rows_continue_the_chain(synced):
    type_rows(synced, [{"reviewer": "Budi"}], first=3)
    api.sync_register(synced, now=DAY_H)
    assert api.verify_register(synced).intact


def test_the_cli_exits_1_and_names_the_row(synced):
    riwayat(synced, lambda sheet: setattr(sheet.cell(3, 2), "value", "2024/0777"))
    result = CliRunner().invoke(cli, ["verify", str(synced)])
    assert result.exit_code == 1
    assert "Riwayat baris 3" in result.output


def chained_rows(count):
    """``count`` history rows as sync writes them: ten a sync, several per number."""
    entries = [HistoryEntry(DAY_H.replace(tzinfo=None) + timedelta(hours=i // 10), f"2024/{i // 3:04d}", "Draf",
                            "Menunggu Pemeriksaan", "Tim Pelaksana", f"Nama {i % 4}", "Diserahkan.", "abc", "hand-over")
               for i in range(count)]
    return [(tuple(entry[:10]), link) for entry, link in zip(entries, ledger.chain("", entries), strict=True)]


@pytest.mark.parametrize("seed", range(5))
def test_shuffled_history_rows_are_read_in_their_chain_order(seed):
    rows = chained_rows(60)
    shuffled = random.Random(seed).sample(range(60), 60)
    found = ledger.order([rows[i] for i in shuffled])
    assert ([shuffled[i] for i in found.rows], found.unlinked, found.moved) == (list(range(60)), (), True)


def test_a_history_edited_in_place_keeps_the_sheet_order_and_names_the_row():
    rows = chained_rows(20)
    values, link = rows[7]
    rows[7] = ((*values[:6], "diubah", *values[7:]), link)
    found = ledger.order(rows)
    assert (found.rows, found.unlinked, found.moved) == (tuple(range(20)), (7,), False)
