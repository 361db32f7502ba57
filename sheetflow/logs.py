"""Where a run's log lines go: a rotating file when the config names one, and the terminal."""

from __future__ import annotations

import logging
import sys
from logging.handlers import RotatingFileHandler

from .config import ConfigInvalid, LogSettings

FORMAT = "%(asctime)s %(levelname)s %(message)s"


def configure(settings: LogSettings | None, *, quiet: bool, progress_bar: bool) -> None:
    logger = logging.getLogger("sheetflow")
    logger.setLevel(logging.INFO)
    logger.handlers.clear()
    logger.propagate = False
    if settings and settings.file:
        try:
            settings.file.parent.mkdir(parents=True, exist_ok=True)
            file = RotatingFileHandler(settings.file, maxBytes=settings.max_bytes, backupCount=settings.backups,
                                       encoding="utf-8")
        except OSError as exc:
            why = " karena izin ditolak" if isinstance(exc, PermissionError) else ""
            raise ConfigInvalid(
                f"Berkas log {settings.file} tidak dapat dibuka untuk ditulis{why}; periksa [log] file di "
                "konfigurasi dan hak akses foldernya."
            ) from None
        file.setFormatter(logging.Formatter(FORMAT))
        logger.addHandler(file)
    # Cron mails whatever a job prints: quiet runs show only failures; a terminal with a
    # progress bar shows the bar, not the same news twice.
    terminal = logging.StreamHandler(sys.stderr)
    terminal.setFormatter(logging.Formatter(FORMAT))
    terminal.setLevel(logging.ERROR if quiet or progress_bar else logging.INFO)
    logger.addHandler(terminal)
