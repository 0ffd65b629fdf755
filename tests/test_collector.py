"""The cycle collector is paused where the program only makes objects it keeps."""

from __future__ import annotations

import datetime as dt
import functools
import gc

import pytest

from clusterix_reports import collector


def test_paused_turns_the_collector_off_and_back_on_also_after_an_error() -> None:
    assert gc.isenabled()
    with collector.paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), collector.paused():
        raise ValueError
    assert gc.isenabled()


def test_paused_leaves_the_collector_off_when_it_was_off() -> None:
    gc.disable()
    try:
        with collector.paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def _collections_while_laying_out(executor, tmp_path, monkeypatch) -> int:
    """How many collections run while `executor` lays out a 300-row table."""
    from clusterix_reports.render.pdf import write_pdf
    from clusterix_reports.runner import overlap

    rows = "".join(f"<tr><td>{i}</td><td>row {i}</td></tr>" for i in range(300))
    html = f'<html lang="en"><body><h1>Title</h1><table>{rows}</table></body></html>'
    created = dt.datetime(2020, 12, 31, tzinfo=dt.UTC)
    monkeypatch.setattr(overlap, "_lay_out", lambda *_: write_pdf(html, {}, tmp_path, created))
    write_pdf(html, {}, tmp_path, created)  # WeasyPrint imported and warmed up
    collections = []

    def count(phase: str, info: dict) -> None:
        if phase == "start":
            collections.append(info["generation"])

    gc.callbacks.append(count)
    try:
        pdf, pages = executor.lay_out(None, lambda: b"")
        during = len(collections)
        gc.collect()
    finally:
        gc.callbacks.remove(count)
    assert pdf.startswith(b"%PDF") and pages >= 2
    assert len(collections) == during + 1  # the callback was listening
    return during


def test_the_overlapping_run_lays_out_with_no_collection(tmp_path, monkeypatch) -> None:
    from clusterix_reports.runner.overlap import Overlapping

    executor = Overlapping(pipeline=None, render_early=False)  # type: ignore[arg-type]
    during = _collections_while_laying_out(executor, tmp_path, monkeypatch)
    assert during <= 1  # the one the allocations owed may run as the pause ends


def test_a_serial_run_lays_out_with_the_collector_on(tmp_path, monkeypatch) -> None:
    """The pause is the overlapping run's device: without it, collections run by the dozen."""
    from clusterix_reports.runner.overlap import Serial

    assert _collections_while_laying_out(Serial(), tmp_path, monkeypatch) > 10


def test_the_render_child_runs_without_the_collector_and_the_run_keeps_it(tmp_path) -> None:
    from clusterix_reports.forked import ForkedCall, fork_is_safe
    from clusterix_reports.pipeline import load_pipeline
    from clusterix_reports.resources import default_pipeline_file
    from clusterix_reports.runner.overlap import _preload_render

    if not fork_is_safe():
        pytest.skip("no fork here: the layout runs in this process, paused")
    pipeline = load_pipeline(default_pipeline_file(), outputs=tmp_path)
    warm_up = functools.partial(_preload_render, pipeline)
    with ForkedCall(gc.isenabled, warm_up=warm_up) as child:
        assert child.submit().result() is False
    assert gc.isenabled()
