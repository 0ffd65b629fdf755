"""Every dataset a run reads or writes, by name, and the one place its path is spelled.

As Kedro's DataCatalog: a step names the datasets it reads and writes; where they live
under the outputs folder is said here and nowhere else. Datasets of a report carry the
period's id in their path (`reports/2020Q4/indicators-2020Q4.parquet`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clusterix_reports.errors import UserError
from clusterix_reports.storage import atomic_write_bytes, read_arrow, write_json, write_parquet

DATA_FOLDER = "data"
REPORTS_FOLDER = "reports"


@dataclass(frozen=True)
class Dataset:
    """A named dataset: its path below the outputs folder (`{period}` for a report's)."""

    name: str
    path: str

    @property
    def per_period(self) -> bool:
        """Whether the dataset belongs to one period's report."""
        return "{period}" in self.path

    def relative(self, period_id: str | None = None) -> str:
        """The path below the outputs folder, as run.json records it."""
        if self.per_period and not period_id:
            raise ValueError(f"the dataset {self.name} belongs to a period; name one")
        return self.path.format(period=period_id)


DATA_TABLES = (
    "clusters",
    "services",
    "service_log",
    "intercluster_projects",
    "action_plan",
    "benchmark_scores",
    "rejected_rows",
    "duplicate_rows",
)
REPORT_TABLES = (
    "indicators",
    "benchmark",
    "peers",
    "uptake",
    "steps",
    "projects",
    "targets",
    "budget",
)

_REPORT = "reports/{period}"
_BESIDE_THE_REPORTS = ("indicators", "benchmark")  # the others go to the report's tables/
DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in (
        *(Dataset(name, f"{DATA_FOLDER}/{name}.parquet") for name in DATA_TABLES),
        Dataset("ingest_record", f"{DATA_FOLDER}/ingest.json"),
        *(
            Dataset(
                name,
                f"{_REPORT}/{'' if name in _BESIDE_THE_REPORTS else 'tables/'}"
                f"{name}-{{period}}.parquet",
            )
            for name in REPORT_TABLES
        ),
        Dataset("workbook", f"{_REPORT}/indicators-{{period}}.xlsx"),
        Dataset("pdf", f"{_REPORT}/progress-report-{{period}}.pdf"),
        Dataset("html", f"{_REPORT}/progress-report-{{period}}.html"),
        Dataset("run_record", f"{_REPORT}/run.json"),
    )
}


def dataset_path(outputs: Path, name: str, period_id: str | None = None) -> Path:
    """Where the dataset `name` (of the period `period_id`) lives below `outputs`."""
    return outputs / DATASETS[name].relative(period_id)


def report_folder(outputs: Path, period_id: str) -> Path:
    """The folder of one period's reports and tables."""
    return outputs / REPORTS_FOLDER / period_id


def relative_paths(names: tuple[str, ...], period_id: str | None = None) -> list[str]:
    """The paths of several datasets below the outputs folder."""
    return [DATASETS[name].relative(period_id) for name in names]


def table_schema(name: str) -> Any:
    """The fixed Arrow schema of the table `name` (data/ or a report's)."""
    from clusterix_reports.compute.schemas import REPORT_SCHEMAS
    from clusterix_reports.ingest.schemas import SCHEMAS

    return {**SCHEMAS, **REPORT_SCHEMAS}[name]


def load(outputs: Path, name: str, period_id: str | None = None) -> Any:
    """A dataset's content: a frame for a table, a dict for a record, bytes otherwise."""
    path = dataset_path(outputs, name, period_id)
    if not path.is_file():
        raise UserError(
            f"{path}: missing; run the steps that write it first (clusterix-reports run)."
        )
    if path.suffix == ".parquet":
        return read_arrow(path).to_pandas()
    if path.suffix == ".json":
        return json.loads(path.read_text(encoding="utf-8"))
    return path.read_bytes()


def save(outputs: Path, name: str, data: Any, period_id: str | None = None) -> Path:
    """Write a dataset atomically: a frame as Parquet, a dict as JSON, bytes as they are."""
    path = dataset_path(outputs, name, period_id)
    if path.suffix == ".parquet":  # every table with its fixed schema
        write_parquet(data, table_schema(name), path)
    elif isinstance(data, dict):
        write_json(data, path)
    else:
        atomic_write_bytes(path, data)
    return path
