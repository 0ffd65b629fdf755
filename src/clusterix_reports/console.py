"""What a run tells the person at the terminal: progress bars there, plain lines in a pipe or CI."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO


class Console:
    """Messages and progress; `quiet` keeps only errors, a pipe or CI gets no bars."""

    def __init__(self, quiet: bool = False, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout
        self.quiet = quiet
        self.fancy = not quiet and self.stream.isatty() and not os.environ.get("CI")

    def say(self, text: str) -> None:
        """A line for the person running the command."""
        if not self.quiet:
            print(text, file=self.stream, flush=True)

    @contextmanager
    def progress(self, label: str, total: int) -> Iterator[Callable[[str], None]]:
        """A bar on a terminal (advance it with the item's name); one plain line elsewhere."""
        if not self.fancy:
            self.say(f"{label}: {total}")
            yield lambda _item: None
            return
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.fields[item]}"),
            transient=True,
        ) as bar:
            task = bar.add_task(label, total=total, item="")
            yield lambda item: bar.update(task, advance=1, item=item[-60:])

    @contextmanager
    def status(self, label: str) -> Iterator[None]:
        """A spinner on a terminal while a long step runs; one plain line elsewhere."""
        if not self.fancy:
            self.say(f"{label} …")
            yield
            return
        from rich.console import Console as RichConsole

        with RichConsole(file=self.stream).status(label):
            yield
