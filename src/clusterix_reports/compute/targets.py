"""Every target the pipeline sets, in every report: the period's own, earlier ones and end
targets, each with the value it is measured against (indicators.md, "Time")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import pandas as pd

from clusterix_reports.compute.definitions import DEFINITIONS
from clusterix_reports.periods import Period, calendar_period, parse_period
from clusterix_reports.pipeline import Pipeline

TARGET_COLUMNS = (
    "indicator_id",
    "target_for",
    "target_end",
    "target",
    "relation",
    "value_period",
    "value",
    "pct_of_target",
    "reached",
)
THIS_PERIOD, END_TARGET, EARLIER = "this period", "end target", "earlier"


def _period_holding(day: dt.date, kind_of: Period, pipeline: Pipeline) -> Period | None:
    """The period of the report's kind that holds `day` (None where no named period does)."""
    if kind_of.kind != "named":
        return calendar_period(kind_of.kind, day)
    holding = [
        Period(s, e, name, "named")
        for name, (s, e) in pipeline.named_periods.items()
        if s <= day <= e
    ]
    return holding[0] if holding else None


def target_table(
    period: Period, pipeline: Pipeline, values_of: Callable[[Period], dict[str, float | None]]
) -> pd.DataFrame:
    """One row per target: when it is due, how it relates to `period` (this period, a later
    end target, earlier), and the value it is measured against: this period's for the
    period's own and end targets, the value of its own period for an earlier one.

    `values_of(p)`: every indicator's headline value in the period `p`.
    """
    rows, cache = [], {period: values_of(period)}
    order = {d.id: i for i, d in enumerate(DEFINITIONS)}
    for indicator in sorted(pipeline.targets, key=order.__getitem__):
        for when, target in pipeline.targets[indicator].items():
            own = parse_period(when, pipeline.named_periods)
            end = own.end if own else dt.date.fromisoformat(when)
            if (own and own.id == period.id) or (own is None and period.contains(end)):
                relation, measured = THIS_PERIOD, period
            elif end > period.end:
                relation, measured = END_TARGET, period
            else:
                relation, measured = EARLIER, own or _period_holding(end, period, pipeline)
            value = None
            if measured is not None and measured.end >= pipeline.programme.start:
                cache.setdefault(
                    measured, values_of(measured) if measured != period else cache[period]
                )
                value = cache[measured][indicator]
            rows.append((indicator, when, end, target, relation, measured, value))
    frame = pd.DataFrame(rows, columns=[*TARGET_COLUMNS[:5], "_period", "value"])
    frame["value_period"] = [p.id if p else None for p in frame.pop("_period")]
    frame["value"] = frame["value"].astype("float64")
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = 100.0 * frame["value"] / frame["target"]
    frame["pct_of_target"] = pct.where(np.isfinite(pct))
    frame["reached"] = frame["value"] >= frame["target"]
    frame = frame.sort_values(
        ["indicator_id", "target_end"],
        key=lambda c: c.map(order) if c.name == "indicator_id" else c,
        kind="stable",
    )
    return frame[list(TARGET_COLUMNS)].reset_index(drop=True)
