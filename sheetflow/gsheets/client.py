"""The Sheets API calls sheetflow makes, through gspread's HTTP client, in one place.

Three endpoints: ``spreadsheets.get`` (metadata), ``values.batchGet`` (cells, unformatted,
dates as serial numbers) and ``spreadsheets.batchUpdate`` (every write: Google documents
it as all-or-nothing, and makes no such promise for ``values.batchUpdate``). Failures
become sheetflow errors with one sentence in Indonesian saying what to do.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import google.auth.exceptions
import requests
from google.oauth2 import service_account
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient
from gspread.urls import SPREADSHEET_BATCH_UPDATE_URL, SPREADSHEET_VALUES_BATCH_URL

from ..errors import AccessDenied, CredentialsInvalid, RegisterBusy, RegisterNotFound, SheetflowError, WriteConflict
from ..retry import retrying
from .ratelimit import RateLimiter

# Drive read-only: to count the photos and videos behind a row's Drive links (see drive).
SCOPES = ("https://www.googleapis.com/auth/spreadsheets", "https://www.googleapis.com/auth/drive.readonly")
# Builds the authorised HTTP session from the credentials; tests pass one that reaches a
# local emulator (gspread copies its URLs at import, so a transport adapter is the way).
SessionFactory = Callable[[service_account.Credentials], requests.Session]
ENVIRONMENT = "GOOGLE_APPLICATION_CREDENTIALS"


def load_credentials(
    path: str | os.PathLike[str] | service_account.Credentials | None = None,
) -> service_account.Credentials:
    """A service-account key from ``path`` or ``$GOOGLE_APPLICATION_CREDENTIALS``; a key
    already loaded is used as it is (with the token it may already hold)."""
    if isinstance(path, service_account.Credentials):
        return path
    source = path or os.environ.get(ENVIRONMENT)
    if not source:
        raise CredentialsInvalid(
            "Kunci akun layanan Google belum diberikan: pakai --credentials BERKAS.json atau isi "
            f"variabel {ENVIRONMENT}."
        )
    key = Path(source)
    try:
        info = json.loads(key.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CredentialsInvalid(f"Berkas kunci {key} tidak dapat dibaca ({exc.strerror}); periksa jalurnya.") from None
    except ValueError:
        raise CredentialsInvalid(
            f"Berkas kunci {key} bukan JSON; unduh ulang kunci akun layanan (JSON) dari Google Cloud Console."
        ) from None
    try:
        return service_account.Credentials.from_service_account_info(info, scopes=SCOPES)
    except (ValueError, KeyError, TypeError):
        raise CredentialsInvalid(
            f"Berkas kunci {key} bukan kunci akun layanan yang utuh; "
            "unduh ulang kunci (JSON) dari Google Cloud Console."
        ) from None


class UnknownRange(SheetflowError):
    """A range names a sheet the spreadsheet does not have (Google answers 400)."""


class SheetsClient:
    """One spreadsheet's API, with reads retried on quota and server errors."""

    def __init__(
        self,
        credentials: service_account.Credentials,
        spreadsheet_id: str,
        *,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] | None = None,
        max_seconds: float = 120,
        limiter: RateLimiter | None = None,
    ):
        self.spreadsheet_id = spreadsheet_id
        self._limiter = limiter
        self.account = getattr(credentials, "service_account_email", "akun layanan")
        self._http = HTTPClient(credentials, session=session)
        self.session = self._http.session  # the authorised session, shared with the Drive counter
        self._retry_options: dict[str, Any] = {"max_seconds": max_seconds}
        if sleep is not None:
            self._retry_options["sleep"] = sleep

    def metadata(self, *, once: bool = False) -> Mapping[str, Any]:
        """``once``: one attempt, not retried (a fetch ahead of need, redone on demand if it fails)."""
        if once:
            with self._errors():
                return self._http.fetch_sheet_metadata(self.spreadsheet_id)
        return self._read(lambda: self._http.fetch_sheet_metadata(self.spreadsheet_id))

    def values(self, ranges: Sequence[str]) -> tuple[Mapping[str, Any], bytes]:
        """The ranges' values, and the response as it came (its bytes name what was read)."""
        params = {"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER",
                  "majorDimension": "ROWS", "ranges": list(ranges)}
        url = SPREADSHEET_VALUES_BATCH_URL % self.spreadsheet_id
        response = self._read(lambda: self._http.request("get", url, params=params))
        return response.json(), response.content

    def batch_update(self, body: Mapping[str, Any], *, fields: str | None = None) -> Mapping[str, Any]:
        """One atomic write. Not retried here: after an unclear failure the caller reads
        again and plans again, so a write that did land is never repeated.

        ``fields`` is Google's standard response mask, which gspread's own
        ``batch_update`` cannot pass."""
        url = SPREADSHEET_BATCH_UPDATE_URL % self.spreadsheet_id
        with self._errors():
            return self._http.request("post", url, json=body, params={"fields": fields} if fields else None).json()

    def _read(self, call: Callable[[], Any]) -> Any:
        for attempt in retrying(**self._retry_options):
            with attempt, self._errors():
                return call()
        raise AssertionError("unreachable: retrying re-raises")  # pragma: no cover

    @contextmanager
    def _errors(self) -> Iterator[None]:
        if self._limiter:
            self._limiter.acquire()
        try:
            yield
        except APIError as exc:
            raise self._translate(exc.code, str(exc)) from exc
        except google.auth.exceptions.RefreshError as exc:
            raise CredentialsInvalid(
                f"Google menolak kunci akun layanan {self.account}; periksa apakah kunci masih aktif."
            ) from exc
        except google.auth.exceptions.TransportError as exc:
            raise RegisterBusy("Tidak dapat menghubungi Google; periksa jaringan lalu coba lagi.") from exc
        except requests.RequestException as exc:
            raise RegisterBusy("Tidak dapat menghubungi Google Sheets; periksa jaringan lalu coba lagi.") from exc

    def _translate(self, code: int, detail: str) -> SheetflowError:
        if code == 401:
            return CredentialsInvalid(f"Google menolak kunci akun layanan {self.account}; buat kunci baru.")
        if code == 403:
            return AccessDenied(
                f"Spreadsheet {self.spreadsheet_id} belum dibagikan ke {self.account}; bagikan sebagai Editor "
                "lalu jalankan lagi."
            )
        if code == 404:
            return RegisterNotFound(
                f"Spreadsheet {self.spreadsheet_id} tidak ditemukan; periksa ID atau alamatnya."
            )
        if code == 400 and "Unable to parse range" in detail:
            return UnknownRange(f"Spreadsheet {self.spreadsheet_id} tidak punya sheet yang diminta ({detail}); "
                                "jalankan sheetflow setup untuk menyiapkannya.")
        if code == 400 and "developer metadata" in detail.casefold() and "exist" in detail.casefold():
            # A claim (see table.Batch) another sync's write took first: nothing of this write landed.
            return WriteConflict("Sync lain baru saja menulis ke register ini; sync membaca ulang dan mencoba lagi.")
        if code == 429 or code >= 500:
            return RegisterBusy(f"Google Sheets sedang sibuk atau kuota habis ({code}); sync dicoba lagi nanti.")
        return SheetflowError(f"Google Sheets menolak permintaan ({code}): {detail}")
