"""Ingest: every input file into checked tables; every row loaded, a duplicate, or rejected."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from clusterix_reports.errors import ReferenceDataError
from clusterix_reports.ingest.cache import FileCache
from clusterix_reports.ingest.combining import Combined, combine_table, file_totals
from clusterix_reports.ingest.dedupe import DUPLICATE_COLUMNS
from clusterix_reports.ingest.files import FileOutcome, FileRecord
from clusterix_reports.ingest.sniff import skip_reason
from clusterix_reports.ingest.tables import REJECTED_COLUMNS, ParseContext
from clusterix_reports.ingest.values import name_index
from clusterix_reports.ingest.vocabulary import TableSpec, vocabulary
from clusterix_reports.ingest.workers import UNCERTAIN, Job, WorkerPool
from clusterix_reports.inventory import (
    SAMPLE_MARKER,
    context_key,
    ingest_fingerprint,
    outputs_among_inputs,
    scan_inputs,
)
from clusterix_reports.pipeline import Pipeline

INGEST_SCHEMA_VERSION = 1
REFERENCE_ORDER = ("clusters", "services", "action_plan", "benchmark_scores")
REQUIRED_REFERENCE = ("clusters", "services")
EXPORT_TABLES = ("service_log", "intercluster_projects")
Progress = Callable[[str], None]


@dataclass
class IngestResult:
    """The loaded tables, the rejected rows, and the record of every file and sheet."""

    tables: dict[str, pd.DataFrame]
    rejected: pd.DataFrame
    duplicates: pd.DataFrame
    files: list[FileRecord]
    synthetic_sample: bool = False
    totals: dict[str, int] = field(default_factory=dict)
    fingerprint: str = ""
    files_reused: int = 0
    files_parsed: int = 0
    worker_peak_memory_mb: float = 0.0

    def datasets(self) -> dict[str, Any]:
        """What ingest writes, by catalogue name: the data tables and the ingest record."""
        return {
            **self.tables,
            "rejected_rows": self.rejected,
            "duplicate_rows": self.duplicates,
            "ingest_record": self.record(),
        }

    def record(self) -> dict[str, Any]:
        """The ingest.json record: files, sheets, counts and totals; paths relative to INPUTS."""
        by_reason = self.rejected["reason"].value_counts().sort_index()
        return {
            "schema_version": INGEST_SCHEMA_VERSION,
            "fingerprint": self.fingerprint,
            "synthetic_sample": self.synthetic_sample,
            "files": [asdict(f) for f in self.files],
            "totals": self.totals,
            "rejected_by_reason": {str(k): int(n) for k, n in by_reason.items()},
        }


def _reference_table(relative: str) -> TableSpec | None:
    """The reference table kind a file under reference/ holds, by its name (clusters.xlsx...)."""
    stem = Path(relative).stem.lower()
    for spec in vocabulary().tables.values():
        if spec.source.startswith("reference/") and spec.source.split("/", 1)[1] == stem:
            return spec
    return None


@dataclass
class Reference:
    """The reference tables read so far, and the parse context they give the exports."""

    ctx: ParseContext
    outcomes: dict[str, list[FileOutcome]]
    records: list[FileRecord]


def parse_files(
    jobs: list[Job],
    ctx: ParseContext,
    pool: WorkerPool,
    cache: FileCache,
    progress: Progress | None,
    meanwhile: Iterable[Callable[[], None]] = (),
) -> dict[str, FileOutcome]:
    """Each job's outcome by relative path: from the cache when unchanged, else parsed in a
    worker (`meanwhile`: this process's own work in steps, done while the workers parse).

    The cached outcomes are loaded while the workers parse the files that changed; a file
    whose entry proves damaged is parsed after them.
    """
    outcomes: dict[str, FileOutcome] = {}
    unread: list[Job] = []

    def from_cache(job: Job) -> None:
        cached = cache.get(job.relative, job.sha256)
        if cached is None:
            unread.append(job)
            return
        outcomes[job.relative] = cached
        if progress is not None:
            progress(job.relative)

    kept = [job for job in jobs if cache.holds(job.relative, job.sha256)]
    held = {job.relative for job in kept}
    changed = [job for job in jobs if job.relative not in held]
    cache.misses += len(changed)
    loads = [functools.partial(from_cache, job) for job in kept]
    for batch, steps in ((changed, [*loads, *meanwhile]), (unread, [])):
        for job, outcome in pool.parse(batch, ctx, steps):
            outcomes[job.relative] = outcome
            if not outcome.record.reason.startswith(UNCERTAIN):
                cache.put(job.relative, job.sha256, outcome)
            if progress is not None:
                progress(job.relative)
    return outcomes


def _unread_records(
    inputs: Path, outputs: Path, unusable: list[tuple[str, str, str]]
) -> list[FileRecord]:
    """What is listed but never read: entries that are not readable files, and the outputs
    folder where it lies among the inputs."""
    inside = outputs_among_inputs(inputs, outputs)
    odd = [FileRecord(r, "", status, why) for r, status, why in unusable]
    if inside is None:
        return odd
    reason = "the outputs folder of this run: what the program writes is never read as an input"
    return [*odd, FileRecord(inside, "", "skipped", reason)]


def _skipped(files: list[tuple[Path, str, str]], known: Callable[[str], bool]) -> list[FileRecord]:
    records = []
    for path, relative, sha in files:
        reason = skip_reason(Path(relative), path)
        if reason is None and not known(relative):
            reason = "not a reference file this program knows (clusters, services, action-plan, benchmark)"
        if reason is not None:
            records.append(FileRecord(relative, sha, "skipped", reason))
    return records


def _reference_jobs(files: list[tuple[Path, str, str]], kinds: tuple[str, ...]) -> list[Job]:
    """A job for each file under reference/ that holds one of these table kinds."""
    return [
        Job(p, r, sha, (spec.name,))
        for p, r, sha in files
        if r.startswith("reference/")
        and skip_reason(Path(r), p) is None
        and (spec := _reference_table(r)) is not None
        and spec.name in kinds
    ]


def _export_jobs(files: list[tuple[Path, str, str]]) -> list[Job]:
    """A job for each account manager's export that is not skipped (lock files, documents)."""
    return [Job(p, r, sha, EXPORT_TABLES) for p, r, sha in files if skip_reason(Path(r), p) is None]


def _by_table(jobs: list[Job], parsed: dict[str, FileOutcome]) -> dict[str, list[FileOutcome]]:
    """The outcomes of the jobs under every table kind they were read for, in job order."""
    outcomes: dict[str, list[FileOutcome]] = {name: [] for name in vocabulary().tables}
    for job in jobs:
        for name in job.tables:
            outcomes[name].append(parsed[job.relative])
    return outcomes


def _first_rows(outcomes: list[FileOutcome], table: str, columns: list[str]) -> list[list[Any]]:
    """The columns of the first loaded row of each id (the first column), in source order:
    the rows `combine` keeps, a later row with an id already seen being a repeat or a
    rejected duplicate_id. Plain lists, without combining the tables (for the name indexes,
    which the exports wait for)."""
    seen: set[Any] = set()
    rows = []
    for outcome in outcomes:
        for _, name, sheet in outcome.tables:
            if name != table:
                continue
            for row in zip(*(sheet.loaded[c].tolist() for c in columns), strict=True):
                if row[0] not in seen:
                    seen.add(row[0])
                    rows.append(row)
    return [list(column) for column in zip(*rows, strict=True)] or [[] for _ in columns]


def read_reference(
    pipeline: Pipeline,
    files: list[tuple[Path, str, str]],
    pool: WorkerPool,
    cache: FileCache | None = None,
    progress: Progress | None = None,
    kinds: tuple[str, ...] = REFERENCE_ORDER,
) -> Reference:
    """Read the reference tables of these kinds (all by default); build the name indexes.

    The name indexes come from the registry (clusters) and the catalogue (services), so
    `kinds` must include them for the exports to be read afterwards.
    """
    cache = cache or FileCache(None, "")
    ctx = ParseContext(vocabulary(), pipeline.programme.start, pipeline.programme.end)
    reference = [f for f in files if f[1].startswith("reference/")]
    jobs = _reference_jobs(reference, kinds)
    parsed = parse_files(jobs, ctx, pool, cache, progress)
    outcomes = _by_table(jobs, parsed)
    ids, names, aliases, managers, name_en, name_nl = _first_rows(
        outcomes["clusters"],
        "clusters",
        ["cluster_id", "name", "aliases", "account_manager", "name_en", "name_nl"],
    )
    ctx.clusters = name_index(ids, names, aliases, name_en, name_nl)
    ctx.cluster_managers = {c: m for c, m in zip(ids, managers, strict=True) if isinstance(m, str)}
    ctx.services = name_index(
        *_first_rows(
            outcomes["services"],
            "services",
            ["service_id", "name", "aliases", "name_en", "name_nl"],
        )
    )
    records = [parsed[job.relative].record for job in jobs]
    records += _skipped(reference, lambda r: _reference_table(r) is not None)
    return Reference(ctx, outcomes, records)


def read_exports(
    files: list[tuple[Path, str, str]],
    reference: Reference,
    pool: WorkerPool,
    cache: FileCache | None = None,
    progress: Progress | None = None,
    also: list[Job] | None = None,
    meanwhile: Iterable[Callable[[], None]] = (),
) -> tuple[dict[str, list[FileOutcome]], list[FileRecord]]:
    """Read account managers' exports (service logs, intercluster projects).

    `also`: more jobs read in the same batch, in the reference's context (reference tables
    that need no names), so that every core stays busy. `meanwhile`: this process's own
    work in steps, done while the workers read (see `WorkerPool.parse`).
    """
    cache = cache or FileCache(None, "")
    jobs = [*(also or []), *_export_jobs(files)]
    parsed = parse_files(jobs, reference.ctx, pool, cache, progress, meanwhile)
    records = [parsed[job.relative].record for job in jobs] + _skipped(files, lambda r: True)
    return _by_table(jobs, parsed), records


def ingest(
    pipeline: Pipeline,
    cache_dir: Path | None = None,
    outputs: Path | None = None,
    progress: Progress | None = None,
    meanwhile: Sequence[Callable[[], None]] = (),
) -> IngestResult:
    """Read every input file of the pipeline's inputs folder into checked tables.

    With `cache_dir`, a file whose bytes and parse context are unchanged since an earlier
    run is taken from the cache instead of being read again. `meanwhile`: the caller's own
    work in small steps, done while the workers read the exports.
    """
    inputs = pipeline.inputs
    if not inputs.is_dir():
        raise ReferenceDataError(f"{inputs}: the inputs folder does not exist.")
    outputs = outputs or pipeline.outputs
    files, unusable = scan_inputs(inputs, outputs)
    cache = FileCache(cache_dir, context_key(pipeline, files))
    exports = [f for f in files if f[1].startswith("exports/")]
    named = REQUIRED_REFERENCE  # the registry and the catalogue: the exports need their names
    with WorkerPool(pipeline.limits) as pool:
        reference = read_reference(pipeline, files, pool, cache, progress, kinds=named)
        unnamed = tuple(k for k in REFERENCE_ORDER if k not in named)
        later = _reference_jobs(files, unnamed)  # the action plan and the benchmark
        combined: dict[str, Combined] = {}

        def combine_named(name: str) -> None:  # complete already; the first combining is slowest
            combined[name] = combine_table(name, reference.outcomes[name])

        steps = [functools.partial(combine_named, name) for name in named]
        export_outcomes, export_records = read_exports(
            exports, reference, pool, cache, progress, also=later, meanwhile=[*steps, *meanwhile]
        )
    outcomes = {
        name: reference.outcomes[name] + export_outcomes[name] for name in vocabulary().tables
    }
    records = [*reference.records, *export_records, *_unread_records(inputs, outputs, unusable)]
    synthetic = (inputs / SAMPLE_MARKER).is_file()
    result = combine(outcomes, records, synthetic=synthetic, combined=combined)
    result.files_reused, result.files_parsed = cache.hits, cache.misses
    everything = [o for group in outcomes.values() for o in group]
    result.worker_peak_memory_mb = max((o.peak_memory_mb for o in everything), default=0.0)
    result.fingerprint = ingest_fingerprint(pipeline, files)
    require_reference(result)
    return result


def combine(
    outcomes: dict[str, list[FileOutcome]],
    records: list[FileRecord],
    synthetic: bool = False,
    combined: dict[str, Combined] | None = None,
) -> IngestResult:
    """Every table kind across files: duplicates set aside, counts and totals recorded.

    `combined`: table kinds already combined from these same outcomes.
    """
    tables: dict[str, pd.DataFrame] = {}
    rejected_parts, duplicate_parts = [], []
    for name in vocabulary().tables:
        done = (combined or {}).get(name)
        tables[name], rejected, duplicates = done or combine_table(name, outcomes.get(name, []))
        rejected_parts.append(rejected)
        duplicate_parts.append(duplicates)
    rejected_all = pd.concat(
        [r for r in rejected_parts if len(r)] or [pd.DataFrame(columns=[*REJECTED_COLUMNS])]
    )
    records = sorted(records, key=lambda r: r.path)
    result = IngestResult(
        tables=tables,
        rejected=rejected_all.reset_index(drop=True),
        duplicates=pd.concat(
            [d for d in duplicate_parts if len(d)] or [pd.DataFrame(columns=[*DUPLICATE_COLUMNS])],
            ignore_index=True,
        ),
        files=records,
        synthetic_sample=synthetic,
    )
    result.totals = file_totals(records)
    return result


def require_reference(result: IngestResult) -> None:
    """Stop with exit 2 when the registry or the catalogue is missing or holds no usable row."""
    specs = vocabulary().tables
    for name in REQUIRED_REFERENCE:
        source = specs[name].source
        if result.tables[name].empty:
            files = [f for f in result.files if _reference_table(f.path) == specs[name]]
            if not files:
                raise ReferenceDataError(
                    f"{source}.*: the {specs[name].label} is missing; put it in the inputs "
                    "folder as xlsx, xls, ods or csv."
                )
            first = files[0]
            recognised = [s for s in first.sheets if s.table == name and s.status == "read"]
            if recognised and not sum(s.rows_read for s in recognised):
                raise ReferenceDataError(
                    f"{first.path}: the {specs[name].label} holds no row yet; fill it in under "
                    "its headers (docs/input-contract.md)."
                )
            why = first.reason or next(
                (f"sheet {s.name}: {s.reason}" for s in first.sheets if s.reason),
                "no row could be loaded",
            )
            raise ReferenceDataError(f"{first.path}: the {specs[name].label} is unusable ({why}).")
