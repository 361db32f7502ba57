"""Findings: what sync found wrong in a row, as data."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from . import messages
from .table import Cell

# What a person typed, quoted in a note or a history reason, is shortened to this many
# characters, the last an ellipsis. Quoted whole, a long cell (Excel holds up to 32,767
# characters) would make the note longer than a cell may hold: cut on every write, it
# would differ from the note sync makes, and every sync would write it again.
QUOTE_LENGTH = 60
# The message placeholders, besides ``value``, that quote what a person typed: a line of
# the cell, and the number a copied row carried.
QUOTED = ("line", "original")


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
        params = {name: quote(str(v)) if name in QUOTED else v for name, v in self.params.items()}
        return messages.render(self.code, lang, header=self.column, value=quote(shown), **params)

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


def quote(value: str) -> str:
    """``value`` as a message quotes it: at most ``QUOTE_LENGTH`` characters."""
    return value if len(value) <= QUOTE_LENGTH else value[: QUOTE_LENGTH - 1] + "…"
