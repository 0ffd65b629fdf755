"""The pipeline file (TOML): a typed model, loading, and plain validation messages.

Every mistake of a file is found before the first is reported, and all are reported in
one message (pipeline_checks.py holds the checks).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clusterix_reports.errors import PipelineError
from clusterix_reports.limits import Limits
from clusterix_reports.pipeline_checks import Mistakes, checked_values


@dataclass(frozen=True)
class Programme:
    """The programme and action plan a pipeline reports on."""

    name: str
    partner: str
    region: str
    policy_instrument: str
    start: dt.date
    end: dt.date
    action_plan_start: dt.date
    project: str | None = None
    partner_number: str | None = None
    phase: int = 2
    contact: str | None = None
    name_nl: str | None = None
    partner_nl: str | None = None
    policy_instrument_nl: str | None = None
    name_en: str | None = None
    partner_en: str | None = None
    policy_instrument_en: str | None = None

    def named(self, field: str, language: str) -> str:
        """The programme's name, partner or policy instrument in a report language (the
        plain one where the pipeline gives none in that language)."""
        return getattr(self, f"{field}_{language}", None) or getattr(self, field)


@dataclass(frozen=True)
class Pipeline:
    """A validated pipeline file; paths are absolute, resolved against the file's folder."""

    path: Path
    sha256: str
    programme: Programme
    inputs: Path
    outputs: Path
    default_period: str
    named_periods: dict[str, tuple[dt.date, dt.date]]
    budget_yearly_eur: tuple[float, float]
    targets: dict[str, dict[str, float]]
    benchmark_tolerance: float = 0.25
    language: str = "en"
    templates: Path | None = None
    limits: Limits = field(default_factory=Limits)
    settings: dict[str, Any] = field(default_factory=dict)
    excluded_services: tuple[str, ...] = ()  # services whose costs fall outside the budget
    html: bool = True
    benchmark_scale: tuple[float, float] | None = None  # the scores' scale, where set


def load_pipeline(path: Path, inputs: Path | None = None, outputs: Path | None = None) -> Pipeline:
    """Read and validate a pipeline file; `inputs`/`outputs` override the folders it names."""
    path = Path(path)
    try:
        raw_bytes = path.read_bytes()
    except OSError:
        raise PipelineError(f"{path}: the pipeline file cannot be read.") from None
    try:
        raw = tomllib.loads(raw_bytes.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PipelineError(f"{path}: the pipeline file is not valid TOML ({exc}).") from None
    mistakes = Mistakes(path, raw_bytes.decode("utf-8"))
    values = checked_values(raw, mistakes)
    mistakes.raise_any()
    prog = values["programme"]
    base = path.resolve().parent
    paths, report = values["paths"], values["report"]
    inputs_dir = inputs or (base / paths["inputs"] if paths["inputs"] else Path("inputs"))
    outputs_dir = outputs or (base / paths["outputs"] if paths["outputs"] else Path("outputs"))
    scale = values["benchmark"]["scale"]
    return Pipeline(
        path=path.resolve(),
        sha256=hashlib.sha256(raw_bytes).hexdigest(),
        programme=Programme(**{k: prog[k] for k in Programme.__dataclass_fields__}),
        inputs=Path(inputs_dir).resolve(),
        outputs=Path(outputs_dir).resolve(),
        default_period=values["periods"]["default"],
        named_periods=values["periods"]["named"],
        budget_yearly_eur=values["budget"]["yearly_eur"],
        targets=values["targets"],
        benchmark_tolerance=float(values["benchmark"]["tolerance"]),
        language=report["language"],
        templates=(base / report["templates"]).resolve() if report["templates"] else None,
        limits=Limits(**values["limits"]),
        settings=raw,
        excluded_services=tuple(values["budget"]["excluded_services"]),
        html=report["html"],
        benchmark_scale=(float(scale[0]), float(scale[1])) if scale else None,
    )
