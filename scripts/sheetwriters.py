"""Write rows of cells as real xlsx, xls, ods and csv files, with the libraries people's tools use.

Used by the sample generator and by the tests. A row is a list of cells: str, int, float,
datetime.date, or None. Each sheet is (name, rows) or (name, rows, {"hidden": True}).
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

Sheet = tuple  # (name, rows) or (name, rows, options)


def _options(sheet: Sheet) -> dict[str, Any]:
    return sheet[2] if len(sheet) > 2 else {}


def write_xlsx(path: Path, sheets: list[Sheet]) -> Path:
    """An xlsx written with openpyxl; dates are real dates with a date format."""
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for sheet in sheets:
        ws = workbook.create_sheet(sheet[0])
        for r, row in enumerate(sheet[1], start=1):
            for c, value in enumerate(row, start=1):
                if value is None:
                    continue
                cell = ws.cell(row=r, column=c, value=value)
                if isinstance(value, dt.date):
                    cell.number_format = "dd/mm/yyyy"
        if _options(sheet).get("hidden"):
            ws.sheet_state = "hidden"
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def write_xlsx_1904(path: Path, sheets: list[Sheet]) -> Path:
    """An xlsx in the 1904 date system, written with xlsxwriter."""
    import xlsxwriter

    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = xlsxwriter.Workbook(str(path), {"date_1904": True})
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    for sheet in sheets:
        ws = workbook.add_worksheet(sheet[0])
        for r, row in enumerate(sheet[1]):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, dt.date):
                    ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_format)
                else:
                    ws.write(r, c, value)
        if _options(sheet).get("hidden"):
            ws.hide()
    workbook.close()
    return path


def write_xls(path: Path, sheets: list[Sheet]) -> Path:
    """An xls (BIFF8) written with xlwt, as old Excel writes it."""
    import xlwt

    workbook = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    for sheet in sheets:
        ws = workbook.add_sheet(sheet[0])
        for r, row in enumerate(sheet[1]):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, dt.date):
                    ws.write(r, c, dt.datetime.combine(value, dt.time()), date_style)
                else:
                    ws.write(r, c, value)
        if _options(sheet).get("hidden"):
            ws.visibility = 1
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(str(path))
    return path


def write_ods(path: Path, sheets: list[Sheet]) -> Path:
    """An ods written with odfpy, with real date and float cells."""
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Style, TableProperties
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    hidden_style = Style(name="hiddentable", family="table")
    hidden_style.addElement(TableProperties(display="false"))
    document.automaticstyles.addElement(hidden_style)
    for sheet in sheets:
        attrs = {"name": sheet[0]}
        if _options(sheet).get("hidden"):
            attrs["stylename"] = hidden_style
        table = Table(**attrs)
        for row in sheet[1]:
            tr = TableRow()
            for value in row:
                if value is None:
                    tr.addElement(TableCell())
                elif isinstance(value, dt.date):
                    cell = TableCell(valuetype="date", datevalue=value.isoformat())
                    cell.addElement(P(text=value.strftime("%d/%m/%Y")))
                    tr.addElement(cell)
                elif isinstance(value, int | float) and not isinstance(value, bool):
                    cell = TableCell(valuetype="float", value=value)
                    cell.addElement(P(text=str(value)))
                    tr.addElement(cell)
                else:
                    cell = TableCell(valuetype="string")
                    cell.addElement(P(text=str(value)))
                    tr.addElement(cell)
            table.addElement(tr)
        document.spreadsheet.addElement(table)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def write_csv(
    path: Path, rows: list[list[Any]], *, delimiter: str = ";", encoding: str = "utf-8"
) -> Path:
    """A csv as Excel saves it: cells as text, dates day first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        for row in rows:
            writer.writerow(
                [
                    "" if v is None else v.strftime("%d/%m/%Y") if isinstance(v, dt.date) else v
                    for v in row
                ]
            )
    return path


def libreoffice() -> str | None:
    """The LibreOffice command, where it is installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_with_libreoffice(
    source: Path, target_format: str, out_dir: Path, filter_spec: str | None = None
) -> Path:
    """Convert a file headless with LibreOffice (xls: 'xls:MS Excel 97', ods: 'ods', pdf:
    'pdf'); `filter_spec` replaces the default --convert-to argument (a filter's options)."""
    filters = {"xls": "xls:MS Excel 97", "ods": "ods", "xlsx": "xlsx", "csv": "csv", "pdf": "pdf"}
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                libreoffice() or "soffice",
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                filter_spec or filters[target_format],
                "--outdir",
                str(out_dir),
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
    return out_dir / f"{source.stem}.{target_format}"


_ENCRYPT_MACRO = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1"
 script:language="StarBasic">
Sub SaveWithPassword(source As String, target As String, password As String)
  Dim load(0) As New com.sun.star.beans.PropertyValue
  load(0).Name = &quot;Hidden&quot;
  load(0).Value = True
  doc = StarDesktop.loadComponentFromURL(ConvertToURL(source), &quot;_blank&quot;, 0, load())
  Dim store(1) As New com.sun.star.beans.PropertyValue
  store(0).Name = &quot;FilterName&quot;
  store(0).Value = &quot;calc8&quot;
  store(1).Name = &quot;Password&quot;
  store(1).Value = password
  doc.storeToURL(ConvertToURL(target), store())
  doc.close(True)
End Sub
</script:module>
"""


def save_ods_with_password(source: Path, target: Path, password: str) -> Path:
    """An ods encrypted by LibreOffice itself (File > Save with password), through a Basic
    macro in a throwaway profile: headless --convert-to cannot set a password."""
    soffice = libreoffice() or "soffice"
    with tempfile.TemporaryDirectory() as profile:
        setting_up = [soffice, f"-env:UserInstallation=file://{profile}", "--headless"]
        subprocess.run(  # a first start lays out the profile, with its Standard library
            [*setting_up, "--convert-to", "csv", "--outdir", profile, str(source)],
            check=True,
            capture_output=True,
            timeout=180,
        )
        module = Path(profile) / "user" / "basic" / "Standard" / "Module1.xba"
        module.write_text(_ENCRYPT_MACRO, encoding="utf-8")
        call = f'macro:///Standard.Module1.SaveWithPassword("{source}","{target}","{password}")'
        subprocess.run([*setting_up, call], check=True, capture_output=True, timeout=180)
    if not target.is_file():
        raise RuntimeError(f"LibreOffice did not write {target}")
    return target
