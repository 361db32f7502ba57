"""Findings: what sync found wrong in a row, as data."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from . import messages
from .table import Cell


class Severity(StrEnum):
    ERROR = "error"  # blocks the row's next step, or breaks the SOP
    WARNING = "warning"  # sync undid or flagged something
    INFO = "info"


@dataclass(frozen=True)
class Finding:
    code: str
    row: int
    column: str  # the header, as the workflow names it
    severity: Severity
    value: Cell = None
    params: Mapping[str, object] = field(default_factory=dict)

    def message(self, lang: str) -> str:
        shown = "" if self.value is None else str(self.value)
        return messages.render(self.code, lang, header=self.column, value=_clip(shown), **self.params)

    def as_dict(self, lang: str) -> dict[str, object]:
        return {
            "code": self.code,
            "row": self.row,
            "column": self.column,
            "severity": str(self.severity),
            "value": None if self.value is None else str(self.value),
            "message": self.message(lang),
        }


def flatten(findings: Iterable[Finding], fields: Sequence[str]) -> list[list[object]]:
    """Findings as lists of the named fields, for tests that read like the SOP."""
    return [[getattr(f, name) for name in fields] for f in findings]


def _clip(value: str, limit: int = 60) -> str:
    # A 50,000-character cell quoted whole would bury the message.
    return value if len(value) <= limit else value[: limit - 1] + "…"
