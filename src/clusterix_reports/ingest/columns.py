"""A sheet's rows read in Arrow columns, into the cells and codes that parsing takes.

Each column is dictionary-encoded by Arrow, so only its distinct values become Python
objects; which rows are blank is worked out on the codes and on whole arrays.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

from clusterix_reports.ingest.read import Columns
from clusterix_reports.ingest.tables import SheetCells
from clusterix_reports.ingest.values import objects


def _python_value(value: Any) -> Any:
    """A distinct value as the cell-by-cell reader gives it: a date at midnight is a date."""
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date()
    return value


def encoded(array: Any, height: int) -> tuple[np.ndarray, list[Any], np.ndarray]:
    """A column's codes, its distinct values as Python objects (True and False as text, as
    the parsers take them) and which of those are blank.

    An empty cell is "", as the cell-by-cell reader gives it, so both readers parse alike.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if array is None or pa.types.is_null(array.type):
        return np.zeros(height, dtype=np.intp), [""], np.ones(1, dtype=bool)
    dictionary = pc.dictionary_encode(array)
    values = dictionary.dictionary.to_pylist()
    kind = array.type
    if pa.types.is_timestamp(kind):
        values = [_python_value(v) for v in values]
    if pa.types.is_boolean(kind):
        values = ["TRUE" if v else "FALSE" for v in values]
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        blank = np.array([not v.strip() for v in values], dtype=bool)
    elif pa.types.is_floating(kind):
        blank = np.isnan(np.asarray(values, dtype=float))
    else:
        blank = np.zeros(len(values), dtype=bool)
    codes = dictionary.indices
    if codes.null_count:
        codes = pc.fill_null(codes, len(values))
        values.append("")
        blank = np.append(blank, True)
    return codes.to_numpy(zero_copy_only=False).astype(np.intp), values, blank


def non_blank(array: Any) -> np.ndarray:
    """Which items of an array hold something: not empty, not NaN, not only whitespace."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_null(array.type):
        return np.zeros(len(array), dtype=bool)
    present = pc.is_valid(array)
    if pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
        present = pc.and_(present, pc.not_equal(pc.utf8_trim_whitespace(array), ""))
    elif pa.types.is_floating(array.type):
        present = pc.and_(present, pc.invert(pc.is_nan(array)))
    return pc.fill_null(present, False).to_numpy(zero_copy_only=False)


def column_cells(columns: Columns, mapped: dict[int, str]) -> SheetCells:
    """The rows that hold something: each mapped column as codes into its distinct cells (True
    and False as text, as the parsers take them), and the rows' numbers."""
    height = columns.height
    filled = np.zeros(height, dtype=bool)
    found = {}
    for position, name in mapped.items():
        coded = columns.cells.get(position) or encoded(columns.arrays.get(position), height)
        codes, values, blank = coded
        filled |= ~blank[codes]
        found[name] = (codes, objects(values, len(values)))
    for position, array in columns.arrays.items():
        if position not in mapped:
            filled |= non_blank(array)
    for position, (codes, _, blank) in columns.cells.items():
        if position not in mapped:
            filled |= ~blank[codes]
    return SheetCells(
        {name: (codes[filled], distinct) for name, (codes, distinct) in found.items()},
        np.arange(columns.first_row, columns.first_row + height)[filled],
    )
