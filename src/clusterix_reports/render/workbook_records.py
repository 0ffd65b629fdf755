"""The workbook's sheets that list records: action plan, benchmark, data quality, sources."""

from __future__ import annotations

from openpyxl import Workbook

from clusterix_reports.pipeline import Pipeline
from clusterix_reports.render.excel import (
    BOLD,
    DATE,
    DECIMAL,
    EURO,
    INTEGER,
    Column,
    frame_sheet,
    put,
    table_sheet,
)
from clusterix_reports.render.format import number
from clusterix_reports.render.messages import Messages
from clusterix_reports.report.model import ReportModel


def action_plan_sheet(workbook: Workbook, model: ReportModel, t: Messages) -> None:
    """The steps with their planned and actual dates and their status at the period end."""
    frame_sheet(
        workbook,
        t("workbook.sheet_action_plan"),
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


def benchmark_sheet(workbook: Workbook, model: ReportModel, t: Messages) -> None:
    """The benchmark comparison, with the baseline year's figures beside the current ones."""
    frame_sheet(
        workbook,
        t("workbook.sheet_benchmark"),
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


DATA_QUALITY_ROWS = 100_000  # rejected rows listed at most; rejected_rows.parquet has them all


def data_quality_sheet(
    workbook: Workbook, model: ReportModel, pipeline: Pipeline, t: Messages
) -> None:
    """Every rejected row, by account manager, with what to fix (in the report's language);
    past `DATA_QUALITY_ROWS` rows, the first ones and a line above them that says so."""
    start, end = pipeline.programme.start, pipeline.programme.end
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
            t.reason_message(
                r.reason, r.message, field=r.field, value=r.value, start=start, end=end
            ),
            r.other_problems or None,
        ]
        for r in rejected.head(DATA_QUALITY_ROWS).itertuples(index=False)
    ]
    title = t("workbook.sheet_data_quality")
    if len(rejected) <= DATA_QUALITY_ROWS:
        table_sheet(workbook, title, columns, rows, table_name="DataQuality")
        return
    ws = table_sheet(workbook, title, columns, rows, table_name="DataQuality", first_row=3)
    shown, total = number(len(rows), t.language), number(len(rejected), t.language)
    put(ws.cell(row=1, column=1), t("workbook.data_quality_capped", shown=shown, total=total))
    ws.cell(row=1, column=1).font = BOLD


def sources_sheet(workbook: Workbook, model: ReportModel, pipeline: Pipeline, t: Messages) -> None:
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
            t.file_reason(f["reason"]) or None,
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
    table_sheet(workbook, t("workbook.sheet_sources"), columns, rows, table_name="Sources")


def service_log_sheet(workbook: Workbook, model: ReportModel, t: Messages) -> None:
    """Every loaded service-log row up to the period end, with the file, sheet and row it
    came from: the rows behind every count of the report."""
    log = model.service_log
    columns = [
        Column("cluster_id"),
        Column("cluster"),
        Column("service_id"),
        Column("service"),
        Column("date", DATE),
        Column("participants", INTEGER),
        Column("hours", DECIMAL),
        Column("cost_eur", EURO),
        Column("account_manager"),
        Column("notes", width=40),
        Column("source_file"),
        Column("source_sheet"),
        Column("source_row", INTEGER),
    ]
    rows = [
        [
            r.cluster_id,
            model.cluster_names.get(r.cluster_id, r.cluster_id),
            r.service_id,
            model.service_names.get(r.service_id, r.service_id),
            r.date,
            r.participants,
            r.hours,
            r.cost_eur,
            r.account_manager,
            r.notes,
            r.source_file,
            r.source_sheet,
            r.source_row,
        ]
        for r in log.itertuples(index=False)
    ]
    table_sheet(workbook, t("workbook.sheet_service_log"), columns, rows, table_name="ServiceLog")


def duplicates_sheet(workbook: Workbook, model: ReportModel, t: Messages) -> None:
    """Every row set aside as a duplicate, with its source and the source of the row kept."""
    columns = [
        Column("table"),
        Column("account_manager"),
        Column("source_file"),
        Column("source_sheet"),
        Column("source_row", INTEGER),
        Column("duplicate_of_file"),
        Column("duplicate_of_sheet"),
        Column("duplicate_of_row", INTEGER),
    ]
    rows = [
        [getattr(r, c.header) for c in columns] for r in model.duplicates.itertuples(index=False)
    ]
    table_sheet(workbook, t("workbook.sheet_duplicates"), columns, rows, table_name="Duplicates")
