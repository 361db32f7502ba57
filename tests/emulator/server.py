"""SheetsEmulator: the Sheets API v4, a Drive API v3 file store (``drive``) and Google's
token endpoint on 127.0.0.1, for tests.

Paths are Google's (/v4/spreadsheets/..., /drive/v3/files...); answers and errors use
Google's JSON shapes.
"""

from __future__ import annotations

import copy
import json
import random
import string
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from datetime import date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from cryptography.hazmat.primitives.asymmetric import rsa
from google.auth.credentials import Credentials
from google.auth.transport.requests import AuthorizedSession

from . import a1, drive, fieldmask, metadata, values
from .errors import INSUFFICIENT_SCOPES, NOT_FOUND, PERMISSION_DENIED, UNAUTHENTICATED, ApiError, canned
from .faults import Fault, Quota, make_fault
from .locales import locale
from .model import Sheet, Spreadsheet
from .oauth import DRIVE_SCOPES, READ_SCOPES, WRITE_SCOPES, Authority, TokenRefused
from .render import serial
from .requests_ import Context, NotEmulated, apply_requests
from .resource import DEFAULT_FORMAT, cell_data, spreadsheet_resource
from .transport import authorized_session

DEFAULT_OWNER = "owner@kapanewon-test.example"
_ID_ALPHABET = string.ascii_letters + string.digits + "-_"
_TOKEN_FAULTS = {
    400: "invalid_grant",
    401: "invalid_client",
    403: "access_denied",
    404: "invalid_request",
    429: "rate_limit_exceeded",
    500: "internal_failure",
    503: "temporarily_unavailable",
}

Record = dict[str, Any]
Hook = Callable[[Record, "SheetsEmulator"], None]


class EmulatorError(AssertionError):
    """The emulator met something it does not emulate, or a hook or the emulator itself failed."""


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        emulator = self.server.emulator
        started = emulator.clock()
        status, payload, record, hooks = emulator._handle(self.command, self.path, dict(self.headers), raw)
        data = json.dumps(payload).encode()
        # The emulator's own work on this request, from its bytes in to its bytes out, without
        # the hooks (an added latency, a person editing meanwhile): what Google's servers would do.
        record["seconds"] = emulator.clock() - started - hooks
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        for name, value in record.get("reply_headers", {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the request log is SheetsEmulator.requests


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    emulator: SheetsEmulator


class SheetsEmulator:
    def __init__(
        self, *, seed: int | None = None, owner: str = DEFAULT_OWNER, clock: Callable[[], float] = time.perf_counter
    ):
        self.owner = owner
        self.clock = clock  # times the emulator's own work on each request (Record["seconds"])
        self.requests: list[Record] = []
        self.errors: list[str] = []
        self._rng = random.Random(seed)
        self._lock = threading.RLock()
        self._books: dict[str, Spreadsheet] = {}
        self._faults: list[Fault] = []
        self._hooks: list[Hook] = []
        self._quota: Quota | None = None
        self._drive_quota: Quota | None = None
        self._sessions: list[Any] = []
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self.base_url = ""
        self._authority = Authority("")
        self.drive = drive.DriveStore(owner)  # the Drive v3 file store, as its owner sees it

    # -- lifecycle -------------------------------------------------------------------------------

    def start(self) -> SheetsEmulator:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.emulator = self
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._authority.token_uri = self.token_uri
        # A short poll interval keeps stop() (which waits for one poll) cheap in every test's teardown.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, name="sheets-emulator", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; raise EmulatorError if anything went wrong inside the emulator meanwhile."""
        for session in self._sessions:
            session.close()
        self._sessions.clear()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            assert self._thread is not None
            self._thread.join()
            self._server = None
        if self.errors:
            raise EmulatorError("\n\n".join(self.errors))

    def __enter__(self) -> SheetsEmulator:
        return self.start()

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is None:
            self.stop()
        else:
            self.errors.clear()  # the test's own failure is the one to report
            self.stop()

    @property
    def token_uri(self) -> str:
        return self.base_url + "/token"

    # -- accounts and clients --------------------------------------------------------------------

    def register_service_account(self, email: str, key_id: str, public_key: rsa.RSAPublicKey) -> None:
        with self._lock:
            self._authority.register(email, key_id, public_key)

    def revoke_tokens(self) -> None:
        """Forget every issued access token, as if they had expired."""
        with self._lock:
            self._authority.revoke_all()

    def session(self, credentials: Credentials) -> AuthorizedSession:
        session, token_session = authorized_session(credentials, self.base_url)
        self._sessions += [session, token_session]
        return session

    # -- spreadsheets, as their owner sees them ---------------------------------------------------

    def create_spreadsheet(
        self,
        title: str = "Register",
        sheets: dict[str, list[list[Any]]] | None = None,
        *,
        shared_with: Iterable[str] = (),
        locale: str = "en_US",
        time_zone: str = "America/Los_Angeles",
        row_count: int = 1000,
        column_count: int = 26,
    ) -> str:
        with self._lock:
            spreadsheet_id = "1" + "".join(self._rng.choice(_ID_ALPHABET) for _ in range(43))
            book = Spreadsheet(
                id=spreadsheet_id,
                properties={
                    "title": title,
                    "locale": locale,
                    "autoRecalc": "ON_CHANGE",
                    "timeZone": time_zone,
                    "defaultFormat": copy.deepcopy(DEFAULT_FORMAT),
                },
                sheets=[],
                editors=set(shared_with),
                owner=self.owner,
            )
            for index, (sheet_title, rows) in enumerate((sheets or {"Sheet1": []}).items()):
                sheet_id = 0 if index == 0 else self._rng.randrange(1, 2**31 - 1)
                width = max(map(len, rows), default=0)
                sheet = Sheet(
                    {
                        "sheetId": sheet_id,
                        "title": sheet_title,
                        "index": index,
                        "sheetType": "GRID",
                        "gridProperties": {
                            "rowCount": max(row_count, len(rows)),
                            "columnCount": max(column_count, width),
                        },
                    }
                )
                for r, row in enumerate(rows):
                    for c, value in enumerate(row):
                        cell = _seed_cell(value, book.properties["locale"])
                        if cell:
                            sheet.cells[(r, c)] = cell
                book.sheets.append(sheet)
            self._books[spreadsheet_id] = book
            return spreadsheet_id

    def spreadsheet(self, spreadsheet_id: str) -> dict[str, Any]:
        with self._lock:
            return spreadsheet_resource(self._books[spreadsheet_id], self.owner)

    def grid(self, spreadsheet_id: str, sheet_title: str) -> list[list[Any]]:
        """Effective values as Python values (None for an empty cell), trailing empties trimmed."""
        with self._lock:
            book = self._books[spreadsheet_id]
            sheet = self._sheet(book, sheet_title)
            window = values.read_window(
                book, sheet, 0, sheet.rows, 0, sheet.columns, "ROWS", "UNFORMATTED_VALUE", "SERIAL_NUMBER"
            )
            return [[None if v == "" else v for v in row] for row in window.get("values", [])]

    def cell(self, spreadsheet_id: str, sheet_title: str, a1_cell: str) -> dict[str, Any]:
        with self._lock:
            book = self._books[spreadsheet_id]
            sheet = self._sheet(book, sheet_title)
            bounds = a1.parse_cells(a1_cell)
            return cell_data(sheet.cells.get((bounds.row0, bounds.col0)), book)

    def type(self, spreadsheet_id: str, sheet_title: str, a1_cell: str, value: Any) -> None:
        """A person typing into a cell: parsed as USER_ENTERED in the spreadsheet's locale."""
        with self._lock:
            book = self._books[spreadsheet_id]
            sheet = self._sheet(book, sheet_title)
            bounds = a1.parse_cells(a1_cell)
            assert bounds.row0 is not None and bounds.col0 is not None
            if bounds.row0 >= sheet.rows or bounds.col0 >= sheet.columns:
                raise ValueError(f"{a1_cell} is outside the grid of {sheet_title!r}")
            values.store(sheet, bounds.row0, bounds.col0, value, "USER_ENTERED", locale(book.properties["locale"]))

    def insert_rows(self, spreadsheet_id: str, sheet_title: str, at_row: int, count: int = 1) -> None:
        """Someone inserts rows before 1-based `at_row` (formatted like the row above, as the UI does)."""
        self._owner_edit(
            spreadsheet_id,
            sheet_title,
            "insertDimension",
            lambda s: {
                "range": {
                    "sheetId": s.id,
                    "dimension": "ROWS",
                    "startIndex": at_row - 1,
                    "endIndex": at_row - 1 + count,
                },
                "inheritFromBefore": at_row > 1,
            },
        )

    def delete_rows(self, spreadsheet_id: str, sheet_title: str, first_row: int, count: int = 1) -> None:
        """Someone deletes `count` rows from 1-based `first_row`."""
        self._owner_edit(
            spreadsheet_id,
            sheet_title,
            "deleteDimension",
            lambda s: {
                "range": {
                    "sheetId": s.id,
                    "dimension": "ROWS",
                    "startIndex": first_row - 1,
                    "endIndex": first_row - 1 + count,
                }
            },
        )

    def sort_rows(
        self, spreadsheet_id: str, sheet_title: str, column_index: int, *, descending: bool = False, first_row: int = 2
    ) -> None:
        """Someone sorts rows `first_row`.. (1-based) to the end of the grid by a 0-based column."""
        self._owner_edit(
            spreadsheet_id,
            sheet_title,
            "sortRange",
            lambda s: {
                "range": {"sheetId": s.id, "startRowIndex": first_row - 1, "endRowIndex": s.rows},
                "sortSpecs": [
                    {"dimensionIndex": column_index, "sortOrder": "DESCENDING" if descending else "ASCENDING"}
                ],
            },
        )

    def edit(self, spreadsheet_id: str, sheet_title: str, kind: str, body: Callable[[Sheet], dict]) -> None:
        """Any batchUpdate request made by the owner in the UI (a filter, hidden rows, a merge):
        `body(sheet)` builds the request body for the named sheet."""
        self._owner_edit(spreadsheet_id, sheet_title, kind, body)

    def _owner_edit(self, spreadsheet_id: str, sheet_title: str, kind: str, body: Callable[[Sheet], dict]) -> None:
        with self._lock:
            draft = self._books[spreadsheet_id].clone()
            request = {kind: body(self._sheet(draft, sheet_title))}
            apply_requests(draft, [request], Context(self.owner, self._rng))
            self._books[spreadsheet_id] = draft

    @staticmethod
    def _sheet(book: Spreadsheet, title: str) -> Sheet:
        sheet = book.sheet_titled(title)
        if sheet is None:
            raise KeyError(f"no sheet {title!r} in {book.properties['title']!r}")
        return sheet

    # -- observation and fault injection ---------------------------------------------------------

    def reset_log(self) -> None:
        with self._lock:
            self.requests.clear()

    def count(self, kind: str) -> int:
        with self._lock:
            return sum(1 for record in self.requests if record["kind"] == kind)

    def seconds(self, kind: str | None = None) -> float:
        """The emulator's own time spent on the logged requests (of `kind`, or all), hooks excluded:
        what stands in for Google's servers, to take out of a client's measured time."""
        with self._lock:
            return sum(r.get("seconds", 0.0) for r in self.requests if kind is None or r["kind"] == kind)

    def fail(
        self, status: int, *, at: int | None = None, times: int = 1, kind: str | None = None,
        after_commit: bool = False,
        retry_after: int = 30,
    ) -> None:
        """Answer future matching requests with Google's error for `status`.

        `at` is the 0-based position among the requests of `kind` (of any kind if None) that arrive
        from now on; after_commit=True applies a write and then answers the error.
        """
        with self._lock:
            self._faults.append(make_fault(status, at, times, kind, after_commit, retry_after))

    def clear_faults(self) -> None:
        """Forget faults not yet spent (between tests sharing one emulator)."""
        with self._lock:
            self._faults.clear()

    def on_request(self, hook: Hook) -> None:
        """hook(record, emulator) runs before each request is handled (outside the emulator's lock)."""
        self._hooks.append(hook)

    def clear_hooks(self) -> None:
        self._hooks.clear()

    def quota(
        self, reads_per_minute: int = 60, writes_per_minute: int = 60, clock: Callable[[], float] = time.monotonic
    ) -> None:
        with self._lock:
            self._quota = Quota(reads_per_minute, writes_per_minute, clock)

    def drive_quota(
        self, requests_per_minute: int | None = 100, clock: Callable[[], float] = time.monotonic
    ) -> None:
        """Drive's per-user quota (None: none): past it, 429 rateLimitExceeded with the seconds
        left in the minute as Retry-After."""
        with self._lock:
            self._drive_quota = None
            if requests_per_minute is not None:
                self._drive_quota = Quota(0, 0, clock)
                self._drive_quota.limits["drive"] = requests_per_minute

    # -- HTTP --------------------------------------------------------------------------------------

    def _handle(
        self, method: str, raw_path: str, headers: dict[str, str], raw: bytes
    ) -> tuple[int, Any, Record, float]:
        """(status, payload, the request's log record, seconds spent in hooks)."""
        parts = urlsplit(raw_path)
        query = parse_qs(parts.query, keep_blank_values=True)
        kind = _kind(method, parts.path)
        body, bad_json = _body(raw, kind)
        with self._lock:
            record: Record = {
                "index": len(self.requests),
                "method": method,
                "path": unquote(parts.path),
                "query": query,
                "body": body,
                "kind": kind,
                "status": None,
            }
            self.requests.append(record)
        hooked = self.clock()
        hooks: float | None = None
        try:
            for hook in list(self._hooks):
                hook(record, self)
            hooks = self.clock() - hooked
            with self._lock:
                due = [fault for fault in self._faults if fault.due(kind)]
            fault = due[0] if due else None
            if fault is not None and not fault.after_commit:
                fault.times -= 1
                status, payload = self._fault_answer(fault, kind)
                if kind == "drive" and status == 429:
                    record["reply_headers"] = {"Retry-After": str(fault.retry_after)}
            elif kind == "token":
                status, payload = self._token(body)
            else:
                status, payload = self._api(method, parts.path, query, headers, body, bad_json, record)
                if fault is not None and status < 400:
                    # The write is committed; only the answer is lost.
                    fault.times -= 1
                    status, payload = self._fault_answer(fault, kind)
        except Exception:
            self.errors.append(f"{method} {raw_path}\n{traceback.format_exc()}")
            status, payload = 500, ApiError(500, "Internal error encountered.").body()
        record["status"] = status
        return status, payload, record, self.clock() - hooked if hooks is None else hooks

    @staticmethod
    def _fault_answer(fault: Fault, kind: str) -> tuple[int, Any]:
        if kind == "token":
            return fault.status, {"error": _TOKEN_FAULTS[fault.status], "error_description": "Injected failure"}
        if kind == "drive":
            return fault.status, drive.canned(fault.status).body()
        return fault.status, canned(fault.status, kind).body()

    def _token(self, form: Any) -> tuple[int, Any]:
        with self._lock:
            try:
                return 200, self._authority.exchange(form if isinstance(form, dict) else {})
            except TokenRefused as refused:
                return 400, refused.body

    def _api(
        self, method: str, path: str, query: dict, headers: dict, body: Any, bad_json: bool, record: Record
    ) -> tuple[int, Any]:
        try:
            with self._lock:
                auth = next((v for k, v in headers.items() if k.lower() == "authorization"), None)
                grant = self._authority.grant_for(auth)
                if grant is None:
                    raise ApiError(401, UNAUTHENTICATED)
                record["caller"] = grant.email
                kind = record["kind"]
                if not grant.scopes & {"write": WRITE_SCOPES, "drive": DRIVE_SCOPES}.get(kind, READ_SCOPES):
                    raise ApiError(403, INSUFFICIENT_SCOPES)
                if self._quota is not None and kind != "drive":
                    self._quota.spend(grant.email, record["kind"])
                if self._drive_quota is not None and kind == "drive" and not self._drive_quota.allows(grant.email):
                    left = 60 - int(self._drive_quota.clock() % 60)
                    record["reply_headers"] = {"Retry-After": str(left)}
                    raise drive.rate_limited()
                if bad_json:
                    raise ApiError(400, "Invalid JSON payload received. Unexpected token.")
                payload = self._route(method, path, query, body or {}, grant.email)
                if "fields" in query and query["fields"][-1]:
                    payload = fieldmask.select(payload, _mask(query["fields"][-1]))
                return 200, payload
        except ApiError as error:
            return error.code, error.body()
        except NotEmulated as gap:
            self.errors.append(f"{method} {path}: the emulator does not implement {gap}")
            return 500, ApiError(500, "Internal error encountered.").body()

    def _route(self, method: str, path: str, query: dict, body: dict, caller: str) -> Any:
        if path.startswith(drive.PREFIX):
            return self.drive.route(method, path, query, caller)
        prefix = "/v4/spreadsheets/"
        if not path.startswith(prefix) or len(path) == len(prefix):
            raise NotEmulated(f"{method} {path}")
        rest = path[len(prefix) :]
        cut = min((i for i in (rest.find("/"), rest.find(":")) if i >= 0), default=len(rest))
        spreadsheet_id, action = unquote(rest[:cut]), rest[cut:]
        book = self._books.get(spreadsheet_id)
        if book is None:
            raise ApiError(404, NOT_FOUND)
        if caller not in book.editors:
            raise ApiError(403, PERMISSION_DENIED)

        def write(change: Callable[[Spreadsheet], Any]) -> Any:
            # Every write runs on a copy and is committed only if it succeeds as a whole.
            draft = book.clone()
            result = change(draft)
            self._books[spreadsheet_id] = draft
            return result

        if action == "" and method == "GET":
            grid = _flag(query, "includeGridData")
            return spreadsheet_resource(book, caller, grid=grid, ranges=query.get("ranges"))
        if action == ":batchUpdate" and method == "POST":
            return write(lambda draft: self._batch_update(draft, body, caller))
        if action == "/values:batchGet" and method == "GET":
            return values.batch_get(book, query)
        if action == "/values:batchUpdate" and method == "POST":
            return write(lambda draft: values.batch_update(draft, body, caller))
        if action == "/values:batchClear" and method == "POST":
            return write(lambda draft: values.batch_clear(draft, body, caller))
        if action == "/developerMetadata:search" and method == "POST":
            return _search_metadata(book, body)
        if action.startswith("/developerMetadata/") and method == "GET":
            return _metadata_by_id(book, action.rsplit("/", 1)[1])
        if action.startswith("/values/"):
            encoded = action[len("/values/") :]
            for suffix, handler in ((":append", values.append), (":clear", None)):
                if encoded.endswith(suffix) and method == "POST":
                    text = unquote(encoded[: -len(suffix)])
                    if handler is None:
                        return write(lambda draft, t=text: values.clear_one(draft, t, caller))
                    return write(lambda draft, t=text, h=handler: h(draft, t, query, body, caller))
            text = unquote(encoded)
            if method == "GET":
                return values.get(book, text, query)
            if method == "PUT":
                return write(lambda draft: values.update(draft, text, query, body, caller))
        raise NotEmulated(f"{method} /v4/spreadsheets/{{id}}{action}")

    def _batch_update(self, draft: Spreadsheet, body: dict, caller: str) -> dict[str, Any]:
        requests = body.get("requests") or []
        if not requests:
            raise ApiError(400, "Must specify at least one request.")
        replies = apply_requests(draft, requests, Context(caller, self._rng))
        out: dict[str, Any] = {"spreadsheetId": draft.id, "replies": replies}
        if body.get("includeSpreadsheetInResponse"):
            out["updatedSpreadsheet"] = spreadsheet_resource(
                draft, caller, grid=bool(body.get("responseIncludeGridData")), ranges=body.get("responseRanges")
            )
        return out


def _kind(method: str, path: str) -> str:
    if path == "/token":
        return "token"
    if path.startswith("/drive/"):
        return "drive"
    # Searching metadata and reading by data filter are POSTs that Google counts as reads.
    if method == "GET" or path.endswith((":search", ":batchGetByDataFilter", ":getByDataFilter")):
        return "read"
    return "write"


def _body(raw: bytes, kind: str) -> tuple[Any, bool]:
    """(parsed body, whether it was unparseable JSON)."""
    if not raw:
        return None, False
    text = raw.decode("utf-8", errors="replace")
    if kind == "token":
        return {k: v[-1] for k, v in parse_qs(text, keep_blank_values=True).items()}, False
    try:
        return json.loads(text), False
    except ValueError:
        return text, True


def _mask(text: str) -> fieldmask.Tree:
    try:
        return fieldmask.parse(text)
    except fieldmask.MaskError:
        raise ApiError(400, f"Invalid field selection {text}") from None


def _flag(query: dict, name: str) -> bool:
    return bool(query.get(name)) and query[name][-1].lower() == "true"


def _seed_cell(value: Any, locale_name: str) -> dict[str, Any]:
    if value is None or value == "":
        return {}
    if isinstance(value, datetime):
        return {
            "userEnteredValue": {"numberValue": serial(value.replace(tzinfo=None))},
            "userEnteredFormat": {"numberFormat": {"type": "DATE_TIME", "pattern": locale(locale_name).date_time}},
        }
    if isinstance(value, date):
        return {
            "userEnteredValue": {"numberValue": serial(datetime(value.year, value.month, value.day))},
            "userEnteredFormat": {"numberFormat": {"type": "DATE", "pattern": locale(locale_name).date}},
        }
    if isinstance(value, bool):
        return {"userEnteredValue": {"boolValue": value}}
    if isinstance(value, int | float):
        return {"userEnteredValue": {"numberValue": value}}
    return {"userEnteredValue": {"stringValue": str(value)}}


def _search_metadata(book: Spreadsheet, body: dict) -> dict[str, Any]:
    matched = []
    for data_filter in body.get("dataFilters", []):
        lookup = data_filter.get("developerMetadataLookup")
        if lookup is None:
            raise NotEmulated("developerMetadata:search by a1Range or gridRange")
        for meta in book.developer_metadata:
            if metadata.matches(meta, lookup):
                matched.append({"developerMetadata": copy.deepcopy(meta), "dataFilters": [data_filter]})
    return {"matchedDeveloperMetadata": matched} if matched else {}


def _metadata_by_id(book: Spreadsheet, text: str) -> dict[str, Any]:
    for meta in book.developer_metadata:
        if str(meta["metadataId"]) == text:
            return copy.deepcopy(meta)
    raise ApiError(404, NOT_FOUND)
