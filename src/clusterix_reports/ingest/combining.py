"""One table kind combined across files: duplicates set aside, rows counted per sheet."""

from __future__ import annotations

import numpy as np
import pandas as pd

from clusterix_reports.ingest.dedupe import DUPLICATE_COLUMNS, row_hashes, split_duplicates
from clusterix_reports.ingest.files import FileOutcome, FileRecord
from clusterix_reports.ingest.schemas import SCHEMAS
from clusterix_reports.ingest.tables import REJECTED_COLUMNS
from clusterix_reports.ingest.vocabulary import vocabulary

Combined = tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]  # kept, rejected, duplicate rows


def combine_table(name: str, outcomes: list[FileOutcome]) -> Combined:
    """All sheets of one table kind: duplicates set aside, counts written into the sheet records."""
    parts, rejected_parts, owners, hashes = [], [], [], []
    for outcome in outcomes:
        for sheet_record, table_name, sheet_table in outcome.tables:
            if table_name != name:
                continue
            parts.append(sheet_table.loaded)
            rejected_parts.append(sheet_table.rejected)
            owners.append((outcome.record.path, sheet_record))
            made = sheet_table.row_hashes
            ok = made is not None and len(made) == len(sheet_table.loaded)
            hashes.append(made if ok else row_hashes(sheet_table.loaded, name))
    columns = list(SCHEMAS[name].names)
    if not parts:
        return (
            pd.DataFrame(columns=columns),
            pd.DataFrame(columns=[*REJECTED_COLUMNS]),
            pd.DataFrame(columns=[*DUPLICATE_COLUMNS]),
        )
    loaded = pd.concat(parts, ignore_index=True)
    spec = vocabulary().tables[name]
    kept, duplicates, id_rejected = split_duplicates(loaded, spec.key, name, np.concatenate(hashes))
    rejected = pd.concat([r for r in [*rejected_parts, id_rejected] if len(r)] or [id_rejected])
    counts = {
        name: rows_per_sheet(frame)
        for name, frame in (("duplicate", duplicates), ("id_rejected", id_rejected))
    }
    counts["rejected"] = rows_per_sheet(rejected)
    for (path, sheet_record), part in zip(owners, parts, strict=True):
        key = (path, sheet_record.name)
        sheet_record.rows_duplicate = counts["duplicate"].get(key, 0)
        # the sheet's rows less those set aside across sheets (counted on the few set aside)
        set_aside = sheet_record.rows_duplicate + counts["id_rejected"].get(key, 0)
        sheet_record.rows_loaded = len(part) - set_aside
        sheet_record.rows_rejected = counts["rejected"].get(key, 0)
    rejected = rejected.sort_values(["source_file", "source_sheet", "source_row"], kind="stable")
    return (
        kept.reset_index(drop=True),
        rejected.reset_index(drop=True),
        duplicates.reset_index(drop=True),
    )


def rows_per_sheet(frame: pd.DataFrame) -> dict[tuple[str, str], int]:
    """Rows per (source file, sheet)."""
    if frame.empty:
        return {}
    sizes = frame.groupby(["source_file", "source_sheet"], sort=False).size()
    return {key: int(n) for key, n in sizes.items()}


def file_totals(records: list[FileRecord]) -> dict[str, int]:
    """Files, sheets and rows by status, over every input (ingest.json's totals)."""
    sheets = [s for f in records for s in f.sheets]
    return {
        "files": len(records),
        "files_read": sum(f.status == "read" for f in records),
        "files_skipped": sum(f.status == "skipped" for f in records),
        "files_failed": sum(f.status == "failed" for f in records),
        "sheets_read": sum(s.status == "read" for s in sheets),
        "sheets_skipped": sum(s.status == "skipped" for s in sheets),
        "sheets_failed": sum(s.status == "failed" for s in sheets),
        "rows_read": sum(s.rows_read for s in sheets),
        "rows_loaded": sum(s.rows_loaded for s in sheets),
        "rows_duplicate": sum(s.rows_duplicate for s in sheets),
        "rows_rejected": sum(s.rows_rejected for s in sheets),
    }
