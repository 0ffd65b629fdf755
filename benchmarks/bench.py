"""Benchmarks: ingest against the raw reader, peak memory, a full run and a rerun, PDF speed.

Beside the ingest and the run of four quarters it prints the processor time they used and
the best ratio the machine's cores would allow with every core busy throughout.

    python benchmarks/bench.py            # the whole suite (generates its data once, ~1 GB of time)
    python benchmarks/bench.py --quick    # smaller data, for a first look

Every figure of one invocation is measured in the same run, on the same machine, so the
ratios can be compared even on a shared, noisy machine. Generated data is kept in
benchmarks/.data/ (ignored by git) and reused.
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / ".data"
SAMPLE = ROOT / "inputs"
SEED = 8
ROUNDS = 7  # full runs and WeasyPrint alone, alternated
HEADER = [
    "Clusterorganisatie",
    "Type dienst",
    "Datum activiteit",
    "Aantal deelnemers",
    "Aantal uren",
    "Kost (EUR)",
    "Accountmanager",
    "Opmerkingen",
    "Telefoon",
    "E-mail",
    "Project",
    "Regio",
]


HEADER_EN = [
    "Cluster",
    "Service",
    "Date",
    "Participants",
    "Hours",
    "Cost (EUR)",
    "Account manager",
    "Notes",
    "Phone",
    "E-mail",
    "Project",
    "Region",
]
TEXT_DATES = ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d.%m.%Y")  # as account managers type them


def generate(name: str, files: int, rows: int, messy: bool = False) -> Path:
    """A seeded export set: `files` workbooks of `rows` 12-column rows, beside the sample's
    reference data. `messy`: as account managers make them: Dutch or English headers under
    a title, one date in five typed as text (in several forms), one cost in five as Belgian
    text ("1.234,50"), a blank row now and then, notes."""
    import xlsxwriter

    folder = DATA / name
    marker = folder / "complete"
    if marker.exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(SAMPLE / "reference", folder / "reference")
    clusters = [
        "Polder Energy Cluster",
        "Kempen Food Valley",
        "SC02",
        "Demer Drones",
        "IBN07",
        "Dijle Health Hub",
    ]
    services = ["Accountmanagement", "Lerend platform", "MATCH", "ICM", "Coaching businessmodel"]
    rng = random.Random(SEED)
    start = dt.date(2017, 1, 1)
    for f in range(files):
        path = folder / "exports" / f"manager-{f % 6}" / f"export-{f:03d}.xlsx"
        path.parent.mkdir(parents=True, exist_ok=True)
        book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
        sheet = book.add_worksheet("Log")
        dates = book.add_format({"num_format": "dd/mm/yyyy"})
        top = 0
        if messy:
            sheet.write(0, 0, f"Dienstverlening aan clusters: export van accountmanager {f % 6}")
            top = 2  # the title, then a blank row
        sheet.write_row(top, 0, HEADER_EN if messy and f % 2 else HEADER)
        r = top
        for _ in range(rows):
            r += 1
            if messy and rng.random() < 0.02:
                r += 1  # a blank row
            day = start + dt.timedelta(days=rng.randrange(1400))
            cost = round(rng.uniform(0, 3000), 2)
            sheet.write(r, 0, rng.choice(clusters))
            sheet.write(r, 1, rng.choice(services))
            if messy and rng.random() < 0.2:
                sheet.write_string(r, 2, day.strftime(rng.choice(TEXT_DATES)))
            else:
                sheet.write_datetime(r, 2, dt.datetime.combine(day, dt.time()), dates)
            sheet.write_number(r, 3, rng.randrange(40))
            sheet.write_number(r, 4, rng.choice([1, 1.5, 2, 4]))
            if messy and rng.random() < 0.2:
                belgian = f"{cost:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
                sheet.write_string(r, 5, belgian)
            else:
                sheet.write_number(r, 5, cost)
            sheet.write(r, 6, f"Manager {f % 6}")
            sheet.write(r, 7, rng.choice(["", "Kick-off", "Opvolging", "Workshop"]))
            sheet.write(r, 8, f"+32 2 {rng.randrange(10**6):06d}")
            sheet.write(r, 9, f"contact{r}@example.invalid")
            sheet.write(r, 10, f"P-{rng.randrange(500)}")
            sheet.write(r, 11, rng.choice(["Antwerpen", "Gent", "Leuven", "Hasselt", "Brugge"]))
        book.close()
    marker.write_text("ok")
    return folder


def raw_reader_seconds(folder: Path) -> tuple[float, int]:
    """python-calamine alone, one thread, no checks: every sheet of every export to Python rows."""
    from python_calamine import CalamineWorkbook

    started, rows = time.perf_counter(), 0
    for path in sorted((folder / "exports").rglob("*.xlsx")):
        book = CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            rows += len(book.get_sheet_by_name(name).to_python()) - 1
    return time.perf_counter() - started, rows


def fastexcel_seconds(folder: Path) -> tuple[float, int]:
    """fastexcel alone, one thread, no checks: every sheet of every export to Arrow."""
    import fastexcel

    started, rows = time.perf_counter(), 0
    for path in sorted((folder / "exports").rglob("*.xlsx")):
        reader = fastexcel.read_excel(str(path))
        for name in reader.sheet_names:
            rows += reader.load_sheet(name).to_arrow().num_rows
    return time.perf_counter() - started, rows


def measure_ingest(folder: Path) -> dict:
    """Run the ingest step in a fresh process; wall time, rows, peak memory of it and its workers."""
    with tempfile.TemporaryDirectory() as out:
        pipeline = Path(out) / "p.toml"
        text = (
            (ROOT / "pipelines" / "quarterly.toml")
            .read_text()
            .replace('inputs = "../inputs"', f'inputs = "{folder}"')
        )
        pipeline.write_text(text)
        code = (
            "import json, os, resource, sys, time\n"
            "from pathlib import Path\n"
            "from clusterix_reports.pipeline import load_pipeline\n"
            "from clusterix_reports import catalog\n"
            "from clusterix_reports.ingest import ingest\n"
            "p = load_pipeline(Path(sys.argv[1]))\n"
            "cpu0 = sum(os.times()[:4]); t = time.perf_counter(); r = ingest(p)\n"
            "for name, data in r.datasets().items(): catalog.save(p.outputs, name, data)\n"
            "s = time.perf_counter() - t\n"
            "me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
            "cpu = sum(os.times()[:4]) - cpu0\n"
            "print(json.dumps({'seconds': s, 'rows': r.totals['rows_loaded'], 'parent_mb': me,\n"
            "                  'worker_mb': r.worker_peak_memory_mb, 'cpu': cpu}))\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", code, str(pipeline)],
            capture_output=True,
            text=True,
            cwd=out,
            check=True,
        )
        return json.loads(done.stdout.strip().splitlines()[-1])


ISOLATION = """
import json, sys, time
from pathlib import Path
from clusterix_reports.ingest.files import ingest_file
from clusterix_reports.ingest.vocabulary import vocabulary
from clusterix_reports.ingest.workers import Job, WorkerPool
from clusterix_reports.limits import Limits
if __name__ == "__main__":
    from clusterix_reports.ingest import read_reference
    from clusterix_reports.inventory import input_files
    from clusterix_reports.pipeline import load_pipeline
    from clusterix_reports.resources import default_pipeline_file

    pipeline = load_pipeline(default_pipeline_file(), inputs=Path(sys.argv[1]))
    with WorkerPool(pipeline.limits) as pool:
        ctx = read_reference(pipeline, input_files(pipeline.inputs), pool).ctx
    files = sorted(Path(sys.argv[1]).glob("exports/**/*.xlsx"))
    specs = [vocabulary().tables[n] for n in ("service_log", "intercluster_projects")]
    started = time.perf_counter()
    for path in files:
        ingest_file(path, path.name, specs, ctx)
    inline = time.perf_counter() - started
    jobs = [Job(p, p.name, "0", ("service_log", "intercluster_projects")) for p in files]
    started = time.perf_counter()
    with WorkerPool(Limits(), size=1) as pool:
        list(pool.parse(jobs, ctx))
    isolated = time.perf_counter() - started
    print(json.dumps({"inline": inline, "isolated": isolated}))
"""


def isolation_cost(folder: Path) -> dict:
    """The same files parsed in this process, then in one isolated worker process (start-up included)."""
    done = subprocess.run(
        [sys.executable, "-c", ISOLATION, str(folder)], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def one_changed_rerun(folder: Path) -> dict:
    """A full ingest of a copy of `folder`, then the ingest step of a rerun after one of its
    exports changed (its last row's cost), each in a fresh process, as `run` times it; full
    ingests and reruns alternated, three of each (every rerun from the same outputs), and
    the best of each kept, for the machine is shared."""
    import openpyxl

    with tempfile.TemporaryDirectory() as work:
        inputs, outputs = Path(work) / "inputs", Path(work) / "outputs"
        shutil.copytree(folder, inputs, ignore=shutil.ignore_patterns("complete"))
        command = [sys.executable, "-m", "clusterix_reports", "ingest", "--quiet"]
        command += ["--inputs", str(inputs), "--outputs", str(outputs)]
        subprocess.run([*command, "--force"], check=True)
        kept = Path(work) / "kept"
        shutil.copytree(outputs, kept)
        changed = sorted((inputs / "exports").rglob("*.xlsx"))[0]
        book = openpyxl.load_workbook(changed)
        sheet = book.active
        sheet.cell(sheet.max_row, 6).value = 1.0
        book.save(changed)
        full, one = [], []
        for _ in range(3):
            shutil.rmtree(outputs)
            shutil.copytree(kept, outputs)
            started = time.perf_counter()
            subprocess.run(command, check=True)
            one.append(time.perf_counter() - started)
            shutil.rmtree(outputs)
            started = time.perf_counter()
            subprocess.run([*command, "--force"], check=True)
            full.append(time.perf_counter() - started)
        ratios = [o / f for o, f in zip(one, full, strict=True)]
        return {"all": min(full), "one": min(one), "ratios": ratios}


QUARTERS = ("2020Q1", "2020Q2", "2020Q3", "2020Q4")


def quarters_together_and_apart() -> dict:
    """Four quarterly reports of the sample: one command with four --period, then four
    commands of one period each, every command into a fresh outputs folder."""
    base = [sys.executable, "-m", "clusterix_reports", "run", "--quiet"]
    with tempfile.TemporaryDirectory() as out:
        started, cpu = time.perf_counter(), children_cpu_seconds()
        periods = [a for q in QUARTERS for a in ("--period", q)]
        subprocess.run([*base, "--outputs", f"{out}/together", *periods], check=True)
        together = time.perf_counter() - started
        together_cpu = children_cpu_seconds() - cpu
        started, cpu = time.perf_counter(), children_cpu_seconds()
        for quarter in QUARTERS:
            subprocess.run(
                [*base, "--outputs", f"{out}/{quarter}", "--period", quarter], check=True
            )
        return {
            "together": together,
            "apart": time.perf_counter() - started,
            "together_cpu": together_cpu,
            "apart_cpu": children_cpu_seconds() - cpu,
        }


def children_cpu_seconds() -> float:
    """The processor time (user and system) of every child process this one has waited for,
    their own children included."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def full_run_round() -> dict:
    """A full run on the shipped sample into a fresh folder (split by step), a rerun with
    nothing changed, then WeasyPrint alone on that run's final HTML: called as anyone would,
    and with the cycle collector off, as the run lays out."""
    with tempfile.TemporaryDirectory() as out:
        command = [sys.executable, "-m", "clusterix_reports", "run", "--outputs", out, "--quiet"]
        started = time.perf_counter()
        subprocess.run([*command, "--force"], check=True)
        full = time.perf_counter() - started
        record = json.loads(next(Path(out).glob("reports/*/run.json")).read_text())
        started = time.perf_counter()
        subprocess.run(command, check=True)
        rerun = time.perf_counter() - started
        period = record["period"]["id"]
        return {
            "full": full,
            "rerun": rerun,
            "steps": {s["name"]: s["seconds"] for s in record["steps"]},
            "pages": record["steps"][-1]["rows_out"],
            "alone": weasyprint_alone_seconds(out, period),
            "alone_collector_off": weasyprint_alone_seconds(out, period, collector=False),
        }


def weasyprint_alone() -> str:
    """A script timing WeasyPrint alone on the report's final HTML: layout and writing apart."""
    code = (
        "import gc, json, sys, time\n"
        "from pathlib import Path\n"
        "from clusterix_reports.pipeline import load_pipeline\n"
        "from clusterix_reports.resources import default_pipeline_file, templates_dir\n"
        "from clusterix_reports.render import pdf as p\n"
        "from clusterix_reports.render.context import build_context\n"
        "from clusterix_reports.render.messages import load_messages\n"
        "from clusterix_reports import catalog\n"
        "from clusterix_reports.periods import resolve_periods\n"
        "from clusterix_reports.report.model import report_model\n"
        "from clusterix_reports.runner.steps import RENDER_INPUTS\n"
        "pipe = load_pipeline(default_pipeline_file(), outputs=Path(sys.argv[1]))\n"
        "tpl = templates_dir(pipe); t = load_messages(tpl, pipe.language)\n"
        "(period,) = resolve_periods(pipe, [sys.argv[2]], None)\n"
        "data = {n: catalog.load(pipe.outputs, n, period.id) for n in RENDER_INPUTS}\n"
        "ctx = build_context(report_model(data, period, pipe), pipe, t)\n"
        "html = p.render_html(tpl, {**ctx, 'edition': 'pdf'})\n"
        "import tempfile\n"
        "from weasyprint import HTML\n"
        "sys.argv[3] == 'off' and gc.disable()\n"
        "with tempfile.TemporaryDirectory() as d:\n"
        "    for n, c in ctx['charts'].items():\n"
        "        c and (Path(d) / f'{n}.svg').write_text(c['svg'])\n"
        "    a = time.perf_counter(); doc = HTML(string=html, base_url=Path(d).as_uri() + '/').render(); b = time.perf_counter()\n"
        "    doc.write_pdf(pdf_variant=p.PDF_VARIANT); c = time.perf_counter()\n"
        "svg = sum(len(c['svg']) for c in ctx['charts'].values() if c)\n"
        "print(json.dumps({'layout': b - a, 'write': c - b, 'svg_kb': svg / 1024, 'pages': len(doc.pages)}))\n"
    )
    return code


def weasyprint_alone_seconds(outputs: str, period: str, collector: bool = True) -> dict:
    """WeasyPrint alone on the final HTML of the run in `outputs`: layout and write apart."""
    done = subprocess.run(
        [sys.executable, "-c", weasyprint_alone(), outputs, period, "on" if collector else "off"],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


SPIN = (
    "import time\nt = time.perf_counter()\nx = 0\nfor i in range(15_000_000): x += i\n"
    "print(time.perf_counter() - t)"
)


def core_scaling() -> float:
    """How much longer each of two CPU-bound processes side by side takes than one alone
    (1.0: the two cores are independent). Ingest against fastexcel sets both cores against
    one thread, so its ratio moves with this. Three rounds alternated, medians compared."""

    def spins(count: int) -> list[float]:
        started = [
            subprocess.Popen([sys.executable, "-c", SPIN], stdout=subprocess.PIPE, text=True)
            for _ in range(count)
        ]
        return [float(p.communicate()[0]) for p in started]

    alone, pairs = [], []
    for _ in range(3):
        alone.append(spins(1)[0])
        pairs.append(max(spins(2)))
    return statistics.median(pairs) / statistics.median(alone)


def byte_compile_package() -> None:
    """The package's modules compiled to bytecode first, as `pip install` leaves them and as
    any machine does on a first run: where Python may not write its cache (this one sets
    PYTHONDONTWRITEBYTECODE), every command measured would otherwise compile its own modules
    again, 0.06 s of an ingest and 0.1 s of a run that users never pay."""
    compileall.compile_dir(ROOT / "src" / "clusterix_reports", quiet=1)


def main() -> None:
    """Run every benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="1, 4 and 10 x 20,000 rows instead of 5, 24 and 50"
    )
    args = parser.parse_args()
    counts = (1, 4, 10) if args.quick else (5, 24, 50)
    sizes = [  # typed, and messy as account managers make them (see generate)
        (f"{kind}{name}", files, 20_000, kind == "messy-")
        for kind in ("", "messy-")
        for name, files in zip(("small", "large", "million"), counts, strict=True)
    ]
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
        f"; two CPU-bound processes side by side each take {core_scaling():.2f} x as long as"
        " one alone (1.00: independent cores)"
    )
    byte_compile_package()
    results = {}
    for name, files, rows, messy in sizes:
        folder = generate(f"{name}-{files}x{rows}", files, rows, messy)
        raw_s, raw_rows, arrow_s, ours = float("inf"), 0, float("inf"), None
        for _ in range(2):  # alternate, and keep the best of each: the machine is shared and noisy
            seconds, raw_rows = raw_reader_seconds(folder)
            raw_s = min(raw_s, seconds)
            arrow_s = min(arrow_s, fastexcel_seconds(folder)[0])
            attempt = measure_ingest(folder)
            if ours is None or attempt["seconds"] < ours["seconds"]:
                ours = attempt
        results[name] = (raw_rows, raw_s, ours)
        ours_rate = ours["rows"] / ours["seconds"]
        kind = "messy" if messy else "typed"
        print(f"{kind}: {files} workbooks x {rows:,} rows ({raw_rows:,} rows):")
        print(f"  raw reader alone (python-calamine, 1 thread): {raw_rows / raw_s:,.0f} rows/s")
        print(
            f"  ingest (checked, parsed, deduplicated, Parquet): {ours_rate:,.0f} rows/s"
            f"  ratio {ours_rate / (raw_rows / raw_s):.2f}"
        )
        print(
            f"  (fastexcel alone, to Arrow, 1 thread: {raw_rows / arrow_s:,.0f} rows/s;"
            f" ingest / fastexcel {ours_rate / (raw_rows / arrow_s):.2f})"
        )
        print(
            f"  peak memory: main process {ours['parent_mb']:,.0f} MB, largest worker {ours['worker_mb']:,.0f} MB"
        )
        cores = os.cpu_count() or 1  # ingest reads on a worker per core
        print(
            f"  processor time of the ingest, all its processes: {ours['cpu']:.2f} s; on {cores}"
            f" cores it takes at least 1/{cores} of that: ingest / fastexcel at most"
            f" {arrow_s / (ours['cpu'] / cores):.2f}"
        )
    cost = isolation_cost(DATA / f"large-{counts[1]}x20000")
    print(
        f"isolation: parsing in one worker process instead of in-process costs "
        f"{100 * (cost['isolated'] / cost['inline'] - 1):+.1f} % ({cost['inline']:.2f} s -> {cost['isolated']:.2f} s)"
    )
    for kind in ("", "messy-"):
        (r2, _, o2) = results[f"{kind}million"]
        for smaller in ("small", "large"):
            (r1, _, o1) = results[f"{kind}{smaller}"]
            print(
                f"ingest throughput ({kind.rstrip('-') or 'typed'}), {r2:,} rows against "
                f"{r1:,} rows: {(o2['rows'] / o2['seconds']) / (o1['rows'] / o1['seconds']):.2f}"
                " (1.00 = linear time)"
            )
    rerun = one_changed_rerun(DATA / f"million-{counts[2]}x20000")
    print(
        f"rerun after one changed export of {counts[2]}: its ingest step {rerun['one']:.2f} s = "
        f"{rerun['one'] / rerun['all']:.2f} of a full ingest ({rerun['all']:.2f} s; best of "
        f"three each; round by round {', '.join(f'{r:.2f}' for r in sorted(rerun['ratios']))}; "
        "target <= 0.2)"
    )
    quarters = [quarters_together_and_apart() for _ in range(3)]
    ratios = sorted(q["together"] / q["apart"] for q in quarters)
    best_q = min(quarters, key=lambda q: q["together"] / q["apart"])
    print(
        f"four quarterly reports in one command: {best_q['together']:.2f} s against "
        f"{best_q['apart']:.2f} s in four commands; ratio {', '.join(f'{r:.2f}' for r in ratios)} "
        "(target <= 0.5)"
    )
    cores = min(2, os.cpu_count() or 1)  # a run of several periods lays out in two processes
    floors = sorted(q["together_cpu"] / cores / q["apart"] for q in quarters)
    print(
        f"  processor time: {best_q['together_cpu']:.2f} s in one command, "
        f"{best_q['apart_cpu']:.2f} s in four; one command takes at least 1/{cores} of its "
        f"processor time on {cores} cores: ratio at least {', '.join(f'{f:.2f}' for f in floors)}"
    )
    rounds = [full_run_round() for _ in range(ROUNDS)]  # the best of each kept: noisy machine
    run = min(rounds, key=lambda r: r["full"])

    def best(key: str) -> dict:
        return min((r[key] for r in rounds), key=lambda a: a["layout"] + a["write"])

    alone, quiet = best("alone"), best("alone_collector_off")
    steps = ", ".join(f"{k} {v:.2f} s" for k, v in run["steps"].items())
    print(f"full run on the sample (best of {ROUNDS}): {run['full']:.2f} s ({steps})")
    print(
        f"rerun with nothing changed: {run['rerun']:.2f} s = {run['rerun'] / run['full']:.3f} of a full run"
    )
    print(
        f"PDF: {run['pages']} pages, {run['pages'] / run['steps']['render']:.2f} pages/s in the render step"
    )
    weasy = alone["layout"] + alone["write"]
    print(
        f"WeasyPrint alone on the final HTML (best of {ROUNDS}): layout {alone['layout']:.2f} s, "
        f"write {alone['write']:.2f} s (charts: {alone['svg_kb']:,.0f} KB of SVG)"
    )
    print(f"full run / WeasyPrint alone: {run['full'] / weasy:.2f} (target <= 1.5)")
    ratios = sorted(r["full"] / (r["alone"]["layout"] + r["alone"]["write"]) for r in rounds)
    print(
        f"  each round's full run / its WeasyPrint alone: {', '.join(f'{x:.2f}' for x in ratios)}"
    )
    off = quiet["layout"] + quiet["write"]
    print(
        f"  WeasyPrint alone with the cycle collector off, as the run lays out: {off:.2f} s;"
        f" full run / that: {run['full'] / off:.2f}"
    )


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    main()
