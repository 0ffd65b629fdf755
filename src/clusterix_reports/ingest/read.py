"""Reading input files: the real kind of a file from its bytes, and its sheets as raw cells."""

from __future__ import annotations

import csv
import io
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from clusterix_reports.ingest.merged import fill_merged_down, put_error_cells
from clusterix_reports.ingest.xlsx_cells import error_cells
from clusterix_reports.limits import Limits

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"


class UnreadableFileError(Exception):
    """A file that cannot be read at all; the message says why, for a person."""


@dataclass
class Columns:
    """The rows below a sheet's header as Arrow arrays, by column index (A is 0)."""

    arrays: dict[int, Any]
    height: int
    first_row: int  # spreadsheet row number of the arrays' first item


@dataclass
class RawSheet:
    """One sheet's cells as read, before any interpretation.

    A sheet read as a stream holds only its first rows (enough to find the header), with
    `body` to load the rows below a header row in columns, and `whole` to read it cell by
    cell where columns will not do (a column that mixes dates, numbers and text).
    """

    name: str
    rows: list[list[Any]]
    first_row: int = 1  # spreadsheet row number of rows[0]
    hidden: bool = False
    date1904: bool = False
    kind: str = "worksheet"
    body: Callable[[int], Columns | None] | None = None  # header's row number -> the rows below
    whole: Callable[[], RawSheet] | None = None


@dataclass
class RawWorkbook:
    """A readable file: its format and its sheets."""

    format: str
    sheets: list[RawSheet] = field(default_factory=list)


def skip_reason(relative: Path) -> str | None:
    """Why a file is not read at all (lock file, hidden file, not a spreadsheet), or None."""
    name = relative.name
    if name.startswith("~$"):
        return "an Office lock file, not an export"
    if any(part.startswith(".") and part not in (".", "..") for part in relative.parts):
        return "a hidden file"  # judged by the file and its folders' names, not by ../
    if relative.suffix.lower() not in SPREADSHEET_SUFFIXES:
        return f"not a spreadsheet ({relative.suffix or 'no extension'}); only xlsx, xlsm, xls, ods and csv are read"
    return None


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
        head = handle.read(8)
    if head.startswith(_ZIP_MAGIC):
        return _zip_format(path)
    if head.startswith(_OLE_MAGIC):
        return _ole_format(path)
    if path.suffix.lower() == ".csv":
        return "csv"
    text_head = path.read_bytes()[:512].lstrip().lower()
    if text_head.startswith((b"<!doctype html", b"<html", b"<?xml", b"<table")):
        raise UnreadableFileError(
            "a web page or XML file saved with a spreadsheet name, not a workbook; "
            "open it and save it as .xlsx"
        )
    raise UnreadableFileError("not a spreadsheet its name claims to be (unknown file contents)")


def _zip_format(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" in names:
                return "xlsx"
            if "mimetype" in names:
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                if mimetype == "application/vnd.oasis.opendocument.spreadsheet":
                    return "ods"
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise UnreadableFileError(f"the file is corrupt (a damaged zip archive: {exc})") from None
    raise UnreadableFileError("a zip archive or another Office document, not a spreadsheet")


def _ole_format(path: Path) -> str:
    import msoffcrypto  # imported here: only old or protected Office files need it

    try:
        with path.open("rb") as handle:
            office = msoffcrypto.OfficeFile(handle)
            encrypted = office.is_encrypted()
    except Exception:
        if path.suffix.lower() == ".xls":
            return "xls"
        raise UnreadableFileError("an old Office document that is not a workbook") from None
    if encrypted:
        raise UnreadableFileError(
            "the file is encrypted or password-protected; send an unprotected copy"
        )
    if type(office).__name__ != "Xls97File" and path.suffix.lower() != ".xls":
        raise UnreadableFileError("an old Office document that is not a workbook")
    return "xls"


def read_workbook(path: Path, limits: Limits) -> RawWorkbook:
    """Read every sheet of a spreadsheet file as raw cells; raise UnreadableFileError."""
    kind = sniff_format(path, limits)
    if kind == "csv":
        return RawWorkbook("csv", [RawSheet(name=path.stem, rows=read_csv_rows(path, limits))])
    if kind in ("xlsx", "ods"):
        from clusterix_reports.ingest.guard import check_archive

        marked = check_archive(path, kind, limits)
    else:
        marked = frozenset()
    if kind == "xlsx" and (sheets := _read_xlsx_heads(path, limits, marked)) is not None:
        return RawWorkbook(kind, sheets)
    return RawWorkbook(kind, _read_with_calamine(path, kind, limits, marked))


def _read_xlsx_heads(path: Path, limits: Limits, marked: frozenset[str]) -> list[RawSheet] | None:
    """Every sheet of an xlsx with only its first rows read; None where the stream reader fails
    or a sheet's part is among `marked` (merged cells or error values, as the guard saw)."""
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException

    from clusterix_reports.ingest.headers import HEADER_SEARCH_ROWS
    from clusterix_reports.ingest.xlsx_head import SharedStrings, head_rows, workbook_layout

    try:
        with zipfile.ZipFile(path) as archive:
            layout = workbook_layout(archive)
            shown = [e for e in layout.sheets if e.kind == "worksheet" and not e.hidden]
            if any(e.part in marked for e in shown):
                return None  # merged cells or error values: read cell by cell, where they show
            strings = SharedStrings(archive, layout.shared_strings)
            try:
                heads = {
                    e.name: head_rows(archive, e.part, strings, HEADER_SEARCH_ROWS)
                    for e in layout.sheets
                    if e.kind == "worksheet" and not e.hidden
                }
            finally:
                strings.close()
    except (KeyError, ValueError, OSError, zipfile.BadZipFile, ParseError, DefusedXmlException):
        return None  # the cell-by-cell reader reads it, or says why it cannot
    whole = _WholeSheets(path, limits, marked)
    sheets = []
    for entry in layout.sheets:
        if entry.name not in heads:
            sheets.append(RawSheet(entry.name, [], hidden=entry.hidden, kind=entry.kind))
            continue
        first_row, rows = heads[entry.name]
        sheets.append(
            RawSheet(
                entry.name,
                rows,
                first_row,
                date1904=layout.date1904,
                body=partial(_xlsx_columns, path, entry.name, limits),
                whole=partial(whole.sheet, entry.name),
            )
        )
    return sheets


class _WholeSheets:
    """The sheets of one workbook read cell by cell, once, when a sheet first asks for it."""

    def __init__(self, path: Path, limits: Limits, marked: frozenset[str]) -> None:
        self.path, self.limits, self.marked = path, limits, marked
        self.sheets: dict[str, RawSheet] | None = None

    def sheet(self, name: str) -> RawSheet:
        if self.sheets is None:
            read = _read_with_calamine(self.path, "xlsx", self.limits, self.marked)
            self.sheets = {sheet.name: sheet for sheet in read}
        if name not in self.sheets:
            raise UnreadableFileError(f"the workbook lists a sheet {name} that it does not hold")
        return self.sheets[name]


def _xlsx_columns(path: Path, name: str, limits: Limits, header_row: int) -> Columns | None:
    """The rows below `header_row` in Arrow columns (fastexcel); None where a column mixes types."""
    import logging

    import fastexcel
    import pyarrow as pa

    # an empty column is read as text: nothing worth a warning on the user's terminal
    logging.getLogger("fastexcel").setLevel(logging.ERROR)
    try:
        sheet = fastexcel.read_excel(str(path)).load_sheet(
            name,
            header_row=None,
            skip_rows=header_row,
            dtype_coercion="strict",
            schema_sample_rows=None,
        )
        if sheet.height * sheet.width > limits.max_cells_per_sheet:
            return None  # the cell-by-cell reader says why
        batch = sheet.to_arrow()
    except fastexcel.FastExcelError:
        return None
    arrays = {}
    for info, array in zip(sheet.selected_columns, batch.columns, strict=True):
        kind = array.type
        if not (
            pa.types.is_string(kind)
            or pa.types.is_floating(kind)
            or pa.types.is_integer(kind)
            or pa.types.is_boolean(kind)
            or pa.types.is_timestamp(kind)
            or pa.types.is_date(kind)
            or pa.types.is_null(kind)
        ):
            return None  # durations and times: read cell by cell, as every other reader does
        arrays[info.absolute_index] = array
    return Columns(arrays, batch.num_rows, header_row + 1)


def _read_with_calamine(
    path: Path, kind: str, limits: Limits, marked: frozenset[str] = frozenset()
) -> list[RawSheet]:
    """Every sheet cell by cell (python-calamine), with merged values filled down and error
    values put back (`marked`: the archive members that hold either, as the guard saw)."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    date1904 = kind == "xlsx" and _is_1904(path)
    errors = _error_cells(path, kind, marked)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheets = []
        for meta in workbook.sheets_metadata:
            hidden = meta.visible != SheetVisibleEnum.Visible
            if meta.typ != SheetTypeEnum.WorkSheet:
                sheets.append(RawSheet(meta.name, [], hidden=hidden, kind="chart or macro sheet"))
                continue
            sheet = workbook.get_sheet_by_name(meta.name)
            if sheet.height * sheet.width > limits.max_cells_per_sheet:
                raise UnreadableFileError(
                    f"sheet {meta.name} holds {sheet.height:,} rows × {sheet.width:,} columns, more than "
                    f"{limits.max_cells_per_sheet:,} cells: delete the empty rows and columns around the data"
                )
            rows = sheet.to_python(skip_empty_area=True) if sheet.height else []
            first_row = sheet.start[0] + 1 if sheet.start else 1
            first_col = sheet.start[1] if sheet.start else 0
            if first_col:
                rows = [[""] * first_col + row for row in rows]
            fill_merged_down(rows, getattr(sheet, "merged_cell_ranges", None) or [], first_row)
            put_error_cells(rows, errors.get(meta.name, []), first_row)
            sheets.append(RawSheet(meta.name, rows, first_row, hidden, date1904))
    except Exception as exc:
        raise UnreadableFileError(
            f"the file is corrupt or not a valid {kind} workbook ({exc})"
        ) from None
    return sheets


def _error_cells(
    path: Path, kind: str, marked: frozenset[str]
) -> dict[str, list[tuple[int, int, str]]]:
    """The error values of an xlsx, xls or ods by sheet (none where its parts cannot be read
    as such)."""
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException

    from clusterix_reports.ingest.ods_cells import ods_error_cells
    from clusterix_reports.ingest.xls_cells import xls_error_cells

    readers = {
        "xlsx": lambda: error_cells(path, marked),
        "ods": lambda: ods_error_cells(path) if "content.xml" in marked else {},
        "xls": lambda: xls_error_cells(path),
    }
    if kind not in readers:
        return {}
    try:
        return readers[kind]()
    except (
        KeyError,
        ValueError,
        OSError,
        struct.error,
        zipfile.BadZipFile,
        ParseError,
        DefusedXmlException,
    ):
        return {}


def _is_1904(path: Path) -> bool:
    """Whether an xlsx workbook uses the 1904 date system (as its workbook part says)."""
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException

    from clusterix_reports.ingest.xlsx_head import workbook_layout

    try:
        with zipfile.ZipFile(path) as archive:
            return workbook_layout(archive).date1904
    except (KeyError, ValueError, OSError, zipfile.BadZipFile, ParseError, DefusedXmlException):
        return False


def decode_text(data: bytes) -> str:
    """Decode a csv file: UTF-16 after its byte-order mark (Excel's "Unicode text"), UTF-8
    (with or without BOM), else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) and not data.startswith(b"\xff\xfe\x00\x00"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise UnreadableFileError(
                "the file starts as UTF-16 text but breaks off inside a character; "
                "save it again as csv (UTF-8)"
            ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_csv_rows(path: Path, limits: Limits) -> list[list[Any]]:
    """The rows of a csv file, with its separator (`;`, `,` or tab) found from its lines."""
    text = decode_text(path.read_bytes())
    if "\x00" in text:
        raise UnreadableFileError("the file holds NUL bytes; it is not a text (csv) file")
    delimiter = guess_delimiter(text)
    rows, cells = [], 0
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            cells += len(row)
            if cells > limits.max_cells_per_sheet:
                raise UnreadableFileError(
                    f"the file holds more than {limits.max_cells_per_sheet:,} cells"
                )
            rows.append(row)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise UnreadableFileError(
                f"line {reader.line_num} holds a value longer than {csv.field_size_limit():,} "
                "characters; shorten it (or move the text to a document) and save again"
            ) from None
        raise UnreadableFileError(f"the csv file is malformed ({exc})") from None
    return rows


def guess_delimiter(text: str) -> str:
    """`;`, `,` or tab: the one that splits the first lines into the most consistent columns
    (on a tie the earlier of those)."""
    lines = [line for line in text.splitlines()[:40] if line.strip()]
    best, best_score = ";", (-1, -1)
    for delimiter in (";", ",", "\t"):
        try:
            counts = [len(row) for row in csv.reader(lines, delimiter=delimiter) if len(row) > 1]
        except csv.Error:  # a field longer than the reader allows: reading the file says so
            continue
        if not counts:
            continue
        mode = max(set(counts), key=lambda n: (counts.count(n), n))
        score = (counts.count(mode), mode)
        if score > best_score:
            best, best_score = delimiter, score
    return best
