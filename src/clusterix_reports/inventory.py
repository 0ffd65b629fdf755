"""The input files of a run and their fingerprint: cheap to compute, no table libraries needed."""

from __future__ import annotations

import hashlib
from pathlib import Path

from clusterix_reports.pipeline import Pipeline
from clusterix_reports.record import code_fingerprint, fingerprint

SAMPLE_MARKER = "SYNTHETIC-SAMPLE.md"
VOCABULARY_FILE = Path(__file__).resolve().parent / "vocabulary.toml"


def sha256_of(path: Path) -> str:
    """The sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def input_files(inputs: Path, outputs: Path | None = None) -> list[tuple[Path, str, str]]:
    """Every file under reference/ and exports/: (path, path relative to INPUTS, sha256), sorted;
    none inside `outputs`, whose files this program wrote and never reads back as inputs."""
    found = []
    for folder in ("reference", "exports"):
        root = inputs / folder
        if root.is_dir():
            found += [p for p in root.rglob("*") if p.is_file()]
    inside = outputs_among_inputs(inputs, outputs)
    if inside is not None:
        found = [p for p in found if not p.relative_to(inputs).as_posix().startswith(inside)]
    named = sorted((p.relative_to(inputs).as_posix(), p) for p in found)
    return [(p, relative, sha256_of(p)) for relative, p in named]


def outputs_among_inputs(inputs: Path, outputs: Path | None) -> str | None:
    """The outputs folder as a path relative to INPUTS ending in "/" when it lies under
    reference/ or exports/ (where inputs are read), else None."""
    if outputs is None:
        return None
    try:
        relative = outputs.resolve().relative_to(inputs.resolve()).as_posix()
    except ValueError:
        return None
    if relative.split("/")[0] not in ("reference", "exports"):
        return None
    return relative.rstrip("/") + "/"


def context_key(pipeline: Pipeline, files: list[tuple[Path, str, str]]) -> str:
    """What parsing an export depends on besides its bytes: the reference files, the programme dates."""
    reference = [(r, sha) for _, r, sha in files if r.startswith("reference/")]
    vocabulary = hashlib.sha256(VOCABULARY_FILE.read_bytes()).hexdigest()
    return fingerprint(reference, pipeline.programme.start, pipeline.programme.end, vocabulary)


def ingest_fingerprint(pipeline: Pipeline, files: list[tuple[Path, str, str]]) -> str:
    """Everything ingest reads: the input files' paths and bytes, the programme dates, the code."""
    return fingerprint(
        code_fingerprint(),
        context_key(pipeline, files),
        [(r, sha) for _, r, sha in files],
        (pipeline.inputs / SAMPLE_MARKER).is_file(),
    )
