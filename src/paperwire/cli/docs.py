"""Write docs/CLI.md from the commands' own --help, so the reference cannot drift.

Run `make docs`; a test fails when docs/CLI.md is out of date or a command has no help.
"""

from __future__ import annotations

from collections.abc import Iterator

import click

from . import main


def walk(command: click.Command, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    yield path, command
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            yield from walk(command.commands[name], path + (name,))


def help_text(path: tuple[str, ...], command: click.Command) -> str:
    info_name = " ".join(("paperwire",) + path)
    with click.Context(command, info_name=info_name, terminal_width=100,
                       max_content_width=100, help_option_names=["-h", "--help"]) as ctx:
        return command.get_help(ctx)


def render() -> str:
    parts = ["# Command reference", "",
             "Generated from each command's `--help` by `make docs`; a test keeps it current.", ""]
    for path, command in walk(main):
        title = " ".join(("paperwire",) + path)
        parts += [f"## `{title}`", "", "```", help_text(path, command), "```", ""]
    return "\n".join(parts)


if __name__ == "__main__":
    print(render(), end="")
