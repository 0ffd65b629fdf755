"""Value parsers: text, dates, numbers, choices and names, each over a whole column at once.

Every parser takes the raw cells of one column (a pandas Series of whatever the reader
gave: text, numbers, dates, None) and returns a `Parsed`: the values, and for each cell
either None or the reason code of its problem. Nothing is guessed: the accepted forms are
listed in the input contract and written out here as patterns.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from clusterix_reports.ingest.vocabulary import fold

EXCEL_EPOCH_1900 = pd.Timestamp("1899-12-30")
EXCEL_EPOCH_1904 = pd.Timestamp("1904-01-01")
MAX_SERIAL = 2_958_465  # 9999-12-31 in the 1900 date system

_TIME = r"(?:[ t]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})?)?"
_YMD = re.compile(rf"^(?P<y>\d{{4}})[-/.](?P<m>\d{{1,2}})[-/.](?P<d>\d{{1,2}}){_TIME}$")
_DMY = re.compile(rf"^(?P<d>\d{{1,2}})[/.-](?P<m>\d{{1,2}})[/.-](?P<y>\d{{4}}){_TIME}$")
_D_MONTH_Y = re.compile(r"^(?P<d>\d{1,2})[\s.-]*(?P<name>[^\W\d_]+)\.?[\s.,-]*(?P<y>\d{4})$")
_MONTH_Y = re.compile(r"^(?P<name>[^\W\d_]+)\.?[\s.,-]*(?P<y>\d{4})$")
_Y_M = re.compile(r"^(?P<y>\d{4})[-/.](?P<m>\d{1,2})$")
_M_Y = re.compile(r"^(?P<m>\d{1,2})[-/.](?P<y>\d{4})$")
_SERIAL = re.compile(r"^\d{1,7}(?:[.,]\d+)?$")

_CURRENCY = re.compile(r"(?i)€|\beur(?:o|os)?\b")
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009']+")
_PLAIN = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
_BELGIAN = re.compile(r"^[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?$")  # 1.234,56 and 1.234
_COMMA_DECIMAL = re.compile(r"^[+-]?\d+,\d+$")  # 12,5
_ENGLISH = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+\.\d+$")  # 1,234.56


@dataclass
class Parsed:
    """Parsed values of one column and, per cell, None or the reason code of its problem."""

    values: pd.Series
    problems: pd.Series


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


def blank_cells(raw: pd.Series) -> pd.Series:
    """For each cell, whether it is empty."""
    return pd.Series([is_blank(x) for x in raw.to_numpy(dtype=object)], index=raw.index, dtype=bool)


def _folded(value: Any) -> str | None:
    text = cell_text(value)
    if text is None:
        return None
    # split() cuts at every Unicode whitespace (non-breaking spaces too), as the regex \s does
    return " ".join(text.split()) or None


def clean_text(raw: pd.Series) -> pd.Series:
    """Text with outer whitespace and non-breaking spaces trimmed and inner runs folded; None if empty.

    A loop over the column's distinct cells (the callers parse those, not every row): on a
    few hundred values it is several times faster than pandas' string methods, which loop
    over Python objects too.
    """
    return pd.Series(
        [_folded(x) for x in raw.to_numpy(dtype=object)], index=raw.index, dtype=object
    )


def _no_problems(index: pd.Index) -> pd.Series:
    return pd.Series(None, index=index, dtype=object)


def parse_text(raw: pd.Series) -> Parsed:
    """Text fields: cleaned, never a problem."""
    return Parsed(clean_text(raw), _no_problems(raw.index))


def parse_text_list(raw: pd.Series) -> Parsed:
    """`;`-separated text, as a list of cleaned items."""
    text = clean_text(raw)
    lists = text.map(lambda t: [] if t is None else [p.strip() for p in t.split(";") if p.strip()])
    return Parsed(lists, _no_problems(raw.index))


_KINDS = {
    str: "text",
    float: "number",
    int: "number",
    dt.date: "date",
    dt.datetime: "date",
    type(None): "empty",
}


def _cell_kinds(raw: pd.Series) -> pd.Series:
    """For each cell: empty, date, number or text (dispatch on type, the slow path only for rare types)."""

    def kind(value: Any) -> str:
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return "empty"
        if isinstance(value, dt.date | pd.Timestamp):
            return "date"
        if isinstance(value, int | float | np.number) and not isinstance(value, bool):
            return "number"
        return "text"

    kinds = [_KINDS.get(type(x)) or kind(x) for x in raw.to_numpy(dtype=object)]
    kinds = [
        ("empty" if k == "number" and x != x else k)
        for k, x in zip(kinds, raw.to_numpy(dtype=object), strict=True)
    ]
    return pd.Series(kinds, index=raw.index, dtype=object)


def _iso_dates(year: pd.Series, month: pd.Series, day: pd.Series) -> pd.Series:
    """Dates from year, month and day parts; NaT where they name no real day."""
    text = (
        year.astype(str).str.zfill(4)
        + "-"
        + month.astype(str).str.zfill(2)
        + "-"
        + day.astype(str).str.zfill(2)
    )
    return pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")


def _serial_dates(serial: pd.Series, date1904: bool) -> pd.Series:
    """Dates from spreadsheet serial numbers (a time of day is dropped)."""
    epoch = EXCEL_EPOCH_1904 if date1904 else EXCEL_EPOCH_1900
    whole = np.floor(serial.astype(float))
    valid = (whole >= 1) & (whole <= MAX_SERIAL)
    days = pd.to_timedelta(whole.where(valid), unit="D")
    return (epoch + days).where(valid)


def _month_numbers(names: pd.Series, months: dict[str, int]) -> pd.Series:
    return names.map(lambda n: months.get(fold(n)) if isinstance(n, str) else None)


def parse_dates(
    raw: pd.Series, *, date1904: bool, months: dict[str, int], month_alone: str | None = None
) -> Parsed:
    """Dates in every form of the contract; `month_alone` ("start"/"end") allows a bare month."""
    kinds = _cell_kinds(raw)
    out = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
    problems = _no_problems(raw.index)

    is_date = kinds == "date"
    if is_date.any():
        iso = raw[is_date].map(lambda v: v.isoformat()[:10])
        out[is_date] = pd.to_datetime(iso, format="%Y-%m-%d", errors="coerce")

    is_number = kinds == "number"
    if is_number.any():
        out[is_number] = _serial_dates(raw[is_number], date1904)

    is_text = kinds == "text"
    text = clean_text(raw[is_text]).dropna().str.lower() if is_text.any() else raw.iloc[:0]
    done = pd.Series(False, index=text.index)
    month_only = pd.Series(False, index=text.index)
    for pattern, named, bare_month in (
        (_YMD, False, False),
        (_DMY, False, False),
        (_D_MONTH_Y, True, False),
        (_MONTH_Y, True, True),
        (_Y_M, False, True),
        (_M_Y, False, True),
    ):
        todo = text[~done]
        if todo.empty:
            break
        parts = todo.str.extract(pattern).dropna(how="all")
        if parts.empty:
            continue
        month = _month_numbers(parts["name"], months) if named else parts["m"]
        parts = parts[month.notna()]
        month = month[month.notna()].astype(int)
        day = pd.Series(1, index=parts.index) if bare_month else parts["d"].astype(int)
        dates = _iso_dates(parts["y"].astype(int), month, day)
        if bare_month and month_alone == "end":
            dates = dates + pd.offsets.MonthEnd(0)
        out[parts.index] = dates
        done[parts.index] = True
        month_only[parts.index] = bare_month
    serial_text = text[~done]
    if not serial_text.empty:
        serial_text = serial_text[serial_text.str.match(_SERIAL)]
    if not serial_text.empty:
        out[serial_text.index] = _serial_dates(
            serial_text.str.replace(",", ".", regex=False).astype(float), date1904
        )
        done[serial_text.index] = True

    has_value = pd.Series(False, index=raw.index)
    has_value[is_date | is_number] = True
    has_value[text.index] = True
    problems[has_value & out.isna()] = "bad_date"
    if month_alone is None:
        bare = month_only[month_only].index
        problems[bare] = "bad_date"
        out[bare] = pd.NaT
    return Parsed(out.dt.normalize(), problems)


def _number_from_text(text: str) -> float | None:
    """A number written as text (plain, Belgian, English, with euro signs or spaces), or None."""
    compact = _SPACES.sub("", _CURRENCY.sub("", text)).replace("\u2212", "-")
    if _PLAIN.match(compact):
        return float(compact)
    if _BELGIAN.match(compact):
        return float(compact.replace(".", "").replace(",", "."))
    if _COMMA_DECIMAL.match(compact):
        return float(compact.replace(",", "."))
    if _ENGLISH.match(compact):
        return float(compact.replace(",", ""))
    return None


def _numbers_from_text(text: pd.Series) -> tuple[pd.Series, pd.Index]:
    """Numbers written as text (Belgian, English, euro amounts): the values, and the cells that are none.

    One pattern match per distinct cell (the callers parse those, not every row).
    """
    numbers = pd.Series(
        [_number_from_text(t) for t in text.to_numpy(dtype=object)], index=text.index, dtype=object
    )
    found = numbers.notna()
    return numbers[found].astype(float), text.index[~found]


def parse_numbers(raw: pd.Series, *, whole: bool, negative_ok: bool = False) -> Parsed:
    """Numbers in every form of the contract (Belgian, euro amounts); whole numbers reject fractions."""
    kinds = _cell_kinds(raw)
    out = pd.Series(np.nan, index=raw.index, dtype="float64")
    problems = _no_problems(raw.index)

    is_number = kinds == "number"
    out[is_number] = raw[is_number].astype(float)

    is_text = kinds == "text"
    if is_text.any():
        values, bad = _numbers_from_text(clean_text(raw[is_text]).dropna())
        out[values.index] = values
        problems[bad] = "bad_number"
    problems[kinds == "date"] = "bad_number"
    out[problems.notna()] = np.nan

    ok = out.notna()
    if not negative_ok:
        negative = ok & (out < 0)
        problems[negative] = "negative_number"
    if whole:
        fraction = ok & problems.isna() & (out != np.floor(out))
        problems[fraction] = "not_whole_number"
    return Parsed(out.where(problems.isna()), problems)


def parse_choice(raw: pd.Series, spellings: dict[str, str], reason: str) -> Parsed:
    """One value of a closed vocabulary (status, cluster type): folded spelling -> canonical."""
    return resolve_names(raw, spellings, reason)


def resolve_names(raw: pd.Series, index: dict[str, str], reason: str) -> Parsed:
    """Ids for names, ids or aliases, matched after folding; `reason` where none matches."""
    text = clean_text(raw)
    ids = text.map(lambda t: index.get(fold(t)) if t is not None else None)
    problems = _no_problems(raw.index)
    problems[text.notna() & ids.isna()] = reason
    return Parsed(ids.astype(object), problems)


_LIST_SEPARATORS = re.compile(r"\s*[;,\n]\s*|\s+/\s+")


def split_names(text: str) -> list[str]:
    """The names in a list cell, separated by `;`, `,` or ` / `."""
    return [p for p in _LIST_SEPARATORS.split(text) if p.strip()]


def resolve_name_lists(raw: pd.Series, index: dict[str, str]) -> tuple[Parsed, pd.Series]:
    """Lists of cluster ids; problems unknown_cluster or too_few_clusters; also the unknown names."""
    text = clean_text(raw)
    ids = pd.Series([[] for _ in range(len(raw))], index=raw.index, dtype=object)
    problems = _no_problems(raw.index)
    unknown = pd.Series(None, index=raw.index, dtype=object)
    for position, cell in text.dropna().items():
        names = split_names(cell)
        missing = [n for n in names if fold(n) not in index]
        resolved = sorted({index[fold(n)] for n in names if fold(n) in index})
        ids[position] = resolved
        if missing:
            problems[position] = "unknown_cluster"
            unknown[position] = "; ".join(missing)
        elif len(resolved) < 2:
            problems[position] = "too_few_clusters"
    return Parsed(ids, problems), unknown


def name_index(ids: Iterable[Any], names: Iterable[Any], aliases: Iterable[Any]) -> dict[str, str]:
    """Folded id, name and every alias -> id, for resolving names against a reference table."""
    index: dict[str, str] = {}
    for key, name, more in zip(ids, names, aliases, strict=True):
        for spelling in (key, name, *(more if isinstance(more, list | np.ndarray) else [])):
            if isinstance(spelling, str) and fold(spelling):
                index.setdefault(fold(spelling), key)
    return index
