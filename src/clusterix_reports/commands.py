"""The commands of the command line, each a thin call into the library."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from clusterix_reports.errors import ExitCode, UserError
from clusterix_reports.pipeline import Pipeline, load_pipeline
from clusterix_reports.resources import default_pipeline_file


def _pipeline(args: argparse.Namespace) -> Pipeline:
    return load_pipeline(
        args.pipeline or default_pipeline_file(),
        inputs=args.inputs,
        outputs=getattr(args, "outputs", None),
    )


def _say(args: argparse.Namespace, text: str) -> None:
    if not args.quiet:
        print(text)


def _run(args: argparse.Namespace, steps: tuple[str, ...]) -> int:
    from clusterix_reports.console import Console
    from clusterix_reports.runner import RunOptions, run_pipeline

    options = RunOptions(
        steps=steps,
        periods=tuple(getattr(args, "period", None) or ()),
        strict=args.strict,
        force=args.force,
        dry_run=args.dry_run,
        wait_seconds=args.wait,
        serial=args.debug,
    )
    return int(run_pipeline(_pipeline(args), options, Console(quiet=args.quiet)))


def run(args: argparse.Namespace) -> int:
    """Ingest, compute and render for each period asked for (or the latest with data)."""
    return _run(args, ("ingest", "compute", "render"))


def ingest(args: argparse.Namespace) -> int:
    """Only the ingest step: OUTPUTS/data/."""
    return _run(args, ("ingest",))


def validate(args: argparse.Namespace) -> int:
    """Print every problem of the given files (text, JSON or CSV); exit 0 when clean, 3 when not."""
    from clusterix_reports.validation import problem_records, problem_text, validation_problems

    problems, notes = validation_problems(_pipeline(args), args.paths)
    if args.format == "json":
        print(json.dumps(problem_records(problems), ensure_ascii=False))
    elif args.format == "csv":
        sys.stdout.write(problems.to_csv(index=False, lineterminator="\n"))
    else:
        for line in [*notes, *(problem_text(p) for _, p in problems.iterrows())]:
            print(line)
        if problems.empty:
            _say(args, "no problems found")
    if problems.empty:
        return int(ExitCode.DONE)
    print(f"{len(problems)} problem(s) found", file=sys.stderr)
    return int(ExitCode.STRICT_PROBLEMS)


def template(args: argparse.Namespace) -> int:
    """Write the account managers' input template."""
    try:
        from clusterix_reports.template import write_template
    except ImportError:
        raise UserError("the template command comes with a later release.") from None
    pipeline = _pipeline(args)
    path: Path = write_template(pipeline, args.out)
    _say(args, f"wrote {path}")
    return int(ExitCode.DONE)


def narrative(args: argparse.Namespace) -> int:
    """Write the period's narrative file if it does not exist; never overwrite one."""
    from clusterix_reports.console import Console
    from clusterix_reports.narrative_command import write_narrative_file

    pipeline = _pipeline(args)
    path = write_narrative_file(pipeline, args.period, Console(quiet=True))
    if path is None:
        return int(ExitCode.DONE)
    _say(args, f"wrote {path}")
    return int(ExitCode.DONE)


def init(args: argparse.Namespace) -> int:
    """Make a new programme's folder: a pipeline file, empty reference workbooks, folders."""
    from clusterix_reports.new_programme import init_programme

    for path in init_programme(args.folder):
        _say(args, f"wrote {path}")
    _say(args, f"next: fill in {args.folder / 'inputs' / 'reference'} and run "
         f"clusterix-reports run --pipeline {args.folder / 'pipeline.toml'}")  # fmt: skip
    return int(ExitCode.DONE)
