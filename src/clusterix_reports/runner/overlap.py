"""The one place a run forks, pre-imports or pauses Python's cycle collector.

A run's steps are plain functions; how they share the machine's cores is decided here.
`Serial` calls each function in this process, as a library user or `--debug` expects (a
traceback shows where a failure happened). `Overlapping` is what the command line uses:

- a child process imports WeasyPrint and compiles the report's template while ingest and
  compute run, then lays out the PDF while this process builds the workbook;
- compute's periods are split between this process and a child, one core each;
- a run of several periods computes and renders every second period in a child; it has no
  render child: ingest runs in a child while this process loads pandas, the later steps'
  modules and WeasyPrint, which the period child inherits (loaded once, not in three
  processes, and no longer after ingest on one core);
- the modules the later steps need are imported while ingest's workers read the exports;
- the cycle collector is paused while code only makes objects it keeps (imports, layout);
- a value `map` computed for an item is kept for the run: a run of several periods computes
  each trend period once in each process, not once for every report that shows it.

docs/performance.md gives each device's measured gain.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from clusterix_reports import collector
from clusterix_reports.forked import ForkedCall, Later, background_priority

if TYPE_CHECKING:
    from clusterix_reports.pipeline import Pipeline
    from clusterix_reports.render.step import Layout

T = TypeVar("T")
R = TypeVar("R")
LayOut = Callable[["Layout", Callable[[], bytes]], tuple[bytes, int]]

# what the later steps import in this process, by step
LATER_MODULES = {
    "compute": ("clusterix_reports.compute.step",),
    "render": ("clusterix_reports.report.model", "clusterix_reports.render.step"),
}


def _lay_out(layout: Layout, workbook: Callable[[], bytes]) -> tuple[bytes, int]:
    from clusterix_reports.render.step import lay_out

    return lay_out(layout, workbook)


class Serial:
    """Every step's work in this process, one thing at a time."""

    def __init__(self) -> None:
        self.known: dict[tuple[Any, Any], Any] = {}  # (function's code, item): its value

    def map(self, function: Callable[[T], R], items: Sequence[T]) -> list[R]:
        """`function` of each item, in order.

        `function` must be a function of the item alone for the whole run (the run's data do
        not change while it runs): an item's value is computed once, and a later call of the
        same code for that item reuses it.
        """
        return self._remembered(function, items, lambda todo: [function(i) for i in todo])

    def _remembered(
        self,
        function: Callable[[T], R],
        items: Sequence[T],
        compute: Callable[[list[T]], list[R]],
    ) -> list[R]:
        """The values of `items`: those not yet known computed (`compute`, in order), all kept."""
        code = getattr(function, "__code__", function)
        todo = [item for item in dict.fromkeys(items) if (code, item) not in self.known]
        for item, value in zip(todo, compute(todo) if todo else [], strict=True):
            self.known[(code, item)] = value
        return [self.known[(code, item)] for item in items]

    def each_period(
        self,
        function: Callable[[T], R],
        periods: Sequence[T],
        in_child: Callable[[], None] = lambda: None,
    ) -> list[R]:
        """`function` of each period (its compute and render), in order."""
        return [function(period) for period in periods]

    def run_ingest(self, ingest: Callable[[], R]) -> R:
        """Ingest, the run's first step: in this process."""
        return ingest()

    def meanwhile(self, steps: Sequence[str]) -> list[Callable[[], None]]:
        """Work to do while ingest's workers read the exports: none."""
        return []

    def importing(self) -> Any:
        """A block that imports the table libraries: run as it is."""
        return contextlib.nullcontext()

    def lay_out(self, layout: Layout, workbook: Callable[[], bytes]) -> tuple[bytes, int]:
        """The report's PDF bytes and pages, the workbook built when it is attached."""
        return _lay_out(layout, workbook)

    def close(self) -> None:
        """Nothing to stop."""

    def __enter__(self) -> Serial:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _preload_render(pipeline: Pipeline) -> None:
    """Import and compile what laying out needs, behind ingest's processes (it has time).

    This child lays out one report and exits: its cycle collector stays off throughout (it
    would walk the imports' and the layout's objects for nothing, and once more at the end).
    """
    from clusterix_reports.render.step import preload

    collector.switch_off()
    with background_priority():
        preload(pipeline)


def _preload_here(pipeline: Pipeline) -> None:
    """Import and compile what laying out needs, in this process (a run of several periods)."""
    from clusterix_reports.render.step import preload

    with collector.paused():
        preload(pipeline)


def _import_quietly(module: str) -> None:
    with collector.paused():
        importlib.import_module(module)


def _later_imports(steps: Sequence[str]) -> list[Callable[[], None]]:
    """Importing the modules `steps` run, one module per call."""
    return [
        functools.partial(_import_quietly, module)
        for step in steps
        for module in LATER_MODULES.get(step, ())
    ]


class Overlapping(Serial):
    """The run's work spread over two cores: a warmed-up render child, compute split in two."""

    def __init__(self, pipeline: Pipeline, render_early: bool, periods: int = 1) -> None:
        super().__init__()
        self.pipeline = pipeline
        self.periods_apart = False  # periods computed in two processes: no more splitting
        # several periods asked for: laid out in the two period processes, WeasyPrint loaded
        # in this one while a child ingests (and inherited by the period child). Measured on
        # four quarters: 8.1-8.6 s of CPU instead of 9.8 with three processes loading it; the
        # periods start 1.00 s after the command instead of 1.16 with ingest in this process
        self.load_during_ingest = render_early and periods > 1
        self.only_ingests = False  # this process is the child that ingests
        # one period: started first, so that its imports run on the second core while this
        # process imports pandas (which the child does not need)
        self.renderer: ForkedCall[tuple[bytes, int]] | None = (
            ForkedCall(_lay_out, warm_up=functools.partial(_preload_render, pipeline))
            if render_early and not self.load_during_ingest
            else None
        )

    def map(self, function: Callable[[T], R], items: Sequence[T]) -> list[R]:
        """`function` of each item, in order: every second item in a child on the other core
        (unless both cores run periods already); an item's known value reused (`Serial.map`)."""
        if self.periods_apart:
            return super().map(function, items)

        def compute(todo: list[T]) -> list[R]:
            return _alternating(function, todo) if len(todo) > 1 else [function(i) for i in todo]

        return self._remembered(function, items, compute)

    def each_period(
        self,
        function: Callable[[T], R],
        periods: Sequence[T],
        in_child: Callable[[], None] = lambda: None,
    ) -> list[R]:
        """`function` of each period, in order: every second period in a child on the other
        core (`in_child` run there first), which lays out its reports itself (the warmed-up
        render child is this process's); what `function` writes lands in the same staging
        folder. Importing WeasyPrint once before the child starts, for both, was measured:
        no faster, as the child then starts later."""
        if len(periods) < 2:
            return super().each_period(function, periods)
        self.periods_apart = True

        def set_up_child() -> None:
            self.renderer = None  # this process's copy of it: the parent's child, not ours
            in_child()

        try:
            return _alternating(function, periods, set_up_child)
        finally:
            self.periods_apart = False

    def run_ingest(self, ingest: Callable[[], R]) -> R:
        """Ingest, the run's first step. Several periods: in a child, while this process loads
        what the periods' compute and render need (pandas, WeasyPrint: most of a second on
        one core), which the period child then inherits; else in this process."""
        if not self.load_during_ingest:
            return ingest()

        def alone() -> R:
            self.only_ingests = True
            return ingest()

        with ForkedCall(alone).submit() as call:
            for load in _later_imports(("compute", "render")):
                load()
            _preload_here(self.pipeline)
            return call.result()

    def meanwhile(self, steps: Sequence[str]) -> list[Callable[[], None]]:
        """Importing the modules the later steps run in this process (a tenth of a second), one
        by one: done while ingest's workers read the exports and this process would wait (none
        in a child that only ingests)."""
        return [] if self.only_ingests else _later_imports(steps)

    def importing(self) -> Any:
        """Pandas and pyarrow imported with the collector paused: 0.1 s of its walks saved."""
        return collector.paused()

    def lay_out(self, layout: Layout, workbook: Callable[[], bytes]) -> tuple[bytes, int]:
        """The warmed-up child lays out the PDF while this process builds the workbook; the
        first report only (the child lays out one and exits), later ones in this process."""
        renderer, self.renderer = self.renderer, None
        if renderer is None:
            with collector.paused():  # the layout keeps what it makes: 0.3-0.4 s saved
                return _lay_out(layout, workbook)
        renderer.submit(layout, Later())
        renderer.send(workbook())
        return renderer.result()

    def close(self) -> None:
        """Stop the render child if it was never used."""
        if self.renderer is not None:
            self.renderer.close()
            self.renderer = None


def _alternating(
    function: Callable[[T], R], items: Sequence[T], in_child: Callable[[], None] = lambda: None
) -> list[R]:
    """`function` of each item, in order: every second item in a forked child (`in_child`
    run there first), the others in this process meanwhile."""

    def theirs() -> list[R]:
        in_child()
        return [function(item) for item in items[1::2]]

    with ForkedCall(theirs).submit() as other:
        mine = [function(item) for item in items[0::2]]
        done = other.result()
    merged = [None] * len(items)
    merged[0::2], merged[1::2] = mine, done
    return merged  # type: ignore[return-value]


def executor(pipeline: Pipeline, serial: bool, render_early: bool, periods: int = 1) -> Serial:
    """How a run shares the cores: serially (library use, --debug) or overlapping; `periods`:
    how many the run was asked for (0 when they follow from the data)."""
    return Serial() if serial else Overlapping(pipeline, render_early, periods)
