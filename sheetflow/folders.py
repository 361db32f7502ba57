"""Counting the photos and videos in a folder on disk or on the office network, for a
register kept as an Excel file: the files are told by their type (extension)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .evidence import Count, Evidence, Failure
from .findings import quote

PHOTOS = {".jpg", ".jpeg", ".png", ".heic", ".heif", ".webp", ".gif", ".bmp", ".tif", ".tiff", ".dng", ".raw"}
VIDEOS = {".mp4", ".mov", ".m4v", ".avi", ".mkv", ".3gp", ".webm", ".wmv", ".mts", ".mpg", ".mpeg"}
_WINDOWS = re.compile(r"^(?:[A-Za-z]:[\\/]|\\\\[^\\]+\\)")


def location(link: str) -> Path | None:
    """The path a link names: a ``file:`` URL, a Windows path (``D:\\…``, ``\\\\server\\share\\…``)
    or an absolute path of this computer (as ``cells.is_folder`` accepts); None for
    anything else (a web link)."""
    parts = urlsplit(link)
    if parts.scheme == "file":
        path = unquote(parts.path)
        if parts.netloc and parts.netloc != "localhost":
            return Path(f"//{parts.netloc}{path}")  # file://server/share/… is a network share
        return Path(path[1:] if re.match(r"^/[A-Za-z]:", path) else path)
    if _WINDOWS.match(link) or link.startswith("/"):
        return Path(link)
    return None


def is_media(path: Path) -> bool:
    return path.suffix.lower() in PHOTOS | VIDEOS and not path.name.startswith((".", "~$"))


def count_folder(link: str) -> Evidence | None:
    """The photos and videos a folder (or file) link names; None for a link that is no path."""
    path = location(link)
    if path is None:
        return None
    try:
        if path.is_dir():
            names = sorted(p.name for p in path.iterdir() if p.is_file() and is_media(p))
            return Count(len(names), tuple(names[:5]))
        if path.is_file():
            return Count(1, (path.name,)) if is_media(path) else Count(0)
    except OSError:
        pass
    return Failure("evidence-not-found", {"link": quote(link)})
