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


def error_cells(path: Path, marked: frozenset[str]) -> dict[str, list[tuple[int, int, str]]]:
    """Each worksheet's error values as (row, column, shown text), 0-based, by sheet name;
    only the parts among `marked` (those the guard saw a merge or an error value in) are read."""
    found: dict[str, list[tuple[int, int, str]]] = {}
    with zipfile.ZipFile(path) as archive:
        for entry in workbook_layout(archive).sheets:
            if entry.kind != "worksheet" or entry.part not in marked:
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
