"""Routing a requests Session to the emulator.

gspread 6.2.1 builds its URLs from constants copied at import time, so the URLs cannot be patched;
instead a transport adapter mounted on https://sheets.googleapis.com/ rewrites each request to the
emulator. Every other https/http address is refused so a test can never reach the network.
"""

from __future__ import annotations

from typing import Any

import requests
from google.auth.credentials import Credentials
from google.auth.transport.requests import AuthorizedSession, Request
from requests.adapters import BaseAdapter, HTTPAdapter

SHEETS_ORIGIN = "https://sheets.googleapis.com"
DRIVE_ORIGIN = "https://www.googleapis.com"  # Drive v3: https://www.googleapis.com/drive/v3/


class _Rewrite(HTTPAdapter):
    def __init__(self, base_url: str, origin: str = SHEETS_ORIGIN):
        super().__init__()
        self._base_url = base_url
        self._origin = origin

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        assert request.url is not None
        request.url = self._base_url + request.url[len(self._origin) :]
        kwargs["proxies"] = {}
        return super().send(request, **kwargs)


class _Refuse(BaseAdapter):
    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        raise requests.ConnectionError(f"{request.url} is not served by the Sheets emulator (tests have no network)")

    def close(self) -> None:
        pass


def _mount(session: requests.Session, base_url: str) -> None:
    session.trust_env = False  # no proxy settings from the environment between us and 127.0.0.1
    session.mount("https://", _Refuse())
    session.mount("http://", _Refuse())
    session.mount(base_url + "/", HTTPAdapter())
    session.mount(SHEETS_ORIGIN + "/", _Rewrite(base_url))
    session.mount(DRIVE_ORIGIN + "/drive/", _Rewrite(base_url, DRIVE_ORIGIN))


def authorized_session(credentials: Credentials, base_url: str) -> tuple[AuthorizedSession, requests.Session]:
    """The API session, and the plain session its credentials refresh through (the caller closes both)."""
    token_session = requests.Session()
    _mount(token_session, base_url)
    session = AuthorizedSession(credentials, auth_request=Request(session=token_session))
    _mount(session, base_url)
    return session, token_session
