"""Printing results: tables for people, JSON for scripts, progress on stderr."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Callable

import click
import orjson
from rich.console import Console
from rich.progress import (
    BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn,
)

stdout = Console(highlight=False, soft_wrap=True)
stderr = Console(stderr=True, highlight=False, soft_wrap=True)

json_option = click.option("--json", "as_json", is_flag=True,
                           help="Print the result as JSON for scripts.")


def emit_json(data: Any) -> None:
    click.echo(orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS).decode())


@contextmanager
def byte_progress(description: str, *, enabled: bool | None = None
                  ) -> Iterator[Callable[[str, int, int], None]]:
    """A progress bar over bytes of input, shown on stderr when it is a terminal."""
    show = sys.stderr.isatty() if enabled is None else enabled
    if not show:
        yield lambda name, done, total: None
        return
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), DownloadColumn(),
                  TransferSpeedColumn(), TimeRemainingColumn(), console=stderr,
                  transient=False) as progress:
        tasks: dict[str, int] = {}

        def update(name: str, done: int, total: int) -> None:
            if name not in tasks:
                tasks[name] = progress.add_task(f"{description} {name}", total=total or None)
            progress.update(tasks[name], completed=done)

        yield update


@contextmanager
def count_progress(description: str, total: int | None, *, enabled: bool | None = None
                   ) -> Iterator[Callable[[int], None]]:
    """A progress bar over items, shown on stderr when it is a terminal."""
    show = sys.stderr.isatty() if enabled is None else enabled
    if not show:
        yield lambda advance: None
        return
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                  TextColumn("{task.completed:,}/{task.total:,}"), TimeRemainingColumn(),
                  console=stderr) as progress:
        task = progress.add_task(description, total=total)
        yield lambda advance: progress.update(task, advance=advance)


def short_authors(names: list[str], shown: int = 3) -> str:
    """The first few authors for a table cell, then "et al."."""
    return ", ".join(names[:shown]) + (" et al." if len(names) > shown else "")
