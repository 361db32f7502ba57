"""Riwayat is the register's record of what happened: sync reads it by its chain, whatever
order people sorted it in, reads back every time it wrote, never runs on a clock behind
it, and `verify` proves its rows and its end."""

from __future__ import annotations

from datetime import datetime, timedelta

import openpyxl
import pytest
from click.testing import CliRunner
from files import new_register
from riwayat import (
    COLUMN,
    HISTORY,
    SORT_IDS,
    SORTS,
    delete_sheet,
    edit_history,
    on_a_backend,
    recap_rows,
    several_syncs,
    snapshot,
    sort_history,
    verify,
)
from support import DAY_H, WIB, approved, handed_over, rejected, reviewed

from sheetflow import api
from sheetflow.cli import cli
from sheetflow.errors import SheetflowError

MIDNIGHT = datetime(2024, 7, 4, 0, 0, tzinfo=WIB)


# ---------------------------------------------------------------- a sync at midnight
def test_a_sync_at_midnight_is_read_back_and_the_next_sync_changes_nothing(register_of):
    register = register_of(handed_over(), reviewed(), approved(), clock=MIDNIGHT)
    register.sync()
    assert not register.sync(now=MIDNIGHT + timedelta(minutes=5)).changed


def test_a_stamp_sync_wrote_at_midnight_is_kept_by_the_next_sync(register_of):
    register = register_of(handed_over(), clock=MIDNIGHT)
    register.sync()
    register.edit(0, reviewer="Budi Santoso")
    register.sync(now=MIDNIGHT + timedelta(minutes=5))
    assert register.cell("handed_over_at") == MIDNIGHT.replace(tzinfo=None)


def test_what_a_sync_at_midnight_wrote_verifies(register_of):
    register = register_of(handed_over(), rejected(), approved(), clock=MIDNIGHT)
    on_a_backend(register)
    register.sync()
    assert verify(register).intact


# ---------------------------------------------------------------- a clock set back
def test_the_clock_refusal_names_both_times_in_one_sentence(register_of):
    register = register_of(handed_over())
    register.sync()
    with pytest.raises(SheetflowError) as raised:
        register.sync(now=DAY_H - timedelta(days=30))
    message = str(raised.value)
    assert "03/06/2024 10:00" in message and "03/07/2024 10:00" in message and "\n" not in message


def test_a_clock_at_the_newest_riwayat_entry_runs(register_of):
    register = register_of(handed_over())
    register.sync()
    register.edit(0, reviewer="Budi Santoso")
    assert register.sync(now=DAY_H).changed


def test_check_refuses_a_clock_behind_the_history_too(tmp_path):
    path = new_register(tmp_path, handed_over())
    api.sync_register(path, now=DAY_H)
    with pytest.raises(SheetflowError, match="lebih awal"):
        api.check_register(path, now=DAY_H - timedelta(days=30))


def test_the_cli_exits_3_on_a_clock_behind_the_history(tmp_path):
    path = new_register(tmp_path, handed_over())
    api.sync_register(path, now=DAY_H)
    result = CliRunner().invoke(cli, ["sync", str(path), "--now", "2024-06-03T10:00"])
    assert result.exit_code == 3 and "Traceback" not in result.output


# ---------------------------------------------------------------- Riwayat in another order
@pytest.mark.parametrize(("header", "descending"), SORTS, ids=SORT_IDS)
def test_a_sorted_riwayat_verifies(register_of, header, descending):
    register = several_syncs(register_of)
    sort_history(register, header, descending=descending)
    assert verify(register).intact


def test_new_rows_continue_the_chain_of_a_sorted_riwayat(register_of):
    register = several_syncs(register_of)
    sort_history(register, "Waktu", descending=True)
    register.edit(1, handover="Ya", response=None)
    register.later(hours=1)
    register.sync()
    sort_history(register, "No. Register")
    assert (register.status(1), verify(register).intact, register.sync().changed) == (
        "Menunggu Pemeriksaan", True, False)


def test_a_riwayat_sorted_by_time_and_edited_runs_again_once_sorted_oldest_first(register_of):
    register = several_syncs(register_of)
    sort_history(register, "Waktu", descending=True)
    edit_history(register, 3, "Alasan", "diubah oleh seseorang")
    sort_history(register, "Waktu")
    assert not register.sync().changed


def test_a_new_register_without_riwayat_syncs_and_gets_it_back(register_of):
    register = register_of(handed_over(), approved())
    delete_sheet(register, HISTORY)
    register.sync()
    assert [row[COLUMN["Kode"]] for row in register.history_rows()][:2] == ["create", "hand-over"]


# ---------------------------------------------------------------- the end of Riwayat, sealed in Rekap
def test_the_seal_changes_nothing_a_sync_writes_when_nothing_changed(register_of):
    register = several_syncs(register_of)
    before = snapshot(register), recap_rows(register)
    assert (register.sync().changed, (snapshot(register), recap_rows(register))) == (False, before)


def test_verify_says_the_end_does_not_match_its_seal(tmp_path):
    path = new_register(tmp_path, handed_over())
    api.sync_register(path, now=DAY_H)
    book = openpyxl.load_workbook(path)
    book[HISTORY].delete_rows(3)
    book.save(path)
    result = CliRunner().invoke(cli, ["verify", str(path)])
    assert (result.exit_code, "tidak cocok dengan segelnya" in result.output) == (1, True)
