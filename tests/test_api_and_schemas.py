"""The Python API (docs/api.md: its examples run here), `init`, `validate --format`, and
the fixed schema of every table a run writes."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import clusterix_reports as cr
from clusterix_reports import catalog
from clusterix_reports.errors import PeriodRefusedError, PipelineError

from conftest import HEADER_LOG
from sheetwriters import write_xlsx

ROOT = Path(__file__).resolve().parents[1]
D = dt.date


def test_the_api_runs_a_pipeline_and_returns_its_tables(workspace) -> None:
    write_xlsx(
        workspace.export("log.xlsx"), [("Log", [HEADER_LOG, ["C1", "S1", D(2019, 11, 5), 4]])]
    )
    pipeline = cr.load_pipeline(workspace.pipeline_file)
    result = cr.run(pipeline, periods=["2019Q4", "2019"])
    assert result.exit_code == 0 and set(result.indicators) == {"2019Q4", "2019"}
    served = result.indicators["2019Q4"].query(
        "period == '2019Q4' and indicator_id == 'clusters_served' and breakdown == 'total'"
    )
    assert served["value"].tolist() == [1.0]
    assert len(result.tables["service_log"]) == 1
    assert workspace.outputs / "reports/2019/progress-report-2019.pdf" in result.written
    with pytest.raises(PeriodRefusedError, match="after the data"):
        cr.run(pipeline, periods="2031Q1")  # an exception, never an exit
    with pytest.raises(PipelineError):
        cr.load_pipeline(workspace.root / "missing.toml")


def test_the_api_validates_files_into_a_table(workspace) -> None:
    bad = write_xlsx(
        workspace.export("bad.xlsx"), [("Log", [HEADER_LOG, ["Nobody", "S1", D(2019, 11, 5)]])]
    )
    problems = cr.validate(cr.load_pipeline(workspace.pipeline_file), [bad])
    assert list(problems.columns) == ["file", "sheet", "row", "field", "value", "reason", "message"]
    assert problems[["sheet", "row", "field", "value", "reason"]].values.tolist() == [
        ["Log", 2, "cluster", "Nobody", "unknown_cluster"]
    ]


def _examples(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_the_api_documentation_s_examples_run(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # the examples write their outputs here
    monkeypatch.setenv("CLUSTERIX_DOCS", str(ROOT))
    examples = _examples((ROOT / "docs" / "api.md").read_text(encoding="utf-8"))
    assert len(examples) >= 3
    namespace: dict = {}
    for code in examples:  # one notebook: each cell sees what the earlier ones made
        exec(compile(code, "docs/api.md", "exec"), namespace)


def test_init_makes_a_programme_that_says_what_is_missing(tmp_path, run_cli, capsys) -> None:
    folder = tmp_path / "new"
    assert run_cli("init", folder) == 0
    for part in (
        "pipeline.toml",
        "inputs/reference/clusters.xlsx",
        "inputs/exports",
        "inputs/narrative",
    ):
        assert (folder / part).exists(), part
    from openpyxl import load_workbook

    headers = [c.value for c in load_workbook(folder / "inputs/reference/clusters.xlsx").active[1]]
    assert headers[:2] == ["id", "name"] and "type" in headers
    assert run_cli("run", "--pipeline", folder / "pipeline.toml") == 2
    assert (
        "reference/clusters.xlsx: the cluster registry holds no row yet" in capsys.readouterr().err
    )
    assert run_cli("init", folder) == 2  # never overwrites


def test_validate_prints_json_and_csv_records_and_counts_a_skipped_file(
    workspace, run_cli, capsys
) -> None:
    bad = write_xlsx(
        workspace.export("bad.xlsx"), [("Log", [HEADER_LOG, ["C1", "S1", D(2019, 11, 5), -3]])]
    )
    notes = workspace.export("notes.docx")
    notes.write_bytes(b"PK not a workbook")
    assert (
        run_cli("validate", bad, notes, "--pipeline", workspace.pipeline_file, "--format", "json")
        == 3
    )
    records = json.loads(capsys.readouterr().out)
    assert [r["reason"] for r in records] == ["not_checked", "negative_number"]
    assert records[1] | {"file": None, "message": None} == {
        "file": None, "sheet": "Log", "row": 2, "field": "participants", "value": "-3",
        "reason": "negative_number", "message": None,
    }  # fmt: skip
    assert run_cli("validate", bad, "--pipeline", workspace.pipeline_file, "--format", "csv") == 3
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows[0]["reason"] == "negative_number" and rows[0]["row"] == "2"


def test_a_file_reached_through_dotdot_is_judged_by_its_own_name(
    workspace, run_cli, monkeypatch, capsys
) -> None:
    write_xlsx(
        workspace.export("ok.xlsx"), [("Log", [HEADER_LOG, ["C1", "S1", D(2019, 11, 5), 3]])]
    )
    monkeypatch.chdir(workspace.inputs / "exports")
    assert run_cli("validate", "../exports/ok.xlsx", "--pipeline", workspace.pipeline_file) == 0
    assert "no problems found" in capsys.readouterr().out


def test_every_table_a_run_writes_has_its_documented_schema(workspace) -> None:
    write_xlsx(
        workspace.export("log.xlsx"), [("Log", [HEADER_LOG, ["C1", "S1", D(2019, 11, 5), 4]])]
    )
    assert workspace.run("--period", "2019Q4") == 0
    documented = (ROOT / "docs" / "outputs.md").read_text(encoding="utf-8")
    for name, dataset in catalog.DATASETS.items():
        if not dataset.path.endswith(".parquet"):
            continue
        schema = catalog.table_schema(name)
        written = pq.read_schema(catalog.dataset_path(workspace.outputs, name, "2019Q4"))
        assert written.remove_metadata() == schema, name
        for column in schema:
            assert f"`{column.name}` {column.type}" in documented, (name, column.name)


def _plain(value):
    """TOML values as JSON sees them: dates as ISO text."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value.isoformat() if isinstance(value, dt.date) else value


def test_the_pipeline_json_schema_accepts_the_shipped_pipelines_and_knows_every_key() -> None:
    import tomllib

    import jsonschema

    from clusterix_reports.pipeline_checks import SCHEMA

    schema = json.loads((ROOT / "docs" / "pipeline.schema.json").read_text(encoding="utf-8"))
    for path in sorted((ROOT / "pipelines").glob("*.toml")):
        jsonschema.validate(_plain(tomllib.loads(path.read_text(encoding="utf-8"))), schema)
    for section, keys in SCHEMA.items():
        assert set(keys) == set(schema["properties"][section]["properties"]), section
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"programme": {}, "colour": {}}, schema)


def test_a_pipeline_mistake_names_its_line(workspace, run_cli, capsys) -> None:
    from conftest import PIPELINE

    text = PIPELINE.replace("[budget]", "[benchmark]\ntolerans = 0.3\n[budget]")
    workspace.pipeline_file.write_text(text, encoding="utf-8")
    assert run_cli("run", "--pipeline", workspace.pipeline_file) == 2
    line = text.splitlines().index("tolerans = 0.3") + 1
    assert (
        f"line {line}: unknown key 'tolerans' in [benchmark] (did you mean 'tolerance'?)"
        in capsys.readouterr().err
    )
