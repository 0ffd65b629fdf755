"""`clusterix-reports init DIR`: a new programme's folder, ready to fill in.

A pipeline file to edit, empty reference workbooks that carry the input contract's
headers, and the folders for the account managers' exports and the narratives. Nothing
that exists is overwritten.
"""

from __future__ import annotations

import io
from pathlib import Path

from clusterix_reports.errors import UserError
from clusterix_reports.ingest.vocabulary import vocabulary
from clusterix_reports.storage import atomic_write_bytes

PIPELINE = """\
# The pipeline of a new programme: set the programme, its periods, budget and targets,
# then run:  clusterix-reports run --pipeline {folder}/pipeline.toml
# Every key is described in the docs (docs/pipeline.md). Paths are relative to this file.

[programme]
name = "Action plan"                 # the programme, on the reports' cover
partner = "Partner organisation"
region = "Region"                    # as named in the benchmark scores
policy_instrument = "Policy instrument"
start = 2019-01-01
end = 2022-12-31
action_plan_start = 2019-01-01
# project = "Interreg Europe project"
# partner_number = "P1"
# contact = "name, e-mail"

[paths]
inputs = "inputs"
outputs = "outputs"

[periods]
default = "quarter"                  # quarter | half | year | reporting | a name below
# P1 = [2019-01-01, 2019-06-30]      # reporting periods, as many as needed

[budget]
yearly_eur = [0, 0]                  # the yearly budget of the services: [low, high]
# excluded_services = []             # services whose costs fall outside that budget

[targets]
# clusters_served = {{ "2019Q4" = 10, "2022-12-31" = 20 }}

[benchmark]
tolerance = 0.25

[report]
language = "en"                      # en | nl
"""
REFERENCE = {  # file -> table kind
    "clusters.xlsx": "clusters",
    "services.xlsx": "services",
    "action-plan.xlsx": "action_plan",
    "benchmark.xlsx": "benchmark_scores",
}


def _workbook(kind: str) -> bytes:
    """An empty workbook whose first row names every field of the table kind."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    spec = vocabulary().tables[kind]
    book = Workbook()
    sheet = book.active
    sheet.title = spec.label[:31]
    sheet.append([field.aliases[0] for field in spec.fields])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def init_programme(folder: Path) -> list[Path]:
    """Make a new programme's folder; the files written. Refuses to overwrite a pipeline."""
    pipeline = folder / "pipeline.toml"
    if pipeline.exists():
        raise UserError(f"{pipeline}: exists already; init never overwrites a programme.")
    written = []
    for name, kind in REFERENCE.items():
        path = folder / "inputs" / "reference" / name
        if not path.exists():
            atomic_write_bytes(path, _workbook(kind))
            written.append(path)
    for sub in ("exports", "narrative"):
        (folder / "inputs" / sub).mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(pipeline, PIPELINE.format(folder=folder.as_posix()).encode("utf-8"))
    return [pipeline, *written]
