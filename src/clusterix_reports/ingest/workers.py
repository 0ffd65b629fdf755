"""Parsing files in child processes with memory and time limits.

A reader that crashes (calamine aborts the whole process on some malformed files), hangs or
runs out of memory costs that one file, recorded as failed with a plain reason; the other
files are still read. Workers are reused from file to file and run on every core.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path

from clusterix_reports.ingest.files import FileOutcome, FileRecord
from clusterix_reports.ingest.tables import ParseContext
from clusterix_reports.limits import Limits


@dataclass(frozen=True)
class Job:
    """One file to parse, against these table kinds, in this context."""

    path: Path
    relative: str
    sha256: str
    tables: tuple[str, ...]


def _limit_memory(megabytes: int) -> None:
    try:
        import resource

        limit = megabytes * 2**20
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (
        ImportError,
        ValueError,
        OSError,
    ):  # no rlimit on this system: the time limit still holds
        pass


def _worker(connection: Connection, ctx: ParseContext, limits: Limits) -> None:
    """A child process: parse each job it is sent and send back the outcome."""
    _limit_memory(limits.worker_memory_mb)
    from clusterix_reports.ingest.files import ingest_file
    from clusterix_reports.ingest.vocabulary import vocabulary

    while True:
        try:
            job = connection.recv()
        except EOFError:
            return
        if job is None:
            return
        specs = [vocabulary().tables[name] for name in job.tables]
        try:
            outcome = ingest_file(job.path, job.relative, specs, ctx, job.sha256, limits)
        except MemoryError:
            outcome = failed(
                job, f"reading it needs more than {limits.worker_memory_mb} MiB of memory"
            )
        connection.send(outcome)


UNCERTAIN = (
    "reading it took longer",
    "reading it needs more than",
)  # may pass on a quieter machine


def failed(job: Job, reason: str) -> FileOutcome:
    """The outcome of a file that could not be read."""
    return FileOutcome(
        FileRecord(path=job.relative, sha256=job.sha256, status="failed", reason=reason)
    )


def _context() -> mp.context.BaseContext:
    if sys.platform.startswith("linux") or sys.platform == "darwin":
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(
            ["clusterix_reports.ingest.files", "clusterix_reports.ingest.tables"]
        )
        return ctx
    return mp.get_context("spawn")


class _Slot:
    def __init__(self, ctx: ParseContext, limits: Limits) -> None:
        parent, child = _context().Pipe()
        self.process = _context().Process(target=_worker, args=(child, ctx, limits), daemon=True)
        self.process.start()
        child.close()
        self.connection = parent
        self.job: Job | None = None
        self.started = 0.0

    def give(self, job: Job) -> None:
        self.job, self.started = job, time.monotonic()
        self.connection.send(job)

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            with contextlib.suppress(OSError):
                self.connection.send(None)
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.connection.close()


def _death_reason(process: mp.process.BaseProcess) -> str:
    code = process.exitcode
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"the spreadsheet reader crashed on this file ({name}); open it and save it again, or send it as csv"
    return (
        "the spreadsheet reader stopped on this file; open it and save it again, or send it as csv"
    )


def parse_in_workers(
    jobs: Iterable[Job],
    ctx: ParseContext,
    limits: Limits,
    done: Callable[[Job, FileOutcome], None] | None = None,
) -> Iterator[tuple[Job, FileOutcome]]:
    """Parse the jobs on up to one worker per core; yield each job with its outcome as it finishes."""
    queue = list(jobs)
    if not queue:
        return
    slots = [_Slot(ctx, limits) for _ in range(min(os.cpu_count() or 1, len(queue)))]
    try:
        for slot in slots:
            if queue:
                slot.give(queue.pop(0))
        while any(slot.job for slot in slots):
            busy = [slot for slot in slots if slot.job]
            deadline = min(slot.started for slot in busy) + limits.seconds_per_file
            ready = wait(
                [slot.connection for slot in busy], timeout=max(deadline - time.monotonic(), 0.01)
            )
            for slot in busy:
                job = slot.job
                assert job is not None
                outcome = None
                if slot.connection in ready:
                    try:
                        outcome = slot.connection.recv()
                    except (EOFError, OSError):
                        slot.process.join(timeout=5)
                        outcome = failed(job, _death_reason(slot.process))
                elif time.monotonic() - slot.started > limits.seconds_per_file:
                    slot.process.kill()
                    slot.process.join()
                    outcome = failed(
                        job,
                        f"reading it took longer than {limits.seconds_per_file} s; it was given up",
                    )
                if outcome is None:
                    continue
                if not slot.process.is_alive():
                    slot.stop(kill=True)
                    slots[slots.index(slot)] = slot = _Slot(ctx, limits)
                slot.job = None
                if queue:
                    slot.give(queue.pop(0))
                if done is not None:
                    done(job, outcome)
                yield job, outcome
    finally:
        for slot in slots:
            slot.stop(kill=slot.job is not None)
