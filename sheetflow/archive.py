"""The ``Arsip`` text of a history entry: people's cells as ``Header: value`` lines.

A value may span lines (a written response often does). Its later lines are written
indented, so that a line of the value can never be read as a header of its own. Entries
written before that rule have such lines unindented; they are still read whole, a line
counting as a new field only when it starts with a known header.
"""

from __future__ import annotations

from collections.abc import Iterable

CONTINUATION = "  "


def write(fields: Iterable[tuple[str, str]]) -> str:
    """``fields``: (header, value) pairs, the values as text."""
    return "\n".join(f"{header}: {value.strip()}".replace("\n", "\n" + CONTINUATION) for header, value in fields)


def read(text: str, headers: Iterable[str]) -> dict[str, str]:
    """Header -> value, for the fields of ``text`` whose header is one of ``headers``."""
    known = set(headers)
    fields: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.split("\n"):
        header, colon, value = line.partition(": ")
        if not line.startswith(CONTINUATION) and colon and header in known:
            current = fields[header] = [value]
        elif current is not None:
            current.append(line.removeprefix(CONTINUATION))
    return {header: "\n".join(lines) for header, lines in fields.items()}
