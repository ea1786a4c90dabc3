"""The promises the project makes about itself: the two README commands, CI calling
the same test command, and a command reference that matches the commands."""

from __future__ import annotations

import re

from paperwire.cli import main
from paperwire.cli.docs import render, walk

from .conftest import REPO


def test_readme_names_the_two_commands() -> None:
    readme = (REPO / "README.md").read_text()
    assert "make run" in readme and "make test" in readme
    makefile = (REPO / "Makefile").read_text()
    assert re.search(r"^run:", makefile, re.M) and re.search(r"^test:", makefile, re.M)


def test_ci_runs_the_readme_test_command_against_postgresql() -> None:
    ci = (REPO / ".ci" / "run").read_text()
    assert "make test" in ci
    assert "PAPERWIRE_TEST_PG_URL" in ci


def test_every_command_has_help_and_is_documented() -> None:
    documented = (REPO / "docs" / "CLI.md").read_text()
    for path, command in walk(main):
        assert (command.help or "").strip(), f"paperwire {' '.join(path)} has no help text"
        assert f"## `{' '.join(('paperwire',) + path)}`" in documented
        for param in command.params:
            if param.param_type_name == "option" and not param.hidden:
                assert param.help, f"option {param.opts} of {path} has no help"
    assert documented == render(), "docs/CLI.md is stale: run `make docs`"
