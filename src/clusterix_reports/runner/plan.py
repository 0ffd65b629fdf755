"""What runs and what is reused, from the steps' declarations and the last run's record.

A step is reused when the fingerprint of everything it reads equals the last run's and
every dataset it declares as output is still there with the bytes run.json recorded.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

from clusterix_reports.catalog import dataset_path, relative_paths
from clusterix_reports.periods import Period
from clusterix_reports.pipeline import Pipeline
from clusterix_reports.record import code_fingerprint, fingerprint, folder_fingerprint
from clusterix_reports.runner.steps import BY_NAME


@dataclass
class Decision:
    """Whether a step runs or is reused, and why."""

    step: str
    fingerprint: str
    reuse: bool
    why: str


def previous_step(previous: dict[str, Any] | None, name: str) -> dict[str, Any] | None:
    """The last run's record of the step `name`, unless it failed."""
    if previous is None:
        return None
    return next(
        (s for s in previous["steps"] if s["name"] == name and s["status"] != "failed"), None
    )


def _outputs_intact(
    previous: dict[str, Any] | None, pipeline: Pipeline, names: list[str], optional: list[str]
) -> bool:
    """Every named output of the previous run is still there with the bytes it had (an
    optional one only where the previous run made it)."""
    from clusterix_reports.inventory import sha256_of

    if previous is None:
        return False
    recorded = {o["path"]: o["sha256"] for o in previous["outputs"]}
    for name in (n for n in names if n in recorded or n not in optional):
        path = pipeline.outputs / name
        if name not in recorded or not path.is_file() or sha256_of(path) != recorded[name]:
            return False
    return True


def decide_ingest(pipeline: Pipeline, force: bool) -> Decision:
    """Reuse the published data/ when the input files and settings are unchanged."""
    from clusterix_reports.inventory import ingest_fingerprint, input_files

    fp = (
        ingest_fingerprint(pipeline, input_files(pipeline.inputs, pipeline.outputs))
        if pipeline.inputs.is_dir()
        else ""
    )
    try:
        record = dataset_path(pipeline.outputs, "ingest_record").read_text(encoding="utf-8")
        before = json.loads(record).get("fingerprint")
    except (OSError, ValueError):
        before = None
    if force:
        return Decision("ingest", fp, False, "--force")
    if before is None:
        return Decision("ingest", fp, False, "no earlier ingest in this outputs folder")
    if before != fp:
        return Decision("ingest", fp, False, "input files or programme dates changed")
    if not all((pipeline.outputs / p).is_file() for p in relative_paths(BY_NAME["ingest"].outputs)):
        return Decision("ingest", fp, False, "a data table is missing")
    return Decision("ingest", fp, True, "input files unchanged")


def _compute_settings(pipeline: Pipeline) -> dict[str, Any]:
    """The pipeline settings compute reads (not paths, not the report's language)."""
    return {k: v for k, v in pipeline.settings.items() if k not in ("paths", "report")}


def _render_fingerprint(pipeline: Pipeline, compute_fp: str, period: Period) -> str:
    """What render reads besides compute's tables: the templates, the language, the
    narrative file (a changed narrative renders again, without ingest or compute)."""
    from clusterix_reports.inventory import sha256_of
    from clusterix_reports.narrative import narrative_path
    from clusterix_reports.resources import templates_dir

    narrative = narrative_path(pipeline.inputs, period.id)
    return fingerprint(
        code_fingerprint(),
        compute_fp,
        folder_fingerprint(templates_dir(pipeline)),
        pipeline.language,
        pipeline.html,
        os.environ.get("SOURCE_DATE_EPOCH", ""),
        sha256_of(narrative) if narrative.is_file() else "",
    )


def _decide(
    name: str,
    fp: str,
    previous: dict[str, Any] | None,
    pipeline: Pipeline,
    period: Period,
    force: bool,
) -> Decision:
    """Reuse a step of a period when its fingerprint is the last run's and its outputs are intact."""
    before = previous_step(previous, name)
    if force:
        return Decision(name, fp, False, "--force")
    if before is None:
        return Decision(name, fp, False, "no earlier run for this period")
    if before["fingerprint"] != fp:
        return Decision(name, fp, False, "what it reads changed")
    step = BY_NAME[name]
    outputs = relative_paths(step.outputs, period.id)
    if not _outputs_intact(previous, pipeline, outputs, relative_paths(step.optional, period.id)):
        return Decision(name, fp, False, "an earlier output is missing or was changed")
    return Decision(name, fp, True, "what it reads is unchanged")


def decide_period_steps(
    pipeline: Pipeline,
    ingest_fp: str,
    period: Period,
    previous: dict[str, Any] | None,
    force: bool,
) -> dict[str, Decision]:
    """Whether compute and render run or are reused for a period, from what each reads."""
    compute_fp = fingerprint(code_fingerprint(), ingest_fp, _compute_settings(pipeline), period.id)
    render_fp = _render_fingerprint(pipeline, compute_fp, period)
    return {
        "compute": _decide("compute", compute_fp, previous, pipeline, period, force),
        "render": _decide("render", render_fp, previous, pipeline, period, force),
    }
