"""One sheet of one table kind into loaded rows and rejected rows, every field by its type."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from clusterix_reports.ingest import values as v
from clusterix_reports.ingest.cell_checks import text_checks
from clusterix_reports.ingest.reasons import Reason, reason_message
from clusterix_reports.ingest.vocabulary import FieldSpec, TableSpec, Vocabulary

SOURCE_COLUMNS = ("source_file", "source_sheet", "source_row")
REJECTED_COLUMNS = (
    "source_file",
    "source_sheet",
    "source_row",
    "table",
    "field",
    "value",
    "reason",
    "message",
    "account_manager",
    "other_problems",
)
# Contract field -> output column, where the table's column says what it holds.
OUTPUT_NAMES = {
    ("service_log", "cluster"): "cluster_id",
    ("service_log", "service"): "service_id",
    ("intercluster_projects", "clusters"): "cluster_ids",
}


def output_name(table: str, field_name: str) -> str:
    """The output column of a contract field."""
    return OUTPUT_NAMES.get((table, field_name), field_name)


@dataclass
class ParseContext:
    """What parsing needs beyond the cells: vocabularies, the registry, the programme dates."""

    vocabulary: Vocabulary
    programme_start: dt.date
    programme_end: dt.date
    clusters: dict[str, str] = field(default_factory=dict)  # folded spelling -> cluster_id
    services: dict[str, str] = field(default_factory=dict)  # folded spelling -> service_id
    cluster_managers: dict[str, str] = field(default_factory=dict)  # cluster_id -> manager


@dataclass
class SheetCells:
    """The data rows of one sheet: each mapped field's cells, as codes into its distinct
    cells (code -1: an empty cell), and each row's number in the spreadsheet."""

    columns: dict[str, tuple[np.ndarray, np.ndarray]]
    rows: np.ndarray

    def __len__(self) -> int:
        return len(self.rows)


@dataclass
class SheetTable:
    """Rows of one sheet: loaded (output columns) and rejected (one row per rejected row)."""

    loaded: pd.DataFrame
    rejected: pd.DataFrame
    problems: pd.DataFrame  # every problem of every rejected row, for `validate`
    row_hashes: np.ndarray | None = None  # of the loaded rows' values (dedupe.row_hashes)


def parse_field(cells: np.ndarray, spec: FieldSpec, date1904: bool, ctx: ParseContext) -> v.Parsed:
    """Parse a column's distinct cells by the field's type."""
    kind = spec.type
    months = ctx.vocabulary.months
    if kind in ("text", "id", "notes"):
        return v.parse_text(cells)
    if kind == "text_list":
        return v.parse_text_list(cells)
    if kind in ("date", "month_start", "month_end"):
        alone = {"date": None, "month_start": "start", "month_end": "end"}[kind]
        return v.parse_dates(cells, date1904=date1904, months=months, month_alone=alone)
    if kind in ("whole", "number", "float"):
        return v.parse_numbers(cells, whole=kind == "whole", negative_ok=kind == "float")
    if kind == "cluster":
        return v.resolve_names(cells, ctx.clusters, Reason.UNKNOWN_CLUSTER)
    if kind == "service":
        return v.resolve_names(cells, ctx.services, Reason.UNKNOWN_SERVICE)
    if kind == "clusters":
        return v.resolve_name_lists(cells, ctx.clusters)[0]
    if kind.startswith("choices:"):
        vocab = kind.split(":", 1)[1]
        return v.parse_choice_list(cells, ctx.vocabulary.choices[vocab], Reason.BAD_VALUE)
    if kind.startswith("choice:"):
        vocab = kind.split(":", 1)[1]
        reason = Reason.BAD_STATUS if vocab.endswith("status") else Reason.BAD_VALUE
        return v.parse_choice(cells, ctx.vocabulary.choices[vocab], reason)
    raise ValueError(f"unknown field type {kind!r} in vocabulary.toml")


def factorized(cells: Sequence[Any]) -> tuple[np.ndarray, np.ndarray]:
    """A column's codes and distinct cells, so each distinct cell is parsed once.

    Empty cells (None, NaN) get code -1. True and False are kept apart from 1 and 0, which
    Python counts as equal to them.
    """
    values = v.objects(cells, len(cells))
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    if {type(u) for u in uniques} & {bool, np.bool_}:
        values = bools_as_text(values)
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return codes, uniques


def bools_as_text(values: np.ndarray) -> np.ndarray:
    """True and False as the text TRUE and FALSE (kept apart from 1 and 0); other cells as they are."""
    return _BOOL_TEXT(values)


_BOOL_TEXT = np.frompyfunc(
    lambda x: ("TRUE" if x else "FALSE") if isinstance(x, bool | np.bool_) else x, 1, 1
)


def expand(on_cells: np.ndarray, codes: np.ndarray, empty: object = None) -> np.ndarray:
    """Values computed per distinct cell, spread over the rows by their codes (code -1 gets
    `empty`; without it, the dtype's missing value: NaN, NaT or None)."""
    if empty is None:
        kind = on_cells.dtype.kind
        if kind in "fc":
            empty = np.nan
        elif kind in "mM":
            empty = np.datetime64("NaT")
        elif kind != "O":
            on_cells = on_cells.astype(object)
    filler = np.array([empty], dtype=on_cells.dtype)
    return np.concatenate([on_cells, filler])[codes]


@dataclass
class _Field:
    """One parsed column: values and problems per distinct cell, and the rows' codes."""

    spec: FieldSpec
    order: int
    codes: np.ndarray
    cells: np.ndarray
    parsed: v.Parsed

    def values(self) -> np.ndarray:
        return expand(self.parsed.values, self.codes)

    def problems(self) -> np.ndarray:
        missing = Reason.MISSING_VALUE if self.spec.required else None
        return expand(self.parsed.problems, self.codes, empty=missing)


def _parse_fields(
    table: TableSpec, cells: SheetCells, date1904: bool, ctx: ParseContext
) -> list[_Field]:
    """Every mapped field parsed on its distinct cells, with the checks of empty and
    out-of-programme values."""
    start, end = np.datetime64(ctx.programme_start, "ns"), np.datetime64(ctx.programme_end, "ns")
    fields = []
    for order, spec in enumerate(table.fields):
        if spec.name not in cells.columns:
            continue
        codes, distinct = cells.columns[spec.name]
        result = parse_field(distinct, spec, date1904, ctx)
        problems = result.problems.copy()
        error_values, overlong = text_checks(distinct)
        if spec.type != "notes":  # in notes an error value is kept as the text it shows
            problems[error_values] = Reason.FORMULA_ERROR
        problems[overlong] = Reason.BAD_VALUE
        if spec.required:
            problems[v.blank_cells(distinct)] = Reason.MISSING_VALUE
        if spec.name in table.in_programme:
            day = result.values
            outside = ~np.isnat(day) & ((day < start) | (day > end))
            problems[outside & np.equal(problems, None)] = Reason.DATE_OUT_OF_RANGE
        fields.append(_Field(spec, order, codes, distinct, v.Parsed(result.values, problems)))
    return fields


def build_sheet_table(
    table: TableSpec,
    cells: SheetCells,
    source: tuple[str, str],
    date1904: bool,
    ctx: ParseContext,
) -> SheetTable:
    """Parse the data rows of one sheet into loaded rows and rejected rows."""
    fields = _parse_fields(table, cells, date1904, ctx)
    values = {f.spec.name: f.values() for f in fields}
    found = [(f, f.problems()) for f in fields]
    bad = np.zeros(len(cells), dtype=bool)
    for _, problems in found:
        bad |= np.not_equal(problems, None)
    good = ~bad
    kept = int(good.sum())
    managers = _row_managers(values, len(cells), ctx)
    if table.name == "service_log":  # who used the service: the registry knows when a row does not
        values["account_manager"] = managers
    columns = {
        output_name(table.name, spec.name): (
            values[spec.name][good] if spec.name in values else v.nones(kept)
        )
        for spec in table.fields
    }
    columns["source_file"] = np.full(kept, source[0], dtype=object)
    columns["source_sheet"] = np.full(kept, source[1], dtype=object)
    columns["source_row"] = cells.rows[good].astype("int64")
    loaded = pd.DataFrame(columns)
    problems = _problem_rows(table, _problem_entries(found, ctx), managers, cells.rows, source, ctx)
    unnamed = [row for row in problems if not row["account_manager"]]
    named = Counter(
        m for m in (columns.get("account_manager", ()) if unnamed else ()) if isinstance(m, str)
    )
    if named:  # rows that name no one go to whom the sheet names most (first named on a tie)
        usual = named.most_common(1)[0][0]
        for row in unnamed:
            row["account_manager"] = usual
    return SheetTable(loaded, _first_problems(problems), _frame(problems))


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=[*REJECTED_COLUMNS])


def _problem_entries(
    found: list[tuple[_Field, np.ndarray]], ctx: ParseContext
) -> list[tuple[int, int, str, str, str]]:
    """Every problem as (row position, field order, field, value shown, reason), row by row
    and in the fields' order within a row."""
    entries = []
    for f, problems in found:
        rows = np.flatnonzero(np.not_equal(problems, None))
        if not len(rows):
            continue
        shown = expand(_shown_values(f.spec, f.cells, ctx), f.codes[rows], empty="")
        entries += zip(
            rows.tolist(),
            [f.order] * len(rows),
            [f.spec.name] * len(rows),
            shown.tolist(),
            problems[rows].tolist(),
            strict=True,
        )
    entries.sort(key=lambda e: (e[0], e[1]))
    return entries


def _first_problems(problems: list[dict[str, Any]]) -> pd.DataFrame:
    """One rejected row per source row: its first problem, the others named in other_problems."""
    first: list[dict[str, Any]] = []
    others: list[str] = []
    for row in problems:
        if first and first[-1]["source_row"] == row["source_row"]:
            others.append(f"{row['field']}: {row['reason']}")
            first[-1]["other_problems"] = "; ".join(others)
        else:
            first.append(dict(row))
            others = []
    return _frame(first)


def _shown_values(spec: FieldSpec, cells: np.ndarray, ctx: ParseContext) -> np.ndarray:
    """Each distinct cell as a person would read it (for a list, the names not found)."""
    shown = v.objects((v.cell_text(x) or "" for x in cells), len(cells))
    if spec.type == "clusters":
        unknown = v.resolve_name_lists(cells, ctx.clusters)[1]
        shown = np.where(np.not_equal(unknown, None), unknown, shown)
    return shown


def _row_managers(values: dict[str, np.ndarray], size: int, ctx: ParseContext) -> np.ndarray:
    """Who should fix each row: the account manager it names, else its cluster's manager
    (in the service log, who used the service)."""
    managers = values.get("account_manager", v.nones(size))
    missing = np.equal(managers, None)
    if not missing.any():
        return managers
    codes, clusters = pd.factorize(values.get("cluster", v.nones(size))[missing])
    registry = v.objects((ctx.cluster_managers.get(c) for c in clusters), len(clusters))
    filled = managers.copy()
    filled[missing] = expand(registry, codes)
    return filled


def _problem_rows(
    table: TableSpec,
    entries: list[tuple[int, int, str, str, str]],
    managers: np.ndarray,
    rows: np.ndarray,
    source: tuple[str, str],
    ctx: ParseContext,
) -> list[dict[str, Any]]:
    """Every problem as a row of the rejected-rows table, with its message."""
    out = []
    for position, _, field_name, value, reason in entries:
        details = _message_details(table, field_name, reason, ctx)
        manager = managers[position]
        out.append(
            {
                "source_file": source[0],
                "source_sheet": source[1],
                "source_row": int(rows[position]),
                "table": table.name,
                "field": field_name,
                "value": value,
                "reason": reason,
                "message": reason_message(reason, field_name, value, **details),
                "account_manager": manager if isinstance(manager, str) else "",
                "other_problems": "",
            }
        )
    return out


def _message_details(
    table: TableSpec, field_name: str, reason: str, ctx: ParseContext
) -> dict[str, str]:
    spec = table.field(field_name)
    details = {"start": ctx.programme_start.isoformat(), "end": ctx.programme_end.isoformat()}
    if spec.type.startswith(("choice:", "choices:")):
        canonical = dict.fromkeys(ctx.vocabulary.choices[spec.type.split(":", 1)[1]].values())
        details["choices"] = ", ".join(canonical)
    if spec.type in ("month_start", "month_end"):
        details["month_hint"] = ", or a month (2019-04, april 2019)"
    return details
