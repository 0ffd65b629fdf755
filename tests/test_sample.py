"""The shipped synthetic sample: it ingests, every row is accounted for, mistakes are listed."""

from __future__ import annotations

import pytest

from clusterix_reports.ingest import ingest
from clusterix_reports.pipeline import load_pipeline
from clusterix_reports.resources import default_pipeline_file, shipped_dir


@pytest.fixture(scope="module")
def sample():
    return ingest(load_pipeline(default_pipeline_file()))


def test_the_sample_is_marked_synthetic_and_every_row_is_accounted_for(sample) -> None:
    record = sample.record()
    assert record["synthetic_sample"] is True
    for f in record["files"]:
        for s in f["sheets"]:
            assert s["rows_read"] == s["rows_loaded"] + s["rows_duplicate"] + s["rows_rejected"]
    totals = record["totals"]
    assert (
        totals["rows_read"]
        == totals["rows_loaded"] + totals["rows_duplicate"] + totals["rows_rejected"]
    )
    assert totals["rows_duplicate"] > 0 and totals["rows_rejected"] > 0


def test_the_sample_has_every_layout_of_the_brief(sample) -> None:
    formats = {f["format"] for f in sample.record()["files"] if f["status"] == "read"}
    assert {"xlsx", "xls", "ods", "csv"} <= formats
    clusters = sample.tables["clusters"]
    assert (clusters["cluster_type"] == "spearhead").sum() == 6
    assert (clusters["cluster_type"] == "ibn").sum() == 20
    assert len(sample.tables["action_plan"]) == 6
    assert sample.tables["benchmark_scores"]["region"].nunique() == 9
    assert sample.tables["service_log"]["account_manager"].nunique() >= 4


def test_validate_lists_the_mistakes_of_a_sample_file(run_cli, capsys) -> None:
    export = shipped_dir("inputs") / "exports" / "dirk-janssens" / "diensten_dirk.csv"
    assert run_cli("validate", export) == 3
    out = capsys.readouterr().out
    assert "negative_number" in out and "date_out_of_range" in out


def test_the_sample_report_reads_as_the_programme_s_progress_report(tmp_path, run_cli) -> None:
    import re

    from pypdf import PdfReader

    assert run_cli("run", "--outputs", tmp_path, "--period", "2020Q4", "--quiet") == 0
    pdf = tmp_path / "reports" / "2020Q4" / "progress-report-2020Q4.pdf"
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(pdf).pages))
    # the seed's action, a partner's lesson, the improvement kinds, the sign-off of the
    # shipped narrative, its live figures, and the Interreg facts on the cover
    for shown in (
        "Action 1: Introduction of services for cluster management organisations",
        "France Clusters (Auvergne-Rhône-Alpes)",
        "strategic focus",
        "improved management",
        "Lies Maes (synthetic sample), 20 January 2021",
        "reached 18 clusters (93.8 % of the active ones)",
        "Partner number P9",
        "Phase 2: monitoring of the action plan",
        "Funds influenced",
    ):
        assert shown in text, shown
    assert "DRAFT" not in text
