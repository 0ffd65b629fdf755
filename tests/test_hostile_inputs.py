"""Hostile and broken files: each costs only itself, bounded in time and memory, nothing leaks."""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import resource
import subprocess
import sys
import zipfile
from multiprocessing.connection import wait
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from msoffcrypto.format.ooxml import OOXMLFile

from clusterix_reports.ingest.files import ingest_file
from clusterix_reports.ingest.tables import ParseContext
from clusterix_reports.ingest.vocabulary import vocabulary
from clusterix_reports.ingest.workers import Job, WorkerPool, parse_in_workers
from clusterix_reports.limits import Limits

from conftest import HEADER_LOG, Workspace, build_workspace
from sheetwriters import write_csv, write_ods, write_xlsx

D = dt.date
GOOD_ROW = ["C1", "S1", D(2019, 11, 5), 4, 2, 100, "fine", "An"]
SECRET = Path("/etc/passwd").read_text(errors="replace").splitlines()[0]


def rewrite_zip(
    source: Path,
    target: Path,
    replace: dict[str, bytes] | None = None,
    add: dict[str, bytes] | None = None,
) -> Path:
    """A copy of a zip with some members replaced or added."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, (replace or {}).get(info.filename, old.read(info.filename)))
        for name, data in (add or {}).items():
            new.writestr(name, data)
    return target


def sheet_xml(rows: str, dimension: str | None = None) -> bytes:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{dim}'
        f"<sheetData>{rows}</sheetData></worksheet>"
    ).encode()


def hostile_files(ws: Workspace, tmp: Path) -> dict[str, str]:
    """Write every hostile file beside the good exports; return name -> words its reason must hold."""
    base = write_xlsx(tmp / "base.xlsx", [("Log", [HEADER_LOG, GOOD_ROW])])
    sheet = "xl/worksheets/sheet1.xml"
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(
            f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i else "&lol;" * 10}">'
            for i in range(10)
        )
        + ']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
        ' count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>'
    ).encode()
    external = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>&e;</t></is></c></row></sheetData></worksheet>'
    )
    header = "".join(
        f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{name}</t></is></c>'
        for i, name in enumerate(HEADER_LOG)
    )
    far = f'<row r="1">{header}</row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'

    blank_rows = "".join(f'<row r="{r}" s="1" customFormat="1"/>' for r in range(2, 300_000))
    rewrite_zip(
        base,
        ws.export("bomb-entities.xlsx"),
        add={"xl/sharedStrings2.xml": laughs},
        replace={
            "xl/workbook.xml": zipfile.ZipFile(base)
            .read("xl/workbook.xml")
            .replace(b"?>", b'?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">]>', 1)
        },
    )
    rewrite_zip(base, ws.export("external-entity.xlsx"), replace={sheet: external})
    rewrite_zip(
        base, ws.export("zip-bomb.xlsx"), add={"xl/media/padding.bin": b"\0" * (64 * 2**20)}
    )
    rewrite_zip(
        base, ws.export("far-corner.xlsx"), replace={sheet: sheet_xml(far, "A1:XFD1048576")}
    )
    rewrite_zip(base, ws.export("far-corner-undeclared.xlsx"), replace={sheet: sheet_xml(far)})
    rewrite_zip(
        base,
        ws.export("blank-styled-rows.xlsx"),
        replace={sheet: sheet_xml(blank_rows, "A1:L1000000")},
    )
    ods = write_ods(tmp / "base.ods", [("Log", [HEADER_LOG, GOOD_ROW])])
    content = (
        zipfile.ZipFile(ods)
        .read("content.xml")
        .replace(b"<table:table-row>", b'<table:table-row table:number-rows-repeated="1000000">', 2)
    )
    rewrite_zip(ods, ws.export("repeated-rows.ods"), replace={"content.xml": content})
    ws.export("truncated.xlsx").write_bytes(base.read_bytes()[:400])
    ws.export("empty.xlsx").write_bytes(b"")
    ws.export("page.xls").write_text(
        "<!DOCTYPE html><html><body><table><tr><td>x</td></tr></table></body></html>"
    )
    ws.export("nul.csv").write_bytes(b"Cluster;Service;Date\nC1;S1;01/01/2019\n\x00\x00\x00")
    encrypted = io.BytesIO()
    with base.open("rb") as plain:
        OOXMLFile(plain).encrypt("secret", encrypted)
    ws.export("protected.xlsx").write_bytes(encrypted.getvalue())
    return {
        "bomb-entities.xlsx": "XML entities",
        "external-entity.xlsx": "XML entities",
        "zip-bomb.xlsx": "zip bomb",
        "far-corner.xlsx": "cells",
        "far-corner-undeclared.xlsx": "ran out of memory",  # Rust aborts; we capture its words
        "blank-styled-rows.xlsx": "cells",
        "repeated-rows.ods": "cells",
        "truncated.xlsx": "corrupt",
        "empty.xlsx": "empty",
        "page.xls": "web page",
        "nul.csv": "NUL",
        "protected.xlsx": "encrypted",
    }


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (6 * 2**30, 6 * 2**30))


def test_hostile_files_cost_only_themselves(tmp_path) -> None:
    ws = build_workspace(tmp_path / "ws")
    write_xlsx(
        ws.export("good/an.xlsx"), [("Log", [HEADER_LOG, GOOD_ROW, ["C2", "S4", D(2019, 5, 5), 1]])]
    )
    write_csv(
        ws.export("good/bram.csv"), [HEADER_LOG, ["C3", "S1", "05/12/2019", 3]], delimiter=";"
    )
    expected = hostile_files(ws, tmp_path)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "clusterix_reports",
            "ingest",
            "--pipeline",
            str(ws.pipeline_file),
            "--quiet",
        ],
        preexec_fn=_limit_memory,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr
    for noise in ("memory allocation", "backtrace", "panicked", "Traceback"):
        assert noise not in done.stderr + done.stdout  # the readers' own words stay captured
    record = json.loads((ws.outputs / "data" / "ingest.json").read_text())
    files = {f["path"].removeprefix("exports/"): f for f in record["files"]}
    for name, words in expected.items():
        assert files[name]["status"] == "failed", (name, files[name])
        assert words in files[name]["reason"], (name, files[name]["reason"])
    log = pd.read_parquet(ws.outputs / "data" / "service_log.parquet")
    assert sorted(log["cluster_id"]) == ["C1", "C2", "C3"]  # every good row loaded
    for path in ws.outputs.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path


def test_a_file_that_takes_too_long_is_given_up_and_the_others_still_read(tmp_path) -> None:
    good = write_csv(tmp_path / "good.csv", [HEADER_LOG, ["C1", "S1", "05/12/2019"]], delimiter=";")
    slow = tmp_path / "slow.csv"  # 1,500,000 rows take seconds to parse: far beyond a 1 s limit
    slow.write_text("Cluster;Service;Date\n" + "C1;S1;05/12/2019\n" * 1_500_000)
    ctx = ParseContext(vocabulary(), D(2016, 4, 1), D(2021, 3, 31), {"c1": "C1"}, {"s1": "S1"})
    jobs = [
        Job(slow, "slow.csv", "0" * 64, ("service_log",)),
        Job(good, "good.csv", "1" * 64, ("service_log",)),
    ]
    results = dict(
        (job.relative, outcome)
        for job, outcome in parse_in_workers(jobs, ctx, Limits(seconds_per_file=1))
    )
    assert results["slow.csv"].record.status == "failed"
    assert "longer than 1 s" in results["slow.csv"].record.reason
    assert results["good.csv"].record.status == "read"


def _mutations(data: bytes, rng: random.Random, count: int) -> list[bytes]:
    out = []
    for _ in range(count):
        buffer = bytearray(data)
        for _ in range(rng.randint(1, 12)):
            choice = rng.random()
            position = rng.randrange(len(buffer))
            if choice < 0.5:
                buffer[position] = rng.randrange(256)
            elif choice < 0.8:
                del buffer[position : position + rng.randint(1, 64)]
            else:
                buffer[position:position] = rng.randbytes(rng.randint(1, 64))
        out.append(bytes(buffer))
    return out


def test_mutated_workbooks_end_in_a_recorded_outcome_never_a_crash(tmp_path) -> None:
    rng = random.Random(20191231)
    seeds = [
        write_xlsx(tmp_path / "seed.xlsx", [("Log", [HEADER_LOG, GOOD_ROW])]),
        write_ods(tmp_path / "seed.ods", [("Log", [HEADER_LOG, GOOD_ROW])]),
    ]
    jobs = []
    for seed in seeds:
        for i, data in enumerate(_mutations(seed.read_bytes(), rng, 30)):
            path = tmp_path / f"mutant-{i}{seed.suffix}"
            path.write_bytes(data)
            jobs.append(Job(path, path.name, "0" * 64, ("service_log", "intercluster_projects")))
    ctx = ParseContext(vocabulary(), D(2016, 4, 1), D(2021, 3, 31), {"c1": "C1"}, {"s1": "S1"})
    outcomes = list(parse_in_workers(jobs, ctx, Limits(seconds_per_file=30)))
    assert len(outcomes) == len(jobs)
    for _, outcome in outcomes:
        assert outcome.record.status in ("read", "failed")
        if outcome.record.status == "failed":
            assert outcome.record.reason


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=600) | st.text(max_size=600).map(lambda t: t.encode("utf-8", "replace")))
def test_random_csv_bytes_end_in_a_recorded_outcome(tmp_path, data) -> None:
    path = tmp_path / "random.csv"
    path.write_bytes(b"Cluster;Service;Date\n" + data)
    ctx = ParseContext(vocabulary(), D(2016, 4, 1), D(2021, 3, 31), {"c1": "C1"}, {"s1": "S1"})
    outcome = ingest_file(path, "random.csv", [vocabulary().tables["service_log"]], ctx)
    assert outcome.record.status in ("read", "failed")
    for sheet, _, table in outcome.tables:
        assert sheet.rows_read == len(table.loaded) + table.rejected["source_row"].nunique()


def test_the_pool_runs_this_process_s_own_steps_between_collecting_files(tmp_path) -> None:
    rows = [HEADER_LOG, ["C1", "S1", "05/12/2019"]]
    paths = [write_csv(tmp_path / f"log-{i}.csv", rows, delimiter=";") for i in range(3)]
    jobs = [Job(p, p.name, str(i) * 64, ("service_log",)) for i, p in enumerate(paths)]
    ctx = ParseContext(vocabulary(), D(2016, 4, 1), D(2021, 3, 31), {"c1": "C1"}, {"s1": "S1"})
    calls: list[object] = []
    outcomes = []
    with WorkerPool(Limits()) as pool:

        def until_a_file_is_back() -> None:  # a long step: a worker finishes meanwhile
            wait([slot.connection for slot in pool.slots], timeout=60)
            calls.append(len(outcomes))

        steps = [until_a_file_is_back, lambda: calls.append(len(outcomes)), lambda: calls.append(9)]
        for _, outcome in pool.parse(jobs, ctx, meanwhile=steps):
            outcomes.append(outcome)
        no_jobs = [lambda: calls.append("no jobs"), lambda: calls.append("still run")]
        assert list(pool.parse([], ctx, meanwhile=no_jobs)) == []
    # every step once, in order; the file that came back during the long step was collected
    # (and its worker given the next) before the next step ran
    assert len(calls) == 5 and calls[1] > calls[0]
    assert calls[2:] == [9, "no jobs", "still run"]
    assert [o.record.status for o in outcomes] == ["read"] * 3
