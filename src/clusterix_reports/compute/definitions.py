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
        "Count each cluster once if it has at least one service-log row dated in the period.",
        ("cluster_type", "service"),
    ),
    IndicatorDefinition(
        "clusters_served_cumulative",
        "Clusters served since the programme start",
        "clusters",
        "Distinct clusters with at least one service-log row from the programme start to the "
        "period end.",
        _LOG,
        (
            "Count each cluster once if it has at least one service-log row dated from the "
            "programme start to the period end."
        ),
    ),
    IndicatorDefinition(
        "active_clusters",
        "Active clusters",
        "clusters",
        "Clusters in the registry recognised by the period end whose funding had not ended "
        "before the period start.",
        ("clusters",),
        (
            "Count the registry's clusters recognised by the period end whose funding had not"
            " ended before the period start."
        ),
    ),
    IndicatorDefinition(
        "coverage_pct",
        "Coverage of active clusters",
        "%",
        "Share of the active clusters that were served in the period; empty when no cluster "
        "is active.",
        ("service_log", "clusters"),
        (
            "Divide the active clusters that were served in the period by all active "
            "clusters, times 100."
        ),
    ),
    IndicatorDefinition(
        "service_uses",
        "Service uses",
        "uses",
        "Service-log rows in the period.",
        _LOG,
        "Count the service-log rows dated in the period.",
        ("cluster_type", "service"),
    ),
    IndicatorDefinition(
        "participants",
        "Participants",
        "persons",
        "Sum of participants over the service-log rows in the period (an empty cell counts as 0).",
        _LOG,
        (
            "Add up the participants of the service-log rows dated in the period; an empty "
            "cell adds nothing."
        ),
        ("cluster_type", "service"),
    ),
    IndicatorDefinition(
        "services_in_use",
        "Services in use",
        "services",
        "Distinct services with at least one service-log row in the period.",
        _LOG,
        "Count each service once if it has at least one service-log row dated in the period.",
    ),
    IndicatorDefinition(
        "services_launched_cumulative",
        "New services launched",
        "services",
        "Catalogue services launched from the action plan's start up to the period end.",
        ("services",),
        "Count the catalogue's services launched from the action plan's start to the period end.",
    ),
    IndicatorDefinition(
        "intercluster_projects_approved",
        "Intercluster projects approved",
        "projects",
        "Projects of two or more distinct clusters, approved, running or completed, approved "
        "in the period.",
        ("intercluster_projects",),
        (
            "Count the projects of two or more clusters that are approved, running or "
            "completed and were approved in the period."
        ),
    ),
    IndicatorDefinition(
        "intercluster_projects_cumulative",
        "Intercluster projects since the programme start",
        "projects",
        "The same projects, approved from the programme start to the period end.",
        ("intercluster_projects",),
        "Count the same projects approved from the programme start to the period end.",
    ),
    IndicatorDefinition(
        "intercluster_budget_eur",
        "Budget of approved intercluster projects",
        "EUR",
        "Sum of the budgets of the projects counted in intercluster_projects_approved.",
        ("intercluster_projects",),
        "Add up the budgets of the projects counted as approved in the period.",
    ),
    IndicatorDefinition(
        "intercluster_budget_since_plan_eur",
        "Funds influenced: intercluster projects since the action plan",
        "EUR",
        "Sum of the budgets of the countable intercluster projects approved from the action "
        "plan's start to the period end: the funds the action plan influenced.",
        ("intercluster_projects",),
        (
            "Add up the budgets of the countable projects approved from the action plan's "
            "start to the period end."
        ),
    ),
    IndicatorDefinition(
        "spend_eur",
        "Spend on services",
        "EUR",
        "Sum of cost_eur over the service-log rows in the period.",
        _LOG,
        "Add up the costs of the service-log rows dated in the period.",
    ),
    IndicatorDefinition(
        "budget_spend_eur",
        "Spend counted against the budget",
        "EUR",
        "Spend on services less the cost of the services the pipeline excludes from the yearly "
        "budget ([budget] excluded_services; the action plan's budget excludes the intercluster "
        "managers). A lower bound when uses_without_cost is above 0.",
        _LOG,
        (
            "Add up the costs of the period's service-log rows, leaving out the services "
            "excluded from the budget."
        ),
    ),
    IndicatorDefinition(
        "uses_without_cost",
        "Service uses without a cost",
        "uses",
        "Service-log rows in the period whose cost is empty: while there are any, the spend "
        "figures are lower bounds.",
        _LOG,
        "Count the period's service-log rows that give no cost.",
    ),
    IndicatorDefinition(
        "budget_use_pct",
        "Budget used, pro rata",
        "%",
        "Spend counted against the budget (budget_spend_eur) against the upper bound of the "
        "yearly budget, pro rata for the days of the period in each year.",
        _LOG,
        (
            "Divide the spend counted against the budget by the upper bound of the yearly "
            "budget, taken pro rata for the period's days in each year, times 100."
        ),
    ),
    IndicatorDefinition(
        "steps_completed",
        "Action-plan steps completed",
        "steps",
        "Steps completed by the period end: as reported for a period ending on or after the "
        "last day of data; for an earlier period, steps whose actual end is on or before its end.",
        ("action_plan",),
        "Count the steps whose status at the period end is completed.",
    ),
    IndicatorDefinition(
        "steps_ongoing",
        "Action-plan steps ongoing",
        "steps",
        "Steps under way at the period end and not past their planned end.",
        ("action_plan",),
        (
            "Count the steps whose status at the period end is ongoing and whose planned end "
            "has not passed."
        ),
    ),
    IndicatorDefinition(
        "steps_delayed",
        "Action-plan steps delayed",
        "steps",
        "Steps reported as delayed, and every step not completed whose planned end is before "
        "the period end, whatever its status says.",
        ("action_plan",),
        (
            "Count the steps delayed at the period end: reported delayed, or not completed "
            "with their planned end passed."
        ),
    ),
    IndicatorDefinition(
        "steps_not_started",
        "Action-plan steps not started",
        "steps",
        "Steps not started at the period end (reported not started, or, for an earlier period, "
        "before their planned or actual start) and not past their planned end.",
        ("action_plan",),
        "Count the steps not started at the period end whose planned end has not passed.",
    ),
)

BY_ID = {d.id: d for d in DEFINITIONS}
