"""What each indicator means: id, label, unit, definition, source tables, counting rule.

Written once, used by the indicator table, the PDF glossary, the workbook and docs.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class IndicatorDefinition:
    """The documented meaning of one indicator."""

    id: str
    label: str
    unit: str
    definition: str
    sources: tuple[str, ...]
    counting_rule: str
    breakdowns: tuple[str, ...] = ()


_LOG = ("service_log",)
DEFINITIONS: tuple[IndicatorDefinition, ...] = (
    IndicatorDefinition(
        "clusters_served",
        "Clusters served",
        "clusters",
        "Distinct clusters with at least one service-log row in the period: the action plan's "
        "monitoring indicator (number of clusters that make use of the services offered).",
        _LOG,
        "count distinct cluster_id where start <= date <= end",
        ("cluster_type", "service"),
    ),
    IndicatorDefinition(
        "clusters_served_cumulative",
        "Clusters served since the programme start",
        "clusters",
        "Distinct clusters with at least one service-log row from the programme start to the "
        "period end.",
        _LOG,
        "count distinct cluster_id where programme start <= date <= end",
    ),
    IndicatorDefinition(
        "active_clusters",
        "Active clusters",
        "clusters",
        "Clusters in the registry recognised by the period end whose funding had not ended "
        "before the period start.",
        ("clusters",),
        "count clusters with recognised_from <= end and (funding_end empty or funding_end >= start)",
    ),
    IndicatorDefinition(
        "coverage_pct",
        "Coverage of active clusters",
        "%",
        "Share of the active clusters that were served in the period; empty when no cluster "
        "is active.",
        ("service_log", "clusters"),
        "100 x distinct served clusters that are active / active_clusters",
    ),
    IndicatorDefinition(
        "service_uses",
        "Service uses",
        "uses",
        "Service-log rows in the period.",
        _LOG,
        "count rows where start <= date <= end",
        ("cluster_type", "service"),
    ),
    IndicatorDefinition(
        "participants",
        "Participants",
        "persons",
        "Sum of participants over the service-log rows in the period (an empty cell counts as 0).",
        _LOG,
        "sum participants where start <= date <= end",
        ("cluster_type", "service"),
    ),
    IndicatorDefinition(
        "services_in_use",
        "Services in use",
        "services",
        "Distinct services with at least one service-log row in the period.",
        _LOG,
        "count distinct service_id where start <= date <= end",
    ),
    IndicatorDefinition(
        "services_launched_cumulative",
        "New services launched",
        "services",
        "Catalogue services launched from the action plan's start up to the period end.",
        ("services",),
        "count services with action plan start <= launched <= end",
    ),
    IndicatorDefinition(
        "intercluster_projects_approved",
        "Intercluster projects approved",
        "projects",
        "Projects of two or more distinct clusters, approved, running or completed, approved "
        "in the period.",
        ("intercluster_projects",),
        "count projects with >= 2 clusters, status approved/running/completed, start <= approved_on <= end",
    ),
    IndicatorDefinition(
        "intercluster_projects_cumulative",
        "Intercluster projects since the programme start",
        "projects",
        "The same projects, approved from the programme start to the period end.",
        ("intercluster_projects",),
        "as intercluster_projects_approved, programme start <= approved_on <= end",
    ),
    IndicatorDefinition(
        "intercluster_budget_eur",
        "Budget of approved intercluster projects",
        "EUR",
        "Sum of the budgets of the projects counted in intercluster_projects_approved.",
        ("intercluster_projects",),
        "sum budget_eur of those projects",
    ),
    IndicatorDefinition(
        "intercluster_budget_since_plan_eur",
        "Funds influenced: intercluster projects since the action plan",
        "EUR",
        "Sum of the budgets of the countable intercluster projects approved from the action "
        "plan's start to the period end: the funds the action plan influenced.",
        ("intercluster_projects",),
        "sum budget_eur of projects as in intercluster_projects_approved, action_plan_start <= approved_on <= end",
    ),
    IndicatorDefinition(
        "spend_eur",
        "Spend on services",
        "EUR",
        "Sum of cost_eur over the service-log rows in the period.",
        _LOG,
        "sum cost_eur where start <= date <= end",
    ),
    IndicatorDefinition(
        "budget_spend_eur",
        "Spend counted against the budget",
        "EUR",
        "Spend on services less the cost of the services the pipeline excludes from the yearly "
        "budget ([budget] excluded_services; the action plan's budget excludes the intercluster "
        "managers). A lower bound when uses_without_cost is above 0.",
        _LOG,
        "sum cost_eur where start <= date <= end and the service is not excluded",
    ),
    IndicatorDefinition(
        "uses_without_cost",
        "Service uses without a cost",
        "uses",
        "Service-log rows in the period whose cost is empty: while there are any, the spend "
        "figures are lower bounds.",
        _LOG,
        "count rows where start <= date <= end and cost_eur is empty",
    ),
    IndicatorDefinition(
        "budget_use_pct",
        "Budget used, pro rata",
        "%",
        "Spend counted against the budget (budget_spend_eur) against the upper bound of the "
        "yearly budget, pro rata for the days of the period in each year.",
        _LOG,
        "100 x budget_spend_eur / sum over the period's years of (yearly budget x days in period / days in year)",
    ),
    IndicatorDefinition(
        "steps_completed",
        "Action-plan steps completed",
        "steps",
        "Steps completed by the period end: as reported for a period ending on or after the "
        "last day of data; for an earlier period, steps whose actual end is on or before its end.",
        ("action_plan",),
        "count steps whose status at the period end is completed",
    ),
    IndicatorDefinition(
        "steps_ongoing",
        "Action-plan steps ongoing",
        "steps",
        "Steps under way at the period end and not past their planned end.",
        ("action_plan",),
        "count steps whose status at the period end is ongoing and planned_end >= end",
    ),
    IndicatorDefinition(
        "steps_delayed",
        "Action-plan steps delayed",
        "steps",
        "Steps reported as delayed, and every step not completed whose planned end is before "
        "the period end, whatever its status says.",
        ("action_plan",),
        "count steps delayed at the period end, or not completed and planned_end < end",
    ),
    IndicatorDefinition(
        "steps_not_started",
        "Action-plan steps not started",
        "steps",
        "Steps not started at the period end (reported not started, or, for an earlier period, "
        "before their planned or actual start) and not past their planned end.",
        ("action_plan",),
        "count steps whose status at the period end is not started and planned_end >= end",
    ),
)

BY_ID = {d.id: d for d in DEFINITIONS}
