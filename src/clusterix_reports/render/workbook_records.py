"""The workbook's sheets that list records: action plan, benchmark, data quality, sources."""

from __future__ import annotations

from openpyxl import Workbook

from clusterix_reports.pipeline import Pipeline
from clusterix_reports.render.excel import DATE, DECIMAL, INTEGER, Column, frame_sheet, table_sheet
from clusterix_reports.report.model import ReportModel


def action_plan_sheet(workbook: Workbook, model: ReportModel) -> None:
    """The steps with their planned and actual dates and their status at the period end."""
    frame_sheet(
        workbook,
        "Action plan",
        model.steps,
        "ActionPlan",
        {
            "step": None,
            "title": None,
            "planned_start": DATE,
            "planned_end": DATE,
            "status": None,
            "reported_status": None,
            "delayed_by_rule": None,
            "actual_start": DATE,
            "actual_end": DATE,
            "evidence": None,
        },
    )


def benchmark_sheet(workbook: Workbook, model: ReportModel) -> None:
    """The benchmark comparison, with the baseline year's figures beside the current ones."""
    frame_sheet(
        workbook,
        "Benchmark",
        model.benchmark,
        "Benchmark",
        {
            "criterion": None,
            "year": None,
            "score": DECIMAL,
            "portfolio_mean": DECIMAL,
            "portfolio_median": DECIMAL,
            "difference": DECIMAL,
            "position": None,
            "regions": INTEGER,
            "baseline_year": None,
            "baseline_score": DECIMAL,
            "baseline_portfolio_mean": DECIMAL,
            "baseline_position": None,
            "score_change": DECIMAL,
            "difference_change": DECIMAL,
        },
    )


def data_quality_sheet(workbook: Workbook, model: ReportModel) -> None:
    """Every rejected row, by account manager, with what to fix."""
    columns = [
        Column("account_manager"),
        Column("file"),
        Column("sheet"),
        Column("row", INTEGER),
        Column("field"),
        Column("value"),
        Column("reason"),
        Column("message", width=90),
        Column("other_problems"),
    ]
    rejected = model.rejected.assign(_manager=model.rejected["account_manager"].fillna(""))
    rejected = rejected.sort_values(
        ["_manager", "source_file", "source_sheet", "source_row"], kind="stable"
    )
    rows = [
        [
            r.account_manager or None,
            r.source_file,
            r.source_sheet,
            r.source_row,
            r.field,
            r.value,
            r.reason,
            r.message,
            r.other_problems or None,
        ]
        for r in rejected.itertuples(index=False)
    ]
    table_sheet(workbook, "Data quality", columns, rows, table_name="DataQuality")


def sources_sheet(workbook: Workbook, model: ReportModel, pipeline: Pipeline) -> None:
    """Every input file with its sha256, status and row counts, and the pipeline file."""
    columns = [
        Column("path"),
        Column("format"),
        Column("status"),
        Column("reason"),
        Column("sha256"),
        Column("rows_read", INTEGER),
        Column("rows_loaded", INTEGER),
        Column("rows_duplicate", INTEGER),
        Column("rows_rejected", INTEGER),
    ]
    rows = [
        [
            f["path"],
            f.get("format"),
            f["status"],
            f["reason"] or None,
            f["sha256"],
            *(
                sum(s[k] for s in f["sheets"])
                for k in ("rows_read", "rows_loaded", "rows_duplicate", "rows_rejected")
            ),
        ]
        for f in model.ingest["files"]
    ]
    rows.append(
        [
            f"pipeline: {pipeline.path.name}",
            "toml",
            "read",
            None,
            pipeline.sha256,
            None,
            None,
            None,
            None,
        ]
    )
    table_sheet(workbook, "Sources", columns, rows, table_name="Sources")
