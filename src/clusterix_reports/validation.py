"""`validate`: every problem of account managers' files, against the reference data; writes nothing."""

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
from clusterix_reports.summary import problem_lines


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


def validate_paths(pipeline: Pipeline, paths: list[Path]) -> tuple[list[str], list[str]]:
    """(problems, notes): unreadable files, failed sheets and rejected values; skipped sheets."""
    with WorkerPool(pipeline.limits) as pool:
        reference = read_reference(pipeline, input_files(pipeline.inputs), pool)
        require_reference(combine(reference.outcomes, reference.records))
        outcomes, records = read_exports(_named_files(paths), reference, pool)
    result = combine(outcomes, records)
    lines, notes = [], []
    for record in result.files:
        if record.status == "failed":
            lines.append(f"{record.path}: file not read: {record.reason}")
        elif record.status == "skipped":
            notes.append(f"note: {record.path}: skipped: {record.reason}")
        for sheet in record.sheets:
            if sheet.status == "failed":
                lines.append(f"{record.path}, sheet {sheet.name}: not read: {sheet.reason}")
            elif sheet.status == "skipped":
                notes.append(f"note: {record.path}, sheet {sheet.name}: skipped: {sheet.reason}")
    # each export is listed under both export tables: its problems are taken once
    problems = [t.problems for out in outcomes["service_log"] for *_, t in out.tables]
    id_problems = result.rejected[result.rejected["reason"] == Reason.DUPLICATE_ID]
    everything = pd.concat([p for p in [*problems, id_problems] if len(p)] or [id_problems])
    everything = everything.drop_duplicates(
        ["source_file", "source_sheet", "source_row", "field", "reason"]
    )
    everything = everything.sort_values(
        ["source_file", "source_sheet", "source_row"], kind="stable"
    )
    return lines + problem_lines(everything), notes
