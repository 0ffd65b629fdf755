"""Spreadsheet error values in an ods (#DIV/0!, #N/A, ...), which python-calamine reads as
empty: found in content.xml, where LibreOffice marks them as cells of value type error."""

from __future__ import annotations

import zipfile
from pathlib import Path

_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_CALCEXT = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}"
_CELLS = (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell")


def ods_error_cells(path: Path) -> dict[str, list[tuple[int, int, str]]]:
    """Each sheet's error values as (row, column, shown text), 0-based, by sheet name (read
    only where the guard saw `value-type="error"` in content.xml)."""
    from defusedxml.ElementTree import iterparse

    with zipfile.ZipFile(path) as archive:
        found: dict[str, list[tuple[int, int, str]]] = {}
        sheet, row, column = "", 0, 0
        with archive.open("content.xml") as stream:
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
                        found.setdefault(sheet, []).append((row, column, shown))
                    column += int(element.get(f"{_TABLE}number-columns-repeated", "1"))
                elif tag == f"{_TABLE}table-row":
                    row += int(element.get(f"{_TABLE}number-rows-repeated", "1"))
                    element.clear()
    return found
