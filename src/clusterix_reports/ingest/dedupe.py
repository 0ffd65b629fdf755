"""Across all sheets of a table kind: set aside duplicates, reject second rows with a taken id."""

from __future__ import annotations

import pandas as pd

from clusterix_reports.ingest.reasons import reason_message
from clusterix_reports.ingest.tables import REJECTED_COLUMNS, SOURCE_COLUMNS


def _comparable(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The value columns with lists made hashable (as text), so rows can be compared."""
    out = frame[columns].copy()
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


def _with_originals(
    loaded: pd.DataFrame, comparable: pd.DataFrame, is_duplicate: pd.Series, table: str
) -> pd.DataFrame:
    """The duplicate rows, each with where the row it repeats was loaded from."""
    group = comparable.groupby(list(comparable.columns), dropna=False, sort=False).ngroup()
    first = loaded.loc[~is_duplicate].assign(_group=group[~is_duplicate]).set_index("_group")
    dupes = loaded.loc[is_duplicate].assign(_group=group[is_duplicate])
    out = pd.DataFrame(
        {
            "source_file": dupes["source_file"],
            "source_sheet": dupes["source_sheet"],
            "source_row": dupes["source_row"],
            "table": table,
            "account_manager": dupes.get("account_manager"),
            "duplicate_of_file": dupes["_group"].map(first["source_file"]),
            "duplicate_of_sheet": dupes["_group"].map(first["source_sheet"]),
            "duplicate_of_row": dupes["_group"].map(first["source_row"]),
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
    comparable = _comparable(loaded, values)
    is_duplicate = comparable.duplicated(keep="first")
    duplicates = _with_originals(loaded, comparable, is_duplicate, table)
    kept = loaded[~is_duplicate]
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
                "reason": "duplicate_id",
                "message": reason_message("duplicate_id", key, value, first=where),
                "account_manager": row.get("account_manager") or "",
                "other_problems": "",
            }
        )
    return kept[~taken], duplicates, pd.DataFrame(rejected, columns=[*REJECTED_COLUMNS])
