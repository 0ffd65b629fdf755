"""Parsing files in child processes with memory and time limits.

A reader that crashes (calamine aborts the whole process on some malformed files), hangs or
runs out of memory costs that one file, recorded as failed with a plain reason; the other
files are still read. Workers are reused from file to file and run on every core.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import re
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path

from clusterix_reports.forked import die_with_parent, fork_is_safe
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


def _address_space() -> int:
    """The bytes of address space this process has mapped already (0 where unknown)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            import os

            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError, AttributeError):
        return 0


def _limit_memory(megabytes: int) -> None:
    """Let this worker grow by at most `megabytes` of address space beyond what it inherited:
    a worker forked from a large process (a notebook holding data) can still load its
    readers, and no file can take more than the limit."""
    try:
        import resource

        limit = megabytes * 2**20 + _address_space()
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


def _peak_memory_mb() -> float:
    try:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    except ImportError:
        return 0.0


def _worker(connection: Connection, limits: Limits, parent: int, log: str) -> None:
    """A child process: parse each job it is sent, in the context sent before it, and send back the outcome."""
    # a run killed with kill -9 must not leave its workers waiting for work forever: a
    # worker forked later holds the run's end of this one's pipe, so no EOF would come
    die_with_parent(parent)
    _limit_memory(limits.worker_memory_mb)
    # what the readers print (a Rust panic, an allocation failure and their backtraces) goes
    # to this worker's log, never to the user's terminal; the run summarises it
    opened = os.open(log, os.O_WRONLY | os.O_APPEND)
    os.dup2(opened, 2)
    os.close(opened)
    from clusterix_reports.ingest.files import ingest_file
    from clusterix_reports.ingest.vocabulary import vocabulary

    ctx = None
    while True:
        try:
            message = connection.recv()
        except EOFError:
            return
        if message is None:
            return
        if isinstance(message, ParseContext):
            ctx = message
            continue
        job = message
        specs = [vocabulary().tables[name] for name in job.tables]
        os.ftruncate(2, 0)  # the log holds what this file's reading printed, nothing older
        try:
            outcome = ingest_file(job.path, job.relative, specs, ctx, job.sha256, limits)
        except MemoryError:
            outcome = failed(
                job, f"reading it needs more than {limits.worker_memory_mb} MiB of memory"
            )
        except BaseException as exc:  # a Rust reader's panic is a BaseException
            if type(exc).__name__ != "PanicException":
                raise
            outcome = failed(job, READER_FAILED)
        outcome.peak_memory_mb = _peak_memory_mb()
        connection.send(outcome)


READER_FAILED = (
    "the spreadsheet reader failed inside on this file (a defect of the reader, not of your "
    "data); open it and save it again, or send it as csv"
)
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
    """How workers start: forked (instant) where this process runs no other thread, else from a server."""
    if fork_is_safe():
        return mp.get_context("fork")
    if sys.platform.startswith("linux") or sys.platform == "darwin":
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(
            ["clusterix_reports.ingest.files", "clusterix_reports.ingest.tables"]
        )
        return ctx
    return mp.get_context("spawn")


class _Slot:
    def __init__(self, limits: Limits) -> None:
        context = _context()
        parent, child = context.Pipe()
        handle, self.log = tempfile.mkstemp(prefix="clusterix-reader-", suffix=".log")
        os.close(handle)
        self.process = context.Process(
            target=_worker, args=(child, limits, os.getpid(), self.log), daemon=True
        )
        self.process.start()
        child.close()
        self.connection = parent
        self.job: Job | None = None
        self.started = 0.0
        self.ctx: ParseContext | None = None

    def give(self, job: Job, ctx: ParseContext) -> None:
        if self.ctx is not ctx:
            self.connection.send(ctx)
            self.ctx = ctx
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
        with contextlib.suppress(OSError):
            os.unlink(self.log)

    def printed(self) -> str:
        """The end of what the worker's readers printed while reading its last file."""
        try:
            with open(self.log, "rb") as log:
                log.seek(max(os.fstat(log.fileno()).st_size - 65536, 0))
                return log.read().decode("utf-8", "replace")
        except OSError:
            return ""


_ALLOCATION = re.compile(r"memory allocation of (\d+) bytes failed")


def _death_reason(process: mp.process.BaseProcess, printed: str) -> str:
    """Why a worker died, for a person: from how it ended and what its reader printed."""
    if found := _ALLOCATION.search(printed):
        wanted = int(found.group(1)) / 2**20
        return (
            f"the spreadsheet reader ran out of memory on this file (it asked for {wanted:,.0f} "
            "MiB at once); open it and save it again, or send it as csv"
        )
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


def _size(job: Job) -> int:
    try:
        return job.path.stat().st_size
    except OSError:
        return 0


class WorkerPool:
    """Worker processes, started once and reused for every batch of files of a run."""

    def __init__(self, limits: Limits, size: int | None = None) -> None:
        self.limits = limits
        self.size = size or os.cpu_count() or 1
        self.slots: list[_Slot] = []

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        for slot in self.slots:
            slot.stop(kill=slot.job is not None)
        self.slots = []

    def _ensure(self, wanted: int) -> None:
        while len(self.slots) < min(self.size, wanted):
            self.slots.append(_Slot(self.limits))

    def parse(
        self,
        jobs: Iterable[Job],
        ctx: ParseContext,
        meanwhile: Iterable[Callable[[], None]] = (),
    ) -> Iterator[tuple[Job, FileOutcome]]:
        """Parse the jobs on up to one worker per core; yield each with its outcome as it finishes.

        The largest files are handed out first, so the workers finish close together.
        `meanwhile`: this process's own work, in steps. A step runs only while no finished
        file waits to be collected, so a worker waits at most one step for its next file;
        the steps left when the last file is back run then (all of them without jobs).
        """
        steps = iter(meanwhile)
        queue = sorted(jobs, key=_size, reverse=True)
        if not queue:
            for step in steps:
                step()
            return
        self._ensure(len(queue))
        for slot in self.slots:
            slot.ctx = None  # the context may have changed since the last batch: send it again
        limit = self.limits.seconds_per_file
        for slot in self.slots:
            if queue:
                slot.give(queue.pop(0), ctx)
        while any(slot.job for slot in self.slots):
            busy = [slot for slot in self.slots if slot.job]
            connections = [slot.connection for slot in busy]
            ready = wait(connections, timeout=0)
            if not ready and (step := next(steps, None)) is not None:
                step()
                continue
            if not ready:
                deadline = min(slot.started for slot in busy) + limit
                ready = wait(connections, timeout=max(deadline - time.monotonic(), 0.01))
            for slot in busy:
                job = slot.job
                assert job is not None
                outcome = None
                if slot.connection in ready:
                    try:
                        outcome = slot.connection.recv()
                    except (EOFError, OSError):
                        slot.process.join(timeout=5)
                        outcome = failed(job, _death_reason(slot.process, slot.printed()))
                elif time.monotonic() - slot.started > limit:
                    slot.process.kill()
                    slot.process.join()
                    outcome = failed(
                        job, f"reading it took longer than {limit:g} s; it was given up"
                    )
                if outcome is None:
                    continue
                if not slot.process.is_alive():
                    slot.stop(kill=True)
                    self.slots[self.slots.index(slot)] = slot = _Slot(self.limits)
                slot.job = None
                if queue:
                    slot.give(queue.pop(0), ctx)
                yield job, outcome
        for step in steps:
            step()


def parse_in_workers(
    jobs: Iterable[Job], ctx: ParseContext, limits: Limits
) -> Iterator[tuple[Job, FileOutcome]]:
    """Parse one batch of jobs in a pool of its own (see WorkerPool to reuse one for several)."""
    with WorkerPool(limits) as pool:
        yield from pool.parse(jobs, ctx)
