"""The input files of a run and their fingerprint: cheap to compute, no table libraries needed."""

from __future__ import annotations

import hashlib
import os
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
    """Every readable file under reference/ and exports/: (path, path relative to INPUTS,
    sha256), sorted; none inside `outputs`, whose files this program wrote and never reads
    back as inputs."""
    return scan_inputs(inputs, outputs)[0]


def scan_inputs(
    inputs: Path, outputs: Path | None = None
) -> tuple[list[tuple[Path, str, str]], list[tuple[str, str, str]]]:
    """The readable files (as `input_files` gives them) and, in one walk, what lies among the
    inputs but cannot be read as a file: (path relative to INPUTS, status, reason) for a
    file that cannot be opened, a broken link, a pipe, a device."""
    files, unusable = [], []
    for relative, path in _entries(inputs, outputs):
        if path.is_file():
            try:
                files.append((path, relative, sha256_of(path)))
            except OSError as exc:
                why = (exc.strerror or type(exc).__name__).lower()
                unusable.append((relative, "failed", f"the file cannot be opened ({why})"))
        elif path.is_dir():
            continue
        elif path.is_symlink():
            unusable.append((relative, "skipped", "a link to a file that does not exist"))
        else:
            unusable.append((relative, "skipped", "not a file (a pipe, socket or device)"))
    return files, unusable


def _entries(inputs: Path, outputs: Path | None) -> list[tuple[str, Path]]:
    """Every entry under reference/ and exports/ outside `outputs`, sorted by relative path."""
    found = []
    for folder in ("reference", "exports"):
        root = inputs / folder
        if root.is_dir():
            found += list(root.rglob("*"))
    inside = outputs_among_inputs(inputs, outputs)
    named = ((shown_name(p.relative_to(inputs).as_posix()), p) for p in found)
    return sorted((r, p) for r, p in named if inside is None or not r.startswith(inside))


def shown_name(name: str) -> str:
    """A path as text every output can hold: a name whose bytes are not UTF-8 (a Windows
    archive unpacked as is) read as Windows-1252, so "caf\xe9.xlsx" becomes "café.xlsx"."""
    raw = os.fsencode(name)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


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
