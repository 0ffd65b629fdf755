"""Reading input files: the real kind of a file from its bytes, and its sheets as raw cells."""

from __future__ import annotations

import re
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from clusterix_reports.ingest.delimited import read_csv_rows
from clusterix_reports.ingest.errors import UnreadableFileError
from clusterix_reports.ingest.merged import CellMarks, fill_merged_down, put_error_cells
from clusterix_reports.ingest.mixed_columns import READ_AS, UndecodableCellError, mixed_column
from clusterix_reports.ingest.sniff import sniff_format
from clusterix_reports.ingest.xlsx_cells import error_cells
from clusterix_reports.limits import Limits

MIXED_RETRIES = 2  # passes again for columns found to mix kinds below the first rows
# rows read beyond those searched for the header, where columns that mix kinds of cell show
# (one date in five typed as text shows in 25 rows but once in 4,000 sheets; 1.4 ms a sheet)
KIND_ROWS = 25
_MIXED_COLUMN = re.compile(r"dtype for column (__UNNAMED__\d+)")


@dataclass
class Columns:
    """The rows below a sheet's header as Arrow arrays, by column index (A is 0)."""

    arrays: dict[int, Any]
    height: int
    first_row: int  # spreadsheet row number of the arrays' first item
    # columns that mix kinds of cell: codes into their distinct cells ("" for an empty one),
    # and which of those are blank
    cells: dict[int, tuple[Any, list[Any], Any]] = field(default_factory=dict)


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
    # the header's row number and the columns that mix kinds of cell -> the rows below
    body: Callable[[int, frozenset[int]], Columns | None] | None = None
    whole: Callable[[], RawSheet] | None = None


@dataclass
class RawWorkbook:
    """A readable file: its format and its sheets."""

    format: str
    sheets: list[RawSheet] = field(default_factory=list)


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
    or a sheet's part is among `marked` (merged cells, as the guard saw). An error value in a
    sheet's body is reported by the column reader, which then leaves the sheet to the
    cell-by-cell reader (it looks for error values itself)."""
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException

    from clusterix_reports.ingest.headers import HEADER_SEARCH_ROWS
    from clusterix_reports.ingest.xlsx_head import SharedStrings, head_rows, workbook_layout

    try:
        with zipfile.ZipFile(path) as archive:
            layout = workbook_layout(archive)
            shown = [e for e in layout.sheets if e.kind == "worksheet" and not e.hidden]
            if any(e.part in marked for e in shown):
                return None  # merged cells: read cell by cell, where they show
            strings = SharedStrings(archive, layout.shared_strings)
            try:
                heads = {
                    e.name: head_rows(archive, e.part, strings, HEADER_SEARCH_ROWS + KIND_ROWS)
                    for e in layout.sheets
                    if e.kind == "worksheet" and not e.hidden
                }
            finally:
                strings.close()
    except (KeyError, ValueError, OSError, zipfile.BadZipFile, ParseError, DefusedXmlException):
        return None  # the cell-by-cell reader reads it, or says why it cannot
    readers = _Readers(path, limits, layout.date1904)
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
                body=partial(readers.columns, entry.name),
                whole=partial(readers.whole, entry.name),
            )
        )
    return sheets


class _Readers:
    """One xlsx's readers, each opened once, when a sheet first asks for it: fastexcel for
    a sheet's body in columns, python-calamine for all sheets cell by cell."""

    def __init__(self, path: Path, limits: Limits, date1904: bool) -> None:
        self.path, self.limits, self.date1904 = path, limits, date1904
        self.sheets: dict[str, RawSheet] | None = None
        self.in_columns: Any = None

    def columns(self, name: str, header_row: int, mixed: frozenset[int]) -> Columns | None:
        """The rows of sheet `name` below `header_row` in Arrow columns, those at `mixed`
        with each cell's kind; None where the reader fails."""
        import fastexcel

        if self.in_columns is None:
            try:
                self.in_columns = fastexcel.read_excel(str(self.path))
            except fastexcel.FastExcelError:
                return None
        return _xlsx_columns(self.in_columns, name, self.limits, header_row, mixed, self.date1904)

    def whole(self, name: str) -> RawSheet:
        """Sheet `name` read cell by cell."""
        if self.sheets is None:
            read = _read_with_calamine(self.path, "xlsx", self.limits, date1904=self.date1904)
            self.sheets = {sheet.name: sheet for sheet in read}
        if name not in self.sheets:
            raise UnreadableFileError(f"the workbook lists a sheet {name} that it does not hold")
        return self.sheets[name]


def _xlsx_columns(
    reader: Any, name: str, limits: Limits, header_row: int, mixed: frozenset[int], date1904: bool
) -> Columns | None:
    """The rows below `header_row` in Arrow columns (a fastexcel reader), the columns at
    `mixed` (and any other found to mix kinds of cell) with each cell's own kind; None where
    a cell cannot be given exactly or the reader fails."""
    import logging

    import fastexcel

    # an empty column is read as text: nothing worth a warning on the user's terminal
    logging.getLogger("fastexcel").setLevel(logging.ERROR)
    per_cell: dict[int | str, str] = dict.fromkeys(mixed, READ_AS)
    for _ in range(MIXED_RETRIES + 1):
        try:
            sheet = reader.load_sheet(
                name,
                header_row=None,
                skip_rows=header_row,
                dtype_coercion="strict",
                schema_sample_rows=None,
                dtypes=per_cell or None,
            )
            break
        except fastexcel.UnsupportedColumnTypeCombinationError as exc:
            found = _MIXED_COLUMN.search(str(exc))
            if found is None:
                return None
            per_cell[found.group(1)] = READ_AS  # by name: its position is not known yet
        except fastexcel.FastExcelError:
            return None
    else:
        return None  # more columns mix kinds than are worth a pass each: read cell by cell
    if sheet.height * sheet.width > limits.max_cells_per_sheet:
        return None  # the cell-by-cell reader says why
    try:
        batch, errors = sheet.to_arrow_with_errors()
        return _columns(sheet, batch, errors, per_cell, header_row, date1904)
    except (fastexcel.FastExcelError, UndecodableCellError):
        return None


def _columns(
    sheet: Any,
    batch: Any,
    errors: Any,
    per_cell: dict[int | str, str],
    header_row: int,
    date1904: bool,
) -> Columns | None:
    """A loaded sheet's columns: plain Arrow arrays, and the per-cell columns decoded."""
    import pyarrow as pa

    found = errors.errors if errors is not None else []
    places = np.array([e.offset_position for e in found], dtype=np.intp).reshape(-1, 2)
    details = [e.detail for e in found]
    by_column = {}  # column -> the rows and details of its cells that did not convert
    for column in np.unique(places[:, 1]).tolist():
        where = np.flatnonzero(places[:, 1] == column)
        by_column[column] = (places[where, 0], [details[i] for i in where])
    arrays, cells = {}, {}
    for index, (info, array) in enumerate(zip(sheet.selected_columns, batch.columns, strict=True)):
        position = info.absolute_index
        if position in per_cell or info.name in per_cell:
            rows, said = by_column.pop(index, (np.zeros(0, dtype=np.intp), []))
            cells[position] = mixed_column(array, rows, said, date1904)
            continue
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
        arrays[position] = array
    if by_column:
        return None  # a cell of a plain column that did not convert
    return Columns(arrays, batch.num_rows, header_row + 1, cells)


def _read_with_calamine(
    path: Path,
    kind: str,
    limits: Limits,
    marked: frozenset[str] = frozenset(),
    date1904: bool | None = None,
) -> list[RawSheet]:
    """Every sheet cell by cell (python-calamine), with merged values filled down and error
    values put back (`marked`: the members of an ods that hold either, as the guard saw;
    `date1904`: the xlsx's date system where its workbook part was read already)."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    if date1904 is None:
        date1904 = kind == "xlsx" and _is_1904(path)
    marks = _cell_marks(path, kind, marked)
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
            merged = getattr(sheet, "merged_cell_ranges", None) or marks.merged.get(meta.name, [])
            fill_merged_down(rows, merged, first_row)
            put_error_cells(rows, marks.errors.get(meta.name, []), first_row)
            sheets.append(RawSheet(meta.name, rows, first_row, hidden, date1904))
    except Exception as exc:
        raise UnreadableFileError(
            f"the file is corrupt or not a valid {kind} workbook ({exc})"
        ) from None
    return sheets


def _cell_marks(path: Path, kind: str, marked: frozenset[str]) -> CellMarks:
    """The error values (and for an ods, the regions merged down, which python-calamine does
    not give) by sheet; none where the parts cannot be read as such."""
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException

    from clusterix_reports.ingest.ods_cells import ods_marked_cells
    from clusterix_reports.ingest.xls_cells import xls_error_cells

    readers = {
        "xlsx": lambda: CellMarks(errors=error_cells(path)),
        "ods": lambda: ods_marked_cells(path) if "content.xml" in marked else CellMarks(),
        "xls": lambda: CellMarks(errors=xls_error_cells(path)),
    }
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
        return CellMarks()


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
