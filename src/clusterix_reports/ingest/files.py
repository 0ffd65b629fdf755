"""One input file into sheet tables and its record: read, recognise, parse."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from clusterix_reports.ingest.columns import column_cells
from clusterix_reports.ingest.dedupe import row_hashes
from clusterix_reports.ingest.headers import HEADER_SEARCH_ROWS, find_header
from clusterix_reports.ingest.read import RawSheet, UnreadableFileError, read_workbook
from clusterix_reports.ingest.tables import (
    ParseContext,
    SheetCells,
    SheetTable,
    build_sheet_table,
    expand,
    factorized,
)
from clusterix_reports.ingest.values import blank_cells, cell_kinds, is_blank, objects
from clusterix_reports.ingest.vocabulary import TableSpec
from clusterix_reports.inventory import sha256_of, shown_name
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
    peak_memory_mb: float = 0.0  # of the worker process that parsed it, so far


def ingest_file(
    path: Path,
    relative: str,
    tables: Sequence[TableSpec],
    ctx: ParseContext,
    sha256: str | None = None,
    limits: Limits | None = None,
) -> FileOutcome:
    """Read one file and parse every sheet whose header names one of `tables`."""
    with _named_in_utf8(path) as readable:
        return _ingest_file(readable, relative, tables, ctx, sha256 or sha256_of(path), limits)


@contextlib.contextmanager
def _named_in_utf8(path: Path) -> Iterator[Path]:
    """The path itself, or where its name is not UTF-8 (which the Rust readers cannot take)
    a link to it under the name the outputs show, for as long as the file is read."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        with tempfile.TemporaryDirectory(prefix="clusterix-name-") as folder:
            link = Path(folder) / shown_name(path.name)
            os.symlink(os.fsencode(path.resolve()), link)
            yield link
        return
    yield path


def _ingest_file(
    path: Path,
    relative: str,
    tables: Sequence[TableSpec],
    ctx: ParseContext,
    sha256: str,
    limits: Limits | None,
) -> FileOutcome:
    record = FileRecord(path=relative, sha256=sha256, status="read")
    outcome = FileOutcome(record)
    try:
        workbook = read_workbook(path, limits or Limits())
    except UnreadableFileError as exc:
        record.status, record.reason = "failed", str(exc)
        return outcome
    record.format = workbook.format
    try:
        for sheet in workbook.sheets:
            sheet_record, table = _read_sheet(sheet, relative, tables, ctx)
            record.sheets.append(sheet_record)
            if table is not None:
                outcome.tables.append((sheet_record, sheet_record.table or "", table))
    except UnreadableFileError as exc:  # a sheet read cell by cell on demand, which failed
        record.status, record.reason, record.sheets = "failed", str(exc), []
        outcome.tables = []
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
    blank_head = all(is_blank(cell) for row in sheet.rows for cell in row)
    if blank_head and sheet.rows and sheet.whole is not None:
        sheet = sheet.whole()  # only whitespace in the first rows read: look at them all
        blank_head = all(is_blank(cell) for row in sheet.rows for cell in row)
    if blank_head:
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
    below = sheet.rows[match.row_index + 1 :]
    columns = sheet.body(record.header_row, _mixing(below)) if sheet.body else None
    if columns is not None:
        cells = column_cells(columns, match.columns)
    else:
        if sheet.whole is not None:
            sheet = sheet.whole()
            match = find_header(sheet.rows, [match.table]) or match
        cells = _data_cells(sheet, match.row_index, match.columns)
    record.status = "read"
    record.rows_read = len(cells)
    table = build_sheet_table(match.table, cells, (relative, sheet.name), sheet.date1904, ctx)
    table.row_hashes = row_hashes(table.loaded, match.table.name)  # here, on both cores
    return record, table


def _mixing(rows: list[list[Any]]) -> frozenset[int]:
    """The columns whose cells already mix kinds (text and numbers, say) in these first rows:
    the column reader reads those with each cell's own kind from the start."""
    width = max((len(row) for row in rows), default=0)
    mixing = set()
    for position in range(width):
        filled = [c for row in rows if position < len(row) and not is_blank(c := row[position])]
        if len(set(cell_kinds(filled).tolist())) > 1:
            mixing.add(position)
    return frozenset(mixing)


def _data_cells(sheet: RawSheet, header_index: int, columns: dict[int, str]) -> SheetCells:
    """The rows below the header, each mapped column as codes into its distinct cells, fully
    blank rows left out."""
    body = sheet.rows[header_index + 1 :]
    first_row = sheet.first_row + header_index + 1
    if not body:
        nothing = (np.zeros(0, dtype=np.intp), objects([], 0))
        return SheetCells({name: nothing for name in columns.values()}, np.zeros(0, np.int64))
    width = max(max(len(row) for row in body), max(columns) + 1)
    if any(len(row) != width for row in body):
        body = [row + [None] * (width - len(row)) for row in body]
    by_column = list(zip(*body, strict=True))
    filled = np.zeros(len(body), dtype=bool)
    coded = {}
    for position, name in columns.items():
        codes, distinct = factorized(by_column[position])
        filled |= expand(~blank_cells(distinct), codes, empty=False)
        coded[name] = (codes, distinct)
    others = [p for p in range(width) if p not in columns]
    maybe = np.zeros(len(body), dtype=bool)
    for position in others:  # a quick look, then an exact one at the few rows it alone would keep
        cells = np.asarray(by_column[position], dtype=object)
        maybe |= ~pd.isna(cells) & (cells != "")
    for row in np.flatnonzero(maybe & ~filled):
        filled[row] = any(not is_blank(body[row][p]) for p in others)
    rows = np.arange(first_row, first_row + len(body))[filled]
    return SheetCells(
        {name: (codes[filled], distinct) for name, (codes, distinct) in coded.items()}, rows
    )
