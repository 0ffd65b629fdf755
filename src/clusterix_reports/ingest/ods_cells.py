"""What python-calamine reads as empty in an ods that holds something: spreadsheet error
values (#DIV/0!, #N/A, ...), which LibreOffice marks as cells of value type error, and
values merged down over rows (number-rows-spanned), found in content.xml."""

from __future__ import annotations

import zipfile
from pathlib import Path

from clusterix_reports.ingest.merged import CellMarks

_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_CALCEXT = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}"
_CELLS = (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell")


def ods_marked_cells(path: Path) -> CellMarks:
    """Each sheet's error values and the regions merged down over rows (read only where the
    guard saw either in content.xml)."""
    from defusedxml.ElementTree import iterparse

    marks = CellMarks()
    sheet, row, column = "", 0, 0
    with zipfile.ZipFile(path) as archive, archive.open("content.xml") as stream:
        for event, element in iterparse(stream, events=("start", "end")):
            tag = element.tag
            if event == "start":
                if tag == f"{_TABLE}table":
                    sheet, row = element.get(f"{_TABLE}name", ""), 0
                elif tag == f"{_TABLE}table-row":
                    column = 0
                continue
            if tag in _CELLS:
                if element.get(f"{_CALCEXT}value-type") == "error":
                    shown = "".join(element.itertext()).strip()
                    marks.errors.setdefault(sheet, []).append((row, column, shown))
                spanned = int(element.get(f"{_TABLE}number-rows-spanned", "1"))
                if spanned > 1:
                    wide = int(element.get(f"{_TABLE}number-columns-spanned", "1"))
                    region = ((row, column), (row + spanned - 1, column + wide - 1))
                    marks.merged.setdefault(sheet, []).append(region)
                column += int(element.get(f"{_TABLE}number-columns-repeated", "1"))
            elif tag == f"{_TABLE}table-row":
                row += int(element.get(f"{_TABLE}number-rows-repeated", "1"))
                element.clear()
    return marks
