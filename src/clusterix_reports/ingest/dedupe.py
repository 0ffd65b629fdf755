"""Across all sheets of a table kind: set aside duplicates, reject second rows with a taken id."""

from __future__ import annotations

import numpy as np
import pandas as pd

from clusterix_reports.ingest.reasons import Reason, reason_message
from clusterix_reports.ingest.tables import REJECTED_COLUMNS, SOURCE_COLUMNS


def _comparable(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The value columns with lists made hashable (as text), so rows can be compared."""
    out = frame[columns]  # not copied: pandas copies a column only where it is replaced
    for name in columns:
        first = out[name].dropna().head(1)
        if len(first) and isinstance(first.iloc[0], list | tuple):
            out[name] = out[name].map(
                lambda x: "\x1f".join(x) if isinstance(x, list | tuple) else x
            )
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


def _column_hashes(column: pd.Series) -> np.ndarray:
    """A hash of each value of a column: numbers and times as they are, other values (text,
    few distinct ones) hashed once each and spread over the rows by their codes."""
    if column.dtype.kind in "biufmM":
        return pd.util.hash_array(column.to_numpy())
    codes, distinct = pd.factorize(column, use_na_sentinel=True)
    hashes = pd.util.hash_array(np.asarray(distinct, dtype=object))
    return np.append(hashes, _MISSING_HASH)[codes]


def _row_hashes(comparable: pd.DataFrame) -> np.ndarray:
    """A hash of each row's values, column by column; equal values hash alike."""
    hashes = np.zeros(len(comparable), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for name in comparable.columns:
            hashes = (hashes ^ _column_hashes(comparable[name])) * _MIX
    return hashes


def _first_equal_rows(comparable: pd.DataFrame) -> np.ndarray:
    """For each row, the position of the first row with equal values (itself when none is earlier).

    Rows are hashed column by column (vectorised); rows whose hash was seen before are then
    compared value by value with that first row, so a hash collision never merges two uses.
    """
    positions = np.arange(len(comparable))
    if comparable.empty:
        return positions
    hashes = _row_hashes(comparable)
    codes, _ = pd.factorize(hashes)  # numbered in order of first appearance
    seen_before = np.maximum.accumulate(codes)
    new = np.ones(len(codes), dtype=bool)
    new[1:] = codes[1:] > seen_before[:-1]
    first_of = np.empty(int(seen_before[-1]) + 1, dtype=positions.dtype)
    first_of[codes[new]] = positions[new]
    first = first_of[codes]
    rows = np.flatnonzero(first != positions)
    later = comparable.iloc[rows].to_numpy(dtype=object)
    earlier = comparable.iloc[first[rows]].to_numpy(dtype=object)
    for row, a_values, b_values in zip(rows, later, earlier, strict=True):
        if not all(a == b or (a != a and b != b) for a, b in zip(a_values, b_values, strict=True)):
            first[row] = row  # a hash collision: not the same values
    return first


def _with_originals(loaded: pd.DataFrame, first: np.ndarray, table: str) -> pd.DataFrame:
    """The duplicate rows, each with where the row it repeats was loaded from."""
    rows = np.flatnonzero(first != np.arange(len(loaded)))
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
    loaded: pd.DataFrame, key: str | None, table: str
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(kept rows, duplicate rows, rows rejected as duplicate_id), in source order.

    A duplicate repeats every loaded value of an earlier row, whoever reported it (in the
    service log the account manager is who reported a use, not part of it); a duplicate_id row reuses the
    id of an earlier loaded row with other values.
    """
    reporter = ("account_manager",) if table == "service_log" else ()
    values = [c for c in loaded.columns if c not in (*SOURCE_COLUMNS, *reporter)]
    first = _first_equal_rows(_comparable(loaded, values))
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
