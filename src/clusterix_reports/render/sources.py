"""What render reads: the computed tables of a period and the ingest record, nothing else."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from clusterix_reports.errors import UserError
from clusterix_reports.storage import read_arrow


@dataclass
class ReportData:
    """The tables one period's reports are made from."""

    period_id: str
    indicators: pd.DataFrame
    benchmark: pd.DataFrame
    peers: pd.DataFrame
    uptake: pd.DataFrame
    steps: pd.DataFrame
    projects: pd.DataFrame
    clusters: pd.DataFrame
    services: pd.DataFrame
    rejected: pd.DataFrame
    duplicates: pd.DataFrame
    service_log_managers: pd.Series  # rows loaded per account manager
    ingest: dict[str, Any]


def _read(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise UserError(f"{path}: missing; run the ingest and compute steps first.")
    return read_arrow(path).to_pandas()


def read_report_data(outputs: Path, period_id: str) -> ReportData:
    """Read the computed tables of `period_id` and what ingest recorded."""
    data, report = outputs / "data", outputs / "reports" / period_id
    tables = report / "tables"
    log = _read(data / "service_log.parquet")
    return ReportData(
        period_id=period_id,
        indicators=_read(report / f"indicators-{period_id}.parquet"),
        benchmark=_read(report / f"benchmark-{period_id}.parquet"),
        peers=_read(tables / f"peers-{period_id}.parquet"),
        uptake=_read(tables / f"uptake-{period_id}.parquet"),
        steps=_read(tables / f"steps-{period_id}.parquet"),
        projects=_read(tables / f"projects-{period_id}.parquet"),
        clusters=_read(data / "clusters.parquet"),
        services=_read(data / "services.parquet"),
        rejected=_read(data / "rejected_rows.parquet"),
        duplicates=_read(data / "duplicate_rows.parquet"),
        service_log_managers=log["account_manager"].fillna("").value_counts(),
        ingest=json.loads((data / "ingest.json").read_text(encoding="utf-8")),
    )


def inputs_fingerprint(ingest: dict[str, Any]) -> str:
    """A short hash of every input file's path and content: equal inputs, equal fingerprint."""
    digest = hashlib.sha256()
    for f in sorted(ingest["files"], key=lambda f: f["path"]):
        digest.update(f"{f['path']}\0{f['sha256']}\n".encode())
    return digest.hexdigest()[:12]
