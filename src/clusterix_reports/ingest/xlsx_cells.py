"""Spreadsheet error values in an xlsx (#VALUE!, #N/A, ...), which python-calamine reads as
empty: found in the worksheet parts as cells of type "e"."""

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

_CHUNK = 1 << 20


def _holds_error_values(archive: zipfile.ZipFile, part: str) -> bool:
    """Whether a worksheet part holds a cell of type "e" (t='e' too, where an exporter quotes
    so), found in its bytes: a pass over them costs a fraction of parsing the XML."""
    with archive.open(part) as stream:
        tail = b""
        while chunk := stream.read(_CHUNK):
            seen = tail + chunk
            if b't="e"' in seen or (b"'" in seen and b"t='e'" in seen):
                return True
            tail = chunk[-8:]
    return False


def error_cells(path: Path) -> dict[str, list[tuple[int, int, str]]]:
    """Each worksheet's error values as (row, column, shown text), 0-based, by sheet name
    (for the cell-by-cell reader: python-calamine reads them as empty)."""
    found: dict[str, list[tuple[int, int, str]]] = {}
    with zipfile.ZipFile(path) as archive:
        for entry in workbook_layout(archive).sheets:
            if entry.kind != "worksheet" or not _holds_error_values(archive, entry.part):
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
