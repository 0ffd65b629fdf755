"""A column that mixes kinds of cell (dates and text, numbers and text), read by fastexcel in
the same pass as the rest of its sheet, with every cell's own value and kind kept.

Such a column is asked for as a duration: a typed date arrives as its serial number of days,
and every other cell as a conversion error that carries the cell exactly as the workbook
holds it (`String("03/05/2019")`, `Float(1234.5)`, `Bool(true)`), decoded here. So a typed
1.234 stays the number 1.234 and the text "1.234,50" stays text (parsed as 1234.5 later),
as the cell-by-cell reader gives them. Anything else (a time of day, a duration, a kind of
cell not listed here) makes the sheet go to the cell-by-cell reader.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import numpy as np

from clusterix_reports.ingest.values import EXCEL_EPOCH_1900, EXCEL_EPOCH_1904, is_blank

READ_AS = "duration"  # the one Arrow type a text or a number cell cannot be converted to
_EPOCHS = {  # the workbook's day 0, as the number parsers count it
    date1904: dt.datetime.combine(epoch.item(), dt.time())
    for date1904, epoch in ((False, EXCEL_EPOCH_1900), (True, EXCEL_EPOCH_1904))
}
# A typed "date" this close to the epoch is likelier a time of day or a duration, which a
# duration cannot tell apart from a date: such a sheet is read cell by cell.
EARLIEST_DAYS = 3653  # 1910
_ERROR_PREFIX = "Expected duration but got '"
_CELL = re.compile(r"(String|Float|Int|Bool)\((.*)\)\Z", re.DOTALL)
_ESCAPE = re.compile(r"\\(u\{[0-9a-fA-F]{1,6}\}|.)", re.DOTALL)
_ESCAPED = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "\\": "\\", '"': '"', "'": "'"}


class UndecodableCellError(ValueError):
    """A cell this module cannot give exactly as the cell-by-cell reader would."""


def _unescaped(match: re.Match[str]) -> str:
    escape = match.group(1)
    if escape.startswith("u{"):
        return chr(int(escape[2:-1], 16))
    if escape not in _ESCAPED:
        raise UndecodableCellError(f"an unknown escape \\{escape}")
    return _ESCAPED[escape]


def decoded_cell(detail: str) -> Any:
    """The value of one cell from fastexcel's conversion error for it: text, a number or
    True/False, as python-calamine gives the same cell."""
    if not (detail.startswith(_ERROR_PREFIX) and detail.endswith("'")):
        raise UndecodableCellError(detail)
    found = _CELL.match(detail, len(_ERROR_PREFIX), len(detail) - 1)
    if found is None:
        raise UndecodableCellError(detail)
    kind, shown = found.groups()
    if kind == "String":
        if len(shown) < 2 or shown[0] != '"' or shown[-1] != '"':
            raise UndecodableCellError(detail)
        return _ESCAPE.sub(_unescaped, shown[1:-1])
    if kind == "Float":
        return float(shown)
    if kind == "Int":
        return int(shown)
    if shown not in ("true", "false"):
        raise UndecodableCellError(detail)
    return shown == "true"


def _date_value(days: dt.timedelta, epoch: dt.datetime) -> dt.date | dt.datetime:
    """A typed date from its days since the epoch: a date at midnight is a date."""
    value = epoch + days
    return value.date() if value.time() == dt.time() else value


def mixed_column(
    array: Any, rows: np.ndarray, details: list[str], date1904: bool
) -> tuple[np.ndarray, list[Any], np.ndarray]:
    """A column's codes, its distinct cells ("" for an empty one, True and False as text, as
    the parsers take them) and which of those are blank: typed dates from `array`
    (durations), every other cell from its conversion error (at `rows`, saying `details`).
    Raises UndecodableCellError where a cell cannot be given exactly."""
    import pyarrow.compute as pc

    dictionary = pc.dictionary_encode(array)
    spans = dictionary.dictionary.to_pylist()
    if any(days.days < EARLIEST_DAYS for days in spans):
        raise UndecodableCellError("a time of day or a duration")
    epoch = _EPOCHS[date1904]
    values: list[Any] = [_date_value(days, epoch) for days in spans]
    values.append("")
    blank = [np.zeros(len(spans), dtype=bool), np.ones(1, dtype=bool)]
    codes = pc.fill_null(dictionary.indices, len(spans)).to_numpy(zero_copy_only=False)
    codes = codes.astype(np.intp)
    if details:
        codes[rows] = _decoded_cells(details, values, blank)
    return codes, values, np.concatenate(blank)


def _decoded_cells(details: list[str], values: list[Any], blank: list[np.ndarray]) -> np.ndarray:
    """Codes into `values` (extended, and `blank` with them) for cells given by their
    conversion errors: numbers and text without escapes decoded on whole Arrow arrays, the
    rest one by one."""
    import pyarrow as pa
    import pyarrow.compute as pc

    shown = pa.array(details, pa.string())
    if not (
        pc.all(pc.starts_with(shown, _ERROR_PREFIX)).as_py()
        and pc.all(pc.ends_with(shown, "'")).as_py()
    ):
        raise UndecodableCellError("a conversion error of another form")
    inner = pc.utf8_slice_codeunits(shown, len(_ERROR_PREFIX), -1)
    codes = np.full(len(details), -1, dtype=np.intp)
    floats = pc.starts_with(inner, "Float(")
    texts = pc.and_(pc.starts_with(inner, 'String("'), pc.invert(pc.match_substring(inner, "\\")))
    for kind, chosen, first, last in (
        (pa.float64(), floats, len("Float("), -1),
        (pa.string(), texts, len('String("'), -2),
    ):
        where = np.flatnonzero(chosen.to_numpy(zero_copy_only=False))
        if not len(where):
            continue
        cut = pc.utf8_slice_codeunits(inner.take(where), first, last)
        try:
            encoded = pc.dictionary_encode(cut.cast(kind))
        except pa.ArrowInvalid as exc:
            raise UndecodableCellError(str(exc)) from None
        codes[where] = encoded.indices.to_numpy(zero_copy_only=False) + len(values)
        distinct = encoded.dictionary.to_pylist()
        values.extend(distinct)
        if kind == pa.float64():
            blank.append(np.isnan(np.asarray(distinct, dtype=float)))
        else:
            blank.append(np.array([not text.strip() for text in distinct], dtype=bool))
    known: dict[str, int] = {}
    for i in np.flatnonzero(codes < 0):  # escapes, whole numbers, True and False
        code = known.get(details[i])
        if code is None:
            code = known[details[i]] = len(values)
            value = decoded_cell(details[i])
            if isinstance(value, bool):
                value = "TRUE" if value else "FALSE"  # kept apart from 1 and 0
            values.append(value)
            blank.append(np.array([is_blank(value)]))
        codes[i] = code
    return codes
