"""The shape the code promises a newcomer: one catalogue of paths, steps declared by the
datasets they read and write, and every concurrency device behind one seam."""

from __future__ import annotations

import re
from pathlib import Path

from clusterix_reports.catalog import DATASETS, dataset_path
from clusterix_reports.runner.steps import STEPS

SRC = Path(__file__).resolve().parents[1] / "src" / "clusterix_reports"


def _modules(folder: Path = SRC) -> list[Path]:
    return sorted(folder.rglob("*.py"))


def test_paths_below_the_outputs_folder_are_spelled_in_the_catalogue_only() -> None:
    spelling = [p.relative_to(SRC).as_posix() for p in _modules() if '"reports' in p.read_text()]
    assert spelling == ["catalog.py"]


def test_compute_render_and_the_report_model_never_fork_or_pause_the_collector() -> None:
    device = re.compile(r"\bimport (forked|collector)\b|\.(forked|collector) import|os\.fork\b")
    found = [
        p.relative_to(SRC).as_posix()
        for folder in ("compute", "render", "report")
        for p in _modules(SRC / folder)
        if device.search(p.read_text())
    ]
    assert found == []


def test_no_module_is_longer_than_a_newcomer_reads_in_one_sitting() -> None:
    long = {
        p.relative_to(SRC).as_posix(): n
        for p in _modules()
        if (n := len(p.read_text().splitlines())) > 400
    }
    assert long == {}


def test_each_step_reads_only_what_an_earlier_step_writes() -> None:
    written: set[str] = set()
    for step in STEPS:
        assert set(step.inputs) <= written, step.name
        assert not set(step.outputs) & written, step.name  # one writer per dataset
        written |= set(step.outputs)
    assert written <= set(DATASETS)


def test_every_dataset_has_a_path_of_its_own_and_reports_carry_their_period(tmp_path) -> None:
    paths = [dataset_path(tmp_path, name, "2020Q4") for name in DATASETS]
    assert len(set(paths)) == len(paths)
    assert dataset_path(tmp_path, "pdf", "P9") == tmp_path / "reports/P9/progress-report-P9.pdf"
    assert dataset_path(tmp_path, "service_log") == tmp_path / "data/service_log.parquet"
