"""Across all sheets of a table kind: set aside duplicates, reject second rows with a taken id."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from clusterix_reports.ingest.reasons import Reason, reason_message
from clusterix_reports.ingest.tables import REJECTED_COLUMNS, SOURCE_COLUMNS


def _comparable(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The value columns with lists made comparable (as text), so rows can be compared."""
    out = frame[columns]  # not copied: pandas copies a column only where it is replaced
    for name in columns:
        if _holds_lists(out[name]):
            out[name] = out[name].map(_joined)
    return out


DUPLICATE_COLUMNS = (
    "source_file",
    "source_sheet",
    "source_row",
    "table",
    "account_manager",
    "duplicate_of_file",
    "duplicate_of_sheet",
    "duplicate_of_row",
)


_MISSING_HASH = np.uint64(0x9E3779B97F4A7C15)
_MIX = np.uint64(0x100000001B3)


def _joined(value: Any) -> Any:
    return "\x1f".join(value) if isinstance(value, list | tuple) else value


def _holds_lists(column: pd.Series) -> bool:
    """Whether a column's cells are lists (judged by its first value, as parsing makes them)."""
    if column.dtype != object:
        return False
    present = column.notna().to_numpy()
    return bool(present.any()) and isinstance(column.iloc[int(present.argmax())], list | tuple)


def _column_hashes(column: pd.Series) -> np.ndarray:
    """A hash of each value of a column that depends on the value alone, whatever the
    column's type in its sheet (a field a sheet lacks is a column of None there): numbers
    and times by their value, text (and lists, as text) hashed once per distinct value,
    every missing value alike."""
    kind = column.dtype.kind
    if kind in "biuf":
        numbers = column.to_numpy(dtype=float, na_value=np.nan)
        hashes, missing = pd.util.hash_array(numbers), np.isnan(numbers)
    elif kind in "mM":
        hashes = pd.util.hash_array(column.to_numpy().astype(f"{kind}8[ns]").view("i8"))
        missing = column.isna().to_numpy()
    else:
        text = column.map(_joined) if _holds_lists(column) else column
        codes, distinct = pd.factorize(text, use_na_sentinel=True)
        distinct_hashes = pd.util.hash_array(np.asarray(distinct, dtype=object))
        return np.append(distinct_hashes, _MISSING_HASH)[codes]
    hashes[missing] = _MISSING_HASH
    return hashes


def _value_columns(columns: Iterable[str], table: str) -> list[str]:
    """The columns that make two rows the same use: all but where a row came from (and in
    the service log who reported it: the account manager is not part of a use)."""
    reporter = ("account_manager",) if table == "service_log" else ()
    return [c for c in columns if c not in (*SOURCE_COLUMNS, *reporter)]


def row_hashes(loaded: pd.DataFrame, table: str) -> np.ndarray:
    """A hash of each loaded row's values, alike for equal rows of any sheet: a sheet's
    hashes are made where it is parsed (and kept with it in the cache), so combining only
    joins them."""
    hashes = np.zeros(len(loaded), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for name in _value_columns(loaded.columns, table):
            hashes = (hashes ^ _column_hashes(loaded[name])) * _MIX
    return hashes


def _first_equal_rows(comparable: pd.DataFrame, hashes: np.ndarray) -> np.ndarray:
    """For each row, the position of the first row with equal values (itself when none is earlier).

    Rows are grouped by their hashes; rows whose hash was seen before are then compared
    value by value with that first row, so a hash collision never merges two uses.
    """
    positions = np.arange(len(comparable))
    if comparable.empty:
        return positions
    ordered = np.sort(hashes)  # a million hashes in 5 ms (numpy's SIMD sort): 10x factorize
    if not np.any(ordered[1:] == ordered[:-1]):
        return positions  # no two rows hash alike: none repeats
    codes, _ = pd.factorize(hashes)  # numbered in order of first appearance
    seen_before = np.maximum.accumulate(codes)
    new = np.ones(len(codes), dtype=bool)
    new[1:] = codes[1:] > seen_before[:-1]
    first_of = np.empty(int(seen_before[-1]) + 1, dtype=positions.dtype)
    first_of[codes[new]] = positions[new]
    first = first_of[codes]
    rows = np.flatnonzero(first != positions)
    if not len(rows):  # nothing repeats (the common case): no rows to look at
        return first
    later = comparable.iloc[rows].to_numpy(dtype=object)
    earlier = comparable.iloc[first[rows]].to_numpy(dtype=object)
    for row, a_values, b_values in zip(rows, later, earlier, strict=True):
        if not all(a == b or (a != a and b != b) for a, b in zip(a_values, b_values, strict=True)):
            first[row] = row  # a hash collision: not the same values
    return first


def _with_originals(loaded: pd.DataFrame, first: np.ndarray, table: str) -> pd.DataFrame:
    """The duplicate rows, each with where the row it repeats was loaded from."""
    rows = np.flatnonzero(first != np.arange(len(loaded)))
    if not len(rows):  # taking no rows of a million-row frame still costs a tenth of a second
        return pd.DataFrame(columns=[*DUPLICATE_COLUMNS])
    dupes, originals = loaded.iloc[rows], loaded.iloc[first[rows]]
    out = pd.DataFrame(
        {
            "source_file": dupes["source_file"].to_numpy(),
            "source_sheet": dupes["source_sheet"].to_numpy(),
            "source_row": dupes["source_row"].to_numpy(),
            "table": table,
            "account_manager": dupes["account_manager"].to_numpy()
            if "account_manager" in dupes
            else None,
            "duplicate_of_file": originals["source_file"].to_numpy(),
            "duplicate_of_sheet": originals["source_sheet"].to_numpy(),
            "duplicate_of_row": originals["source_row"].to_numpy(),
        }
    )
    return out[list(DUPLICATE_COLUMNS)]


def split_duplicates(
    loaded: pd.DataFrame, key: str | None, table: str, hashes: np.ndarray | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(kept rows, duplicate rows, rows rejected as duplicate_id), in source order.

    A duplicate repeats every loaded value of an earlier row, whoever reported it (in the
    service log the account manager is who reported a use, not part of it); a duplicate_id row reuses the
    id of an earlier loaded row with other values. `hashes`: the rows' `row_hashes`, where
    they were made already.
    """
    if hashes is None:
        hashes = row_hashes(loaded, table)
    first = _first_equal_rows(_comparable(loaded, _value_columns(loaded.columns, table)), hashes)
    duplicates = _with_originals(loaded, first, table)
    unique = first == np.arange(len(loaded))
    kept = loaded if unique.all() else loaded[unique]  # no copy where nothing repeats
    if key is None or kept.empty:
        return kept, duplicates, pd.DataFrame(columns=[*REJECTED_COLUMNS])
    taken = kept[key].duplicated(keep="first")
    first_of = kept[~taken].set_index(key)
    rejected = []
    for _, row in kept[taken].iterrows():
        first = first_of.loc[row[key]]
        where = f"{first['source_file']}, sheet {first['source_sheet']}, row {first['source_row']}"
        value = str(row[key])
        rejected.append(
            {
                "source_file": row["source_file"],
                "source_sheet": row["source_sheet"],
                "source_row": int(row["source_row"]),
                "table": table,
                "field": key,
                "value": value,
                "reason": Reason.DUPLICATE_ID,
                "message": reason_message(Reason.DUPLICATE_ID, key, value, first=where),
                "account_manager": row.get("account_manager") or "",
                "other_problems": "",
            }
        )
    return kept[~taken], duplicates, pd.DataFrame(rejected, columns=[*REJECTED_COLUMNS])
