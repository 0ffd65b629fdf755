"""Cells python-calamine reads as empty that hold something: merged values and error values.

Merged cells: a value merged down over several rows belongs to each of those rows.
Spreadsheet files keep a merged value in the region's first cell only; readers give the
other cells as empty. An account manager who merges a cluster's name over the rows of its
services means that name on every one of them. Error values (#VALUE!, #N/A, ...) are found
by format (xlsx_cells, ods_cells, xls_cells) and put back as the text they show.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

Region = tuple[
    tuple[int, int], tuple[int, int]
]  # (first row, first column), (last row, last column), 0-based


@dataclass
class CellMarks:
    """By sheet name: error values as (row, column, shown text) and merged regions, 0-based."""

    errors: dict[str, list[tuple[int, int, str]]] = field(default_factory=dict)
    merged: dict[str, list[Region]] = field(default_factory=dict)


def fill_merged_down(rows: list[list[Any]], regions: Sequence[Region], first_row: int) -> None:
    """Copy each region's value down its first column, in place (`rows[0]` is the sheet's
    row `first_row`, 1-based); a value merged across columns stays in its first column."""
    for (top, column), (bottom, _) in regions:
        start = top - (first_row - 1)
        if start < 0 or start >= len(rows) or column >= len(rows[start]):
            continue
        value = rows[start][column]
        for row in rows[start + 1 : bottom - (first_row - 1) + 1]:
            _fill_empty(row, column, value)


def put_error_cells(
    rows: list[list[Any]], cells: list[tuple[int, int, str]], first_row: int
) -> None:
    """Write error values (row, column, shown text; 0-based) into rows read with them as
    empty, in place (`rows[0]` is the sheet's row `first_row`, 1-based)."""
    for row, column, shown in cells:
        at = row - (first_row - 1)
        if 0 <= at < len(rows):
            _fill_empty(rows[at], column, shown)


def _fill_empty(row: list[Any], column: int, value: Any) -> None:
    """Put `value` in the row's cell at `column` where the reader left it empty."""
    if column >= len(row):
        row.extend([""] * (column + 1 - len(row)))
    if row[column] in ("", None):
        row[column] = value
