"""clusterix-reports: audited monitoring indicators and progress reports for Interreg action plans.

The Python API (docs/api.md): `load_pipeline`, `run`, `validate` and `RunResult`, loaded
when first used, so the command line starts without pandas.
"""

import os
from typing import Any

# openpyxl writes through lxml where it is installed and through the standard library
# otherwise, with other bytes; it reads this once, when first imported: so that a workbook
# has the same bytes on every machine, the package asks for the standard library's writer
# before openpyxl can be imported through it
os.environ.setdefault("OPENPYXL_LXML", "False")

__version__ = "0.1.0"
__all__ = ["RunResult", "load_pipeline", "run", "validate"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from clusterix_reports import api

        return getattr(api, name)
    raise AttributeError(f"module 'clusterix_reports' has no attribute {name!r}")
