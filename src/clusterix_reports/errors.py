"""Errors a user can cause, each mapped to a documented exit code."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """The exit codes of the command line (spec/interface.md)."""

    DONE = 0
    UNEXPECTED = 1
    BAD_INVOCATION = 2
    STRICT_PROBLEMS = 3
    INTERRUPTED = 130  # Ctrl-C, as shells expect


class UserError(Exception):
    """A problem the user can fix: one plain sentence and an exit code, never a traceback."""

    exit_code: ExitCode = ExitCode.BAD_INVOCATION

    def __init__(self, message: str, exit_code: ExitCode | None = None) -> None:
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code


class PipelineError(UserError):
    """The pipeline file is missing, malformed or holds a wrong key or value."""


class ReferenceDataError(UserError):
    """Reference data (registry, catalogue) is missing or unusable."""


class PeriodRefusedError(UserError):
    """A period a report cannot be made for: before the programme, or after the data."""


class StrictModeError(UserError):
    """`--strict` was given and the inputs have problems."""

    exit_code = ExitCode.STRICT_PROBLEMS
