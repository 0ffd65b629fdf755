"""Shared builders: a small inputs folder with reference data, a pipeline file, exports."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

from clusterix_reports.pipeline import Pipeline, load_pipeline

from sheetwriters import write_csv, write_xlsx

D = dt.date

CLUSTER_ROWS = [
    [
        "ID",
        "Naam",
        "Alternatieve namen",
        "Type",
        "Erkend sinds",
        "Einde financiering",
        "Accountmanager",
        "Aantal leden",
    ],
    [
        "C1",
        "Flanders' Food",
        "FF; Flanders Food Cluster",
        "Speerpuntcluster",
        D(2016, 1, 1),
        None,
        "An",
        120,
    ],
    ["C2", "Blue Cluster", "", "IBN", D(2017, 1, 1), D(2019, 6, 30), "Bram", 30],
    ["C3", "Agro Net", "", "innovatief bedrijfsnetwerk", D(2018, 1, 1), None, "An", 25],
    ["C4", "Health Hub", "", "spearhead", D(2016, 1, 1), None, "Bram", 200],
]
SERVICE_ROWS = [
    ["Service ID", "Name", "Aliases", "Launched"],
    ["S1", "Account management", "accountmanagement", D(2016, 4, 1)],
    ["S2", "Business-model coaching", "coaching businessmodel", D(2019, 9, 1)],
    ["S3", "Promotion support", "", D(2020, 2, 1)],
    ["S4", "Learning platform", "lerend platform", D(2016, 9, 1)],
]
PLAN_ROWS = [
    ["Stap", "Titel", "Geplande start", "Gepland einde", "Status", "Werkelijk einde"],
    [1, "Matchmaking", "2017-06", "2017-06", "afgerond", D(2017, 6, 28)],
    [2, "Intercluster managers", "november 2018", "2020-10", "lopend", None],
    [3, "Service package", "2019-01", "2019-01", "niet gestart", None],
]
BENCHMARK_ROWS = [
    ["Criterion", "Region", "Score", "Year"],
    ["Cross-cluster", "Flanders", 3.0, 2017],
    ["Cross-cluster", "Skane", 4.0, 2017],
    ["Cross-cluster", "Tuscany", 2.0, 2017],
]

HEADER_LOG = [
    "Cluster",
    "Service",
    "Date",
    "Participants",
    "Hours",
    "Cost",
    "Notes",
    "Account manager",
]

PIPELINE = """
[programme]
name = "Test programme"
partner = "Test partner"
region = "Flanders"
policy_instrument = "Test instrument"
start = 2016-04-01
end = 2021-03-31
action_plan_start = 2019-04-01

[paths]
inputs = "inputs"
outputs = "outputs"

[periods]
default = "quarter"
P7 = [2019-04-01, 2019-09-30]

[budget]
yearly_eur = [150000, 200000]

[targets]
clusters_served = { "2019Q4" = 4 }
"""


@dataclass
class Workspace:
    """A temporary project: inputs folder, pipeline file, outputs folder."""

    root: Path

    @property
    def inputs(self) -> Path:
        return self.root / "inputs"

    @property
    def outputs(self) -> Path:
        return self.root / "outputs"

    @property
    def pipeline_file(self) -> Path:
        return self.root / "pipeline.toml"

    def export(self, name: str) -> Path:
        """A path under inputs/exports/."""
        path = self.inputs / "exports" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def pipeline(self) -> Pipeline:
        return load_pipeline(self.pipeline_file)

    def run(self, *options: object) -> int:
        """`clusterix-reports run` on this workspace's pipeline, with more options; the exit code."""
        from clusterix_reports.cli import main

        return main(["run", "--pipeline", str(self.pipeline_file), *(str(o) for o in options)])


def build_workspace(root: Path, pipeline_text: str = PIPELINE) -> Workspace:
    """Reference data in several formats and a pipeline file; no exports yet."""
    ws = Workspace(root)
    reference = ws.inputs / "reference"
    write_xlsx(
        reference / "clusters.xlsx", [("Register", [["Clusterregister"], [], *CLUSTER_ROWS])]
    )
    write_csv(reference / "services.csv", SERVICE_ROWS, delimiter=";")
    write_xlsx(reference / "action-plan.xlsx", [("Plan", PLAN_ROWS)])
    write_csv(reference / "benchmark.csv", BENCHMARK_ROWS, delimiter=",")
    (ws.inputs / "exports").mkdir(parents=True, exist_ok=True)
    ws.pipeline_file.write_text(pipeline_text, encoding="utf-8")
    return ws


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    return build_workspace(tmp_path)


@pytest.fixture
def run_cli() -> Callable[..., int]:
    from clusterix_reports.cli import main

    return lambda *args: main([str(a) for a in args])
