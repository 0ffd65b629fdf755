"""Reruns an analyst can trust: reuse, identical bytes, a cache that holds data only, atomic
publishing, the lock, exit codes."""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import pickle
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import jsonschema
import pandas as pd
import pyarrow.parquet as pq
import pytest
from openpyxl import load_workbook

from clusterix_reports.cli import main
from clusterix_reports.ingest.cache import FileCache, outcome_from_bytes, outcome_to_bytes
from clusterix_reports.ingest.files import FileOutcome, FileRecord, SheetRecord
from clusterix_reports.ingest.tables import SheetTable

from conftest import HEADER_LOG, Workspace, build_workspace
from sheetwriters import write_xlsx

D = dt.date
ROOT = Path(__file__).resolve().parents[1]


def add_logs(ws) -> None:
    write_xlsx(
        ws.export("an.xlsx"),
        [("Log", [HEADER_LOG, ["C1", "S1", D(2019, 11, 5), 4, 2, 100, "", "An"]])],
    )
    write_xlsx(
        ws.export("bram.xlsx"),
        [("Log", [HEADER_LOG, ["C2", "S4", D(2019, 5, 5), 2, 1, 50, "", "Bram"]])],
    )


@pytest.fixture(scope="module")
def pristine_run(tmp_path_factory):
    """One workspace run once; tests get copies of it, never this one."""
    ws = build_workspace(tmp_path_factory.mktemp("reruns"))
    add_logs(ws)
    assert main(["run", "--pipeline", str(ws.pipeline_file), "--period", "2019Q4"]) == 0
    return ws


@pytest.fixture
def first_run(pristine_run, tmp_path):
    """A workspace of its own, as the first run left it: what one test changes, no other sees."""
    root = tmp_path / "workspace"
    shutil.copytree(pristine_run.root, root, symlinks=True)
    return Workspace(root)


def run_record(ws, outputs=None) -> dict:
    return json.loads(((outputs or ws.outputs) / "reports" / "2019Q4" / "run.json").read_text())


def published(outputs: Path) -> dict[str, bytes]:
    return {
        p.relative_to(outputs).as_posix(): p.read_bytes()
        for p in sorted(outputs.rglob("*"))
        if p.is_file() and not p.relative_to(outputs).as_posix().startswith(".")
    }


def test_run_json_validates_against_its_documented_schema(first_run) -> None:
    schema = json.loads((ROOT / "docs" / "run.schema.json").read_text())
    record = run_record(first_run)
    jsonschema.validate(record, schema)
    assert [s["name"] for s in record["steps"]] == ["ingest", "compute", "render"]
    outputs = {o["path"]: o for o in record["outputs"]}
    assert outputs["reports/2019Q4/progress-report-2019Q4.pdf"]["pages"] >= 9
    assert outputs["data/service_log.parquet"]["rows"] == 2
    assert str(first_run.root) not in json.dumps(record)
    workbook = "reports/2019Q4/indicators-2019Q4.xlsx"
    book = load_workbook(first_run.outputs / workbook, read_only=True)
    below_headers = sum(max((sheet.max_row or 1) - 1, 0) for sheet in book.worksheets)
    assert outputs[workbook]["rows"] == below_headers > 0


def test_the_same_inputs_in_two_outputs_folders_give_identical_bytes(first_run, tmp_path) -> None:
    other = tmp_path / "other"
    assert first_run.run("--period", "2019Q4", "--outputs", str(other)) == 0
    mine, theirs = published(first_run.outputs), published(other)
    assert mine.keys() == theirs.keys()
    for name in mine:
        if not name.endswith("run.json"):
            assert mine[name] == theirs[name], name


def test_a_second_run_with_nothing_changed_reuses_every_step(first_run, capsys) -> None:
    before = published(first_run.outputs)
    assert main(["run", "--pipeline", str(first_run.pipeline_file), "--period", "2019Q4"]) == 0
    assert [s["status"] for s in run_record(first_run)["steps"]] == ["reused", "reused", "reused"]
    after = published(first_run.outputs)
    assert {k: v for k, v in after.items() if not k.endswith("run.json")} == {
        k: v for k, v in before.items() if not k.endswith("run.json")
    }
    assert (
        main(["run", "--pipeline", str(first_run.pipeline_file), "--period", "2019Q4", "--dry-run"])
        == 0
    )
    out = capsys.readouterr().out
    assert "ingest: reuse (input files unchanged)" in out and "render: reuse" in out


def test_changing_one_export_reads_only_that_file_again(first_run) -> None:
    write_xlsx(
        first_run.export("bram.xlsx"),
        [("Log", [HEADER_LOG, ["C3", "S4", D(2019, 12, 5), 2, 1, 50, "", "B"]])],
    )
    assert main(["run", "--pipeline", str(first_run.pipeline_file), "--period", "2019Q4"]) == 0
    ingest = run_record(first_run)["steps"][0]
    assert ingest["status"] == "ran"
    assert ingest["details"] == {"files_parsed": 1, "files_reused": 5}
    assert [s["status"] for s in run_record(first_run)["steps"][1:]] == ["ran", "ran"]
    assert (
        main(["run", "--pipeline", str(first_run.pipeline_file), "--period", "2019Q4", "--force"])
        == 0
    )
    assert [s["status"] for s in run_record(first_run)["steps"]] == ["ran", "ran", "ran"]


def readable(outputs: Path) -> None:
    """Every published output opens: no half-written file anywhere."""
    for path in outputs.rglob("*"):
        if path.is_dir() or any(part.startswith(".") for part in path.relative_to(outputs).parts):
            continue
        data = path.read_bytes()
        if path.suffix == ".parquet":
            pq.read_table(path)
        elif path.suffix == ".pdf":
            assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF"), path
        elif path.suffix == ".xlsx":
            assert zipfile.ZipFile(path).testzip() is None
        elif path.suffix == ".json":
            json.loads(data)


def test_kill_9_at_any_moment_leaves_the_previous_outputs_whole(tmp_path) -> None:
    ws = build_workspace(tmp_path)
    add_logs(ws)
    command = [
        sys.executable,
        "-m",
        "clusterix_reports",
        "run",
        "--pipeline",
        str(ws.pipeline_file),
        "--period",
        "2019Q4",
        "--quiet",
    ]
    subprocess.run(command, check=True, timeout=300)
    good = published(ws.outputs)
    for delay in (0.3, 1.0, 2.0, 3.5, 5.0):
        write_xlsx(
            ws.export("an.xlsx"),
            [
                (
                    "Log",
                    [
                        HEADER_LOG,
                        ["C1", "S1", D(2019, 10, int(delay * 2) + 1), 4, 2, 100, "", "An"],
                    ],
                )
            ],
        )
        process = subprocess.Popen([*command, "--force"])
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        readable(ws.outputs)
        now = published(ws.outputs)
        changed = {k for k in now if now[k] != good.get(k)}
        assert (
            not changed or "reports/2019Q4/run.json" in changed
        )  # all old, or the new run published
        good = now
    done = subprocess.run([*command, "--wait", "10"], timeout=300)
    assert done.returncode == 0  # the dead runs' lock and staging do not get in the way
    assert not list(ws.outputs.glob(".staging-*"))
    readable(ws.outputs)
    assert survivors(str(ws.pipeline_file)) == []  # no worker or child outlives its run


def survivors(marker: str, seconds: float = 5.0) -> list[int]:
    """Processes whose command line names `marker`, once they had `seconds` to die."""
    deadline = time.monotonic() + seconds
    while True:
        found = []
        for proc in Path("/proc").iterdir():
            try:
                if proc.name.isdigit() and marker.encode() in (proc / "cmdline").read_bytes():
                    found.append(int(proc.name))
            except OSError:
                continue
        if not found or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def test_a_second_run_waits_then_names_who_holds_the_outputs(first_run, capsys) -> None:
    from filelock import FileLock

    holder = first_run.outputs / ".lock-holder"
    with FileLock(first_run.outputs / ".lock"):
        holder.write_text("process 4242 (clusterix-reports run)\n")
        started = time.perf_counter()
        code = first_run.run("--period", "2019Q4", "--wait", "0.5")
        waited = time.perf_counter() - started
    holder.unlink()
    assert code == 2 and waited >= 0.5
    assert "in use by process 4242" in capsys.readouterr().err


def test_exit_codes(first_run, monkeypatch, capsys) -> None:
    pipeline = str(first_run.pipeline_file)
    assert main(["run", "--pipeline", pipeline, "--period", "2019Q4"]) == 0
    assert main(["run", "--pipeline", pipeline, "--period", "nonsense"]) == 2
    assert main(["run", "--pipeline", str(first_run.root / "missing.toml")]) == 2
    bad = write_xlsx(
        first_run.export("bad.xlsx"), [("Log", [HEADER_LOG, ["Nobody", "S1", D(2019, 11, 5)]])]
    )
    before = published(first_run.outputs)
    before.pop("failed-run.json", None)  # left by the run with a bad period
    assert main(["run", "--pipeline", pipeline, "--period", "2019Q4", "--strict"]) == 3
    after = published(first_run.outputs)
    assert after.pop(
        "failed-run.json"
    )  # a note of where the run stopped, beside the untouched outputs
    assert after == before
    bad.unlink()
    from clusterix_reports.runner import steps

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    compute = steps.BY_NAME["compute"]
    monkeypatch.setitem(
        steps.BY_NAME, "compute", steps.Step("compute", broken, compute.inputs, compute.outputs)
    )
    assert main(["run", "--pipeline", pipeline, "--period", "2019Q4", "--force"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("clusterix-reports: unexpected error (RuntimeError: disk on fire)")
    failed = json.loads((first_run.outputs / "failed-run.json").read_text())
    assert failed["steps"][-1] == {"name": "compute", "status": "failed", "error": "disk on fire"}
    readable(first_run.outputs)


def test_several_periods_in_one_command_equal_their_single_runs(first_run, tmp_path) -> None:
    together = tmp_path / "together"
    code = first_run.run("--period", "2019Q4", "--period", "2019", "--outputs", str(together))
    assert code == 0
    mine = published(together)
    for period in ("2019Q4", "2019"):
        single = first_run.outputs  # the fixture's run was of 2019Q4 alone
        if period != "2019Q4":
            single = tmp_path / period
            assert first_run.run("--period", period, "--outputs", str(single)) == 0
        folder = f"reports/{period}/"
        theirs = {k: v for k, v in published(single).items() if k.startswith(folder)}
        assert any(k.endswith(".pdf") for k in theirs)
        for name, data in theirs.items():
            if name.endswith("run.json"):
                record = json.loads(mine[name])
                assert record["period"]["id"] == period
                assert [s["name"] for s in record["steps"]] == ["ingest", "compute", "render"]
            else:
                assert mine[name] == data, name
    record = json.loads(mine["reports/2019/run.json"])
    outputs = {o["path"] for o in record["outputs"]}
    assert "reports/2019/progress-report-2019.pdf" in outputs
    assert not any(p.startswith("reports/2019Q4/") for p in outputs)  # each its own record


def test_several_periods_stop_at_ingest_as_one_does(first_run, capsys) -> None:
    """Several periods: ingest runs in a child; its refusal keeps its sentence and exit code."""
    write_xlsx(
        first_run.export("bad.xlsx"), [("Log", [HEADER_LOG, ["Nobody", "S1", D(2019, 11, 5)]])]
    )
    before = published(first_run.outputs)
    periods = ["--period", "2019Q3", "--period", "2019Q4"]
    assert first_run.run(*periods, "--strict", "--force") == 3
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("clusterix-reports: --strict:"), err
    after = published(first_run.outputs)
    assert json.loads(after.pop("failed-run.json"))["steps"][-1]["name"] == "ingest"
    assert after == before


def entries(outputs: Path) -> list[Path]:
    return sorted((outputs / ".cache" / "ingest").iterdir())


def test_a_cached_outcome_comes_back_with_its_lists_dates_and_sheet_records() -> None:
    sheet = SheetRecord(name="Log", table="clusters", status="read", header_row=3, rows_read=2)
    record = FileRecord(path="reference/c.xlsx", sha256="ab", status="read", sheets=[sheet])
    loaded = pd.DataFrame(
        {
            "aliases": pd.Series([["FF", "Flanders Food"], []], dtype=object),
            "since": pd.to_datetime(["2016-01-01", None]),
            "members": [120, 30],
            "note": [None, "é"],
        }
    )
    empty = pd.DataFrame(columns=["source_file", "reason"])
    outcome = FileOutcome(record, [(sheet, "clusters", SheetTable(loaded, empty, empty))], 12.5)
    back = outcome_from_bytes(outcome_to_bytes(outcome))
    assert back.record == record and back.peak_memory_mb == 12.5
    assert back.tables[0][0] is back.record.sheets[0]  # one object, as ingest counts rows on it
    pd.testing.assert_frame_equal(back.tables[0][2].loaded, loaded)
    assert back.tables[0][2].loaded["aliases"].tolist() == [["FF", "Flanders Food"], []]
    assert type(back.tables[0][2].loaded["aliases"][0]) is list
    pd.testing.assert_frame_equal(back.tables[0][2].rejected, empty)


def test_files_read_from_the_cache_give_the_bytes_of_a_cold_read(first_run, tmp_path) -> None:
    assert all(p.suffix == ".arrows" for p in entries(first_run.outputs))
    assert not any(p.read_bytes().startswith(b"\x80") for p in entries(first_run.outputs))
    assert first_run.run("--period", "2019Q4", "--force") == 0
    assert run_record(first_run)["steps"][0]["details"]["files_parsed"] == 0
    cold = tmp_path / "cold"
    assert first_run.run("--period", "2019Q4", "--outputs", str(cold)) == 0
    warm, fresh = published(first_run.outputs), published(cold)
    assert {k for k in warm if k.startswith("data/")} == {k for k in fresh if k.startswith("data/")}
    for name in warm:
        if not name.endswith("run.json"):
            assert warm[name] == fresh[name], name


def test_cache_entries_are_mapped_without_holding_a_file_open(tmp_path) -> None:
    sheet = SheetRecord(name="Log", table="clusters", status="read", header_row=1, rows_read=2)
    loaded = pd.DataFrame({"cluster_id": ["C1", "C2"], "members": [120, 30]})
    empty = pd.DataFrame(
        {"source_row": pd.Series([], dtype="int64"), "reason": pd.Series([], dtype="str")}
    )
    cache = FileCache(tmp_path, "context")
    for n in range(40):
        record = FileRecord(
            path=f"exports/{n}.xlsx", sha256=f"{n:02x}", status="read", sheets=[sheet]
        )
        table = SheetTable(loaded, empty, empty)
        cache.put(
            record.path, record.sha256, FileOutcome(record, [(sheet, "clusters", table)], 1.0)
        )
    open_before = len(os.listdir("/proc/self/fd")) if Path("/proc/self/fd").is_dir() else None
    back = [cache.get(f"exports/{n}.xlsx", f"{n:02x}") for n in range(40)]
    if open_before is not None:  # every frame still alive, and no descriptor kept for them
        assert len(os.listdir("/proc/self/fd")) == open_before
    assert cache.hits == 40 and all(b is not None for b in back)
    first, second = (b.tables[0][2] for b in back[:2])
    pd.testing.assert_frame_equal(first.loaded, loaded)
    pd.testing.assert_frame_equal(first.rejected, empty)
    first.rejected["added"] = 1  # the empty frames are converted once, and shared by none
    assert "added" not in second.rejected and "added" not in back[2].tables[0][2].problems
    for entry in tmp_path.glob("*.arrows"):
        entry.write_bytes(b"")  # emptied: read again, not mapped
    assert FileCache(tmp_path, "context").get("exports/0.xlsx", "00") is None


class Planted:
    """What an attacker would pickle: unpickling it writes a file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.write_text, (self.marker, "ran"))


def test_a_forged_or_damaged_entry_is_read_again_and_never_run(first_run, tmp_path) -> None:
    marker = tmp_path / "ran-as-the-analyst"
    forged, damaged, *_ = entries(first_run.outputs)
    forged.write_bytes(pickle.dumps(Planted(marker)))
    data = bytearray(damaged.read_bytes())
    data[-10] ^= 0xFF  # a byte inside the last frame: its sha256 no longer matches
    damaged.write_bytes(bytes(data))
    before = published(first_run.outputs)
    assert first_run.run("--period", "2019Q4", "--force") == 0
    assert not marker.exists()
    assert run_record(first_run)["steps"][0]["details"]["files_parsed"] == 2
    after = published(first_run.outputs)
    assert {k: v for k, v in after.items() if not k.endswith("run.json")} == {
        k: v for k, v in before.items() if not k.endswith("run.json")
    }
    shutil.rmtree(first_run.outputs / ".cache")
    assert first_run.run("--period", "2019Q4", "--force") == 0


def test_a_full_disk_or_a_read_only_folder_is_said_in_one_sentence(
    first_run, monkeypatch, capsys
) -> None:
    from clusterix_reports import storage

    before = published(first_run.outputs)

    def full(descriptor: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")  # as the system says it: no path

    monkeypatch.setattr(storage.os, "fsync", full)
    assert first_run.run("--period", "2019Q4", "--force") == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].endswith(
        ": the disk is full; the previous outputs are unchanged."
    )
    assert f"cannot use {first_run.outputs}{os.sep}" in err[0] and ".staging" not in err[0]
    monkeypatch.undo()

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system", kwargs["dir"])

    monkeypatch.setattr(storage.tempfile, "mkstemp", read_only)
    assert first_run.run("--period", "2019Q4", "--force") == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"clusterix-reports: cannot use {first_run.outputs / 'data'}: it lies on a read-only "
        "file system; the previous outputs are unchanged."
    ]  # the folder it publishes to, not the staging folder it writes first
    monkeypatch.undo()
    after = published(first_run.outputs)
    after.pop("failed-run.json", None)
    assert after == before
