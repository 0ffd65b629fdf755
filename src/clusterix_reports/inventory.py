"""The input files of a run and their fingerprint: cheap to compute, no table libraries needed."""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from clusterix_reports.pipeline import Pipeline
from clusterix_reports.record import code_fingerprint, fingerprint

SAMPLE_MARKER = "SYNTHETIC-SAMPLE.md"
VOCABULARY_FILE = Path(__file__).resolve().parent / "vocabulary.toml"


# sha256 by file identity, while `hashes_remembered` is on: a run lists its inputs up to
# three times (deciding what to redo, ingesting, recording), and hashing 50 exports takes
# 60 ms each time
_HASHED: dict[tuple[str, int, int, int, int], str] | None = None


@contextlib.contextmanager
def hashes_remembered() -> Iterator[None]:
    """Within this block a file is hashed once while its size, time of last change and
    identity stay the same (one run: the files do not change under it)."""
    global _HASHED
    outer, _HASHED = _HASHED, {} if _HASHED is None else _HASHED
    try:
        yield
    finally:
        _HASHED = outer


def sha256_of(path: Path) -> str:
    """The sha256 of a file's bytes."""
    with path.open("rb") as handle:
        seen = os.fstat(handle.fileno())
        identity = (str(path), seen.st_dev, seen.st_ino, seen.st_size, seen.st_mtime_ns)
        if _HASHED is not None and (known := _HASHED.get(identity)) is not None:
            return known
        digest = hashlib.sha256()
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    found = digest.hexdigest()
    if _HASHED is not None:
        _HASHED[identity] = found
    return found


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
    file or folder that cannot be opened, a broken link, a link that loops, a pipe, a device."""
    files, unusable = [], []
    entries, unopened = _entries(inputs, outputs)
    readable = []
    for relative, path in entries:
        if path.is_file():
            readable.append((relative, path))
        elif path.is_symlink() and not path.exists():
            unusable.append((relative, "skipped", "a link to a file that does not exist"))
        elif not path.is_dir():
            unusable.append((relative, "skipped", "not a file (a pipe, socket or device)"))
    for (relative, path), digest in zip(readable, _digests([p for _, p in readable]), strict=True):
        if isinstance(digest, OSError):
            unusable.append((relative, "failed", f"the file cannot be opened ({_why(digest)})"))
        else:
            files.append((path, relative, digest))
    return files, sorted(unusable + unopened)


def _digests(paths: list[Path]) -> list[str | OSError]:
    """Each file's sha256, or why it cannot be opened; on up to four threads, as hashlib and
    reading let go of the interpreter's lock (50 exports of 3 MB: 75 -> 40 ms on two cores).
    The threads are gone when this returns: a run forks only where no thread runs."""

    def digest(path: Path) -> str | OSError:
        try:
            return sha256_of(path)
        except OSError as exc:
            return exc

    threads = min(4, os.cpu_count() or 1, len(paths) // 4)
    if threads < 2:
        return [digest(path) for path in paths]
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="sha256") as pool:
        return list(pool.map(digest, paths))


def _why(exc: OSError) -> str:
    return (exc.strerror or type(exc).__name__).lower()


def _entries(
    inputs: Path, outputs: Path | None
) -> tuple[list[tuple[str, Path]], list[tuple[str, str, str]]]:
    """Every entry under reference/ and exports/ outside `outputs`, sorted by relative path,
    folder links followed once each; and the folders that could not be looked into."""
    inside = outputs_among_inputs(inputs, outputs)
    found: list[tuple[str, Path]] = []
    unopened: list[tuple[str, str, str]] = []
    for folder in ("reference", "exports"):
        root = inputs / folder
        if root.is_dir():
            found += _walk(root, folder, {root.resolve()}, unopened, inside)
    return sorted(found), unopened


def _walk(
    folder: Path, relative: str, seen: set[Path], unopened: list, inside: str | None
) -> list[tuple[str, Path]]:
    """The entries below `folder` (named `relative` from INPUTS), by relative name; a folder
    link is walked unless it leads to a folder already walked (a loop, or the same folder
    twice), and the outputs folder (`inside`) is left out whole."""
    try:
        children = sorted(folder.iterdir())
    except OSError as exc:
        unopened.append((relative + "/", "failed", f"the folder cannot be opened ({_why(exc)})"))
        return []
    entries = []
    for child in children:
        name = f"{relative}/{shown_name(child.name)}"
        if inside is not None and f"{name}/".startswith(inside):
            continue  # what this program writes is never read back as an input
        entries.append((name, child))
        if not child.is_dir():
            continue
        if child.is_symlink() and child.resolve() in seen:
            why = "a link to a folder that is read already (or a loop); it is not read twice"
            unopened.append((name + "/", "skipped", why))
            continue
        seen.add(child.resolve())
        entries += _walk(child, name, seen, unopened, inside)
    return entries


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
