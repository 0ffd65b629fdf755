"""The pipeline file (TOML): a typed model, loading, and plain validation messages."""

from __future__ import annotations

import datetime as dt
import hashlib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clusterix_reports.errors import PipelineError
from clusterix_reports.limits import LIMIT_KEYS, Limits

PERIOD_KINDS = ("quarter", "half", "year", "reporting")
LANGUAGES = ("en", "nl")


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


# section -> key -> (python types accepted, required, default)
_SCHEMA: dict[str, dict[str, tuple[tuple[type, ...], bool, Any]]] = {
    "programme": {
        "name": ((str,), True, None),
        "partner": ((str,), True, None),
        "region": ((str,), True, None),
        "policy_instrument": ((str,), True, None),
        "start": ((dt.date,), True, None),
        "end": ((dt.date,), True, None),
        "action_plan_start": ((dt.date,), True, None),
    },
    "paths": {
        "inputs": ((str,), False, None),
        "outputs": ((str,), False, None),
    },
    "budget": {"yearly_eur": ((list, int, float), False, [0, 0])},
    "benchmark": {"tolerance": ((int, float), False, 0.25)},
    "report": {
        "language": ((str,), False, "en"),
        "templates": ((str,), False, None),
    },
    "limits": {key: ((int,), False, getattr(Limits(), key)) for key in LIMIT_KEYS},
}
_OPEN_SECTIONS = ("periods", "targets")
_TYPE_WORDS = {
    str: "text",
    dt.date: "a date (2019-04-01)",
    list: "a list",
    int: "a number",
    float: "a number",
}


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
    values = _checked_sections(path, raw)
    prog = values["programme"]
    programme = Programme(**{k: prog[k] for k in Programme.__dataclass_fields__})
    if not programme.start <= programme.action_plan_start <= programme.end:
        raise PipelineError(f"{path}: [programme] needs start <= action_plan_start <= end.")
    base = path.resolve().parent
    paths = values["paths"]
    inputs_dir = inputs or (base / paths["inputs"] if paths["inputs"] else Path("inputs"))
    outputs_dir = outputs or (base / paths["outputs"] if paths["outputs"] else Path("outputs"))
    report = values["report"]
    if report["language"] not in LANGUAGES:
        raise PipelineError(
            f"{path}: [report] language must be one of {', '.join(LANGUAGES)}, "
            f"not {report['language']!r}."
        )
    named = _named_periods(path, raw.get("periods", {}))
    default_period = raw.get("periods", {}).get("default", "quarter")
    if default_period not in PERIOD_KINDS and default_period not in named:
        raise PipelineError(
            f"{path}: [periods] default must be quarter, half, year, reporting (the named "
            f"periods) or a period named in [periods], not {default_period!r}."
        )
    return Pipeline(
        path=path.resolve(),
        sha256=hashlib.sha256(raw_bytes).hexdigest(),
        programme=programme,
        inputs=Path(inputs_dir).resolve(),
        outputs=Path(outputs_dir).resolve(),
        default_period=default_period,
        named_periods=named,
        budget_yearly_eur=_budget_range(path, values["budget"]["yearly_eur"]),
        targets=_targets(path, raw.get("targets", {})),
        benchmark_tolerance=float(values["benchmark"]["tolerance"]),
        language=report["language"],
        templates=(base / report["templates"]).resolve() if report["templates"] else None,
        limits=_limits(path, values["limits"]),
        settings=raw,
    )


def _checked_sections(path: Path, raw: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Check every section and key against the schema, filling defaults."""
    unknown = sorted(set(raw) - set(_SCHEMA) - set(_OPEN_SECTIONS))
    if unknown:
        raise PipelineError(
            f"{path}: unknown section [{unknown[0]}]; expected one of "
            f"{', '.join(sorted([*_SCHEMA, *_OPEN_SECTIONS]))}."
        )
    values: dict[str, dict[str, Any]] = {}
    for section, keys in _SCHEMA.items():
        given = raw.get(section, {})
        if not isinstance(given, dict):
            raise PipelineError(f"{path}: [{section}] must be a table.")
        extra = sorted(set(given) - set(keys))
        if extra:
            raise PipelineError(
                f"{path}: unknown key {extra[0]!r} in [{section}]; expected one of "
                f"{', '.join(keys)}."
            )
        values[section] = {}
        for key, (types, required, default) in keys.items():
            if key not in given:
                if required:
                    raise PipelineError(f"{path}: [{section}] is missing the key {key!r}.")
                values[section][key] = default
                continue
            value = given[key]
            is_datetime = isinstance(value, dt.datetime) and dt.date in types
            if not isinstance(value, types) or isinstance(value, bool) or is_datetime:
                raise PipelineError(
                    f"{path}: [{section}] {key} must be {_TYPE_WORDS[types[0]]}, not {value!r}."
                )
            values[section][key] = value
    return values


def _limits(path: Path, values: dict[str, Any]) -> Limits:
    """The [limits] section: whole numbers above 0."""
    for key, value in values.items():
        if value <= 0:
            raise PipelineError(
                f"{path}: [limits] {key} must be a whole number above 0, not {value!r}."
            )
    return Limits(**values)


def _named_periods(path: Path, periods: Any) -> dict[str, tuple[dt.date, dt.date]]:
    """The reporting periods named in [periods], each a closed [start, end] date range."""
    if not isinstance(periods, dict):
        raise PipelineError(f"{path}: [periods] must be a table.")
    named: dict[str, tuple[dt.date, dt.date]] = {}
    for name, value in periods.items():
        if name == "default":
            continue
        ok = (
            isinstance(value, list)
            and len(value) == 2
            and all(isinstance(v, dt.date) and not isinstance(v, dt.datetime) for v in value)
        )
        if not ok or value[0] > value[1]:
            raise PipelineError(
                f"{path}: [periods] {name} must be [start, end] with two dates, start first "
                f"(e.g. {name} = [2019-04-01, 2019-09-30])."
            )
        named[name] = (value[0], value[1])
    return named


def _budget_range(path: Path, value: Any) -> tuple[float, float]:
    """The yearly budget as a (low, high) range; a single number is both bounds."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value), float(value)
    if (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
        and 0 <= value[0] <= value[1]
    ):
        return float(value[0]), float(value[1])
    raise PipelineError(
        f"{path}: [budget] yearly_eur must be a number or [low, high], "
        f"e.g. [150000, 200000], not {value!r}."
    )


def _targets(path: Path, targets: Any) -> dict[str, dict[str, float]]:
    """Targets per indicator: period id or ISO end date -> value."""
    if not isinstance(targets, dict):
        raise PipelineError(f"{path}: [targets] must be a table.")
    result: dict[str, dict[str, float]] = {}
    for indicator, per_period in targets.items():
        if not isinstance(per_period, dict):
            raise PipelineError(
                f"{path}: [targets] {indicator} must map periods to values, "
                f'e.g. {indicator} = {{ "2019Q4" = 12 }}.'
            )
        result[indicator] = {}
        for when, value in per_period.items():
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise PipelineError(
                    f"{path}: [targets] {indicator} {when} must be a number, not {value!r}."
                )
            result[indicator][str(when)] = float(value)
    return result
