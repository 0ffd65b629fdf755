"""One sheet of one table kind into loaded rows and rejected rows, every field by its type."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from clusterix_reports.ingest import values as v
from clusterix_reports.ingest.reasons import reason_message
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
class SheetTable:
    """Rows of one sheet: loaded (output columns) and rejected (one row per rejected row)."""

    loaded: pd.DataFrame
    rejected: pd.DataFrame
    problems: pd.DataFrame  # every problem of every rejected row, for `validate`


def parse_field(raw: pd.Series, spec: FieldSpec, date1904: bool, ctx: ParseContext) -> v.Parsed:
    """Parse one column by its field type."""
    kind = spec.type
    months = ctx.vocabulary.months
    if kind in ("text", "id", "notes"):
        return v.parse_text(raw)
    if kind == "text_list":
        return v.parse_text_list(raw)
    if kind in ("date", "month_start", "month_end"):
        alone = {"date": None, "month_start": "start", "month_end": "end"}[kind]
        return v.parse_dates(raw, date1904=date1904, months=months, month_alone=alone)
    if kind in ("whole", "number", "float"):
        return v.parse_numbers(raw, whole=kind == "whole", negative_ok=kind == "float")
    if kind == "cluster":
        return v.resolve_names(raw, ctx.clusters, "unknown_cluster")
    if kind == "service":
        return v.resolve_names(raw, ctx.services, "unknown_service")
    if kind == "clusters":
        return v.resolve_name_lists(raw, ctx.clusters)[0]
    if kind.startswith("choice:"):
        vocab = kind.split(":", 1)[1]
        reason = "bad_status" if vocab.endswith("status") else "bad_value"
        return v.parse_choice(raw, ctx.vocabulary.choices[vocab], reason)
    raise ValueError(f"unknown field type {kind!r} in vocabulary.toml")


def factorized(raw: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """A column's codes and distinct cells, so each distinct cell is parsed once.

    Empty cells (None, NaN) get code -1. True and False are kept apart from 1 and 0, which
    Python counts as equal to them.
    """
    values = raw.to_numpy(dtype=object)
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    if {type(u) for u in uniques} & {bool, np.bool_}:
        values = bools_as_text(values)
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return codes, pd.Series(uniques, dtype=object)


def bools_as_text(values: np.ndarray) -> np.ndarray:
    """True and False as the text TRUE and FALSE (kept apart from 1 and 0); other cells as they are."""
    return _BOOL_TEXT(values)


_BOOL_TEXT = np.frompyfunc(
    lambda x: ("TRUE" if x else "FALSE") if isinstance(x, bool | np.bool_) else x, 1, 1
)


def expand(
    on_uniques: pd.Series, codes: np.ndarray, index: pd.Index, empty: object = None
) -> pd.Series:
    """Values computed per distinct cell, spread back over the column (code -1 gets `empty`).

    Without `empty`, code -1 gets the dtype's missing value (NaN, NaT or None).
    """
    values = on_uniques.to_numpy()
    if empty is None:
        kind = values.dtype.kind
        if kind in "fc":
            empty = np.nan
        elif kind in "mM":
            empty = np.datetime64("NaT")
        elif kind != "O":
            values = values.astype(object)
    filler = np.array([empty], dtype=values.dtype)
    return pd.Series(np.concatenate([values, filler])[codes], index=index)


def parse_column(
    raw: pd.Series,
    spec: FieldSpec,
    date1904: bool,
    ctx: ParseContext,
    coded: tuple[np.ndarray, pd.Series] | None = None,
) -> tuple[v.Parsed, pd.Series]:
    """A column parsed by its field type, once per distinct cell; and which cells are empty."""
    codes, uniques = coded if coded is not None else factorized(raw)
    result = parse_field(uniques, spec, date1904, ctx)
    empty = v.blank_cells(uniques)
    return (
        v.Parsed(
            expand(result.values, codes, raw.index), expand(result.problems, codes, raw.index)
        ),
        expand(empty, codes, raw.index, empty=True),
    )


def build_sheet_table(
    table: TableSpec,
    cells: pd.DataFrame,
    source: tuple[str, str],
    date1904: bool,
    ctx: ParseContext,
    coded: dict[str, tuple[np.ndarray, pd.Series]] | None = None,
) -> SheetTable:
    """Parse the data rows of one sheet: `cells` has one column per mapped field and a `row` column."""
    parsed: dict[str, v.Parsed] = {}
    problem_frames = []
    for spec in table.fields:
        if spec.name not in cells:
            continue
        raw = cells[spec.name]
        result, empty = parse_column(raw, spec, date1904, ctx, (coded or {}).get(spec.name))
        problems = result.problems.astype(object).copy()
        if spec.required:
            problems[empty] = "missing_value"
        if spec.name in table.in_programme:
            day = result.values
            outside = day.notna() & (
                (day < pd.Timestamp(ctx.programme_start)) | (day > pd.Timestamp(ctx.programme_end))
            )
            problems[outside & problems.isna()] = "date_out_of_range"
        parsed[spec.name] = v.Parsed(result.values, problems)
        bad = problems.notna()
        if bad.any():
            shown = _shown_values(spec, raw[bad], ctx)
            problem_frames.append(
                pd.DataFrame({"field": spec.name, "value": shown, "reason": problems[bad]})
            )
    order = {spec.name: i for i, spec in enumerate(table.fields)}
    all_problems = (
        pd.concat(problem_frames)
        if problem_frames
        else pd.DataFrame(columns=["field", "value", "reason"])
    )
    all_problems = all_problems.rename_axis("cell_index").reset_index()
    all_problems["row_number"] = cells["row"].reindex(all_problems["cell_index"]).to_numpy()
    all_problems["field_order"] = all_problems["field"].map(order)
    all_problems = all_problems.sort_values(["cell_index", "field_order"], kind="stable")

    bad_index = pd.Index(all_problems["cell_index"].unique())
    loaded = pd.DataFrame(index=cells.index.difference(bad_index))
    for spec in table.fields:
        column = output_name(table.name, spec.name)
        loaded[column] = parsed[spec.name].values.loc[loaded.index] if spec.name in parsed else None
    loaded["source_file"], loaded["source_sheet"] = source
    loaded["source_row"] = cells.loc[loaded.index, "row"].astype("int64")
    if table.name == "service_log":
        loaded["account_manager"] = _fill_managers(
            loaded["account_manager"], loaded["cluster_id"], ctx
        )

    problems_out = _problem_rows(table, all_problems, cells, parsed, source, ctx)
    if "account_manager" in loaded and loaded["account_manager"].notna().any():
        usual = loaded["account_manager"].dropna().value_counts().index[0]
        problems_out["account_manager"] = problems_out["account_manager"].replace("", usual)
    first = problems_out.drop_duplicates("source_row", keep="first").copy()
    others = (
        problems_out.groupby("source_row", sort=False).apply(
            lambda g: "; ".join(
                f"{f}: {r}" for f, r in zip(g["field"][1:], g["reason"][1:], strict=True)
            ),
            include_groups=False,
        )
        if len(problems_out)
        else pd.Series(dtype=object)
    )
    first["other_problems"] = first["source_row"].map(others).fillna("")
    return SheetTable(
        loaded.reset_index(drop=True),
        first[list(REJECTED_COLUMNS)].reset_index(drop=True),
        problems_out,
    )


def _shown_values(spec: FieldSpec, raw: pd.Series, ctx: ParseContext) -> pd.Series:
    """The offending value as a person would read it (for a list, the names not found)."""
    shown = raw.map(v.cell_text).fillna("")
    if spec.type == "clusters":
        unknown = v.resolve_name_lists(raw, ctx.clusters)[1]
        shown = unknown.where(unknown.notna(), shown)
    return shown.astype(object)


def _fill_managers(managers: pd.Series, cluster_ids: pd.Series, ctx: ParseContext) -> pd.Series:
    """The row's account manager, else the one the registry names for its cluster."""
    missing = managers.isna()
    if not missing.any():
        return managers
    filled = managers.astype(object).copy()
    filled[missing] = cluster_ids[missing].map(ctx.cluster_managers)
    return filled


def _problem_rows(
    table: TableSpec,
    problems: pd.DataFrame,
    cells: pd.DataFrame,
    parsed: dict[str, v.Parsed],
    source: tuple[str, str],
    ctx: ParseContext,
) -> pd.DataFrame:
    """Every problem as a row of the rejected-rows table, with its message."""
    if problems.empty:
        return pd.DataFrame(columns=[*REJECTED_COLUMNS])
    managers = _row_managers(cells, parsed, ctx)
    rows = []
    for item in problems.itertuples(index=False):
        details = _message_details(table, item.field, item.reason, ctx)
        rows.append(
            {
                "source_file": source[0],
                "source_sheet": source[1],
                "source_row": int(item.row_number),
                "table": table.name,
                "field": item.field,
                "value": item.value,
                "reason": item.reason,
                "message": reason_message(item.reason, item.field, item.value, **details),
                "account_manager": managers.get(item.cell_index) or "",
                "other_problems": "",
            }
        )
    return pd.DataFrame(rows, columns=[*REJECTED_COLUMNS])


def _row_managers(
    cells: pd.DataFrame, parsed: dict[str, v.Parsed], ctx: ParseContext
) -> dict[Any, str]:
    """Who should fix each row: the account manager it names, else its cluster's manager."""
    managers = (
        parsed["account_manager"].values
        if "account_manager" in parsed
        else pd.Series(None, index=cells.index)
    )
    clusters = (
        parsed["cluster"].values if "cluster" in parsed else pd.Series(None, index=cells.index)
    )
    filled = _fill_managers(managers, clusters, ctx)
    return {k: m for k, m in filled.items() if isinstance(m, str)}


def _message_details(
    table: TableSpec, field_name: str, reason: str, ctx: ParseContext
) -> dict[str, str]:
    spec = table.field(field_name)
    details = {"start": ctx.programme_start.isoformat(), "end": ctx.programme_end.isoformat()}
    if spec.type.startswith("choice:"):
        canonical = dict.fromkeys(ctx.vocabulary.choices[spec.type.split(":", 1)[1]].values())
        details["choices"] = ", ".join(canonical)
    if spec.type in ("month_start", "month_end"):
        details["month_hint"] = ", or a month (2019-04, april 2019)"
    return details
