"""Running the command line as another user, as a cron job under its own account does.

File permissions stop no one running as root, and the test suite may run as root: the
command then runs in a forked child that has given up root for ``nobody``. Forked, it
needs no access to the interpreter's files, only to the folder it works in (made by
``shared_folder``, open to everyone).
"""

from __future__ import annotations

import os
import pickle
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sheetflow.cli import cli

NOBODY = 65534


@contextmanager
def shared_folder() -> Iterator[Path]:
    """A folder everyone may enter and write, outside pytest's own (which only root may enter)."""
    folder = Path(tempfile.mkdtemp(prefix="sheetflow-"))
    folder.chmod(0o777)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def invoke_as_another_user(*args: Any) -> tuple[int, str]:
    """The command line's exit code and output when run by a user other than the files' owner."""
    if not hasattr(os, "fork") or os.geteuid() != 0:
        pytest.skip("only root can run a command as another user here")
    _load_what_commands_import()
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        os.close(read)
        try:
            os.setgroups([])
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            result = CliRunner().invoke(cli, [str(a) for a in args])
            payload = pickle.dumps((result.exit_code, result.output, repr(result.exception)))
        except BaseException as exc:
            payload = pickle.dumps((-1, "", repr(exc)))
        with os.fdopen(write, "wb") as stream:
            stream.write(payload)
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as stream:
        code, output, exception = pickle.loads(stream.read())
    os.waitpid(child, 0)
    assert code != -1, exception
    return code, output


def _load_what_commands_import() -> None:
    """The child cannot read the interpreter's files once it is nobody: the commands import
    their modules lazily, so run each kind once here, on a scratch register and config."""
    from sheetflow import api

    with tempfile.TemporaryDirectory() as scratch:
        register = api.init_register(Path(scratch) / "pemanasan.xlsx")
        config = Path(scratch) / "sheetflow.toml"
        config.write_text('[[registers]]\nname = "p"\nsource = "pemanasan.xlsx"\n', encoding="utf-8")
        for args in (["check", register], ["sync", register], ["check", "--config", config]):
            CliRunner().invoke(cli, [*map(str, args), "--now", "2024-07-03T10:00"])
