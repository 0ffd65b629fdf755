"""The Parquet schema of every table ingest writes (spec/interface.md)."""

from __future__ import annotations

import pyarrow as pa

_SOURCE = [("source_file", pa.string()), ("source_sheet", pa.string()), ("source_row", pa.int64())]

SCHEMAS: dict[str, pa.Schema] = {
    "clusters": pa.schema(
        [
            ("cluster_id", pa.string()),
            ("name", pa.string()),
            ("aliases", pa.list_(pa.string())),
            ("cluster_type", pa.string()),
            ("recognised_from", pa.date32()),
            ("funding_end", pa.date32()),
            ("account_manager", pa.string()),
            ("members", pa.int64()),
            ("name_en", pa.string()),
            ("name_nl", pa.string()),
            *_SOURCE,
        ]
    ),
    "services": pa.schema(
        [
            ("service_id", pa.string()),
            ("name", pa.string()),
            ("aliases", pa.list_(pa.string())),
            ("category", pa.string()),
            ("provider", pa.string()),
            ("action_step", pa.int64()),
            ("launched", pa.date32()),
            ("name_en", pa.string()),
            ("name_nl", pa.string()),
            *_SOURCE,
        ]
    ),
    "action_plan": pa.schema(
        [
            ("step", pa.string()),
            ("title", pa.string()),
            ("planned_start", pa.date32()),
            ("planned_end", pa.date32()),
            ("status", pa.string()),
            ("actual_end", pa.date32()),
            ("evidence", pa.string()),
            ("actual_start", pa.date32()),
            ("action", pa.string()),
            ("lesson", pa.string()),
            ("improvement", pa.string()),
            ("title_en", pa.string()),
            ("title_nl", pa.string()),
            *_SOURCE,
        ]
    ),
    "benchmark_scores": pa.schema(
        [
            ("criterion", pa.string()),
            ("region", pa.string()),
            ("score", pa.float64()),
            ("year", pa.int64()),
            ("criterion_en", pa.string()),
            ("criterion_nl", pa.string()),
            *_SOURCE,
        ]
    ),
    "service_log": pa.schema(
        [
            ("cluster_id", pa.string()),
            ("service_id", pa.string()),
            ("date", pa.date32()),
            ("participants", pa.int64()),
            ("hours", pa.float64()),
            ("cost_eur", pa.float64()),
            ("account_manager", pa.string()),
            ("notes", pa.string()),
            *_SOURCE,
        ]
    ),
    "intercluster_projects": pa.schema(
        [
            ("project_id", pa.string()),
            ("title", pa.string()),
            ("call", pa.string()),
            ("cluster_ids", pa.list_(pa.string())),
            ("status", pa.string()),
            ("submitted_on", pa.date32()),
            ("approved_on", pa.date32()),
            ("budget_eur", pa.float64()),
            *_SOURCE,
        ]
    ),
    "rejected_rows": pa.schema(
        [
            *_SOURCE,
            ("table", pa.string()),
            ("field", pa.string()),
            ("value", pa.string()),
            ("reason", pa.string()),
            ("message", pa.string()),
            ("account_manager", pa.string()),
            ("other_problems", pa.string()),
        ]
    ),
    "duplicate_rows": pa.schema(
        [
            *_SOURCE,
            ("table", pa.string()),
            ("account_manager", pa.string()),
            ("duplicate_of_file", pa.string()),
            ("duplicate_of_sheet", pa.string()),
            ("duplicate_of_row", pa.int64()),
        ]
    ),
}

TABLE_NAMES = tuple(SCHEMAS)
