"""Check that every locked version (constraints.txt) meets the lower bounds of pyproject.toml.

The lower bounds exclude the known advisories (WeasyPrint >= 69, pyarrow >= 14.0.1, ...);
this keeps the lock from drifting below them. Run by .ci/run beside pip-audit.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = [Requirement(r) for r in project["dependencies"]]
    wanted += [Requirement(r) for extra in project["optional-dependencies"].values() for r in extra]
    locked = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if match := re.match(r"^([A-Za-z0-9_.-]+)==([^\s;]+)", line):
            locked[match[1].lower().replace("_", "-")] = Version(match[2])
    problems = []
    for requirement in wanted:
        name = requirement.name.lower().replace("_", "-")
        if name not in locked:
            problems.append(f"{name} is not locked in constraints.txt")
        elif not requirement.specifier.contains(locked[name], prereleases=True):
            problems.append(f"{name} is locked at {locked[name]}, outside {requirement.specifier}")
    for problem in problems:
        print(f"check_locked_versions: {problem}")
    print(f"check_locked_versions: {len(wanted)} requirements, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
