"""What the fast xlsx path cannot see, found in the worksheet parts themselves: merged cells
and spreadsheet error values (#VALUE!, #N/A, ...), which python-calamine reads as empty."""

from __future__ import annotations

import zipfile
from pathlib import Path

from clusterix_reports.ingest.xlsx_head import (
    _CELL_REF,
    _column_index,
    _iterparse,
    _local,
    workbook_layout,
)

_MARKS = (b"mergeCell", b't="e"', b"t='e'")


def needs_cell_reader(archive: zipfile.ZipFile, part: str) -> bool:
    """Whether a worksheet part holds merged cells or error values (scanned as bytes, in
    chunks, not parsed): such a sheet is read cell by cell."""
    tail = b""
    with archive.open(part) as stream:
        while chunk := stream.read(1 << 20):
            window = tail + chunk
            if any(mark in window for mark in _MARKS):
                return True
            tail = chunk[-16:]
    return False


def error_cells(path: Path) -> dict[str, list[tuple[int, int, str]]]:
    """Each worksheet's error values as (row, column, shown text), 0-based, by sheet name."""
    found: dict[str, list[tuple[int, int, str]]] = {}
    with zipfile.ZipFile(path) as archive:
        for entry in workbook_layout(archive).sheets:
            if entry.kind != "worksheet" or not needs_cell_reader(archive, entry.part):
                continue
            with archive.open(entry.part) as stream:
                cells = []
                for element in _iterparse(stream):
                    if _local(element.tag) == "c" and element.get("t") == "e":
                        match = _CELL_REF.match(element.get("r") or "")
                        shown = next((c.text for c in element if _local(c.tag) == "v"), None)
                        if match and match.group(2) and shown:
                            row, column = int(match.group(2)) - 1, _column_index(match.group(1))
                            cells.append((row, column, shown.strip()))
                    elif _local(element.tag) == "row":
                        element.clear()
            if cells:
                found[entry.name] = cells
    return found


def put_error_cells(
    rows: list[list[object]], cells: list[tuple[int, int, str]], first_row: int
) -> None:
    """Write error values into rows read with them as empty (`rows[0]` is sheet row
    `first_row`, 1-based), where the reader left the cell empty."""
    for row, column, shown in cells:
        at = row - (first_row - 1)
        if 0 <= at < len(rows):
            if column >= len(rows[at]):
                rows[at].extend([""] * (column + 1 - len(rows[at])))
            if rows[at][column] in ("", None):
                rows[at][column] = shown
