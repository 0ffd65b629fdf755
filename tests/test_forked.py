"""Work handed to a forked child: its value or its error comes back; it dies with its parent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from clusterix_reports import forked
from clusterix_reports.forked import ForkedCall, Later, background_priority


def _pid_and_sum(a: int, b: int) -> tuple[int, int]:
    return os.getpid(), a + b


def _fail(message: str) -> None:
    raise ValueError(message)


def _broken_warm_up() -> None:
    raise ImportError("no module named pango")


def _join(prefix: str, later) -> tuple[int, str]:
    return os.getpid(), prefix + later() + later()  # asked twice: sent once


def test_the_call_returns_its_value_and_runs_in_another_process() -> None:
    with ForkedCall(_pid_and_sum).submit(2, 3) as call:
        pid, total = call.result()
    assert total == 5
    assert pid != os.getpid()
    assert call.result() == (pid, 5)  # asked again: the same answer, not a second run


def test_an_error_in_the_child_is_raised_here() -> None:
    with pytest.raises(ValueError, match="row 7 is wrong"):
        ForkedCall(_fail).submit("row 7 is wrong").result()


def test_a_failed_warm_up_is_raised_when_the_result_is_asked_for(capfd) -> None:
    call = ForkedCall(_pid_and_sum, warm_up=_broken_warm_up)
    with pytest.raises(ImportError, match="pango"):
        call.submit(1, 1).result()
    assert "Traceback" not in capfd.readouterr().err  # told once, here, not printed by the child


def test_a_child_killed_midway_is_a_plain_error() -> None:
    call = ForkedCall(time.sleep).submit(30)
    os.kill(call.process.pid, signal.SIGKILL)
    with pytest.raises(ChildProcessError, match="stopped before it finished"):
        call.result()


def test_a_value_sent_after_the_call_started_reaches_it() -> None:
    big = "x" * 300_000  # more than a pipe holds: the send waits until the child takes it
    with ForkedCall(_join).submit("<", Later()) as call:
        call.send(big)
        pid, joined = call.result()
    assert pid != os.getpid()
    assert joined == "<" + big + big


def test_a_sent_value_reaches_the_call_in_this_process_too(monkeypatch) -> None:
    monkeypatch.setattr(forked, "fork_is_safe", lambda: False)
    call = ForkedCall(_join).submit("<", Later())
    call.send("ab")
    assert call.result() == (os.getpid(), "<abab")


def test_a_child_that_fails_before_taking_the_sent_value_is_still_told() -> None:
    call = ForkedCall(_fail).submit("no layout")
    call.send("x" * 300_000)  # nobody reads it: the send must not hang
    with pytest.raises(ValueError, match="no layout"):
        call.result()


def _priority_inside_and_after(by: int) -> tuple[int, int, int]:
    before = os.getpriority(os.PRIO_PROCESS, 0)
    with background_priority(by=by):
        inside = os.getpriority(os.PRIO_PROCESS, 0)
    return before, inside, os.getpriority(os.PRIO_PROCESS, 0)


@pytest.mark.skipif(os.geteuid() != 0, reason="only root may always restore a priority")
def test_background_priority_lowers_then_restores_this_process_priority_as_root() -> None:
    before, inside, after = _priority_inside_and_after(5)
    assert (inside, after) == (min(before + 5, 19), before)


@pytest.mark.skipif(os.geteuid() == 0, reason="root may always restore a priority")
def test_background_priority_is_left_alone_where_it_could_not_be_restored() -> None:
    import resource

    if resource.getrlimit(resource.RLIMIT_NICE)[0] != 0:
        pytest.skip("RLIMIT_NICE lets this user restore a priority")
    before, inside, after = _priority_inside_and_after(5)
    assert inside == after == before


def test_where_forking_is_not_safe_the_call_runs_in_this_process(monkeypatch) -> None:
    monkeypatch.setattr(forked, "fork_is_safe", lambda: False)
    pid, total = ForkedCall(_pid_and_sum).submit(4, 5).result()
    assert (pid, total) == (os.getpid(), 9)


def test_the_serial_executor_maps_in_this_process_in_order() -> None:
    from clusterix_reports.runner.overlap import Serial

    assert Serial().map(lambda n: (os.getpid(), n * n), [1, 2, 3]) == [
        (os.getpid(), 1),
        (os.getpid(), 4),
        (os.getpid(), 9),
    ]


@pytest.mark.parametrize("kind", ["serial", "overlapping"])
def test_an_executor_computes_an_item_once_per_run_and_function(kind) -> None:
    from clusterix_reports.runner.overlap import Overlapping, Serial

    executor = Serial() if kind == "serial" else Overlapping(None, render_early=False)  # type: ignore[arg-type]
    calls: list[int] = []

    def square(n: int) -> int:
        calls.append(n)  # in this process: the items computed here
        return n * n

    def cube(n: int) -> int:
        return n**3

    assert executor.map(square, [3]) == [9]
    assert executor.map(square, [1, 3, 3]) == [1, 9, 9]  # 3 known: only 1 computed
    assert executor.map(cube, [3]) == [27]  # another function: its own values
    assert calls == [3, 1]


def test_the_overlapping_executor_maps_every_second_item_in_a_child_in_order() -> None:
    from clusterix_reports.runner.overlap import Overlapping

    found = Overlapping(pipeline=None, render_early=False).map(  # type: ignore[arg-type]
        lambda n: (os.getpid(), n * 10), [1, 2, 3, 4, 5]
    )
    assert [value for _, value in found] == [10, 20, 30, 40, 50]
    here = {pid for pid, _ in found[0::2]}
    there = {pid for pid, _ in found[1::2]}
    assert here == {os.getpid()} and len(there) == 1 and there != here


CHILD_OF_A_KILLED_RUN = """
import sys, time
from clusterix_reports.forked import ForkedCall, Later, background_priority
call = ForkedCall(time.sleep).submit(60)
print(call.process.pid, flush=True)
time.sleep(60)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_the_child_dies_with_its_parent() -> None:
    run = subprocess.Popen(
        [sys.executable, "-c", CHILD_OF_A_KILLED_RUN], stdout=subprocess.PIPE, text=True
    )
    child = int(run.stdout.readline())
    run.kill()
    run.wait()
    for _ in range(100):
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    os.kill(child, signal.SIGKILL)
    pytest.fail("the child outlived its parent by more than 5 s")
