"""clusterix-reports: audited monitoring indicators and progress reports for Interreg action plans.

The Python API (docs/api.md): `load_pipeline`, `run`, `validate` and `RunResult`, loaded
when first used, so the command line starts without pandas.
"""

from typing import Any

__version__ = "0.1.0"
__all__ = ["RunResult", "load_pipeline", "run", "validate"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from clusterix_reports import api

        return getattr(api, name)
    raise AttributeError(f"module 'clusterix_reports' has no attribute {name!r}")
