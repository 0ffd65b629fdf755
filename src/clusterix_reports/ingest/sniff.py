"""What a file really is, judged by its bytes: a workbook this program reads, or a format it
refuses with a sentence naming the format and what to send instead."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

from clusterix_reports.ingest.errors import UnreadableFileError
from clusterix_reports.limits import Limits

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".xlsb")
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")  # .txt: Excel's "Unicode text", in UTF-16
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# the BOF record that opens an Excel 2.x, 3.0 or 4.0 file (a bare BIFF stream, no container)
_OLD_BIFF = {b"\x09\x00": "2.x", b"\x09\x02": "3.0", b"\x09\x04": "4.0"}
_FILEPASS, _BOUNDSHEET, _EOF = 0x002F, 0x0085, 0x000A
ENCRYPTED = "the file is encrypted or password-protected; send an unprotected copy"
_SAVE_AS_XLSX = "open it in Excel or LibreOffice and save it as .xlsx"


def skip_reason(relative: Path, path: Path | None = None) -> str | None:
    """Why a file is not read at all (lock file, hidden file, not a spreadsheet), or None.
    A .txt file is read where `path` shows it is Excel's "Unicode text" (UTF-16)."""
    name = relative.name
    if name.startswith("~$"):
        return "an Office lock file, not an export"
    if any(part.startswith(".") and part not in (".", "..") for part in relative.parts):
        return "a hidden file"  # judged by the file and its folders' names, not by ../
    suffix = relative.suffix.lower()
    if suffix in (".tsv", *SPREADSHEET_SUFFIXES):
        return None
    if suffix == ".txt" and path is not None and _starts_with(path, _UTF16_BOMS):
        return None
    return f"not a spreadsheet ({suffix or 'no extension'}); only xlsx, xlsm, xls, ods and csv are read"


def _starts_with(path: Path, prefixes: tuple[bytes, ...]) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(4).startswith(prefixes)
    except OSError:
        return False


def sniff_format(path: Path, limits: Limits) -> str:
    """The real format of a file from its bytes: xlsx, ods, xls or csv; raise UnreadableFileError."""
    size = path.stat().st_size
    if size == 0:
        raise UnreadableFileError("the file is empty")
    if size > limits.max_file_mb * 2**20:
        raise UnreadableFileError(
            f"the file is too large ({size / 2**20:,.0f} MiB; the limit is {limits.max_file_mb} MiB)"
        )
    with path.open("rb") as handle:
        head = handle.read(512)
    if head.startswith(_ZIP_MAGIC):
        return _zip_format(path)
    if head.startswith(_OLE_MAGIC):
        return _ole_format(path)
    if head[:2] in _OLD_BIFF and head[2:4] in (b"\x04\x00", b"\x06\x00"):
        raise UnreadableFileError(
            f"an Excel {_OLD_BIFF[head[:2]]} file, a format from before 1995 that is no longer "
            f"read; {_SAVE_AS_XLSX}"
        )
    if path.suffix.lower() in TEXT_SUFFIXES:
        return "csv"
    if head.lstrip().lower().startswith((b"<!doctype html", b"<html", b"<?xml", b"<table")):
        raise UnreadableFileError(
            "a web page or XML file saved with a spreadsheet name, not a workbook; "
            "open it and save it as .xlsx"
        )
    raise UnreadableFileError("not a spreadsheet its name claims to be (unknown file contents)")


def _zip_format(path: Path) -> str:
    from clusterix_reports.ingest.xlsx_head import main_part, package_parts

    try:
        with zipfile.ZipFile(path) as archive:
            if "mimetype" in archive.NameToInfo:
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                if mimetype == "application/vnd.oasis.opendocument.spreadsheet":
                    _refuse_encrypted_ods(archive)
                    return "ods"
            parts = package_parts(archive)
            try:
                main = main_part(archive, parts)
            except (KeyError, ValueError):
                main = None
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise UnreadableFileError(f"the file is corrupt (a damaged zip archive: {exc})") from None
    if (main or "").lower().endswith(".bin") or "xl/workbook.bin" in parts:
        raise UnreadableFileError(
            f"an Excel binary workbook (xlsb), a format that is not read; {_SAVE_AS_XLSX}"
        )
    if main is not None and main.lower().endswith(".xml"):
        return "xlsx"
    raise UnreadableFileError("a zip archive or another Office document, not a spreadsheet")


def _refuse_encrypted_ods(archive: zipfile.ZipFile) -> None:
    """An ods saved with a password lists how each part is encrypted in its manifest."""
    manifest = archive.NameToInfo.get("META-INF/manifest.xml")
    if manifest is None or manifest.file_size > 2**20:
        return
    if b"encryption-data" in archive.read(manifest):
        raise UnreadableFileError(ENCRYPTED)


def _ole_format(path: Path) -> str:
    import olefile

    try:
        with olefile.OleFileIO(str(path)) as ole:
            if ole.exists("EncryptionInfo") and ole.exists("EncryptedPackage"):
                raise UnreadableFileError(ENCRYPTED)  # an encrypted xlsx
            if ole.exists("Workbook"):
                globals_ = ole.openstream("Workbook").read(1 << 16)
            elif ole.exists("Book"):
                raise UnreadableFileError(
                    f"an Excel 5.0/95 workbook, a format that is no longer read; {_SAVE_AS_XLSX}"
                )
            else:
                raise UnreadableFileError("an old Office document that is not a workbook")
    except (OSError, struct.error):  # olefile's own errors are OSErrors
        if path.suffix.lower() == ".xls":
            return "xls"  # the workbook reader may still read it, or says why it cannot
        raise UnreadableFileError("an old Office document that is not a workbook") from None
    if _has_filepass(globals_):
        raise UnreadableFileError(ENCRYPTED)
    return "xls"


def _has_filepass(data: bytes) -> bool:
    """Whether the workbook globals hold a FILEPASS record (XOR or RC4 protection), which
    comes before the sheets are listed."""
    offset = 0
    while offset + 4 <= len(data):
        kind, size = struct.unpack_from("<HH", data, offset)
        if kind == _FILEPASS:
            return True
        if kind in (_BOUNDSHEET, _EOF):
            return False
        offset += 4 + size
    return False
