"""The command line: parse arguments, call the library, map errors to exit codes."""

from __future__ import annotations

import argparse
import errno
import os
import re
import sys
import traceback
from pathlib import Path

from clusterix_reports import __version__
from clusterix_reports.errors import ExitCode, UserError


def run_switches(sub: argparse.ArgumentParser) -> None:
    """The switches of the commands that run steps."""
    sub.add_argument(
        "--strict",
        action="store_true",
        help="publish nothing when any row is rejected or any file or sheet is skipped (exit 3)",
    )
    sub.add_argument("--force", action="store_true", help="recompute every step, reusing nothing")
    sub.add_argument(
        "--dry-run", action="store_true", help="say which steps would run or be reused, and why"
    )
    sub.add_argument(
        "--wait",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="how long to wait for another run on the same outputs folder (default 60)",
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="clusterix-reports",
        description="Turn account managers' exports into audited indicators and progress reports.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def common(sub: argparse.ArgumentParser, outputs: bool = True) -> None:
        sub.add_argument(
            "--pipeline", type=Path, help="pipeline file (default: the shipped quarterly.toml)"
        )
        sub.add_argument("--inputs", type=Path, help="inputs folder (overrides the pipeline file)")
        if outputs:
            sub.add_argument(
                "--outputs", type=Path, help="outputs folder (overrides the pipeline file)"
            )
        sub.add_argument("--debug", action="store_true", help="show the traceback of an error")
        sub.add_argument("--quiet", action="store_true", help="print only errors")

    run = commands.add_parser(
        "run",
        help="ingest, compute and render: the main job",
        description="Ingest every input, compute the indicators, render the reports.",
    )
    common(run)
    run.add_argument(
        "--period",
        action="append",
        help="2019Q4, 2019H2, 2019 or a reporting period of the pipeline; give it again for "
        "more reports from one ingest (default: the latest period with service-log data)",
    )
    run_switches(run)

    ingest = commands.add_parser(
        "ingest",
        help="only read and check the inputs into OUTPUTS/data/",
        description="Read, recognise, normalise and check every input file.",
    )
    common(ingest)
    run_switches(ingest)

    validate = commands.add_parser(
        "validate",
        help="check account managers' files; writes nothing",
        description="Check files against the input contract and print every problem.",
    )
    validate.add_argument(
        "paths", nargs="+", type=Path, metavar="PATH", help="files or folders to check"
    )
    common(validate, outputs=False)
    validate.add_argument(
        "--format",
        choices=("text", "json", "csv"),
        default="text",
        help="text for people; json or csv: one record per problem with file, sheet, row, "
        "field, value, reason, message",
    )

    narrative = commands.add_parser(
        "narrative",
        help="write the period's narrative file (INPUTS/narrative/PERIOD.md) if absent",
        description="Write a narrative file for the period: the sign-off names carried over, "
        "every section heading, and the placeholders with this period's values. Never "
        "overwrites a file.",
    )
    common(narrative, outputs=False)
    narrative.add_argument(
        "--period", help="2019Q4, 2019H2, 2019 or a reporting period (default: as for run)"
    )

    init = commands.add_parser(
        "init",
        help="make a new programme's folder: pipeline file, reference workbooks, folders",
        description="Write DIR/pipeline.toml, empty reference workbooks with the input "
        "contract's headers under DIR/inputs/reference/, and DIR/inputs/exports/ and "
        "DIR/inputs/narrative/. Never overwrites.",
    )
    init.add_argument("folder", type=Path, metavar="DIR", help="the new programme's folder")
    init.add_argument("--debug", action="store_true", help="show the traceback of an error")
    init.add_argument("--quiet", action="store_true", help="print only errors")

    template = commands.add_parser(
        "template",
        help="write an empty service-log workbook for account managers",
        description="Write the account managers' input template.",
    )
    common(template, outputs=False)
    template.add_argument("--out", type=Path, required=True, help="the .xlsx file to write")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on bad usage, 0 on --help
        return int(exc.code or 0)
    from clusterix_reports import commands

    try:
        import defusedxml  # noqa: F401 - required: openpyxl and the ods check parse XML through it
    except ImportError:
        print(
            "clusterix-reports: the package defusedxml is missing; install it (pip install defusedxml): "
            "it protects XML parsing against hostile files.",
            file=sys.stderr,
        )
        return int(ExitCode.UNEXPECTED)

    try:
        return int(getattr(commands, args.command)(args))
    except UserError as exc:
        if args.debug:
            traceback.print_exc()
        print(f"clusterix-reports: {exc}", file=sys.stderr)
        return int(exc.exit_code)
    except KeyboardInterrupt:
        print(
            "clusterix-reports: interrupted; the previous outputs are unchanged.", file=sys.stderr
        )
        return int(ExitCode.INTERRUPTED)
    except Exception as exc:
        if args.debug:
            traceback.print_exc()
        said = storage_problem(exc) if isinstance(exc, OSError) else None
        if said is not None:  # a full disk, a read-only folder: the user's to fix
            print(f"clusterix-reports: {said[0]}", file=sys.stderr)
            return int(said[1])
        print(
            f"clusterix-reports: unexpected error ({type(exc).__name__}: {exc}); "
            "rerun with --debug for the traceback.",
            file=sys.stderr,
        )
        return int(ExitCode.UNEXPECTED)


_STORAGE_PROBLEMS = {
    errno.ENOSPC: ("the disk is full", ExitCode.UNEXPECTED),
    errno.EDQUOT: ("the disk quota is used up", ExitCode.UNEXPECTED),
    errno.EROFS: ("it lies on a read-only file system", ExitCode.BAD_INVOCATION),
    errno.EACCES: ("permission denied", ExitCode.BAD_INVOCATION),
    errno.EPERM: ("permission denied", ExitCode.BAD_INVOCATION),
}


def storage_problem(exc: OSError) -> tuple[str, ExitCode] | None:
    """One sentence and an exit code for a file that cannot be written or read because of
    the disk or its permissions; None for any other error."""
    known = _STORAGE_PROBLEMS.get(exc.errno or 0)
    if known is None or not exc.filename:
        return None
    where = re.sub(r"[/\\]\.staging-[^/\\]+", "", os.fsdecode(exc.filename))  # as published
    return (
        f"cannot use {where}: {known[0]}; the previous outputs are unchanged.",
        known[1],
    )


def entry() -> None:
    """The installed command and `python -m clusterix_reports`: run, then leave at once.

    When `main` returns, everything is written, published and closed; what is left is the
    interpreter's teardown, which frees every object of pandas and WeasyPrint one by one
    (0.1-0.2 s at the end of every run) for the system to free anyway. The output streams
    are flushed, then the process exits without it.
    """
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
