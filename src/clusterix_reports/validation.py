"""`validate`: every problem of account managers' files, against the reference data; writes nothing.

Problems come as one table (file, sheet, row, field, value, reason, message), the way the
command line prints them as text, JSON or CSV and the Python API returns them.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from clusterix_reports.errors import UserError
from clusterix_reports.ingest import (
    combine,
    read_exports,
    read_reference,
    require_reference,
)
from clusterix_reports.ingest.reasons import Reason
from clusterix_reports.ingest.workers import WorkerPool
from clusterix_reports.inventory import input_files, sha256_of
from clusterix_reports.pipeline import Pipeline

PROBLEM_COLUMNS = ("file", "sheet", "row", "field", "value", "reason", "message")


def _named_files(paths: list[Path]) -> list[tuple[Path, str, str]]:
    files = []
    for path in paths:
        if path.is_dir():
            files += [p for p in sorted(path.rglob("*")) if p.is_file()]
        elif path.is_file():
            files.append(path)
        else:
            raise UserError(f"{path}: no such file or folder.")
    return [(p, p.as_posix(), sha256_of(p)) for p in files]


def _problem(file: str, sheet: str | None, reason: str, message: str) -> dict:
    return {"file": file, "sheet": sheet, "row": None, "field": None, "value": None,
            "reason": reason, "message": message}  # fmt: skip


def validation_problems(pipeline: Pipeline, paths: list[Path]) -> tuple[pd.DataFrame, list[str]]:
    """Every problem of the files at `paths` (one row each: PROBLEM_COLUMNS), and notes on
    sheets that were skipped (instructions, pivot tables), which are no problem."""
    with WorkerPool(pipeline.limits) as pool:
        reference = read_reference(pipeline, input_files(pipeline.inputs, pipeline.outputs), pool)
        require_reference(combine(reference.outcomes, reference.records))
        outcomes, records = read_exports(_named_files(paths), reference, pool)
    result = combine(outcomes, records)
    found, notes = [], []
    for record in result.files:
        if record.status == "failed":
            found.append(
                _problem(record.path, None, "unreadable_file", f"file not read: {record.reason}")
            )
        elif record.status == "skipped":  # not checked at all: a problem of its own
            found.append(
                _problem(record.path, None, "not_checked", f"not checked: {record.reason}")
            )
        for sheet in record.sheets:
            if sheet.status == "failed":
                found.append(
                    _problem(record.path, sheet.name, "sheet_not_read", f"not read: {sheet.reason}")
                )
            elif sheet.status == "skipped":
                notes.append(f"note: {record.path}, sheet {sheet.name}: skipped: {sheet.reason}")
    # each export is listed under both export tables: its problems are taken once
    problems = [t.problems for out in outcomes["service_log"] for *_, t in out.tables]
    id_problems = result.rejected[result.rejected["reason"] == Reason.DUPLICATE_ID]
    rows = pd.concat([p for p in [*problems, id_problems] if len(p)] or [id_problems])
    rows = rows.drop_duplicates(["source_file", "source_sheet", "source_row", "field", "reason"])
    rows = rows.sort_values(["source_file", "source_sheet", "source_row"], kind="stable")
    rows = rows.rename(
        columns={"source_file": "file", "source_sheet": "sheet", "source_row": "row"}
    )
    table = pd.concat([pd.DataFrame(found, columns=list(PROBLEM_COLUMNS)), rows], ignore_index=True)
    table["row"] = table["row"].astype("Int64")
    table["reason"] = table["reason"].astype(str)
    return table[list(PROBLEM_COLUMNS)].reset_index(drop=True), notes


def problem_text(problem: pd.Series) -> str:
    """One problem as the command line prints it."""
    if pd.isna(problem["row"]):
        sheet = problem["sheet"]
        where = problem["file"] + (f", sheet {sheet}" if isinstance(sheet, str) and sheet else "")
        return f"{where}: {problem['message']}"
    return (
        f"{problem['file']}, sheet {problem['sheet']}, row {problem['row']}, {problem['field']} "
        f"{problem['value']!r}: {problem['reason']}: {problem['message']}"
    )


def problem_records(problems: pd.DataFrame) -> list[dict]:
    """The problems as plain records (JSON's null for an empty cell)."""
    return [
        {k: (None if pd.isna(v) else int(v) if k == "row" else v) for k, v in row.items()}
        for row in problems.to_dict(orient="records")
    ]
