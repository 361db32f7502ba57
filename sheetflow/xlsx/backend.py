"""The Excel backend: reads sheets as raw rows and applies a batch, saving atomically.

It knows nothing of workflows. Opening for writing refuses a register that Excel,
LibreOffice or another sync has open, because the last one to save would silently
undo the other's work.
"""

from __future__ import annotations

import io
import os
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout
from python_calamine import CalamineError, CalamineWorkbook, PasswordError, XmlError, ZipError

from ..errors import RegisterLocked, RegisterNotFound, RegisterUnreadable, RegisterUnwritable
from ..table import Batch, Cell, Sheet, Values
from .extent import Bounded, far_reaching
from .files import snapshot
from .owners import refuse_if_open

UNREADABLE_MESSAGE = (
    "{name} bukan berkas Excel (.xlsx) yang dapat dibaca; buka di Excel, simpan sebagai "
    "Excel Workbook (.xlsx), lalu jalankan sync lagi."
)
DENIED_MESSAGE = "{name} tidak dapat dibuka karena izin berkas ditolak; periksa hak akses berkas itu."
ENCRYPTED_MESSAGE = (
    "{name} dilindungi kata sandi (terenkripsi) sehingga isinya tidak dapat dibaca; buka dengan kata sandinya, "
    "hapus kata sandi itu (Excel: File › Info › Proteksi Buku Kerja › Enkripsi dengan Kata Sandi, kosongkan; "
    "LibreOffice: Simpan Sebagai tanpa centang Simpan dengan kata sandi), simpan, lalu jalankan sync lagi."
)
STRICT_MESSAGE = (
    "{name} disimpan sebagai Strict Open XML, bentuk .xlsx yang tidak dapat ditulis sheetflow; buka di Excel, "
    "pilih Simpan Sebagai dengan jenis Excel Workbook (.xlsx), bukan Strict Open XML Spreadsheet, lalu jalankan "
    "sync lagi."
)
# An encrypted workbook is no zip but a compound file holding the package in this stream.
COMPOUND_FILE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
# Strict Open XML names its parts in these namespaces instead of schemas.openxmlformats.org.
STRICT_NAMESPACE = b"http://purl.oclc.org/ooxml/"


@contextmanager
def open_workbook(path: str | os.PathLike[str], *, write: bool) -> Iterator[XlsxRegister]:
    """Load the register once; with ``write`` also hold the sheetflow lock until the block ends."""
    path = Path(path)
    if not path.is_file():
        raise RegisterNotFound(f"Berkas register {path} tidak ditemukan; periksa nama berkas dan foldernya.")
    if not write:
        yield XlsxRegister(path, writable=False)
        return
    refuse_if_open(path)
    # On Unix the empty lock file stays behind: it holds no lock once released, and
    # deleting it would let two syncs lock two different files. Windows deletes it.
    # Beside the file a symlink names, so that two names of one register share it.
    target = path.resolve()
    lock = FileLock(target.with_name(f".{target.name}.sheetflow-lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise RegisterLocked(
            f"{path.name} sedang diproses oleh sync lain; tunggu sampai selesai lalu jalankan sync lagi."
        ) from None
    except PermissionError:
        raise RegisterUnwritable(_lock_denied(path, Path(lock.lock_file))) from None
    try:
        yield XlsxRegister(path, writable=True)
    finally:
        lock.release()


def _lock_denied(path: Path, lock: Path) -> str:
    if lock.exists():
        # Typically left by an administrator who ran sync once as another user.
        return (
            f"{path.name} tidak dapat dikunci untuk sync karena berkas kunci {lock.name} milik pengguna lain; hapus "
            f"{lock.name} bila tidak ada sync yang sedang berjalan (sync membuatnya lagi), lalu jalankan sync lagi."
        )
    return (
        f"{path.name} tidak dapat dikunci untuk sync karena folder {path.parent} tidak boleh ditulis; berikan hak "
        "tulis pada folder itu kepada pengguna yang menjalankan sync."
    )


class XlsxRegister:
    """One register file: ``read`` gives raw rows, ``apply`` writes a batch and saves.

    Most syncs change nothing, so reading must be cheap: values come from calamine's
    reader. A write edits the very bytes that were read (``writer``), so the plan and the
    file it changes are the same."""

    def __init__(self, path: Path, *, writable: bool):
        self._path = path
        self._writable = writable
        content = _content(path)
        # What was read: a write checks the file is still that, and applies its batch to
        # these bytes; a run that changes nothing is remembered by the digest (see memo).
        self.snapshot = snapshot(path, content)
        self.digest = self.snapshot.digest
        self._content = content
        self._values = _open_values(path, content)  # refuses a file that is no workbook before anything else

    def read(self, names: Sequence[str]) -> dict[str, Sheet]:
        """The sheets that exist among ``names``: values as the spreadsheet last computed them."""
        book, packed = self._values, {}
        present = [name for name in names if name in book.sheet_names]
        try:
            # A stray cell far from the table would make calamine build a range to it.
            with zipfile.ZipFile(io.BytesIO(self._content)) as archive:
                if (far := far_reaching(archive, present)) and (bounded := Bounded(archive, far, self._path.name)).rows:
                    book, packed = CalamineWorkbook.from_filelike(io.BytesIO(bounded.content)), bounded.rows
            return {
                name: Sheet(name, _rows(book.get_sheet_by_name(name).to_python(skip_empty_area=False),
                                        packed.get(name)))
                for name in present
            }
        except (CalamineError, ZipError, XmlError, ValueError, zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise RegisterUnreadable(UNREADABLE_MESSAGE.format(name=self._path.name)) from exc

    def will_write(self) -> None:
        """A file needs nothing fetched ahead of its save."""

    def apply(self, batch: Batch) -> dict[str, Sheet]:
        """Write the batch and save atomically; an empty batch touches nothing.

        Returns no sheets to check afterwards: the lock kept everyone else out."""
        if batch.empty:
            return {}
        if not self._writable:
            raise RuntimeError("register was opened without write=True (dry run)")
        # Someone may have opened the file in Excel while this sync was working.
        refuse_if_open(self._path)
        from .writer import write_batch  # lxml is imported only to write

        write_batch(self.snapshot, self._content, batch)
        return {}


# Far above any register (50,000 rows inflate to about 60 MB): a part larger than this
# is a zip bomb, refused before anything inflates it.
MAX_PART_BYTES = 512 * 2**20


def _content(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except PermissionError:
        raise RegisterUnreadable(DENIED_MESSAGE.format(name=path.name)) from None
    except OSError:
        raise RegisterUnreadable(UNREADABLE_MESSAGE.format(name=path.name)) from None


def _open_values(path: Path, content: bytes) -> CalamineWorkbook:
    """The workbook's values from the bytes already read, so the digest names exactly them."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if any(info.file_size > MAX_PART_BYTES for info in archive.infolist()):
                raise RegisterUnreadable(
                    f"{path.name} berisi bagian yang terlalu besar untuk sebuah register (lebih dari 512 MB bila "
                    "dibuka); berkas itu ditolak."
                )
            # calamine reads Strict Open XML, but the writer cannot: refused for check and sync alike.
            if STRICT_NAMESPACE in archive.read("_rels/.rels"):
                raise RegisterUnreadable(STRICT_MESSAGE.format(name=path.name))
    except zipfile.BadZipFile:
        if content.startswith(COMPOUND_FILE) and ENCRYPTED_PACKAGE in content:
            raise RegisterUnreadable(ENCRYPTED_MESSAGE.format(name=path.name)) from None
    except KeyError:
        pass  # no package: calamine's answer below says so
    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(content))
    except PasswordError:
        raise RegisterUnreadable(ENCRYPTED_MESSAGE.format(name=path.name)) from None
    except (CalamineError, ZipError, XmlError, ValueError, OSError):
        raise RegisterUnreadable(UNREADABLE_MESSAGE.format(name=path.name)) from None


def _rows(values: list[list[object]], packed: list[int] | None = None) -> tuple[Values, ...]:
    """Trimmed rows; ``packed`` says which spreadsheet row each of ``values`` is (see extent)."""
    rows = [_trim(row) for row in values]
    if packed:
        spread: list[Values] = [()] * packed[-1]
        for number, row in zip(packed, rows, strict=False):
            spread[number - 1] = row
        rows = spread
    while rows and not rows[-1]:
        rows.pop()
    return tuple(rows)


def _trim(values: list[object]) -> Values:
    cells = [_raw(value) for value in values]
    while cells and cells[-1] is None:
        cells.pop()
    return tuple(cells)


def _raw(value: object) -> Cell:
    # calamine gives an empty cell as "" and every number as a float; the stored file
    # has neither an empty string nor a float 5.0 where a person typed 5.
    if value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value  # type: ignore[return-value]
