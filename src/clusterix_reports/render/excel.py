"""Writing sheets with openpyxl: tables with filters, formats, safe text, reproducible bytes."""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from clusterix_reports.text import clipped

DATE = "yyyy-mm-dd"
EURO = '"€" #,##0.00'
PERCENT = "0.0%"
INTEGER = "#,##0"
DECIMAL = "#,##0.00"
POINTS = '+0.0" pp";-0.0" pp";0.0" pp"'  # a change of a percentage, in percentage points
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOLD = Font(bold=True)
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Column:
    """One column of a table sheet: its header and the number format of its cells."""

    header: str
    number_format: str | None = None
    width: int | None = None


def put(cell: Cell, value: Any, number_format: str | None = None) -> None:
    """Write one value: None and NaN as an empty cell, input text never as a formula."""
    if (
        value is None
        or (isinstance(value, float) and math.isnan(value))
        or value is pd.NA
        or value is pd.NaT
    ):
        cell.value = None
        return
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        value = value.date()
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()  # numpy scalars
    if isinstance(value, str):
        value = _ILLEGAL_XML.sub("", value)
        value = clipped(value, EXCEL_CELL_CHARS)  # Excel holds no more; Parquet keeps it whole
        cell.value = value
        if value.startswith(FORMULA_STARTS):
            cell.data_type = "s"  # shown verbatim, never evaluated
            cell.quotePrefix = True
        return
    cell.value = value
    if number_format:
        cell.number_format = number_format
    elif isinstance(value, dt.date):
        cell.number_format = DATE


EXCEL_CELL_CHARS = 32_767  # the most text one cell holds in Excel
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # no XML holds them


def _display_width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, float):
        return len(f"{value:,.2f}")
    if isinstance(value, dt.date):
        return 10
    return max((len(line) for line in str(value).splitlines()), default=0)


def table_sheet(
    workbook: Workbook,
    title: str,
    columns: Sequence[Column],
    rows: Sequence[Sequence[Any]],
    *,
    table_name: str,
    first_row: int = 1,
    formats: Sequence[Sequence[str | None]] | None = None,
) -> Worksheet:
    """A sheet holding one Excel table: bold frozen header, filters, fitted widths, formats
    (each column's, or `formats`: each row's own, column by column)."""
    ws = workbook.create_sheet(title)
    header_row = first_row
    for c, column in enumerate(columns, start=1):
        cell = ws.cell(row=header_row, column=c)
        put(cell, column.header)
        cell.font = BOLD
    by_column = [column.number_format for column in columns]
    for r, row in enumerate(rows, start=header_row + 1):
        row_formats = formats[r - header_row - 1] if formats is not None else by_column
        for c, (value, number_format) in enumerate(zip(row, row_formats, strict=True), start=1):
            put(ws.cell(row=r, column=c), value, number_format)
    last_row = header_row + max(len(rows), 1)
    ref = f"A{header_row}:{get_column_letter(len(columns))}{last_row}"
    table = Table(displayName=table_name, ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showRowStripes=True)
    ws.add_table(table)
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    fit_widths(ws, columns, rows)
    print_on_a4(ws, wide=len(columns) > 6, header_row=header_row)
    return ws


def print_on_a4(ws: Worksheet, wide: bool, header_row: int | None = 1) -> None:
    """A4, landscape where wide, fitted to the page's width, the header row on every page."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if wide else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as the rows need
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if header_row is not None:
        ws.print_title_rows = f"{header_row}:{header_row}"


def totals_below(ws: Worksheet, row: int, values: Sequence[Any], number_format: str) -> None:
    """A totals row below a table, one row under its last, outside its filter range."""
    for c, value in enumerate(values, start=1):
        cell = ws.cell(row=row, column=c)
        put(cell, value, number_format if isinstance(value, int | float) else None)
        cell.font = BOLD


def frame_sheet(
    workbook: Workbook,
    title: str,
    frame: pd.DataFrame,
    table_name: str,
    formats: dict[str, str | None],
) -> Worksheet:
    """A table sheet of some columns of a frame, each with its number format; True/False read yes/no."""
    columns = [Column(name, number_format) for name, number_format in formats.items()]
    values = frame[list(formats)].astype(object)
    rows = [
        [("yes" if v else "no") if isinstance(v, bool) else v for v in row]
        for row in values.itertuples(index=False)
    ]
    return table_sheet(workbook, title, columns, rows, table_name=table_name)


def fit_widths(ws: Worksheet, columns: Sequence[Column], rows: Sequence[Sequence[Any]]) -> None:
    """Column widths that fit their content (headers included), within bounds."""
    for c, column in enumerate(columns, start=1):
        widest = max([_display_width(column.header) + 3, *(_display_width(r[c - 1]) for r in rows)])
        ws.column_dimensions[get_column_letter(c)].width = column.width or min(
            max(widest + 2, 8), 70
        )


def workbook_bytes(workbook: Workbook, created: dt.datetime) -> bytes:
    """The workbook's bytes, the same for the same content: fixed properties and zip times."""
    naive = created.replace(tzinfo=None)
    workbook.properties.created = naive
    workbook.properties.modified = naive
    workbook.properties.creator = "clusterix-reports"
    workbook.properties.lastModifiedBy = "clusterix-reports"
    raw = io.BytesIO()
    workbook.save(raw)  # openpyxl stamps the modified time with the clock: normalised below
    return normalised_zip(raw.getvalue(), naive)


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def normalised_zip(data: bytes, stamp: dt.datetime) -> bytes:
    """A zip archive rewritten with fixed entry times and document time, in the same order."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                when = stamp.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
                content = _MODIFIED.sub(rb"\g<1>" + when + rb"\g<2>", content)
            target.writestr(entry, content)
    return out.getvalue()
