"""A Drive API v3 file store: folders, files with MIME types, shortcuts, trash, sharing.

Served by SheetsEmulator under https://www.googleapis.com/drive/v3/ (files.get and
files.list), as https://developers.google.com/drive/api/reference/rest/v3/files describes:
a file the caller may not see answers 404 ("File not found"), as for one that does not
exist; ``files.list`` pages with ``pageSize`` (default 100, at most 1000) and
``nextPageToken``, and takes the ``q`` subset parsed below
(https://developers.google.com/drive/api/guides/ref-search-terms).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .errors import ApiError

FOLDER = "application/vnd.google-apps.folder"
SHORTCUT = "application/vnd.google-apps.shortcut"
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
PREFIX = "/drive/v3/files"


class DriveError(ApiError):
    """Drive's error shape: Google's envelope plus the legacy ``errors`` list."""

    def __init__(self, code: int, message: str, reason: str, domain: str = "global", location: str | None = None):
        super().__init__(code, message)
        self.reason, self.domain, self.location = reason, domain, location

    def body(self) -> dict[str, Any]:
        item: dict[str, Any] = {"message": self.message, "domain": self.domain, "reason": self.reason}
        if self.location:
            item |= {"location": self.location, "locationType": "parameter"}
        return {"error": {"code": self.code, "message": self.message, "errors": [item]}}


def not_found(file_id: str) -> DriveError:
    return DriveError(404, f"File not found: {file_id}.", "notFound", location="fileId")


def invalid(parameter: str) -> DriveError:
    return DriveError(400, "Invalid Value", "invalid", location=parameter)


def rate_limited() -> DriveError:
    return DriveError(429, "Rate Limit Exceeded", "rateLimitExceeded", domain="usageLimits")


def backend_error() -> DriveError:
    return DriveError(500, "Internal Error", "backendError")


def canned(status: int) -> ApiError:
    """The error an injected fault on a Drive request answers with."""
    if status == 429:
        return rate_limited()
    if status >= 500:
        return backend_error() if status == 500 else DriveError(status, "Service Unavailable", "backendError")
    return ApiError(status, {400: "Invalid Value", 401: "Invalid Credentials", 403: "Forbidden",
                             404: "File not found."}[status])


@dataclass
class DriveFile:
    id: str
    name: str
    mime_type: str
    parents: list[str]
    trashed: bool = False
    shared_with: set[str] = field(default_factory=set)
    target_id: str | None = None  # a shortcut's
    target_mime_type: str | None = None

    def resource(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": "drive#file", "id": self.id, "name": self.name, "mimeType": self.mime_type,
                               "parents": list(self.parents), "trashed": self.trashed}
        if self.mime_type == SHORTCUT:
            out["shortcutDetails"] = {"targetId": self.target_id, "targetMimeType": self.target_mime_type}
        return out


class DriveStore:
    """Files as their owner makes them; who may see one is whom it, or a folder above it, is shared with."""

    def __init__(self, owner: str):
        self.owner = owner
        self.files: dict[str, DriveFile] = {}
        self._ids = (f"1{n:031d}drv" for n in itertools.count(1))

    # -- as the owner sees them -------------------------------------------------------------------
    def folder(self, name: str, *, parent: str | None = None, shared_with: tuple[str, ...] = ()) -> str:
        return self._add(name, FOLDER, parent, shared_with=set(shared_with))

    def file(self, name: str, mime_type: str, parent: str | None = None, *, trashed: bool = False,
             shared_with: tuple[str, ...] = ()) -> str:
        return self._add(name, mime_type, parent, trashed=trashed, shared_with=set(shared_with))

    def shortcut(self, name: str, target: str, parent: str) -> str:
        return self._add(name, SHORTCUT, parent, target_id=target, target_mime_type=self.files[target].mime_type)

    def share(self, file_id: str, email: str) -> None:
        self.files[file_id].shared_with.add(email)

    def trash(self, file_id: str) -> None:
        self.files[file_id].trashed = True

    def _add(self, name: str, mime_type: str, parent: str | None, **rest: Any) -> str:
        file_id = next(self._ids)
        self.files[file_id] = DriveFile(file_id, name, mime_type, [parent] if parent else [], **rest)
        return file_id

    def visible(self, item: DriveFile, caller: str) -> bool:
        seen: set[str] = set()
        todo = [item]
        while todo:
            current = todo.pop()
            if current.id in seen:
                continue
            seen.add(current.id)
            if caller == self.owner or caller in current.shared_with:
                return True
            todo += [self.files[p] for p in current.parents if p in self.files]
        return False

    # -- the API ----------------------------------------------------------------------------------
    def route(self, method: str, path: str, query: dict[str, list[str]], caller: str) -> dict[str, Any]:
        if method != "GET":
            raise DriveError(405, "Method not allowed", "methodNotAllowed")
        if path == PREFIX:
            return self._list(query, caller)
        file_id = path[len(PREFIX) + 1:]
        item = self.files.get(file_id)
        if "/" in file_id or item is None or not self.visible(item, caller):
            raise not_found(file_id)
        return item.resource()

    def _list(self, query: dict[str, list[str]], caller: str) -> dict[str, Any]:
        text = query.get("q", [""])[-1]
        matches = parse_query(text) if text else (lambda f: True)
        size_text = query.get("pageSize", [str(DEFAULT_PAGE_SIZE)])[-1]
        if not size_text.isdigit():
            raise invalid("pageSize")
        # Drive caps pageSize at 1000 rather than refusing a larger one.
        size = min(int(size_text), MAX_PAGE_SIZE) or DEFAULT_PAGE_SIZE
        token = query.get("pageToken", [""])[-1]
        start = 0
        if token:
            match = re.fullmatch(r"p(\d+)~(\d+)", token)
            if not match or int(match[2]) != _digest(text):
                raise invalid("pageToken")
            start = int(match[1])
        found = [f for f in self.files.values() if matches(f) and self.visible(f, caller)]
        page = found[start:start + size]
        out: dict[str, Any] = {"kind": "drive#fileList", "incompleteSearch": False,
                               "files": [f.resource() for f in page]}
        if start + size < len(found):
            out["nextPageToken"] = f"p{start + size}~{_digest(text)}"
        return out


def _digest(text: str) -> int:
    return sum(map(ord, text)) % 100_000  # a page token belongs to its query


# -- q: the search terms this store knows -----------------------------------------------------------
Match = Callable[[DriveFile], bool]
_TOKEN = re.compile(r"\s*(?:(?P<string>'(?:[^'\\]|\\.)*')|(?P<op>!=|=|\(|\))|(?P<word>[A-Za-z]+))")


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens, pos = [], 0
    while pos < len(text.rstrip()):
        match = _TOKEN.match(text, pos)
        if not match:
            raise invalid("q")
        kind = match.lastgroup
        value = match[kind]
        if kind == "string":
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        tokens.append((kind, value))
        pos = match.end()
    return tokens


def parse_query(text: str) -> Match:
    """``'ID' in parents``, ``trashed = true|false``, ``mimeType = | != | contains 'x'``,
    ``name = | contains 'x'``, joined by ``and`` / ``or`` / ``not`` and parentheses (``and``
    binds tighter than ``or``). Anything else is Drive's 400 ``Invalid Value``."""
    tokens = _tokens(text)
    pos = 0

    def peek() -> tuple[str, str] | None:
        return tokens[pos] if pos < len(tokens) else None

    def take() -> tuple[str, str]:
        nonlocal pos
        if pos >= len(tokens):
            raise invalid("q")
        pos += 1
        return tokens[pos - 1]

    def either() -> Match:
        left = both()
        while peek() == ("word", "or"):
            take()
            right = both()
            left = (lambda a, b: lambda f: a(f) or b(f))(left, right)
        return left

    def both() -> Match:
        left = unary()
        while peek() == ("word", "and"):
            take()
            right = unary()
            left = (lambda a, b: lambda f: a(f) and b(f))(left, right)
        return left

    def unary() -> Match:
        if peek() == ("word", "not"):
            take()
            inner = unary()
            return lambda f: not inner(f)
        if peek() == ("op", "("):
            take()
            inner = either()
            if take() != ("op", ")"):
                raise invalid("q")
            return inner
        return term()

    def term() -> Match:
        first = take()
        if first[0] == "string":
            if take() != ("word", "in") or take() != ("word", "parents"):
                raise invalid("q")
            return lambda f, parent=first[1]: parent in f.parents
        kind, name = first
        operator = take()
        value = take()
        if kind != "word":
            raise invalid("q")
        if name == "trashed" and operator[1] in ("=", "!=") and value in (("word", "true"), ("word", "false")):
            wanted = (value[1] == "true") == (operator[1] == "=")
            return lambda f: f.trashed == wanted
        if name in ("mimeType", "name") and value[0] == "string":
            def attribute(f: DriveFile) -> str:
                return f.mime_type if name == "mimeType" else f.name

            if operator == ("op", "="):
                return lambda f: attribute(f) == value[1]
            if operator == ("op", "!="):
                return lambda f: attribute(f) != value[1]
            if operator == ("word", "contains"):
                # Drive matches a name's words by prefix; a MIME type's substring is what callers rely on.
                return lambda f: value[1] in attribute(f)
        raise invalid("q")

    matcher = either()
    if pos != len(tokens):
        raise invalid("q")
    return matcher
