"""Periods: calendar quarters, half-years, years and named reporting periods."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from clusterix_reports.errors import PeriodRefusedError, UserError

if TYPE_CHECKING:
    from clusterix_reports.pipeline import Pipeline

_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
_HALF = re.compile(r"^(\d{4})H([12])$")
_YEAR = re.compile(r"^(\d{4})$")


@dataclass(frozen=True, order=True)
class Period:
    """A closed date range [start, end] with its id (`2019Q4`, `2019H2`, `2019`, `P7`)."""

    start: dt.date
    end: dt.date
    id: str
    kind: str  # quarter | half | year | named

    @property
    def days(self) -> int:
        """Number of days in the period, both ends included."""
        return (self.end - self.start).days + 1

    def contains(self, day: dt.date) -> bool:
        """Whether `day` falls in the period (start <= day <= end)."""
        return self.start <= day <= self.end


def calendar_period(kind: str, day: dt.date) -> Period:
    """The quarter, half-year or year that holds `day`."""
    if kind == "quarter":
        index = (day.month - 1) // 3
        start = dt.date(day.year, 3 * index + 1, 1)
        end = _month_end(day.year, 3 * index + 3)
        return Period(start, end, f"{day.year}Q{index + 1}", "quarter")
    if kind == "half":
        index = (day.month - 1) // 6
        start = dt.date(day.year, 6 * index + 1, 1)
        end = _month_end(day.year, 6 * index + 6)
        return Period(start, end, f"{day.year}H{index + 1}", "half")
    if kind == "year":
        return Period(dt.date(day.year, 1, 1), dt.date(day.year, 12, 31), str(day.year), "year")
    raise ValueError(f"unknown period kind {kind!r}")


def parse_period(text: str, named: dict[str, tuple[dt.date, dt.date]]) -> Period | None:
    """The period `text` names (`2019Q4`, `2019H2`, `2019`, or a named period), or None."""
    text = text.strip()
    if text in named:
        start, end = named[text]
        return Period(start, end, text, "named")
    try:
        if m := _QUARTER.match(text):
            return calendar_period("quarter", dt.date(int(m[1]), 3 * int(m[2]), 1))
        if m := _HALF.match(text):
            return calendar_period("half", dt.date(int(m[1]), 6 * int(m[2]), 1))
        if m := _YEAR.match(text):
            return calendar_period("year", dt.date(int(m[1]), 1, 1))
    except ValueError:  # year 0: no calendar holds it
        return None
    return None


def periods_of_kind(
    kind: str,
    first_day: dt.date,
    last_day: dt.date,
    named: dict[str, tuple[dt.date, dt.date]],
) -> list[Period]:
    """Every period of `kind` that overlaps [first_day, last_day], oldest first."""
    if kind == "named":
        found = [Period(s, e, name, "named") for name, (s, e) in named.items()]
        return sorted(p for p in found if p.end >= first_day and p.start <= last_day)
    periods = []
    period = calendar_period(kind, first_day)
    while period.start <= last_day:
        periods.append(period)
        period = calendar_period(kind, period.end + dt.timedelta(days=1))
    return periods


def trend_periods(period: Period, programme_start: dt.date, named: dict) -> list[Period]:
    """The period and every earlier one of its kind since the programme start, oldest first."""
    return [
        p
        for p in periods_of_kind(period.kind, programme_start, period.end, named)
        if p.end <= period.end
    ]


def previous_period(period: Period, named: dict) -> Period | None:
    """The period of the same kind just before `period`, where one exists."""
    if period.kind == "named":
        earlier = [
            p
            for p in periods_of_kind("named", dt.date.min, period.start, named)
            if p.end < period.start
        ]
        return earlier[-1] if earlier else None
    return calendar_period(period.kind, period.start - dt.timedelta(days=1))


def year_ago_period(period: Period, named: dict) -> Period | None:
    """The same period one year earlier: for a named period, the one starting a year before."""
    if period.kind == "named":
        target = _shift_year(period.start, -1)
        matches = [
            p
            for p in periods_of_kind("named", dt.date.min, dt.date.max, named)
            if p.start == target
        ]
        return matches[0] if matches else None
    return calendar_period(period.kind, _shift_year(period.start, -1))


def latest_period_with_data(
    kind: str, days: Iterable[dt.date], named: dict[str, tuple[dt.date, dt.date]]
) -> Period | None:
    """The latest period of `kind` (or the named period `kind`) that holds one of `days`."""
    days = sorted(set(days))
    if not days:
        return None
    if kind in ("quarter", "half", "year"):
        return calendar_period(kind, days[-1])
    candidates = periods_of_kind("named", dt.date.min, dt.date.max, named)
    holding = [p for p in candidates if any(p.contains(d) for d in days)]
    return holding[-1] if holding else None


def _month_end(year: int, month: int) -> dt.date:
    """The last day of a month."""
    if month == 12:
        return dt.date(year, 12, 31)
    return dt.date(year, month + 1, 1) - dt.timedelta(days=1)


def _shift_year(day: dt.date, years: int) -> dt.date:
    """`day` moved by whole years (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def choose_period(pipeline: Pipeline, asked: str | None, days: Iterable[dt.date] | None) -> Period:
    """The period asked for, else the latest period of the default kind holding service-log data."""
    named = pipeline.named_periods
    if asked:
        period = parse_period(asked, named)
        if period is None:
            names = ", ".join(named) or "none"
            raise UserError(
                f"--period {asked!r} is not a period: use 2019Q4, 2019H2, 2019 or a reporting "
                f"period of {pipeline.path.name} ({names})."
            )
        return period
    default = pipeline.default_period
    if default in named:
        return parse_period(default, named)  # type: ignore[return-value]
    kind = "named" if default == "reporting" else default
    found = latest_period_with_data(kind, days or [], named)
    if found is None:
        raise UserError(
            "no service-log row falls in any period of the default kind; give --period."
        )
    return found


def resolve_periods(
    pipeline: Pipeline, asked: Sequence[str], days: Iterable[dt.date] | None
) -> tuple[Period, ...]:
    """The periods a run reports on, resolved once: each one asked for (in the order given,
    each once), else the default period for the service-log days `days`. A period that
    ends before the programme starts is refused."""
    if not asked:
        return (choose_period(pipeline, None, days),)
    periods = tuple(dict.fromkeys(choose_period(pipeline, text, None) for text in asked))
    start = pipeline.programme.start
    for period in periods:
        if period.end < start:
            raise PeriodRefusedError(
                f"--period {period.id} ({period.start} to {period.end}) ends before the "
                f"programme starts on {start}: ask for a period from {start} on."
            )
    return periods


def refuse_periods_after_data(periods: Sequence[Period], data_through: dt.date | None) -> None:
    """Refuse a period that starts after the last day of data (or any, without data)."""
    for period in periods:
        if data_through is None:
            raise PeriodRefusedError(
                f"--period {period.id}: the service log holds no loaded row yet, so no period "
                "can be reported on; add the account managers' exports first."
            )
        if period.start > data_through:
            raise PeriodRefusedError(
                f"--period {period.id} starts on {period.start}, after the data, which runs "
                f"through {data_through}: ask for a period that starts by {data_through}."
            )


PARTIAL_AFTER_DAYS = 14  # a period ending more days than this after the data is partial


@dataclass(frozen=True)
class Coverage:
    """How much of a period the data covers: complete, partial, or no data yet."""

    status: str  # complete | partial | no data yet
    pct: float  # share of the period's days up to the last day of data (0: no data yet)


def coverage(period: Period, data_from: dt.date | None, data_through: dt.date | None) -> Coverage:
    """A period's coverage by the service log (indicators.md, "Time"): partial when it ends
    more than 14 days after `data_through`; no data yet when it ends before `data_from`."""
    if data_through is None or data_from is None or period.end < data_from:
        return Coverage("no data yet", 0.0)
    covered = (min(data_through, period.end) - period.start).days + 1
    pct = 100.0 * max(covered, 0) / period.days
    partial = (period.end - data_through).days > PARTIAL_AFTER_DAYS
    return Coverage("partial" if partial else "complete", pct)
