"""The Google Sheets backend: reads sheets as raw rows, applies a batch in one atomic request.

It knows nothing of workflows. Every write is one ``spreadsheets.batchUpdate`` whose
response carries the written sheets as they stand after the write, so the caller can
check that no row moved under it.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent import futures
from concurrent.futures import Future
from contextlib import contextmanager, suppress
from datetime import UTC, date, datetime, timedelta
from typing import Any

from ..errors import SheetflowError
from ..memo import file_digest
from ..table import Batch, CellWrite, Chart, Sheet
from .cells import cell_data, from_effective, trimmed
from .client import SessionFactory, SheetsClient, UnknownRange, load_credentials
from .drive import DriveCounter
from .ratelimit import RateLimiter
from .source import spreadsheet_id

CLAIM_KEY = "sheetflow-claim"
# A claim must outlive any sync that read before it was made (minutes); kept a day or
# more, then deleted by a later write, so claims never fill the spreadsheet's metadata.
CLAIM_DAYS_KEPT = 2
CLAIM_DAYS_SWEPT = 7

# The response is cut to the cell values; formats and metadata would multiply its size.
RESPONSE_FIELDS = "updatedSpreadsheet.sheets(properties.title,data(startRow,rowData.values.effectiveValue))"


@contextmanager
def open_spreadsheet(
    source: str,
    *,
    write: bool,
    credentials: str | os.PathLike[str] | None = None,
    session: SessionFactory | None = None,
    sleep: Callable[[float], None] | None = None,
    limiter: RateLimiter | None = None,
) -> Iterator[GoogleRegister]:
    """``write`` is accepted for symmetry with files: Google has no lock to take, which is
    why writes are checked after the fact."""
    key = load_credentials(credentials)
    client = SheetsClient(key, spreadsheet_id(source), session=session(key) if session else None, sleep=sleep,
                          limiter=limiter)
    book = GoogleRegister(client)
    try:
        yield book
    finally:
        book.close()


def quote(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


class GoogleRegister:
    """The metadata (sheet ids, grid sizes, charts) is fetched only when needed: the first
    read goes out without it, and a caller that will write has it fetched in the background
    (``will_write``), so its round trip overlaps the planning instead of adding to it."""

    def __init__(self, client: SheetsClient):
        self._client = client
        self._metadata: Mapping[str, Any] | None = None
        self._pending: Future[Mapping[str, Any]] | None = None
        self._content = b""  # the last values response, as it came
        self._digest: str | None = None  # of that response, once asked for

    @property
    def account(self) -> str:
        return self._client.account

    def evidence_counter(self) -> DriveCounter:
        """Counts Drive links with this register's authorised session (see drive)."""
        return DriveCounter(self._client.session, self.account)

    @property
    def metadata(self) -> Mapping[str, Any]:
        if self._metadata is None:
            fetched = None
            if self._pending is not None:
                # The fetch ahead was one attempt; if it failed, the one below retries and says why.
                with suppress(SheetflowError):
                    fetched = self._pending.result()
                self._pending = None
            self._metadata = fetched if fetched is not None else self._client.metadata()
        return self._metadata

    @property
    def _sheets(self) -> dict[str, Mapping[str, Any]]:
        return {s["properties"]["title"]: s["properties"] for s in self.metadata.get("sheets", [])}

    @property
    def digest(self) -> str:
        """Names the content of the last read (see memo): the response's bytes."""
        if self._digest is None:
            self._digest = file_digest(self._content)
        return self._digest

    def close(self) -> None:
        """Waits for a fetch still under way, so no request outlives the register."""
        if self._pending is not None:
            futures.wait([self._pending])

    def prepare(self, requests_: list[dict[str, Any]]) -> None:
        """Setup's changes to the spreadsheet's structure, in one atomic request."""
        if requests_:
            self._client.batch_update({"requests": requests_})

    def read(self, names: Sequence[str]) -> dict[str, Sheet]:
        """The named sheets the spreadsheet has."""
        known = self._metadata is not None
        present = [name for name in names if name in self._sheets] if known else list(names)
        try:
            response = self._values(present)
        except UnknownRange:
            if known:
                raise
            present = [name for name in names if name in self._sheets]  # a sheet is missing: these exist
            response = self._values(present)
        return {
            name: Sheet(name, trimmed(block.get("values", [])))
            for name, block in zip(present, response.get("valueRanges", []), strict=True)
        }

    def _values(self, present: Sequence[str]) -> Mapping[str, Any]:
        response, self._content = self._client.values([quote(name) for name in present]) if present else ({}, b"")
        self._digest = None
        return response

    def will_write(self) -> None:
        """The caller is about to plan a write: fetch the metadata meanwhile. Called after a
        read, so the token is in hand and the thread does not ask for another."""
        if self._metadata is None and self._pending is None:
            pool = futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="sheetflow-metadata")
            self._pending = pool.submit(self._client.metadata, once=True)
            pool.shutdown(wait=False)

    def apply(self, batch: Batch) -> dict[str, Sheet]:
        """Write the batch in one request; return the written sheets as they are after it."""
        if batch.empty:
            return {}
        requests_ = self._requests(batch)
        written = sorted({w.sheet for w in batch.writes})
        body = {
            "requests": requests_,
            "includeSpreadsheetInResponse": bool(written),
            # Only the rows written come back: enough to see whether each write landed in
            # its row; the whole sheet is read only when one did not.
            "responseRanges": [f"{quote(name)}!{first}:{last}" for name in written
                               for first, last in _spans(w.row for w in batch.writes if w.sheet == name)],
            "responseIncludeGridData": bool(written),
        }
        response = self._client.batch_update(body, fields=RESPONSE_FIELDS)
        return self._after(response, written)

    def _requests(self, batch: Batch) -> list[dict[str, Any]]:
        ids = {title: p["sheetId"] for title, p in self._sheets.items()}
        requests_: list[dict[str, Any]] = _claims(batch.claims, datetime.now(UTC).date())
        for name in [*batch.appends, *batch.replacements]:
            if name not in ids:
                ids[name] = max(ids.values(), default=0) + 1
                requests_.append({"addSheet": {"properties": {"sheetId": ids[name], "title": name}}})
        requests_ += self._grow(batch.writes)
        for (name, row), run in _runs(batch.writes):
            values = [cell_data(w.value, batch.datetime_format) for w in run]
            requests_.append({"updateCells": {
                "start": {"sheetId": ids[name], "rowIndex": row - 1, "columnIndex": run[0].column - 1},
                "rows": [{"values": values}],
                "fields": _fields(values),
            }})
        for name, rows in batch.appends.items():
            if rows:
                data = [{"values": [cell_data(v, batch.datetime_format) for v in row]} for row in rows]
                requests_.append({"appendCells": {
                    "sheetId": ids[name], "rows": data, "fields": "userEnteredValue,userEnteredFormat.numberFormat",
                }})
        for chart in batch.charts:
            # The chart points at fixed cells of its sheet, so once there it needs no update.
            if not self._charted(chart.sheet):
                requests_.append({"addChart": {"chart": _chart(chart, ids[chart.sheet])}})
        for name, rows in batch.replacements.items():
            # Cells of the range that the rows do not cover are cleared (fields mask).
            data = [{"values": [cell_data(v, batch.datetime_format) for v in row]} for row in rows]
            requests_.append({"updateCells": {"range": {"sheetId": ids[name]}, "rows": data,
                                              "fields": "userEnteredValue"}})
        return requests_

    def _charted(self, title: str) -> bool:
        sheet = next((s for s in self.metadata.get("sheets", []) if s["properties"]["title"] == title), {})
        return bool(sheet.get("charts"))

    def _grow(self, writes: Sequence[CellWrite]) -> list[dict[str, Any]]:
        # updateCells refuses cells outside the grid; the values API would grow it silently.
        needed: dict[str, tuple[int, int]] = {}
        for w in writes:
            rows, columns = needed.get(w.sheet, (0, 0))
            needed[w.sheet] = (max(rows, w.row), max(columns, w.column))
        grow = []
        for name, (rows, columns) in needed.items():
            grid = self._sheets[name].get("gridProperties", {})
            for dimension, want, have in (("ROWS", rows, grid.get("rowCount", 0)),
                                          ("COLUMNS", columns, grid.get("columnCount", 0))):
                if want > have:
                    grow.append({"appendDimension": {"sheetId": self._sheets[name]["sheetId"],
                                                     "dimension": dimension, "length": want - have}})
        return grow

    def _after(self, response: Mapping[str, Any], written: Sequence[str]) -> dict[str, Sheet]:
        sheets = response.get("updatedSpreadsheet", {}).get("sheets", [])
        after = {}
        for sheet in sheets:
            title = sheet["properties"]["title"]
            if title in written:
                rows: list[list[Any]] = []
                for block in sheet.get("data", []):
                    start = block.get("startRow", 0)
                    for offset, row in enumerate(block.get("rowData", [])):
                        rows += [[] for _ in range(start + offset + 1 - len(rows))]
                        rows[start + offset] = [from_effective(cell) for cell in row.get("values", [])]
                after[title] = Sheet(title, trimmed(rows))
        return after


def _claims(claims: Sequence[int], today: date) -> list[dict[str, Any]]:
    """Developer metadata with fixed ids: Google refuses a batch that creates an id that
    exists, and nothing of it is applied. Older claims are swept by value (the day made)."""
    if not claims:
        return []
    swept = [today - timedelta(days=d) for d in range(CLAIM_DAYS_KEPT, CLAIM_DAYS_KEPT + CLAIM_DAYS_SWEPT)]
    requests_: list[dict[str, Any]] = [
        {"deleteDeveloperMetadata": {"dataFilter": {"developerMetadataLookup": {
            "metadataKey": CLAIM_KEY, "metadataValue": day.isoformat()}}}} for day in swept
    ]
    requests_ += [{"createDeveloperMetadata": {"developerMetadata": {
        "metadataId": claim, "metadataKey": CLAIM_KEY, "metadataValue": today.isoformat(),
        "location": {"spreadsheet": True}, "visibility": "DOCUMENT"}}} for claim in claims]
    return requests_


def _spans(rows: Iterator[int]) -> list[tuple[int, int]]:
    """Sorted row numbers as (first, last) runs."""
    spans: list[list[int]] = []
    for row in sorted(set(rows)):
        if spans and row == spans[-1][1] + 1:
            spans[-1][1] = row
        else:
            spans.append([row, row])
    return [(first, last) for first, last in spans]


def _chart(chart: Chart, sheet_id: int) -> dict[str, Any]:
    def column(index: int) -> dict[str, Any]:
        return {"sourceRange": {"sources": [{"sheetId": sheet_id, "startRowIndex": chart.first_row - 1,
                                             "endRowIndex": chart.last_row, "startColumnIndex": index - 1,
                                             "endColumnIndex": index}]}}

    return {
        "spec": {"title": chart.title, "basicChart": {
            "chartType": "COLUMN", "legendPosition": "NO_LEGEND",
            "domains": [{"domain": column(chart.label_column)}],
            "series": [{"series": column(chart.value_column)}],
        }},
        "position": {"overlayPosition": {"anchorCell": {
            "sheetId": sheet_id, "rowIndex": chart.first_row - 1, "columnIndex": chart.anchor_column - 1}}},
    }


def _runs(writes: Sequence[CellWrite]) -> Iterator[tuple[tuple[str, int], list[CellWrite]]]:
    """Writes grouped into runs of adjacent cells in one row: one updateCells each."""
    by_row: dict[tuple[str, int], list[CellWrite]] = defaultdict(list)
    for w in writes:
        by_row[(w.sheet, w.row)].append(w)
    for key, cells in by_row.items():
        cells.sort(key=lambda w: w.column)
        run = [cells[0]]
        for w in cells[1:]:
            if w.column == run[-1].column + 1:
                run.append(w)
            else:
                yield key, run
                run = [w]
        yield key, run


def _fields(values: Sequence[Mapping[str, Any]]) -> str:
    # Only timestamps carry a number format; elsewhere a person's formatting stays.
    return "userEnteredValue,userEnteredFormat.numberFormat" if any("userEnteredFormat" in v for v in values) \
        else "userEnteredValue"

