"""Riwayat is the register's record of what happened: sync reads it by its chain, never
rebuilds it, never runs on a clock behind it, reads back every time it wrote, and
`verify` proves its rows and its end."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from click.testing import CliRunner
from files import new_register
from registers import FileRegister, SheetRegister
from support import DAY_H, WIB, approved, handed_over, rejected, reviewed

from sheetflow import api
from sheetflow.cli import cli
from sheetflow.errors import SheetflowError

MIDNIGHT = datetime(2024, 7, 4, 0, 0, tzinfo=WIB)


def verify(register: Any) -> api.Verification:
    if isinstance(register, FileRegister):
        return api.verify_register(register.path)
    assert isinstance(register, SheetRegister)
    return api.verify_register(register.source, connection=register.connection)


def on_a_backend(register: Any) -> None:
    if not isinstance(register, FileRegister | SheetRegister):
        pytest.skip("a register in memory has no sheet to read back")


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
def snapshot(register: Any) -> tuple[Any, ...]:
    if isinstance(register, FileRegister | SheetRegister):
        return register.rows(), register.history_rows()
    return [dict(r) for r in register.rows], list(register.history)


@pytest.mark.parametrize("behind", [timedelta(days=30), timedelta(seconds=1)], ids=["a-month", "a-second"])
def test_a_clock_behind_the_newest_riwayat_entry_refuses_to_run_and_writes_nothing(register_of, behind):
    register = register_of(handed_over(), reviewed(), approved())
    register.sync()
    register.edit(0, reviewer="Budi Santoso")
    before = snapshot(register)
    with pytest.raises(SheetflowError) as raised:
        register.sync(now=DAY_H - behind)
    assert (raised.value.exit_code, snapshot(register)) == (3, before)


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
