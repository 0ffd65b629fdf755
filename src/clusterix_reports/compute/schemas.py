"""The Parquet schema of every table compute writes: fixed types, whatever pandas or pyarrow
version wrote them (dates date32, text string, counts int64, money and percentages float64)."""

from __future__ import annotations

import pyarrow as pa

_S, _D, _F, _I, _B = pa.string(), pa.date32(), pa.float64(), pa.int64(), pa.bool_()

REPORT_SCHEMAS: dict[str, pa.Schema] = {
    "indicators": pa.schema(
        [
            ("indicator_id", _S),
            ("period", _S),
            ("period_start", _D),
            ("period_end", _D),
            ("breakdown", _S),
            ("breakdown_value", _S),
            ("value", _F),
            ("unit", _S),
            ("previous_value", _F),
            ("year_ago_value", _F),
            ("change_abs", _F),
            ("change_pct", _F),
            ("target", _F),
            ("pct_of_target", _F),
            ("cumulative_value", _F),
            ("data_status", _S),
            ("data_coverage_pct", _F),
        ]
    ),
    "benchmark": pa.schema(
        [
            ("criterion", _S),
            ("year", _I),
            ("score", _F),
            ("portfolio_mean", _F),
            ("portfolio_median", _F),
            ("difference", _F),
            ("position", _S),
            ("regions", _I),
            ("baseline_year", _I),
            ("baseline_score", _F),
            ("baseline_portfolio_mean", _F),
            ("baseline_position", _S),
            ("score_change", _F),
            ("difference_change", _F),
        ]
    ),
    "peers": pa.schema(
        [
            ("cluster_id", _S),
            ("name", _S),
            ("cluster_type", _S),
            ("active", _B),
            ("service_uses", _I),
            ("participants", _I),
            ("peer_median", _F),
            ("peer_ratio", _F),
        ]
    ),
    "uptake": pa.schema([("cluster_id", _S), ("service_id", _S), ("service_uses", _I)]),
    "steps": pa.schema(
        [
            ("step", _S),
            ("title", _S),
            ("planned_start", _D),
            ("planned_end", _D),
            ("status", _S),
            ("actual_end", _D),
            ("evidence", _S),
            ("actual_start", _D),
            ("action", _S),
            ("lesson", _S),
            ("improvement", _S),
            ("title_en", _S),
            ("title_nl", _S),
            ("reported_status", _S),
            ("delayed_by_rule", _B),
        ]
    ),
    "projects": pa.schema(
        [
            ("project_id", _S),
            ("title", _S),
            ("call", _S),
            ("cluster_ids", pa.list_(_S)),
            ("status", _S),
            ("submitted_on", _D),
            ("approved_on", _D),
            ("budget_eur", _F),
            ("source_file", _S),
            ("source_sheet", _S),
            ("source_row", _I),
            ("approved_in_period", _B),
            ("counted_cumulative", _B),
        ]
    ),
    "targets": pa.schema(
        [
            ("indicator_id", _S),
            ("target_for", _S),
            ("target_end", _D),
            ("target", _F),
            ("relation", _S),
            ("value_period", _S),
            ("value", _F),
            ("pct_of_target", _F),
            ("reached", _B),
        ]
    ),
    "budget": pa.schema(
        [
            ("scope", _S),
            ("start", _D),
            ("end", _D),
            ("spend_eur", _F),
            ("budget_spend_eur", _F),
            ("excluded_spend_eur", _F),
            ("service_uses", _I),
            ("uses_without_cost", _I),
            ("budget_low_eur", _F),
            ("budget_high_eur", _F),
            ("budget_use_pct", _F),
            ("excluded_services", _S),
        ]
    ),
}
