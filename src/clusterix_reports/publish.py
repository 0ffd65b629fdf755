"""Staging, atomic publishing and the one-run-at-a-time lock of an outputs folder.

A run writes everything into `OUTPUTS/.staging-*/`, laid out like OUTPUTS itself, and
publishes by renaming each finished file over its old version (run.json last). A run that
dies leaves the previous outputs whole; the next run removes what it left behind.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from clusterix_reports.catalog import DATA_FOLDER, REPORTS_FOLDER
from clusterix_reports.errors import UserError

LOCK_NAME = ".lock"
HOLDER_NAME = ".lock-holder"
STAGING_PREFIX = ".staging-"
DEFAULT_WAIT_SECONDS = 60.0


@contextmanager
def outputs_lock(outputs: Path, wait_seconds: float = DEFAULT_WAIT_SECONDS) -> Iterator[None]:
    """Hold the outputs folder for this run; wait a bounded time for another run to finish.

    The lock is an OS file lock: the system releases it when its holder dies, so a killed
    run never leaves it stuck.
    """
    from filelock import FileLock, Timeout

    outputs.mkdir(parents=True, exist_ok=True)
    lock = FileLock(outputs / LOCK_NAME)
    holder = outputs / HOLDER_NAME
    try:
        lock.acquire(timeout=wait_seconds)
    except Timeout:
        who = holder.read_text(encoding="utf-8").strip() if holder.is_file() else "another run"
        raise UserError(
            f"{outputs / LOCK_NAME}: the outputs folder is in use by {who}; waited {wait_seconds:g} s, "
            "try again when it has finished."
        ) from None
    try:
        holder.write_text(
            f"process {os.getpid()} ({' '.join(Path(a).name for a in sys.argv[:2])})\n",
            encoding="utf-8",
        )
        yield
    finally:
        holder.unlink(missing_ok=True)
        lock.release()


_HALF_WRITTEN = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")


def remove_stale_staging(outputs: Path) -> list[Path]:
    """Remove staging folders that dead runs left behind (call while holding the lock)."""
    removed = []
    for folder in sorted(outputs.glob(STAGING_PREFIX + "*")):
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    for folder in (outputs / DATA_FOLDER, outputs / REPORTS_FOLDER):  # where a run writes
        for stray in folder.rglob(".*.tmp") if folder.is_dir() else ():
            if _HALF_WRITTEN.fullmatch(stray.name):  # atomic_write_bytes' own temporary files
                stray.unlink(missing_ok=True)
    return removed


def new_staging(outputs: Path) -> Path:
    """A fresh staging folder inside OUTPUTS (same file system, so renames are atomic)."""
    outputs.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=outputs))


def link_or_copy(source: Path, target: Path) -> None:
    """Put an already published file into staging: a hard link where possible."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def publish(staging: Path, outputs: Path, last: str = "run.json") -> list[Path]:
    """Rename every staged file over its published version, `last`-named files at the end.

    Folders are made and paths worked out first, so the renames follow one another with
    nothing between them: a run killed while publishing has the shortest window in which
    old and new files stand side by side.
    """
    files = sorted(p for p in staging.rglob("*") if p.is_file())
    files.sort(key=lambda p: p.name == last)
    moves = [(source, outputs / source.relative_to(staging)) for source in files]
    for folder in sorted({target.parent for _, target in moves}):
        folder.mkdir(parents=True, exist_ok=True)
    for source, target in moves:
        os.replace(source, target)
    shutil.rmtree(staging, ignore_errors=True)
    return [target for _, target in moves]
