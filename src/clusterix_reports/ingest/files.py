"""One input file into sheet tables and its record: read, recognise, parse."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from clusterix_reports.ingest.headers import HEADER_SEARCH_ROWS, find_header
from clusterix_reports.ingest.read import RawSheet, UnreadableFileError, read_workbook
from clusterix_reports.ingest.tables import ParseContext, SheetTable, build_sheet_table
from clusterix_reports.ingest.vocabulary import TableSpec
from clusterix_reports.limits import Limits


@dataclass
class SheetRecord:
    """What happened to one sheet (ingest.json)."""

    name: str
    table: str | None
    status: str  # read | skipped | failed
    reason: str = ""
    header_row: int | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_duplicate: int = 0
    rows_rejected: int = 0
    unknown_columns: list[str] = field(default_factory=list)


@dataclass
class FileRecord:
    """What happened to one input file (ingest.json)."""

    path: str
    sha256: str
    status: str  # read | skipped | failed
    reason: str = ""
    format: str | None = None
    sheets: list[SheetRecord] = field(default_factory=list)


@dataclass
class FileOutcome:
    """A file's record and the tables of its read sheets (aligned with the read sheets)."""

    record: FileRecord
    tables: list[tuple[SheetRecord, str, SheetTable]] = field(default_factory=list)


def sha256_of(path: Path) -> str:
    """The sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def ingest_file(
    path: Path,
    relative: str,
    tables: Sequence[TableSpec],
    ctx: ParseContext,
    sha256: str | None = None,
    limits: Limits | None = None,
) -> FileOutcome:
    """Read one file and parse every sheet whose header names one of `tables`."""
    record = FileRecord(path=relative, sha256=sha256 or sha256_of(path), status="read")
    outcome = FileOutcome(record)
    try:
        workbook = read_workbook(path, limits or Limits())
    except UnreadableFileError as exc:
        record.status, record.reason = "failed", str(exc)
        return outcome
    record.format = workbook.format
    for sheet in workbook.sheets:
        sheet_record, table = _read_sheet(sheet, relative, tables, ctx)
        record.sheets.append(sheet_record)
        if table is not None:
            outcome.tables.append((sheet_record, sheet_record.table or "", table))
    return outcome


def _read_sheet(
    sheet: RawSheet, relative: str, tables: Sequence[TableSpec], ctx: ParseContext
) -> tuple[SheetRecord, SheetTable | None]:
    record = SheetRecord(name=sheet.name, table=None, status="skipped")
    if sheet.hidden:
        record.reason = "a hidden sheet"
        return record, None
    if sheet.kind != "worksheet":
        record.reason = f"a {sheet.kind}, not a table"
        return record, None
    if not any(_is_filled(cell) for row in sheet.rows for cell in row):
        record.reason = "the sheet is empty"
        return record, None
    match = find_header(sheet.rows, tables)
    if match is None:
        wanted = "; ".join(f"{t.label}: {', '.join(t.required)}" for t in tables)
        record.reason = (
            f"no header row in the first {HEADER_SEARCH_ROWS} rows names the required columns "
            f"({wanted})"
        )
        return record, None
    record.table = match.table.name
    record.header_row = sheet.first_row + match.row_index
    record.unknown_columns = list(match.unknown)
    if match.conflicts:
        name, headers = next(iter(match.conflicts.items()))
        record.status = "failed"
        record.reason = (
            f"the columns {' and '.join(repr(h) for h in headers)} both mean {name}; "
            "keep one of them"
        )
        return record, None
    cells = _data_cells(sheet, match.row_index, match.columns)
    record.status = "read"
    record.rows_read = len(cells)
    table = build_sheet_table(match.table, cells, (relative, sheet.name), sheet.date1904, ctx)
    return record, table


def _is_filled(cell: Any) -> bool:
    return cell is not None and not (isinstance(cell, str) and not cell.strip())


def _data_cells(sheet: RawSheet, header_index: int, columns: dict[int, str]) -> pd.DataFrame:
    """The rows below the header, one column per mapped field, fully blank rows left out."""
    body = sheet.rows[header_index + 1 :]
    data: dict[str, list[Any]] = {}
    for position, name in columns.items():
        data[name] = [row[position] if position < len(row) else None for row in body]
    frame = pd.DataFrame(data, dtype=object)
    frame["row"] = range(
        sheet.first_row + header_index + 1, sheet.first_row + header_index + 1 + len(body)
    )
    filled = [any(_is_filled(c) for c in row) for row in body]
    return frame[filled].reset_index(drop=True) if body else frame
