"""The checks of a pipeline file: every section, key and value, every mistake collected.

`checked_values` returns the file's values with defaults filled in; what is wrong goes to
`Mistakes`, which reports all of them at once, each with the nearest valid key where one
is close ("did you mean").
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from pathlib import Path
from typing import Any

from clusterix_reports.errors import PipelineError
from clusterix_reports.limits import LIMIT_KEYS, Limits

PERIOD_KINDS = ("quarter", "half", "year", "reporting")
LANGUAGES = ("en", "nl")
MAX_PROGRAMME_YEARS = 50  # an end further from the start is a typo (9999-12-31)
EARLIEST_START = dt.date(1900, 1, 1)
PERIOD_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
CALENDAR_ID = re.compile(r"^\d{4}(Q[1-4]|H[12])?$")
LIMIT_CEILINGS = {  # [limits] above these would disable the protection they give
    "max_file_mb": 100_000,
    "max_unpacked_mb": 1_000_000,
    "max_compression_ratio": 100_000,
    "max_cells_per_sheet": 1_000_000_000,
    "worker_memory_mb": 1_048_576,
    "seconds_per_file": 86_400,
    "render_seconds": 86_400,
}

# section -> key -> (python types accepted, required, default)
SCHEMA: dict[str, dict[str, tuple[tuple[type, ...], bool, Any]]] = {
    "programme": {
        "name": ((str,), True, None),
        "partner": ((str,), True, None),
        "region": ((str,), True, None),
        "policy_instrument": ((str,), True, None),
        "start": ((dt.date,), True, None),
        "end": ((dt.date,), True, None),
        "action_plan_start": ((dt.date,), True, None),
        "project": ((str,), False, None),
        "partner_number": ((str,), False, None),
        "phase": ((int,), False, 2),
        "contact": ((str,), False, None),
        # the cover's names in another report language, where they differ
        "name_nl": ((str,), False, None),
        "partner_nl": ((str,), False, None),
        "policy_instrument_nl": ((str,), False, None),
        "name_en": ((str,), False, None),
        "partner_en": ((str,), False, None),
        "policy_instrument_en": ((str,), False, None),
    },
    "paths": {
        "inputs": ((str,), False, None),
        "outputs": ((str,), False, None),
    },
    "budget": {
        "yearly_eur": ((list, int, float), False, [0, 0]),
        "excluded_services": ((list,), False, []),
    },
    "benchmark": {
        "tolerance": ((int, float), False, 0.25),
        "scale": ((list,), False, None),
    },
    "report": {
        "language": ((str,), False, "en"),
        "templates": ((str,), False, None),
        "html": ((bool,), False, True),
    },
    "limits": {key: ((int,), False, getattr(Limits(), key)) for key in LIMIT_KEYS},
}
OPEN_SECTIONS = ("periods", "targets")
TYPE_WORDS = {
    str: "text",
    dt.date: "a date (2019-04-01)",
    list: "a list",
    int: "a number",
    float: "a number",
    bool: "true or false",
}


_NAMED = (
    re.compile(r"^unknown key '(?P<key>[^']+)' in \[(?P<section>[\w.]+)\]"),
    re.compile(r"^unknown section \[(?P<section>[\w.]+)\]"),
    re.compile(r"^\[(?P<section>[\w.]+)\] '?(?P<key>[^' :]+)'?"),
)


def line_of(text: str, section: str, key: str | None) -> int | None:
    """The line (1-based) where `key` is set in `[section]` of a TOML text (the section's
    header without a key); None where it cannot be found (a default, an inline table)."""
    current = None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith("[") and not stripped.startswith("[["):
            current = stripped.strip("[] ").split("]")[0].strip()
            if key is None and current == section:
                return number
            continue
        if current == section and key is not None:
            name = stripped.split("=", 1)[0].strip().strip("\"'")
            if "=" in stripped and name == key:
                return number
    return None


class Mistakes:
    """The mistakes found in one pipeline file, reported together, each with its line."""

    def __init__(self, path: Path, text: str = "") -> None:
        self.path = path
        self.text = text
        self.found: list[str] = []

    def add(self, text: str) -> None:
        """One mistake, as a sentence without its final full stop; the line of the key it
        names is found in the file and put before it."""
        for pattern in _NAMED:
            if match := pattern.match(text):
                parts = match.groupdict()
                line = line_of(self.text, parts["section"], parts.get("key"))
                if line is not None:
                    text = f"line {line}: {text}"
                break
        self.found.append(text)

    def raise_any(self) -> None:
        """Raise one PipelineError naming every mistake, if there is any."""
        if len(self.found) == 1:
            raise PipelineError(f"{self.path}: {self.found[0]}.")
        if self.found:
            listed = "; ".join(f"({i}) {text}" for i, text in enumerate(self.found, start=1))
            raise PipelineError(f"{self.path}: {len(self.found)} mistakes: {listed}.")


def nearest(word: str, choices: list[str] | tuple[str, ...]) -> str:
    """' (did you mean X?)' for the closest valid choice, or '' when none is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _not_finite(value: Any, where: str, mistakes: Mistakes) -> None:
    """Every NaN or infinity below `value`, named by its key."""
    if isinstance(value, float) and not math.isfinite(value):
        mistakes.add(f"{where} is {value!r}; write a finite number")
    elif isinstance(value, dict):
        for key, inner in value.items():
            _not_finite(inner, f"{where} {key}" if where else f"[{key}]", mistakes)
    elif isinstance(value, list):
        for inner in value:
            _not_finite(inner, where, mistakes)


def _section_values(raw: dict[str, Any], mistakes: Mistakes) -> dict[str, dict[str, Any]]:
    """Every section and key of the schema, checked by type; defaults where absent or wrong."""
    known = sorted([*SCHEMA, *OPEN_SECTIONS])
    for section in sorted(set(raw) - set(known)):
        mistakes.add(
            f"unknown section [{section}]{nearest(section, known)}; expected one of "
            f"{', '.join(known)}"
        )
    values: dict[str, dict[str, Any]] = {}
    for section, keys in SCHEMA.items():
        given = raw.get(section, {})
        if not isinstance(given, dict):
            mistakes.add(f"[{section}] must be a table")
            given = {}
        for extra in sorted(set(given) - set(keys)):
            mistakes.add(
                f"unknown key {extra!r} in [{section}]{nearest(extra, tuple(keys))}; expected "
                f"one of {', '.join(keys)}"
            )
        values[section] = {}
        for key, (types, required, default) in keys.items():
            values[section][key] = default
            if key not in given:
                if required:
                    mistakes.add(f"[{section}] is missing the key {key!r}")
                continue
            value = given[key]
            is_datetime = isinstance(value, dt.datetime) and dt.date in types
            wrong_bool = isinstance(value, bool) and bool not in types
            if not isinstance(value, types) or wrong_bool or is_datetime:
                mistakes.add(f"[{section}] {key} must be {TYPE_WORDS[types[0]]}, not {value!r}")
                continue
            values[section][key] = value
    return values


def _check_programme(prog: dict[str, Any], mistakes: Mistakes) -> None:
    start, end, plan = prog["start"], prog["end"], prog["action_plan_start"]
    if None in (start, end, plan):
        return
    if not start <= plan <= end:
        mistakes.add("[programme] needs start <= action_plan_start <= end")
    if start < EARLIEST_START:
        mistakes.add(f"[programme] start {start} is before {EARLIEST_START.year}; check the year")
    if end.year - start.year > MAX_PROGRAMME_YEARS:
        mistakes.add(
            f"[programme] end {end} is more than {MAX_PROGRAMME_YEARS} years after the start "
            f"{start}; give the programme's real end date"
        )
    if prog["phase"] not in (1, 2):
        mistakes.add(
            f"[programme] phase must be 1 or 2 (Interreg Europe's phases), not {prog['phase']!r}"
        )


def _named_periods(
    periods: Any, prog: dict[str, Any], mistakes: Mistakes
) -> tuple[str, dict[str, tuple[dt.date, dt.date]]]:
    """[periods]: the default kind and the named reporting periods."""
    if not isinstance(periods, dict):
        mistakes.add("[periods] must be a table")
        return "quarter", {}
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
            mistakes.add(
                f"[periods] {name} must be [start, end] with two dates, start first "
                f"(e.g. {name} = [2019-04-01, 2019-09-30])"
            )
            continue
        if not PERIOD_NAME.match(name):
            mistakes.add(f"[periods] {name!r}: a period's name holds letters, digits, _ and - only")
        elif CALENDAR_ID.match(name):
            mistakes.add(
                f"[periods] {name!r} would hide the calendar period of that name; rename it"
            )
        if (
            prog["start"]
            and prog["end"]
            and not (prog["start"] <= value[0] and value[1] <= prog["end"])
        ):
            mistakes.add(
                f"[periods] {name} ({value[0]} to {value[1]}) lies outside the programme "
                f"({prog['start']} to {prog['end']})"
            )
        named[name] = (value[0], value[1])
    default = periods.get("default", "quarter")
    if default not in PERIOD_KINDS and default not in named:
        mistakes.add(
            "[periods] default must be quarter, half, year, reporting (the named periods) or a "
            f"period named in [periods], not {default!r}{nearest(str(default), [*PERIOD_KINDS, *named])}"
        )
        default = "quarter"
    return default, named


def _budget(budget: dict[str, Any], mistakes: Mistakes) -> tuple[float, float]:
    """The yearly budget as a (low, high) range; a single number is both bounds."""
    value = budget["yearly_eur"]
    low_high = [value, value] if _is_number(value) else value
    if isinstance(low_high, list) and any(_is_number(v) and not math.isfinite(v) for v in low_high):
        return 0.0, 0.0  # said already: not a finite number
    if (
        isinstance(low_high, list)
        and len(low_high) == 2
        and all(_is_number(v) and math.isfinite(v) for v in low_high)
        and 0 <= low_high[0] <= low_high[1]
    ):
        return float(low_high[0]), float(low_high[1])
    mistakes.add(
        "[budget] yearly_eur must be a number or [low, high] with 0 <= low <= high, "
        f"e.g. [150000, 200000], not {value!r}"
    )
    return 0.0, 0.0


def _targets(
    targets: Any, named: dict[str, tuple[dt.date, dt.date]], mistakes: Mistakes
) -> dict[str, dict[str, float]]:
    """Targets per indicator: period id or ISO end date -> value."""
    from clusterix_reports.compute.definitions import BY_ID
    from clusterix_reports.periods import parse_period

    if not isinstance(targets, dict):
        mistakes.add("[targets] must be a table")
        return {}
    result: dict[str, dict[str, float]] = {}
    for indicator, per_period in targets.items():
        if indicator not in BY_ID:
            mistakes.add(
                f"[targets] {indicator} is not an indicator{nearest(indicator, tuple(BY_ID))}; "
                f"known ids: {', '.join(BY_ID)}"
            )
            continue
        if not isinstance(per_period, dict):
            mistakes.add(
                f"[targets] {indicator} must map periods to values, "
                f'e.g. {indicator} = {{ "2019Q4" = 12 }}'
            )
            continue
        result[indicator] = {}
        for when, value in per_period.items():
            if not _is_number(value):
                mistakes.add(f"[targets] {indicator} {when} must be a number, not {value!r}")
                continue
            if not math.isfinite(value):
                continue  # said already: not a finite number
            if parse_period(str(when), named) is None and not _is_iso_date(str(when)):
                mistakes.add(
                    f"[targets] {indicator}: {when!r} is neither a period (2019Q4, 2019H2, 2019, "
                    "a named period) nor a date (2021-03-31)"
                )
                continue
            result[indicator][str(when)] = float(value)
    return result


def _is_iso_date(text: str) -> bool:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _check_benchmark(bench: dict[str, Any], mistakes: Mistakes) -> None:
    tolerance = bench["tolerance"]
    if not math.isfinite(tolerance) or tolerance <= 0:
        if math.isfinite(tolerance):  # a NaN or infinity is said already
            mistakes.add(f"[benchmark] tolerance must be a number above 0, not {tolerance!r}")
        bench["tolerance"] = 0.25
    scale = bench["scale"]
    if scale is not None and not (
        len(scale) == 2
        and all(_is_number(v) and math.isfinite(v) for v in scale)
        and scale[0] < scale[1]
    ):
        mistakes.add(
            f"[benchmark] scale must be [lowest, highest] score, e.g. [1, 5], not {scale!r}"
        )
        bench["scale"] = None


def _check_limits(limits: dict[str, Any], mistakes: Mistakes) -> None:
    for key, value in limits.items():
        if not 0 < value <= LIMIT_CEILINGS[key]:
            mistakes.add(
                f"[limits] {key} must be a whole number from 1 to {LIMIT_CEILINGS[key]:,}, "
                f"not {value!r}"
            )
            limits[key] = getattr(Limits(), key)


def checked_values(raw: dict[str, Any], mistakes: Mistakes) -> dict[str, Any]:
    """The pipeline file's values, every section checked; each mistake added to `mistakes`."""
    _not_finite(raw, "", mistakes)
    values: dict[str, Any] = _section_values(raw, mistakes)
    _check_programme(values["programme"], mistakes)
    default, named = _named_periods(raw.get("periods", {}), values["programme"], mistakes)
    values["periods"] = {"default": default, "named": named}
    values["budget"]["yearly_eur"] = _budget(values["budget"], mistakes)
    excluded = values["budget"]["excluded_services"]
    if not all(isinstance(s, str) and s.strip() for s in excluded):
        mistakes.add(
            f"[budget] excluded_services must be a list of service names, not {excluded!r}"
        )
        values["budget"]["excluded_services"] = []
    values["targets"] = _targets(raw.get("targets", {}), named, mistakes)
    _check_benchmark(values["benchmark"], mistakes)
    if values["report"]["language"] not in LANGUAGES:
        mistakes.add(
            f"[report] language must be one of {', '.join(LANGUAGES)}, "
            f"not {values['report']['language']!r}"
        )
    _check_limits(values["limits"], mistakes)
    return values
