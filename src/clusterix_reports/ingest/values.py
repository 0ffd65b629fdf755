"""Value parsers: text, dates, numbers, choices and names, each over a column's distinct cells.

Every parser takes the distinct cells of one column (a numpy object array of whatever the
reader gave: text, numbers, dates, None) and returns a `Parsed`: the values, as a numpy
array, and for each cell either None or the reason code of its problem. The callers spread
them back over the rows by the column's codes, so each distinct cell is looked at once, and
only numpy touches every row. Nothing is guessed: the accepted forms are listed in the
input contract and written out here as patterns.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from clusterix_reports.ingest.reasons import Reason
from clusterix_reports.ingest.text_lanes import common_dates, common_numbers
from clusterix_reports.ingest.vocabulary import fold

EXCEL_EPOCH_1900 = np.datetime64("1899-12-30", "D")
EXCEL_EPOCH_1904 = np.datetime64("1904-01-01", "D")
MAX_SERIAL = 2_958_465  # 9999-12-31 in the 1900 date system
# The days a table's date column can hold (nanosecond timestamps, as pandas keeps them).
FIRST_DAY = np.datetime64("1677-09-22", "D")
LAST_DAY = np.datetime64("2262-04-11", "D")
NAT_DAY = np.datetime64("NaT", "D")

_TIME = r"(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})?)?"
_YMD_DAY = r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})"
_DMY_DAY = r"(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4})"
_YMD = re.compile(rf"^{_YMD_DAY}{_TIME}$")
_DMY = re.compile(rf"^{_DMY_DAY}{_TIME}$")
_D_MONTH_Y = re.compile(r"^(?P<d>\d{1,2})[\s.-]*(?P<name>[^\W\d_]+)\.?[\s.,-]*(?P<y>\d{4})$")
_MONTH_Y = re.compile(r"^(?P<name>[^\W\d_]+)\.?[\s.,-]*(?P<y>\d{4})$")
_Y_M = re.compile(r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})$")
_M_Y = re.compile(r"^(?P<m>\d{1,2})[-/.](?P<y>\d{4})$")
_SERIAL = re.compile(r"^\d{1,7}(?:[.,]\d+)?$")
# In the order they are tried: (pattern, month by name, a month without a day).
_DATE_FORMS = (
    (_YMD, False, False),
    (_DMY, False, False),
    (_D_MONTH_Y, True, False),
    (_MONTH_Y, True, True),
    (_Y_M, False, True),
    (_M_Y, False, True),
)

_CURRENCY = re.compile(r"(?i)€|\beur(?:o|os)?\b")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']+")
_PLAIN = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_BELGIAN = re.compile(r"^[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?$")  # 1.234,56 and 1.234
_COMMA_DECIMAL = re.compile(r"^[+-]?\d+,\d+$")  # 12,5
_ENGLISH = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+\.\d+$")  # 1,234.56
# In the order they are tried: (pattern, the thousands separator it drops, whether its
# decimal sign is a comma).
NUMBER_FORMS = (
    (_PLAIN, "", False),
    (_BELGIAN, ".", True),
    (_COMMA_DECIMAL, "", True),
    (_ENGLISH, ",", False),
)
# The forms text_lanes.py parses at once: days alone (no time of day), numbers alone.
COMMON_DATE_FORMS = (rf"^{_YMD_DAY}$", rf"^{_DMY_DAY}$")

FAST_LANE_FROM = 64  # texts in a column from which their common forms are parsed at once
# What a cell holds, for the date and number parsers.
EMPTY, DATE, NUMBER, TEXT = 0, 1, 2, 3


@dataclass
class Parsed:
    """Parsed values of a column's cells and, per cell, None or the reason code of its problem."""

    values: np.ndarray
    problems: np.ndarray  # object: None or a reason code


def objects(items: Iterable[Any], size: int) -> np.ndarray:
    """An object array of exactly these items (lists stay items, numpy does not unpack them)."""
    return np.fromiter(items, dtype=object, count=size)


def nones(size: int) -> np.ndarray:
    """An object array of None: no value, or no problem, in each of `size` cells."""
    return np.full(size, None, dtype=object)


def cell_text(value: Any) -> str | None:
    """One cell as text, the way a person reads it (12.0 reads `12`, a date reads ISO)."""
    if type(value) is str:
        return value
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def is_blank(value: Any) -> bool:
    """An empty cell: None, NaN, or text of only whitespace."""
    if type(value) is str:
        return not value.strip()
    return value is None or value != value  # NaN is the only value unequal to itself


def blank_cells(cells: Sequence[Any]) -> np.ndarray:
    """For each cell, whether it is empty."""
    return np.fromiter((is_blank(x) for x in cells), dtype=bool, count=len(cells))


def _folded(value: Any) -> str | None:
    text = cell_text(value)
    if text is None:
        return None
    # split() cuts at every Unicode whitespace (non-breaking spaces too), as the regex \s does
    return " ".join(text.split()) or None


def clean_text(cells: Sequence[Any]) -> np.ndarray:
    """Text with outer whitespace and non-breaking spaces trimmed and inner runs folded; None if empty."""
    return objects((_folded(x) for x in cells), len(cells))


def parse_text(cells: Sequence[Any]) -> Parsed:
    """Text fields: cleaned, never a problem."""
    return Parsed(clean_text(cells), nones(len(cells)))


def parse_text_list(cells: Sequence[Any]) -> Parsed:
    """`;`-separated text, as a list of cleaned items."""
    lists = (
        [] if t is None else [p.strip() for p in t.split(";") if p.strip()]
        for t in clean_text(cells)
    )
    return Parsed(objects(lists, len(cells)), nones(len(cells)))


_KINDS = {str: TEXT, float: NUMBER, int: NUMBER, dt.date: DATE, dt.datetime: DATE}


def _cell_kind(value: Any) -> int:
    """Empty, date, number or text (by type; NaN is empty, True and False are text)."""
    kind = _KINDS.get(type(value))
    if kind is None:
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return EMPTY
        if isinstance(value, dt.date):  # also pandas' Timestamp (and NaT, which is no day)
            return DATE
        if isinstance(value, int | float | np.number) and not isinstance(value, bool):
            kind = NUMBER
        else:
            return TEXT
    return EMPTY if kind == NUMBER and value != value else kind


def cell_kinds(cells: Sequence[Any]) -> np.ndarray:
    """For each cell: EMPTY, DATE, NUMBER or TEXT."""
    return np.fromiter((_cell_kind(x) for x in cells), dtype=np.int8, count=len(cells))


def _day(year: int, month: int, day: int) -> np.datetime64:
    """A day from its parts; NaT where they name no real day."""
    try:
        return np.datetime64(dt.date(year, month, day), "D")
    except ValueError:
        return NAT_DAY


def _month_end(day: np.datetime64) -> np.datetime64:
    return (day.astype("datetime64[M]") + 1).astype("datetime64[D]") - 1


def serial_days(serials: np.ndarray, date1904: bool) -> np.ndarray:
    """Days from spreadsheet serial numbers (a time of day is dropped); NaT where a number
    names no day."""
    epoch = EXCEL_EPOCH_1904 if date1904 else EXCEL_EPOCH_1900
    whole = np.floor(serials.astype(float))
    valid = (whole >= 1) & (whole <= MAX_SERIAL)
    days = epoch + np.where(valid, whole, 0).astype("int64").astype("timedelta64[D]")
    return np.where(valid, days, NAT_DAY)


def _text_date(text: str, months: dict[str, int]) -> tuple[np.datetime64, bool] | None:
    """The day a date written as text names (NaT for no real day) and whether it is a month
    without a day; None when no form of the contract matches."""
    for pattern, named, bare_month in _DATE_FORMS:
        parts = pattern.search(text)
        if parts is None:
            continue
        month = months.get(fold(parts["name"])) if named else int(parts["m"])
        if month is None:
            continue
        day = 1 if bare_month else int(parts["d"])
        return _day(int(parts["y"]), month, day), bare_month
    return None


def _text_dates(
    texts: Sequence[str], date1904: bool, months: dict[str, int], month_alone: str | None
) -> tuple[np.ndarray, np.ndarray]:
    """Days written as text, and which of them are a month without a day."""
    days = np.full(len(texts), NAT_DAY)
    bare = np.zeros(len(texts), dtype=bool)
    serials: list[tuple[int, float]] = []
    for i, text in enumerate(texts):
        found = _text_date(text.lower(), months)
        if found is not None:
            days[i], bare[i] = found
            if bare[i] and month_alone == "end" and not np.isnat(days[i]):
                days[i] = _month_end(days[i])
        elif _SERIAL.match(text):
            serials.append((i, float(text.replace(",", "."))))
    if serials:
        where, numbers = zip(*serials, strict=True)
        days[list(where)] = serial_days(np.array(numbers), date1904)
    return days, bare


def _date_day(value: Any) -> np.datetime64:
    """The day of a date cell (its date part); NaT for pandas' NaT."""
    if value != value:
        return NAT_DAY
    return np.datetime64(value.isoformat()[:10], "D")


def parse_dates(
    cells: Sequence[Any], *, date1904: bool, months: dict[str, int], month_alone: str | None = None
) -> Parsed:
    """Dates in every form of the contract; `month_alone` ("start"/"end") allows a bare month.

    The values are datetime64[ns], as pandas keeps dates: a real day outside what that holds
    (before 1677-09-22, after 2262-04-11) is a date_out_of_range problem, not a crash.
    """
    size = len(cells)
    kinds = cell_kinds(cells)
    days = np.full(size, NAT_DAY)
    problems = nones(size)
    for i in np.flatnonzero(kinds == DATE):
        days[i] = _date_day(cells[i])
    numbers = np.flatnonzero(kinds == NUMBER)
    if len(numbers):
        days[numbers] = serial_days(np.array([cells[i] for i in numbers], dtype=float), date1904)
    has_value = (kinds == DATE) | (kinds == NUMBER)
    text_at = np.flatnonzero(kinds == TEXT)
    if len(text_at) >= FAST_LANE_FROM:  # the common forms at once (text_lanes.py)
        common, found = common_dates([cells[i] for i in text_at], COMMON_DATE_FORMS)
        days[text_at[common]], has_value[text_at[common]] = found[common], True
        text_at = text_at[~common]
    if len(text_at):
        cleaned = clean_text([cells[i] for i in text_at])
        written = np.not_equal(cleaned, None)
        text_at = text_at[written]
        found, bare = _text_dates(list(cleaned[written]), date1904, months, month_alone)
        days[text_at] = found
        has_value[text_at] = True
        if month_alone is None:
            days[text_at[bare]] = NAT_DAY
    problems[has_value & np.isnat(days)] = Reason.BAD_DATE
    beyond = ~np.isnat(days) & ((days < FIRST_DAY) | (days > LAST_DAY))
    problems[beyond] = Reason.DATE_OUT_OF_RANGE
    days[beyond] = NAT_DAY
    return Parsed(days.astype("datetime64[ns]"), problems)


def _number_from_text(text: str) -> float | None:
    """A number written as text (plain, Belgian, English, with euro signs or spaces), or None."""
    compact = _SPACES.sub("", _CURRENCY.sub("", text)).replace("\u2212", "-")
    for pattern, separator, comma_decimal in NUMBER_FORMS:
        if pattern.match(compact):
            plain = compact.replace(separator, "") if separator else compact
            return float(plain.replace(",", ".") if comma_decimal else plain)
    return None


def parse_numbers(cells: Sequence[Any], *, whole: bool, negative_ok: bool = False) -> Parsed:
    """Numbers in every form of the contract (Belgian, euro amounts); whole numbers reject fractions."""
    size = len(cells)
    kinds = cell_kinds(cells)
    out = np.full(size, np.nan)
    problems = nones(size)
    numbers = np.flatnonzero(kinds == NUMBER)
    out[numbers] = np.array([cells[i] for i in numbers], dtype=float)
    text_at = np.flatnonzero(kinds == TEXT)
    if len(text_at) >= FAST_LANE_FROM:  # the common forms at once (text_lanes.py)
        common, found = common_numbers([cells[i] for i in text_at], NUMBER_FORMS)
        out[text_at[common]] = found[common]
        text_at = text_at[~common]
    for i in text_at:
        text = _folded(cells[i])
        if text is None:
            continue
        number = _number_from_text(text)
        if number is None:
            problems[i] = Reason.BAD_NUMBER
        else:
            out[i] = number
    problems[kinds == DATE] = Reason.BAD_NUMBER
    out[np.not_equal(problems, None)] = np.nan
    ok = ~np.isnan(out)
    # a number no table can hold: infinite (a 400-digit cost), or a whole number beyond int64
    too_large = ok & (~np.isfinite(out) | (whole & (np.abs(np.where(ok, out, 0)) >= 2.0**63)))
    problems[too_large] = Reason.BAD_VALUE
    ok &= ~too_large
    if not negative_ok:
        problems[ok & (out < 0)] = Reason.NEGATIVE_NUMBER
    if whole:
        problems[ok & np.equal(problems, None) & (out != np.floor(out))] = Reason.NOT_WHOLE_NUMBER
    out[np.not_equal(problems, None)] = np.nan
    return Parsed(out, problems)


def parse_choice(cells: Sequence[Any], spellings: dict[str, str], reason: str) -> Parsed:
    """One value of a closed vocabulary (status, cluster type): folded spelling -> canonical."""
    return resolve_names(cells, spellings, reason)


def parse_choice_list(cells: Sequence[Any], spellings: dict[str, str], reason: str) -> Parsed:
    """Several values of a closed vocabulary, `;`-separated: their canonical names joined
    by "; " in the order given, each once; `reason` where one is not in the vocabulary."""
    size = len(cells)
    values, problems = nones(size), nones(size)
    for i, text in enumerate(clean_text(cells)):
        if text is None:
            continue
        found = [spellings.get(fold(part)) for part in text.split(";") if part.strip()]
        if None in found:
            problems[i] = reason
        else:
            values[i] = "; ".join(dict.fromkeys(found)) or None
    return Parsed(values, problems)


def resolve_names(cells: Sequence[Any], index: dict[str, str], reason: str) -> Parsed:
    """Ids for names, ids or aliases, matched after folding; `reason` where none matches."""
    size = len(cells)
    ids = nones(size)
    problems = nones(size)
    for i, text in enumerate(clean_text(cells)):
        if text is not None:
            ids[i] = index.get(fold(text))
            if ids[i] is None:
                problems[i] = reason
    return Parsed(ids, problems)


_LIST_SEPARATORS = re.compile(r"\s*[;,\n]\s*|\s+/\s+")


def split_names(text: str) -> list[str]:
    """The names in a list cell, separated by `;`, `,` or ` / `."""
    return [p for p in _LIST_SEPARATORS.split(text) if p.strip()]


def resolve_name_lists(cells: Sequence[Any], index: dict[str, str]) -> tuple[Parsed, np.ndarray]:
    """Lists of cluster ids; problems unknown_cluster or too_few_clusters; also the unknown names."""
    size = len(cells)
    ids = objects(([] for _ in range(size)), size)
    problems = nones(size)
    unknown = nones(size)
    for position, cell in enumerate(clean_text(cells)):
        if cell is None:
            continue
        names = split_names(cell)
        missing = [n for n in names if fold(n) not in index]
        resolved = sorted({index[fold(n)] for n in names if fold(n) in index})
        ids[position] = resolved
        if missing:
            problems[position] = Reason.UNKNOWN_CLUSTER
            unknown[position] = "; ".join(missing)
        elif len(resolved) < 2:
            problems[position] = Reason.TOO_FEW_CLUSTERS
    return Parsed(ids, problems), unknown


def name_index(
    ids: Iterable[Any], names: Iterable[Any], aliases: Iterable[Any], *other_names: Iterable[Any]
) -> dict[str, str]:
    """Folded id, name, every alias and every other name (in another language) -> id, for
    resolving names against a reference table."""
    index: dict[str, str] = {}
    for key, name, more, *others in zip(ids, names, aliases, *other_names, strict=True):
        listed = list(more) if isinstance(more, list | np.ndarray) else []
        for spelling in (key, name, *listed, *others):
            if isinstance(spelling, str) and fold(spelling):
                index.setdefault(fold(spelling), key)
    return index
