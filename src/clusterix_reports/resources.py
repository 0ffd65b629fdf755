"""Where the shipped pipelines, templates and sample inputs live, installed or in a checkout."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from clusterix_reports.pipeline import Pipeline

_PACKAGE_DIR = Path(__file__).resolve().parent


def shipped_dir(name: str) -> Path:
    """The shipped folder `name` (pipelines, templates, inputs): in the wheel or the checkout."""
    installed = _PACKAGE_DIR / "_data" / name
    if installed.is_dir():
        return installed
    return _PACKAGE_DIR.parent.parent / name


def default_pipeline_file() -> Path:
    """The shipped default pipeline: quarterly monitoring of the Flanders action plan."""
    return shipped_dir("pipelines") / "quarterly.toml"


def templates_dir(pipeline: Pipeline) -> Path:
    """The pipeline's templates folder, else the shipped one."""
    return pipeline.templates or shipped_dir("templates")
