"""The action plan as Interreg Europe asks for it in the monitoring phase: per action its
steps with the lesson behind each, planned and actual dates, status at the period end,
evidence and kind of policy improvement; then the programme's performance figures."""

from __future__ import annotations

from typing import Any

import pandas as pd

from clusterix_reports.render import format as fmt
from clusterix_reports.render.messages import Messages
from clusterix_reports.report.model import ReportModel

IMPROVEMENT_KINDS = ("new projects", "management", "strategic focus")
UNDER_WAY = ("ongoing", "delayed")


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _kinds(value: Any) -> list[str]:
    return [k for k in _text(value).split("; ") if k]


def step_rows(steps: pd.DataFrame, t: Messages) -> list[dict[str, Any]]:
    """Each step as the report shows it."""
    return [
        {
            "step": str(s.step),
            "title": s.title,
            "action": _text(getattr(s, "action", None)),
            "lesson": _text(getattr(s, "lesson", None)),
            "planned_start": fmt.date(s.planned_start),
            "planned_end": fmt.date(s.planned_end),
            "actual_start": fmt.date(getattr(s, "actual_start", None)),
            "actual_end": fmt.date(s.actual_end),
            "status": t("text.delayed_by_rule") if s.delayed_by_rule else t.status(s.status),
            "reported": t.status(s.reported_status),
            "delayed_by_rule": bool(s.delayed_by_rule),
            "delayed": s.status == "delayed",
            "evidence": _text(s.evidence),
            "improvement": ", ".join(
                t(f"improvement.{k.replace(' ', '_')}")
                for k in _kinds(getattr(s, "improvement", None))
            ),
        }
        for s in steps.itertuples(index=False)
    ]


def _performance(model: ReportModel, lang: str, t: Messages) -> dict[str, Any]:
    """Whether the policy instrument is improved, and how: the improvement kinds of the
    steps completed by the period end, and of those under way."""
    how = []
    for kind in IMPROVEMENT_KINDS:
        done, going = [], []
        for s in model.steps.itertuples(index=False):
            if kind in _kinds(getattr(s, "improvement", None)):
                if s.status == "completed":
                    done.append(str(s.step))
                elif s.status in UNDER_WAY:
                    going.append(str(s.step))
        if done or going:
            how.append(
                {
                    "kind": t(f"improvement.{kind.replace(' ', '_')}"),
                    "done": ", ".join(done) or fmt.EMPTY,
                    "going": ", ".join(going) or fmt.EMPTY,
                }
            )
    improved = any(row["done"] != fmt.EMPTY for row in how)
    under_way = any(row["going"] != fmt.EMPTY for row in how)
    verdict = "yes" if improved else "under_way" if under_way else "not_yet"
    funds = model.totals.loc["intercluster_budget_since_plan_eur", "value"]
    return {
        "improved": t(f"action_plan.improved_{verdict}"),
        "how": how,
        "funds": fmt.euro(funds, lang),
    }


def action_plan_section(model: ReportModel, lang: str, t: Messages) -> dict[str, Any]:
    """The steps grouped by action (in the plan's order) and the performance figures."""
    rows = step_rows(model.steps, t)
    actions: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        actions.setdefault(row["action"] or t("action_plan.one_action"), []).append(row)
    return {
        "actions": [{"name": name, "steps": steps} for name, steps in actions.items()],
        "performance": _performance(model, lang, t),
        "delayed": [row for row in rows if row["delayed"]],
    }
