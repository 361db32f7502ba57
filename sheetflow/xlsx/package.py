"""The .xlsx package as a zip of parts: read each part, copy untouched ones as stored.

A part nobody changes is copied as its stored bytes (local header, compressed data and
central-directory record), so it stays exactly what Excel or LibreOffice wrote, and
copying costs nothing however large it is (images, pivot caches, macros).
"""

from __future__ import annotations

import struct
import time
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from ..errors import RegisterUnreadable

_END = b"PK\x05\x06"
_CENTRAL = b"PK\x01\x02"
_LOCAL = b"PK\x03\x04"
_DESCRIPTOR = b"PK\x07\x08"
_ZIP64 = 0xFFFFFFFF
# Fast and still small: parts are compressed once per changed sync, and deflate at its
# default level costs more than everything else the writer does.
LEVEL = 1


@dataclass(frozen=True)
class _Entry:
    name: str
    record: bytes  # the central-directory record as stored
    flags: int
    method: int
    compressed: int
    inflated: int
    offset: int


class Package:
    """The parts of a zip held in memory: names in their stored order, contents on demand."""

    def __init__(self, content: bytes, file_name: str):
        self._content = content
        self._file_name = file_name
        self._entries = {entry.name: entry for entry in self._central_directory()}

    @property
    def names(self) -> list[str]:
        return list(self._entries)

    def __contains__(self, name: str) -> bool:
        return name in self._entries

    def read(self, name: str) -> bytes:
        entry = self._entries[name]
        data = self._stored(entry)
        if entry.method == 0:
            return bytes(data)
        if entry.method == 8:
            # Inflated into one buffer of the size the directory records: never twice in memory.
            return zlib.decompress(data, -15, max(entry.inflated, 1))
        raise self._unreadable()

    def _stored(self, entry: _Entry) -> memoryview:
        start = entry.offset + 30 + sum(struct.unpack_from("<HH", self._content, entry.offset + 26))
        return memoryview(self._content)[start:start + entry.compressed]

    def raw(self, name: str) -> tuple[bytes, bytes]:
        """The part's local header with its data (and data descriptor), and its central record."""
        entry = self._entries[name]
        end = entry.offset + 30 + sum(struct.unpack_from("<HH", self._content, entry.offset + 26)) + entry.compressed
        if entry.flags & 0x08:
            end += 16 if self._content[end:end + 4] == _DESCRIPTOR else 12
        return self._content[entry.offset:end], entry.record

    def _central_directory(self) -> Iterator[_Entry]:
        content = self._content
        end = content.rfind(_END, max(0, len(content) - 22 - 65535))
        if end < 0:
            raise self._unreadable()
        count, size, offset = struct.unpack_from("<HII", content, end + 10)
        if _ZIP64 in (size, offset) or count == 0xFFFF:
            raise self._unreadable()
        position = offset
        for _ in range(count):
            if content[position:position + 4] != _CENTRAL:
                raise self._unreadable()
            (flags, method, _, _, _, compressed, inflated, name_length, extra_length, comment_length, _, _, _,
             local) = struct.unpack_from("<HHHHIIIHHHHHII", content, position + 8)
            length = 46 + name_length + extra_length + comment_length
            raw_name = content[position + 46:position + 46 + name_length]
            name = raw_name.decode("utf-8" if flags & 0x800 else "cp437")
            if _ZIP64 in (compressed, inflated, local) or content[local:local + 4] != _LOCAL:
                raise self._unreadable()
            yield _Entry(name, content[position:position + length], flags, method, compressed, inflated, local)
            position += length

    def _unreadable(self) -> RegisterUnreadable:
        return RegisterUnreadable(
            f"{self._file_name} tidak dapat disimpan oleh sync: susunan zip berkas itu tidak dikenal. Buka di Excel "
            "atau LibreOffice, simpan sebagai Excel Workbook (.xlsx), lalu jalankan sync lagi; tidak ada yang ditulis."
        )


@dataclass(frozen=True)
class Deflated:
    """A part's contents, compressed as they were made: an edited sheet is never held whole."""

    data: bytes
    crc: int
    size: int


def deflate(chunks: Iterable[bytes]) -> Deflated:
    deflater = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
    crc = size = 0
    pieces = []
    for chunk in chunks:
        crc = zlib.crc32(chunk, crc)
        size += len(chunk)
        pieces.append(deflater.compress(chunk))
    pieces.append(deflater.flush())
    return Deflated(b"".join(pieces), crc, size)


class PackageWriter:
    """Writes a zip to a stream: parts copied as stored, or new contents deflated."""

    def __init__(self, stream: BinaryIO):
        self._stream = stream
        self._offset = 0
        self._records: list[bytes] = []

    def copy(self, local: bytes, record: bytes) -> None:
        self._records.append(record[:42] + struct.pack("<I", self._offset) + record[46:])
        self._write(local)

    def add(self, name: str, part: Deflated, when: bytes | None = None) -> None:
        """A part from its contents; ``when``: the DOS time and date of the part it replaces."""
        encoded = name.encode("utf-8")
        flags = 0 if encoded.isascii() else 0x800
        stamp = when or _dos_time()
        common = struct.pack("<HHH4sIII", 20, flags, 8, stamp, part.crc, len(part.data), part.size)
        local = _LOCAL + common + struct.pack("<HH", len(encoded), 0) + encoded
        self._records.append(_CENTRAL + struct.pack("<H", 20) + common
                             + struct.pack("<HHHHHII", len(encoded), 0, 0, 0, 0, 0, self._offset) + encoded)
        self._write(local)
        self._write(part.data)

    def close(self) -> None:
        start = self._offset
        for record in self._records:
            self._write(record)
        count = len(self._records)
        self._write(_END + struct.pack("<HHHHIIH", 0, 0, count, count, self._offset - start, start, 0))

    def _write(self, data: bytes) -> None:
        self._stream.write(data)
        self._offset += len(data)


def stamp_of(record: bytes) -> bytes:
    """The DOS time and date stored in a central-directory record."""
    return record[12:16]


def _dos_time() -> bytes:
    now = time.localtime()
    return struct.pack("<HH", now.tm_hour << 11 | now.tm_min << 5 | now.tm_sec // 2,
                       (now.tm_year - 1980) << 9 | now.tm_mon << 5 | now.tm_mday)
