"""Work handed to a forked child process, so it runs on another core while this one goes on.

A child is forked when it is started, inheriting everything loaded so far; it can load more
(`warm_up`) while it waits to be called. Where forking is not safe (threads running, or not
Linux) the call runs in this process instead, when its result is asked for.
"""

from __future__ import annotations

import contextlib
import functools
import multiprocessing as mp
import os
import sys
import threading
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from typing import Any, Generic, TypeVar

T = TypeVar("T")


def fork_is_safe() -> bool:
    """Whether a child can be forked safely: on Linux, with no other thread running here."""
    return sys.platform.startswith("linux") and threading.active_count() == 1


def _may_raise_priority(niceness: int) -> bool:
    """Whether this process may set its niceness back down to `niceness` once raised:
    as root, or where RLIMIT_NICE allows it (a nice value can go down to 20 - the limit)."""
    try:
        import resource

        return os.geteuid() == 0 or 20 - resource.getrlimit(resource.RLIMIT_NICE)[0] <= niceness
    except (ImportError, AttributeError, OSError, ValueError):
        return False


@contextlib.contextmanager
def background_priority(by: int = 10) -> Iterator[None]:
    """Run the block at a lower priority (niceness raised `by`), then restore it: work that
    has time to spare yields the cores to work that others wait for. Where the priority
    could not be restored afterwards, it is left as it is."""
    try:
        before = os.getpriority(os.PRIO_PROCESS, 0)
        lowered = _may_raise_priority(before)
        if lowered:
            os.setpriority(os.PRIO_PROCESS, 0, min(before + by, 19))
    except (AttributeError, OSError):
        lowered = False
    try:
        yield
    finally:
        if lowered:
            with contextlib.suppress(OSError):
                os.setpriority(os.PRIO_PROCESS, 0, before)


def die_with_parent(parent: int) -> None:
    """Ask Linux to kill this child when its parent dies: a run killed with kill -9 must not
    leave a child writing into its staging folder, or holding the outputs' lock."""
    import ctypes
    import signal

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before the request was made
        os._exit(1)


def _serve(
    connection: Connection,
    function: Callable[..., Any],
    warm_up: Callable[[], None] | None,
    parent: int,
) -> None:
    die_with_parent(parent)
    failed_warm_up: BaseException | None = None
    try:
        if warm_up is not None:
            warm_up()
    except BaseException as error:  # told when the call is asked for, not printed here
        failed_warm_up = error
    try:
        arguments = connection.recv()
    except EOFError:
        return
    if arguments is None:
        return
    try:
        if failed_warm_up is not None:
            raise failed_warm_up
        outcome: tuple[str, Any] = ("ok", function(*_resolved(arguments, connection.recv)))
    except BaseException as error:  # handed back whole, to be raised in the parent
        outcome = ("error", error)
    try:
        connection.send(outcome)
    except Exception as unsent:  # not picklable: its type and words will do
        kind, value = outcome
        described = value if kind == "error" else unsent
        connection.send(("error", RuntimeError(f"{type(described).__name__}: {described}")))


class Later:
    """Stands in a call's arguments for a value the caller sends once the call has started
    (`ForkedCall.send`): the function receives a callable that waits for that value."""


def _resolved(arguments: tuple[Any, ...], value: Callable[[], Any]) -> tuple[Any, ...]:
    return tuple(functools.cache(value) if isinstance(a, Later) else a for a in arguments)


class ForkedCall(Generic[T]):
    """`function` in a child process: started now, given its arguments with `submit`, waited
    for with `result`. As a context manager, the child is stopped on leaving if still running."""

    def __init__(
        self, function: Callable[..., T], warm_up: Callable[[], None] | None = None
    ) -> None:
        self.function = function
        self.arguments: tuple[Any, ...] | None = None
        self.process: Any = None
        self.done: tuple[str, Any] | None = None
        self.sent: Any = None
        if fork_is_safe():
            context = mp.get_context("fork")
            self.connection, child = context.Pipe()
            # not a daemon, so that it may fork children of its own; closed by its owner, and
            # killed by the system when this process dies
            self.process = context.Process(
                target=_serve, args=(child, function, warm_up, os.getpid())
            )
            self.process.start()
            child.close()

    def submit(self, *arguments: Any) -> ForkedCall[T]:
        """Start the call with these arguments (pickled to the child)."""
        self.arguments = arguments
        if self.process is not None:
            with contextlib.suppress(OSError):  # the child is gone: `result` says so
                self.connection.send(arguments)
        return self

    def send(self, value: Any) -> None:
        """The value of the call's `Later` argument (waits until the child takes it)."""
        self.sent = value
        if self.process is not None:
            with contextlib.suppress(OSError):  # the child is gone: `result` says why
                self.connection.send(value)

    def result(self) -> T:
        """Wait for the call (once); its value, or its exception raised here."""
        if self.done is None:
            self.done = self._outcome()
        kind, value = self.done
        if kind == "error":
            raise value
        return value

    def _outcome(self) -> tuple[str, Any]:
        if self.arguments is None:
            raise RuntimeError("ForkedCall.result() before submit()")
        if self.process is None:
            try:
                return ("ok", self.function(*_resolved(self.arguments, lambda: self.sent)))
            except Exception as error:
                return ("error", error)
        try:
            return self.connection.recv()
        except (EOFError, OSError):
            self.process.join()
            return (
                "error",
                ChildProcessError(
                    "a child process stopped before it finished "
                    f"(exit code {self.process.exitcode})"
                ),
            )
        finally:
            self.close()

    def __enter__(self) -> ForkedCall[T]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the child if it still runs (a call never submitted, or given up)."""
        if self.process is None:
            return
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.connection.close()
        self.process = None
