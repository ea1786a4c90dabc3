"""`paperwire config`: the effective settings, secrets masked."""

from __future__ import annotations

import click
from .context import AppContext, pass_app
from .output import emit_json, json_option, stdout


@click.command("config")
@json_option
@pass_app
def config_command(app: AppContext, as_json: bool) -> None:
    """Print every setting: its value, where the value came from, and what it does.

    Settings come from defaults, then paperwire.toml, then PAPERWIRE_* environment
    variables, then command-line flags. Secrets are masked.
    """
    rows = app.config.describe()
    if as_json:
        emit_json(rows)
        return
    if app.config.toml_path:
        stdout.print(f"# read {app.config.toml_path}", markup=False)
    for row in rows:
        value = "" if row["value"] is None else row["value"]
        stdout.print(f"{row['name']} = {value}    # {row['source']}", markup=False)
        stdout.print(f"    {row['help']} ({row['env']})", markup=False, style="dim")


def register(group: click.Group) -> None:
    group.add_command(config_command)
