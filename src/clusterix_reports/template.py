"""`template`: the account managers' service-log workbook, with dropdowns from the reference data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from clusterix_reports.errors import UserError
from clusterix_reports.ingest import combine, read_reference, require_reference
from clusterix_reports.ingest.workers import WorkerPool
from clusterix_reports.inventory import input_files
from clusterix_reports.pipeline import Pipeline
from clusterix_reports.render.excel import DATE, DECIMAL, put, workbook_bytes
from clusterix_reports.storage import atomic_write_bytes

LOG_SHEET = "Service log"
LISTS_SHEET = "Lijsten"
INSTRUCTIONS_SHEET = "Instructies – Instructions"  # "/" is not allowed in a sheet name
ROWS = 2000
# (header in Dutch, validation, number format, width)
COLUMNS = [
    ("Clusterorganisatie", "clusters", None, 36),
    ("Type dienst", "services", None, 40),
    ("Datum activiteit", "date", DATE, 16),
    ("Aantal deelnemers", "whole", "0", 18),
    ("Aantal uren", "decimal", DECIMAL, 12),
    ("Kost (EUR)", "decimal", '"€" #,##0.00', 14),
    ("Accountmanager", "managers", None, 22),
    ("Opmerkingen", None, None, 50),
]
INSTRUCTIONS = [
    ("Nederlands", True),
    (
        "Vul op het blad 'Service log' één rij in per gebruik van een dienst door een cluster.",
        False,
    ),
    (
        "Kies de cluster, de dienst en de accountmanager uit de keuzelijsten; typ geen eigen spelling.",
        False,
    ),
    (
        "Datum: de dag van de activiteit (dd/mm/jjjj), binnen het programma: {start} tot {end}.",
        False,
    ),
    ("Aantal deelnemers: een geheel getal (0 of meer). Uren en kost: een getal, 0 of meer.", False),
    (
        "Opmerkingen: vrije tekst. Laat de koprij staan; voeg geen kolommen in vóór de koprij.",
        False,
    ),
    ("Controleer het bestand vóór het versturen: clusterix-reports validate BESTAND.xlsx", False),
    ("", False),
    ("English", True),
    ("On the 'Service log' sheet, enter one row per use of a service by a cluster.", False),
    (
        "Pick the cluster, the service and the account manager from the dropdown lists; do not type your own "
        "spelling.",
        False,
    ),
    ("Date: the day of the activity (dd/mm/yyyy), within the programme: {start} to {end}.", False),
    ("Participants: a whole number (0 or more). Hours and cost: a number, 0 or more.", False),
    ("Notes: free text. Keep the header row; do not insert columns before it.", False),
    ("Check the file before you send it: clusterix-reports validate FILE.xlsx", False),
]


def _validation(kind: str, pipeline: Pipeline) -> DataValidation:
    start, end = pipeline.programme.start, pipeline.programme.end
    if kind in ("clusters", "services", "managers"):
        return DataValidation(
            type="list",
            formula1=kind,
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Onbekende waarde / Unknown value",
            error="Kies een waarde uit de lijst. / Pick a value from the list.",
        )
    if kind == "date":
        return DataValidation(
            type="date",
            operator="between",
            formula1=f"DATE({start.year},{start.month},{start.day})",
            formula2=f"DATE({end.year},{end.month},{end.day})",
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="Datum / Date",
            error=f"Een datum van {start} tot {end}. / A date from {start} to {end}.",
        )
    if kind == "whole":
        return DataValidation(
            type="whole",
            operator="greaterThanOrEqual",
            formula1="0",
            allow_blank=True,
            showErrorMessage=True,
            error="Een geheel getal, 0 of meer. / A whole number, 0 or more.",
        )
    return DataValidation(
        type="decimal",
        operator="greaterThanOrEqual",
        formula1="0",
        allow_blank=True,
        showErrorMessage=True,
        error="Een getal, 0 of meer. / A number, 0 or more.",
    )


def write_template(pipeline: Pipeline, out: Path) -> Path:
    """Write the template workbook to `out`, with dropdowns from the registry and the catalogue."""
    if out.suffix.lower() != ".xlsx":
        raise UserError(f"{out}: the template is an .xlsx workbook; give a name ending in .xlsx.")
    with WorkerPool(pipeline.limits) as pool:
        reference = read_reference(pipeline, input_files(pipeline.inputs, pipeline.outputs), pool)
    tables = combine(reference.outcomes, reference.records)
    require_reference(tables)
    lists = {
        "clusters": sorted(tables.tables["clusters"]["name"].dropna().unique()),
        "services": sorted(tables.tables["services"]["name"].dropna().unique()),
        "managers": sorted(tables.tables["clusters"]["account_manager"].dropna().unique()),
    }
    workbook = Workbook()
    log = workbook.active
    log.title = LOG_SHEET
    for c, (header, kind, number_format, width) in enumerate(COLUMNS, start=1):
        cell = log.cell(row=1, column=c, value=header)
        cell.font = Font(bold=True)
        letter = get_column_letter(c)
        log.column_dimensions[letter].width = width
        if number_format:
            for r in range(2, ROWS + 2):
                log.cell(row=r, column=c).number_format = number_format
        if kind:
            validation = _validation(kind, pipeline)
            validation.add(f"{letter}2:{letter}{ROWS + 1}")
            log.add_data_validation(validation)
    log.freeze_panes = "A2"
    log.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}1"

    sheet = workbook.create_sheet(LISTS_SHEET)
    for c, (name, values) in enumerate(lists.items(), start=1):
        put(sheet.cell(row=1, column=c), name)
        for r, value in enumerate(values, start=2):
            put(sheet.cell(row=r, column=c), value)
        letter = get_column_letter(c)
        ref = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${max(len(values) + 1, 2)}"
        workbook.defined_names[name] = DefinedName(name, attr_text=ref)
    sheet.sheet_state = "hidden"

    notes = workbook.create_sheet(INSTRUCTIONS_SHEET)
    notes.column_dimensions["A"].width = 110
    for r, (text, heading) in enumerate(INSTRUCTIONS, start=1):
        cell = notes.cell(row=r, column=1)
        put(cell, text.format(start=pipeline.programme.start, end=pipeline.programme.end))
        cell.font = Font(bold=heading, size=12 if heading else 11)
        cell.alignment = Alignment(wrap_text=True)
    created = dt.datetime.combine(pipeline.programme.start, dt.time())
    atomic_write_bytes(out, workbook_bytes(workbook, created))
    return out
