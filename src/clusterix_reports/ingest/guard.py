"""Checks before a file is parsed: zip bombs, XML entity tricks, sheets that declare too many cells.

They read the archive as a stream and stop as soon as a limit is passed, so a hostile file
costs little; the worker process that runs them has its own memory and time limits too.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

from clusterix_reports.ingest.errors import UnreadableFileError
from clusterix_reports.ingest.unzip import member_chunks
from clusterix_reports.limits import Limits

CHUNK = 1 << 20
# an entity can only be declared inside a DOCTYPE, which can only stand in the prolog
# (before the first element), and XML is case-sensitive: no parser takes <!doctype
_DOCTYPE = b"<!DOCTYPE"
_BOM = b"\xef\xbb\xbf"
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
# merged cells (and in an ods, error values), which the fast readers read as empty: a part
# that holds one is read cell by cell. An xlsx's error values need no search here: the
# column reader reports each one, and the cell-by-cell reader then looks for them itself.
# Every needle is a pass over the part, costlier than decompressing it: an xlsx worksheet's
# merged cells stand after its cell data (the schema's order), so only its end is searched
_ODS_MARKS = (b'value-type="error"', b"number-rows-spanned")
_MERGED = b"mergeCell"
_DATA_END = b"</sheetData>"


class _Prolog:
    """An XML part's prolog as it streams in: whether it declares a DOCTYPE, known as soon
    as the first element begins (what follows it cannot declare one). Comments and
    processing instructions are skipped however long, keeping only a few bytes."""

    def __init__(self) -> None:
        self.text, self.first, self.closer = b"", True, b""
        self.done = self.declares = False

    def feed(self, chunk: bytes) -> None:
        """Read the part's next chunk, up to the first element."""
        if self.done:
            return
        text = self.text + chunk  # self.text: a few bytes left from the chunk before
        if self.first:
            if len(text) < len(_BOM) and _BOM.startswith(text):
                self.text = text
                return
            text, self.first = text.removeprefix(_BOM), False
        while True:
            if self.closer:
                end = text.find(self.closer)
                if end < 0:  # the comment goes on: keep what could begin its end
                    self.text = text[1 - len(self.closer) :]
                    return
                text, self.closer = text[end + len(self.closer) :], b""
            text = text.lstrip()
            if text.startswith(b"<?"):
                self.closer, text = b"?>", text[2:]
            elif text.startswith(b"<!--"):
                self.closer, text = b"-->", text[4:]
            else:
                break
        if len(text) < len(_DOCTYPE) and (_DOCTYPE.startswith(text) or b"<!--".startswith(text)):
            self.text = text  # too little to tell yet
            return
        self.declares, self.done = text.startswith(_DOCTYPE), True


def _ods_marked(chunk: bytes) -> bool:
    """Whether a chunk of an ods's content holds an error value or a merged region."""
    return any(mark in chunk for mark in _ODS_MARKS)


def _merges_at_end(previous: bytes, last: bytes) -> bool:
    """Whether a worksheet part whose last two chunks are `previous` and `last` (the part
    whole where `previous` is empty) may hold merged cells: a merge after the end of its cell
    data, or that end not in them (more follows the data than they hold: to be sure, the
    part is read cell by cell). The end is looked for from the back: a short search."""
    if not previous:
        return _MERGED in last
    end_of_data = previous + last
    end = end_of_data.rfind(_DATA_END)
    return end < 0 or _MERGED in end_of_data[end:]


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.decode():
        number = number * 26 + ord(letter) - 64
    return number


def check_archive(path: Path, kind: str, limits: Limits) -> frozenset[str]:
    """Stream every member of an xlsx or ods: total size, compression ratio, entities, declared
    cells. Returns the XML members that hold merged cells or error values, seen on the way."""
    budget = limits.max_unpacked_mb * 2**20
    marked = set()
    try:
        with zipfile.ZipFile(path) as archive, path.open("rb") as handle:
            for info in archive.infolist():
                chunks = member_chunks(handle, archive, info, CHUNK)
                budget, has_marks = _check_member(archive, chunks, info, kind, budget, limits)
                if has_marks:
                    marked.add(info.filename)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
        raise UnreadableFileError(f"the file is corrupt (a damaged zip archive: {exc})") from None
    return frozenset(marked)


def _is_read(name: str, kind: str) -> bool:
    """Whether the workbook readers parse this part as XML: for an ods its content, styles,
    meta data, settings and manifest (not a macro library's files, which may declare a
    DOCTYPE); for an xlsx every XML part."""
    if kind == "ods":
        return name in _ODS_READ
    return name.lower().endswith((".xml", ".rels", ".vml"))


_ODS_READ = ("content.xml", "styles.xml", "meta.xml", "settings.xml", "META-INF/manifest.xml")


def _check_member(
    archive: zipfile.ZipFile,
    chunks: Iterator[bytes],
    info: zipfile.ZipInfo,
    kind: str,
    budget: int,
    limits: Limits,
) -> tuple[int, bool]:
    unpacked, head, has_marks, prolog = 0, b"", False, _Prolog()
    is_xml = _is_read(info.filename, kind)
    part = "/" + info.filename.replace("\\", "/").lower()
    checks_cells = kind == "xlsx" and "/worksheets/" in part
    ods_marks = kind == "ods" and info.filename == "content.xml"
    previous = last = b""
    for chunk in chunks:
        unpacked += len(chunk)
        if unpacked > budget:
            raise UnreadableFileError(
                f"the file unpacks to more than {limits.max_unpacked_mb} MiB (a zip bomb, or far too "
                "large for an export)"
            )
        if checks_cells and len(head) < 65536:  # where a worksheet declares its size
            head += chunk[: 65536 - len(head)]
        if is_xml:
            prolog.feed(chunk)
        if ods_marks:  # the whole part, and across chunk boundaries
            has_marks = has_marks or _ods_marked(chunk) or _ods_marked(last[-32:] + chunk[:32])
        previous, last = last, chunk
    if checks_cells:
        has_marks = _merges_at_end(previous, last)
    ratio = unpacked / max(info.compress_size, 1)
    if unpacked > CHUNK and ratio > limits.max_compression_ratio:
        raise UnreadableFileError(
            f"{info.filename} is compressed {ratio:,.0f} times (a zip bomb); the limit is "
            f"{limits.max_compression_ratio}"
        )
    if prolog.declares:
        raise UnreadableFileError(
            "the file declares XML entities (a DOCTYPE), which spreadsheet programs never write; "
            "it may be an XML bomb or try to read other files"
        )
    if checks_cells and (match := _DIMENSION.search(head)):
        first_col, first_row, last_col, last_row = match.groups()
        if last_col:
            cells = (int(last_row) - int(first_row) + 1) * (
                _column_number(last_col) - _column_number(first_col) + 1
            )
            if cells > limits.max_cells_per_sheet:
                raise UnreadableFileError(
                    f"a sheet declares {cells:,} cells ({match.group(0).decode()}); the limit is "
                    f"{limits.max_cells_per_sheet:,}: delete the empty rows and columns below and right of the data"
                )
    if kind == "ods" and info.filename == "content.xml":
        from xml.etree.ElementTree import ParseError

        from defusedxml import DefusedXmlException

        try:
            with archive.open(info) as member:
                _check_ods_cells(member, limits)
        except (DefusedXmlException, ParseError) as exc:
            raise UnreadableFileError(
                f"the spreadsheet's content is not valid XML ({exc})"
            ) from None
    return budget - unpacked, has_marks


_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"


def _check_ods_cells(stream, limits: Limits) -> None:
    """Cells with content that an ods sheet holds once its repeated rows and columns are expanded.

    LibreOffice writes a million repeated *empty* rows below every sheet: those cost nothing.
    Repeated rows that hold values would be materialised by any reader.
    """
    from defusedxml.ElementTree import iterparse

    cells = 0
    for event, element in iterparse(stream, events=("start", "end")):
        if event == "start" and element.tag == f"{_TABLE}table":
            cells = 0
        if event != "end" or element.tag != f"{_TABLE}table-row":
            continue
        rows = int(element.get(f"{_TABLE}number-rows-repeated", "1"))
        filled = sum(
            int(cell.get(f"{_TABLE}number-columns-repeated", "1"))
            for cell in element
            if cell.get(f"{_OFFICE}value-type") or len(cell)
        )
        cells += rows * filled
        element.clear()
        if cells > limits.max_cells_per_sheet:
            raise UnreadableFileError(
                f"a sheet repeats rows with values to more than {limits.max_cells_per_sheet:,} cells; "
                "the limit keeps one file from exhausting the machine"
            )
