"""LibreOffice for tests: open a workbook, type into it as a person would, save it as
Excel, or render it to PDF.

LibreOffice runs headless with a profile of its own (a second LibreOffice, or a desktop
session, neither blocks it nor is touched), listening on a named pipe; each job is a
small UNO script (``office_steps.py``) run by ``/usr/bin/python3``, the only Python with
the ``uno`` module. A job opens one file, does its steps in order, then saves and/or
renders it; the file is closed again, so LibreOffice's lock file is gone afterwards.

    with Office(tmp_path) as office:
        office.edit(register, [
            copy("Register", "B2:O2", "B5"),             # an approved row, copied below
            typed("Register", "L5", "TOLAK"),            # a decision changed
            typed("Register", "B5", "3/7/2024"),         # a date, read as the locale reads it
        ], locale="en-US")                               # an en-US profile: 7 March
        office.pdf(register)                             # LibreOffice opens and renders it

A cell is named as in Calc ("B5") or by its column's header, ``under("Keputusan", 5)``.
``typed`` reads an entry as Calc reads what is typed: "=TRUE()" becomes a formula, a date
or number is read in the given locale, anything else is text; ``text``, ``formula`` and
``value`` set a cell directly (setString, setFormula, setValue). ``shown`` reads a cell
as displayed.
When LibreOffice or ``uno`` is missing, ``Office`` skips the test and says why (in CI,
which installs them, it fails instead).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest

UNO_PYTHON = "/usr/bin/python3"
STEPS = Path(__file__).with_name("office_steps.py")
# A job on a fresh profile waits for LibreOffice to start; a cold start takes seconds.
JOB_SECONDS = 240

Step = list[Any]
Cell = str | list[Any]


def under(header: str, row: int) -> Cell:
    """The cell in ``row`` (1-based) of the column whose header (row 1) is ``header``."""
    return [header, row]


def typed(sheet: str, cell: Cell, entry: str) -> Step:
    """Type ``entry`` into the cell and press Enter: read as Calc reads input (formulas,
    numbers and dates in the profile's locale, else text)."""
    return ["typed", sheet, cell, entry]


def text(sheet: str, cell: Cell, value: str) -> Step:
    """The cell holds exactly this text, whatever it looks like (setString)."""
    return ["text", sheet, cell, value]


def formula(sheet: str, cell: Cell, value: str) -> Step:
    """A formula in Calc's English syntax, e.g. "=TRUE()" (setFormula)."""
    return ["formula", sheet, cell, value]


def value(sheet: str, cell: Cell, number: float) -> Step:
    """A number (setValue); a date is its serial number."""
    return ["value", sheet, cell, number]


def copy(sheet: str, source: str, target: str) -> Step:
    """Copy the cells ``source`` ("B2:O2") to ``target`` (their top left, "B5"), values and
    formats, as copy and paste. A protected sheet (the template's) refuses a paste over
    its locked system columns: copy the staff columns only, as a person can."""
    return ["copy", sheet, source, target]


def copy_row(sheet: str, source: int, target: int) -> Step:
    """Copy the whole row ``source`` onto row ``target`` (1-based), as selecting the row
    and pasting it; on a protected sheet this needs ``unprotect`` first."""
    return ["copy_row", sheet, source, target]


def unprotect(sheet: str, password: str = "") -> Step:
    """Lift the sheet's protection (the template's has no password), as an admin does
    before pasting whole rows over its locked system columns."""
    return ["unprotect", sheet, password]


def comment(sheet: str, cell: Cell, note: str) -> Step:
    """A comment (annotation) on the cell."""
    return ["comment", sheet, cell, note]


def shown(sheet: str, cell: Cell) -> Step:
    """Read the cell as LibreOffice displays it: one entry of what ``edit`` returns."""
    return ["shown", sheet, cell]


def unavailable() -> str | None:
    """Why LibreOffice cannot be driven here, or None."""
    if shutil.which("soffice") is None:
        return "LibreOffice (soffice) is not installed; .ci/run installs it"
    if not Path(UNO_PYTHON).exists() or subprocess.run(
        [UNO_PYTHON, "-c", "import uno"], capture_output=True, check=False
    ).returncode:
        return f"{UNO_PYTHON} has no uno module (python3-uno); .ci/run installs it"
    return None


class OfficeError(Exception):
    """LibreOffice could not do a job: it says why on its error output, quoted here."""


class Office:
    """One headless LibreOffice, started on enter and killed on exit."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.pipe = f"sheetflow-{uuid.uuid4().hex}"
        self._process: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Office:
        reason = unavailable()
        if reason and os.environ.get("CI"):
            pytest.fail(reason)
        if reason:
            pytest.skip(reason)
        profile = self.folder / "lo-profile"
        self._process = subprocess.Popen(
            [shutil.which("soffice"), "--headless", "--invisible", "--norestore", "--nologo", "--nodefault",
             "--nolockcheck", f"-env:UserInstallation={profile.as_uri()}",
             f"--accept=pipe,name={self.pipe};urp;StarOffice.ComponentContext"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        return self

    def __exit__(self, *exc: object) -> None:
        if self._process is None:
            return
        # soffice is a script that starts soffice.bin: its own session holds them both.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self._process.pid, signal.SIGKILL)
        self._process.wait()
        self._process = None

    def edit(self, path: Path, steps: list[Step], *, save_as: Path | None = None, locale: str | None = None,
             save: bool = True) -> list[Any]:
        """Open ``path``, do ``steps``, and save it as Excel (to ``save_as``, else over
        ``path``; the format follows the suffix) unless ``save`` is false. ``locale``
        ("en-US", "id-ID") sets the profile's locale first, and stays set. Returns what
        the ``shown`` steps read, in order."""
        target = (save_as or path) if save else None
        return self._job(path, steps, save_as=target, locale=locale)

    def pdf(self, path: Path) -> Path:
        """Open ``path`` and render it to PDF beside it; the PDF's path."""
        out = path.with_suffix(".pdf")
        out.unlink(missing_ok=True)
        self._job(path, [], pdf=out)
        return out

    def _job(self, path: Path, steps: list[Step], *, save_as: Path | None = None, locale: str | None = None,
             pdf: Path | None = None) -> list[Any]:
        if self._process is None:
            raise RuntimeError("use Office as a context manager")
        job = {"pipe": self.pipe, "locale": locale, "open": str(path.resolve()), "steps": steps,
               "save_as": str(save_as.resolve()) if save_as else None, "pdf": str(pdf.resolve()) if pdf else None}
        ran = subprocess.run([UNO_PYTHON, str(STEPS)], input=json.dumps(job), capture_output=True, text=True,
                             timeout=JOB_SECONDS, check=False)
        if ran.returncode:
            raise OfficeError(f"LibreOffice could not work on {path.name}:\n{ran.stderr.strip()}")
        return json.loads(ran.stdout)
