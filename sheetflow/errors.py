"""Exceptions for when sheetflow cannot run at all.

Problems in the data are findings (see ``findings.py``), never exceptions.
"""


class SheetflowError(Exception):
    """Base class: sheetflow could not run. ``exit_code`` is what the CLI returns."""

    exit_code = 3


class WorkflowInvalid(SheetflowError):
    """The workflow definition file is broken."""


class RegisterNotFound(SheetflowError):
    """The register file or sheet does not exist."""


class HeaderMissing(SheetflowError):
    """A required column header is missing from the register."""

    def __init__(self, message: str, headers: list[str]):
        super().__init__(message)
        self.headers = headers


class HistoryDamaged(SheetflowError):
    """The history is missing, or its order cannot be told: sync would rebuild statuses from cells."""


class ClockBehind(SheetflowError):
    """The clock is earlier than the newest history entry: the computer's clock (or ``--now``) is wrong."""


class RegisterLocked(SheetflowError):
    """The register is open in a spreadsheet program or held by another sync."""

    # EX_TEMPFAIL: cron wrappers may retry later.
    exit_code = 75


class RegisterChanged(SheetflowError):
    """The register file was saved by someone else between sync's read and its write."""

    exit_code = 75

    def __init__(self, name: str):
        super().__init__(
            f"{name} berubah selama sync berjalan (disimpan oleh orang atau program lain); tidak ada yang ditulis. "
            "Jalankan sync lagi."
        )


class RegisterUnreadable(SheetflowError):
    """The file is not a workbook sheetflow can read."""


class RegisterBusy(SheetflowError):
    """The service is overloaded or out of quota, or the network failed; try again later."""

    exit_code = 75


class WriteConflict(RegisterBusy):
    """Another sync wrote what this write claimed first: read and plan again."""


class CredentialsInvalid(SheetflowError):
    """The service-account key is missing, malformed or refused."""


class AccessDenied(SheetflowError):
    """The spreadsheet is not shared with the service account."""


class RegisterUnwritable(SheetflowError):
    """The register could not be saved (disk full, read-only folder); the original is intact."""
