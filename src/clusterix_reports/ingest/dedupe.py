"""Across all sheets of a table kind: set aside duplicates, reject second rows with a taken id."""

from __future__ import annotations

import pandas as pd

from clusterix_reports.ingest.reasons import reason_message
from clusterix_reports.ingest.tables import REJECTED_COLUMNS, SOURCE_COLUMNS


def _comparable(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The value columns with lists made hashable, so rows can be compared."""
    return frame[columns].apply(
        lambda col: col.map(lambda x: tuple(x) if isinstance(x, list) else x)
    )


def split_duplicates(
    loaded: pd.DataFrame, key: str | None, table: str
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(kept rows, duplicate rows, rows rejected as duplicate_id), in source order.

    A duplicate repeats every loaded value of an earlier row; a duplicate_id row reuses the
    id of an earlier loaded row with other values.
    """
    values = [c for c in loaded.columns if c not in SOURCE_COLUMNS]
    comparable = _comparable(loaded, values)
    is_duplicate = comparable.duplicated(keep="first")
    duplicates = loaded[is_duplicate]
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
