"""Counting the photos and videos behind Google Drive links (Drive API v3), read-only.

It uses the register's own authorised session (the service account's key, with the
``drive.readonly`` scope), so a folder counts only when it is shared with that account:
Drive answers 404 for a file the caller cannot see, which is told apart from a failure
(quota, server, network) because the person who shares the folder can put it right.
Nothing here raises for Drive's sake: every outcome is an ``Evidence`` for the row.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import google.auth.exceptions
import requests

from ..evidence import Count, Evidence, Failure
from ..findings import quote

API = "https://www.googleapis.com/drive/v3/files"
FOLDER = "application/vnd.google-apps.folder"
SHORTCUT = "application/vnd.google-apps.shortcut"
MEDIA = ("image/", "video/")
PAGE_SIZE = 1000  # the most files.list gives per page
FILE_FIELDS = "id,name,mimeType,trashed,shortcutDetails(targetId,targetMimeType)"
# Only what is counted is listed: photos, videos and shortcuts (which may point at one).
QUERY = ("'{folder}' in parents and trashed = false and (mimeType contains 'image/' or "
         "mimeType contains 'video/' or mimeType = '" + SHORTCUT + "')")
# A single request waits no longer than this, and a run's counting no longer than BUDGET:
# a count must not hold up the sync (what is left is counted by the next one).
TIMEOUT = 20
BUDGET = 60
_ID = r"[A-Za-z0-9_-]{10,}"


def drive_id(link: str) -> str | None:
    """The file or folder id of a Drive link, in the forms Drive's "copy link" gives."""
    parts = urlsplit(link)
    if parts.netloc not in ("drive.google.com", "docs.google.com"):
        return None
    match = re.search(rf"/(?:folders|d)/({_ID})", parts.path)
    if match:
        return match[1]
    ids = parse_qs(parts.query).get("id", [])
    return ids[0] if ids and re.fullmatch(_ID, ids[0]) else None


class _Stop(Exception):
    def __init__(self, failure: Failure):
        self.failure = failure


class DriveCounter:
    """Counts one link at a time; after Drive says slow down, the rest of the run's links
    are not asked about (each is a finding, and the next sync tries again)."""

    def __init__(self, session: requests.Session, account: str, clock: Callable[[], float] = time.monotonic):
        self._session = session
        self._account = account
        self._halted: Failure | None = None
        self._clock = clock
        self._deadline = clock() + BUDGET

    def __call__(self, link: str) -> Evidence | None:
        """The photos and videos behind ``link``; None for a link that is not Drive's."""
        file_id = drive_id(link)
        if file_id is None:
            return None
        if self._halted is None and self._clock() > self._deadline:
            self._halted = Failure("evidence-unavailable", {"reason": "waktu menghitung habis"})
        if self._halted is not None:
            return Failure("evidence-unavailable", {**self._halted.params, "link": quote(link)})
        try:
            item = self._get(file_id, link)
            if item.get("mimeType") == FOLDER:
                return self._folder(file_id, link)
            found = self._target(item, link)
            return Count(1, (found["name"],)) if found else Count(0)
        except _Stop as stop:
            return stop.failure

    def _folder(self, folder: str, link: str) -> Count:
        names: list[str] = []
        seen: set[str] = set()
        token = None
        while True:
            params = {"q": QUERY.format(folder=folder), "pageSize": PAGE_SIZE,
                      "fields": f"nextPageToken,files({FILE_FIELDS})", "supportsAllDrives": "true",
                      "includeItemsFromAllDrives": "true"}
            if token:
                params["pageToken"] = token
            page = self._call(API, params, link)
            for item in page.get("files", []):
                found = self._target(item, link)
                if found and found["id"] not in seen:
                    seen.add(found["id"])
                    names.append(found["name"])
            token = page.get("nextPageToken")
            if not token:
                return Count(len(names), tuple(names[:5]))

    def _target(self, item: dict[str, Any], link: str) -> dict[str, Any] | None:
        """The photo or video an item is, or a shortcut points at (when it is not in the trash
        and the account may see it); None otherwise."""
        if item.get("mimeType") == SHORTCUT:
            details = item.get("shortcutDetails") or {}
            if not str(details.get("targetMimeType", "")).startswith(MEDIA):
                return None
            try:
                target = self._get(details["targetId"], link)
            except _Stop as stop:
                if stop.failure.code == "evidence-not-shared":
                    return None  # a shortcut to a file not shared: nothing the reviewer could see
                raise
            return {"id": target["id"], "name": item.get("name") or target.get("name", "")} \
                if not target.get("trashed") and str(target.get("mimeType", "")).startswith(MEDIA) else None
        if item.get("trashed") or not str(item.get("mimeType", "")).startswith(MEDIA):
            return None
        return item

    def _get(self, file_id: str, link: str) -> dict[str, Any]:
        return self._call(f"{API}/{file_id}", {"fields": FILE_FIELDS, "supportsAllDrives": "true"}, link)

    def _call(self, url: str, params: dict[str, Any], link: str) -> dict[str, Any]:
        shown = quote(link)
        try:
            response = self._session.get(url, params=params, timeout=TIMEOUT)
        except (requests.RequestException, OSError, google.auth.exceptions.GoogleAuthError) as exc:
            raise _Stop(Failure("evidence-unavailable", {"link": shown, "reason": _network(exc)})) from None
        if response.status_code == 404:
            raise _Stop(Failure("evidence-not-shared", {"link": shown, "account": self._account}))
        reason = _reason(response)
        if response.status_code == 429 or response.status_code >= 500 or "RateLimitExceeded" in reason \
                or reason == "rateLimitExceeded":
            failure = Failure("evidence-unavailable", {"link": shown, "reason": _busy(response)})
            if response.status_code in (403, 429):
                self._halted = failure  # asking again now only spends more of the quota
            raise _Stop(failure)
        if not response.ok:
            # The same answer for every link (the API not enabled, no Drive scope): asked once a run.
            failure = Failure("evidence-unavailable", {"link": shown, "reason": _refused(response, reason)})
            self._halted = failure
            raise _Stop(failure)
        try:
            return response.json()
        except ValueError:
            raise _Stop(Failure("evidence-unavailable",
                                {"link": shown, "reason": "jawaban Google Drive tidak terbaca"})) from None


def _reason(response: requests.Response) -> str:
    """The ``reason`` of Drive's error (403 comes with rateLimitExceeded, userRateLimitExceeded,
    accessNotConfigured, insufficientPermissions, …); "" when there is none."""
    if response.ok:
        return ""
    try:
        errors = response.json().get("error", {}).get("errors", [])
        return str(errors[0].get("reason", "")) if errors else ""
    except (ValueError, AttributeError, IndexError):
        return ""


def _refused(response: requests.Response, reason: str) -> str:
    if reason in ("accessNotConfigured", "SERVICE_DISABLED"):
        return "Google Drive API belum diaktifkan di proyek Google Cloud akun layanan"
    if reason in ("insufficientPermissions", "insufficientScopes") or response.status_code == 403:
        return f"Google Drive menolak akses akun layanan ({response.status_code})"
    return f"Google Drive menjawab {response.status_code}"


def _busy(response: requests.Response) -> str:
    if response.status_code in (403, 429):
        wait = response.headers.get("Retry-After")
        return "kuota Google Drive habis" + (f", coba lagi setelah {wait} detik" if wait else "")
    return f"Google Drive sedang gangguan ({response.status_code})"


def _network(exc: BaseException) -> str:
    return "Google Drive tidak terjangkau" + (": waktu habis" if isinstance(exc, requests.Timeout) else "")

