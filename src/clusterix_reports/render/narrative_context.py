"""The narrative in the report: its sections as HTML with live figures, and the sign-off.

A placeholder prints the period's value exactly as the report's tables print it (the
language's separators, `%` for percentages, the currency for money), so the analyst's
words never disagree with the tables.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from clusterix_reports.compute.definitions import DEFINITIONS
from clusterix_reports.narrative import SUFFIXES, Narrative, fill
from clusterix_reports.render import format as fmt
from clusterix_reports.render.markdown import markdown_html
from clusterix_reports.render.messages import Messages
from clusterix_reports.report.model import ReportModel

_COLUMNS = {
    "previous": "previous_value",
    "year_ago": "year_ago_value",
    "change": "change_abs",
    "target": "target",
    "pct_of_target": "pct_of_target",
}


def _by_unit(value: Any, unit: str, lang: str) -> str:
    if unit == "%":
        return fmt.percent(value, lang)
    if unit == "EUR":
        return fmt.euro(value, lang)
    return fmt.number(value, lang)


def placeholder_values(model: ReportModel, lang: str) -> dict[str, str]:
    """Every placeholder's text for this period, as the report's tables print it."""
    values = {
        "period": model.period.id,
        "data_through": fmt.long_date(model.data_through, lang),
    }
    for definition in DEFINITIONS:
        row = model.totals.loc[definition.id]
        unit = row["unit"]
        values[definition.id] = _by_unit(row["value"], unit, lang)
        for suffix in SUFFIXES:
            value = row[_COLUMNS[suffix]]
            if suffix == "change":
                text = fmt.change(value, unit, lang)
                text = f"EUR {text}" if unit == "EUR" and text != fmt.EMPTY else text
            elif suffix == "pct_of_target":
                text = fmt.percent(value, lang)
            else:
                text = _by_unit(value, unit, lang)
            values[f"{definition.id}.{suffix}"] = text
    return values


def narrative_context(model: ReportModel, lang: str, t: Messages) -> dict[str, Any]:
    """The narrative's sections as safe HTML (by section key), the sign-off and the draft mark."""
    narrative: Narrative | None = model.narrative
    front = narrative.front if narrative else {}
    values = placeholder_values(model, lang)
    sections = {
        key: markdown_html(fill(text, values))
        for key, text in (narrative.sections if narrative else {}).items()
    }
    approved_on = front.get("approved_on", "")
    return {
        "sections": sections,
        "draft": not (narrative and narrative.approved),
        "missing": narrative is None,
        "prepared_by": front.get("prepared_by", ""),
        "reviewed_by": front.get("reviewed_by", ""),
        "approved_by": front.get("approved_by", ""),
        "approved_on": fmt.long_date(dt.date.fromisoformat(approved_on), lang)
        if approved_on
        else "",
        "version": front.get("version", ""),
        "path": narrative.path if narrative else "",
        "sha256": narrative.sha256 if narrative else "",
    }
