"""The common forms of numbers and dates typed as text, parsed on whole Arrow arrays.

Account managers type most of them the same few ways ("1.234,50", "03/05/2019"). Those are
parsed here all at once, to exactly the values values.py gives them one by one (the same
patterns, tried in the same order); anything else (spaces, currency signs, names of months,
a time of day, non-ASCII text, where RE2's classes would differ from Python's) is left to
values.py. A speed device: the per-cell parsers stay the definition.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_LONGEST = 40  # longer text is left to Python (a 400-digit cost is no common form)


NAT_DAY = np.datetime64("NaT", "D")


def _plain_texts(cells: Sequence[Any]) -> tuple[pa.Array, np.ndarray]:
    """The cells as an Arrow text array, and which of them may take a fast lane: text, ASCII
    only, not overlong."""
    texts = [x if type(x) is str else None for x in cells]
    array = pa.array(texts, type=pa.string())
    eligible = pc.and_(pc.is_valid(array), pc.string_is_ascii(array))
    eligible = pc.and_(eligible, pc.less_equal(pc.utf8_length(array), _LONGEST))
    return array, np.asarray(eligible.fill_null(False))


def _matching(array: pa.Array, pattern: str, left: np.ndarray) -> np.ndarray:
    return left & np.asarray(pc.match_substring_regex(array, pattern).fill_null(False))


def common_numbers(
    cells: Sequence[Any], forms: Sequence[tuple[re.Pattern[str], str, bool]]
) -> tuple[np.ndarray, np.ndarray]:
    """Which cells are text holding a number in one of values.py's `forms` (pattern, the
    thousands separator it drops, whether its decimal sign is a comma), tried in their
    order, with nothing around it; and their values."""
    array, eligible = _plain_texts(cells)
    left = eligible.copy()
    values = np.full(len(cells), np.nan)
    for pattern, separator, comma_decimal in forms:
        if not left.any():
            break
        hit = _matching(array, pattern.pattern, left)
        if hit.any():
            texts = array.filter(pa.array(hit))
            if separator:
                texts = pc.replace_substring(texts, separator, "")
            if comma_decimal:
                texts = pc.replace_substring(texts, ",", ".")
            texts = pc.replace_substring_regex(texts, r"^\+", "")
            values[hit] = np.asarray(pc.cast(texts, pa.float64()))
            left &= ~hit
    return eligible & ~left, values


def _days(years: np.ndarray, months: np.ndarray, days: np.ndarray) -> np.ndarray:
    """Days from their parts; NaT where they name no real day (as datetime.date refuses)."""
    real_month = (months >= 1) & (months <= 12) & (years >= 1)
    month = (np.where(real_month, years, 1970) - 1970) * 12 + np.where(real_month, months, 1) - 1
    first = month.astype("datetime64[M]").astype("datetime64[D]")
    length = ((month + 1).astype("datetime64[M]").astype("datetime64[D]") - first).astype(int)
    real = real_month & (days >= 1) & (days <= length)
    return np.where(real, first + (np.where(real, days, 1) - 1).astype("timedelta64[D]"), NAT_DAY)


def common_dates(cells: Sequence[Any], forms: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Which cells are text holding a date in one of values.py's `forms` (day-month-year or
    year-month-day, numbers only), and their days (NaT for no real day, as values.py says)."""
    array, left = _plain_texts(cells)
    found = np.full(len(cells), NAT_DAY)
    done = np.zeros(len(cells), dtype=bool)
    for pattern in forms:
        hit = _matching(array, pattern, left & ~done)
        if not hit.any():
            continue
        parts = pc.extract_regex(array.filter(pa.array(hit)), pattern)
        y, m, d = (np.asarray(pc.cast(parts.field(name), pa.int64())) for name in ("y", "m", "d"))
        found[hit] = _days(y, m, d)
        done |= hit
    return done, found
