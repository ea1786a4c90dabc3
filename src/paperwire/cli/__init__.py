"""The `paperwire` command: a thin layer over the library.

Each module in this package adds one group of commands; `main` collects them.
"""

from __future__ import annotations

import click

from .. import __version__
from .context import AppContext


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="paperwire")
@click.option("--db", "database_url", metavar="URL", envvar=None,
              help="Database URL (default: PAPERWIRE_DATABASE_URL, else a SQLite file in the "
                   "user data folder). Example: postgresql+psycopg://localhost/paperwire")
@click.option("--config", "config_file", metavar="FILE", type=click.Path(dir_okay=False),
              help="Read settings from this paperwire.toml (default: ./paperwire.toml).")
@click.pass_context
def main(ctx: click.Context, database_url: str | None, config_file: str | None) -> None:
    """Paperwire: the research papers worth reading today, collected, ranked and delivered.

    Start with `paperwire init --demo` and `paperwire serve`, then open
    http://127.0.0.1:8000. Every command has --help.
    """
    app = AppContext(overrides={"database_url": database_url}, toml_file=config_file)
    ctx.obj = app
    ctx.call_on_close(app.close)


def _register() -> None:
    from . import (author_emails, db, digest, foryou, harvest, harvest_runs, imports, mail,
                   papers, search, serve, settings, subscribers, users, worker)

    for module in (db, imports, papers, serve, settings, harvest, harvest_runs, search, mail,
                   users, author_emails, subscribers, digest, worker, foryou):
        module.register(main)


_register()
