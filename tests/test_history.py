"""Riwayat is the register's record of what happened: sync reads it by its chain, never
rebuilds it, never runs on a clock behind it, reads back every time it wrote, and
`verify` proves its rows and its end."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from registers import FileRegister, SheetRegister
from support import DAY_H, WIB, approved, handed_over, rejected, reviewed

from sheetflow import api

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
