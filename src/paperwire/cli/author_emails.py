"""`paperwire author-emails`: the known author addresses that approve claims at once."""

from __future__ import annotations

import dataclasses
import sys

import click
from rich.table import Table

from ..community.author_emails import (
    add_author_emails, list_author_emails, read_pairs, remove_author_email,
)
from .context import AppContext, pass_app
from .output import count_progress, emit_json, json_option, stdout


@click.group("author-emails")
def author_emails_group() -> None:
    """Known author addresses: a claim on a paper from one of them is approved at once.

    Without them every claim waits for an admin (the moderation page).
    """


@author_emails_group.command("add")
@click.argument("paper")
@click.argument("emails", nargs=-1, required=True)
@json_option
@pass_app
def add_command(app: AppContext, paper: str, emails: tuple[str, ...], as_json: bool) -> None:
    """Know EMAILS as authors of PAPER (an arXiv id in any form, or a paper key).

    Example: paperwire author-emails add 2503.00004 ada@example.org grace@example.org
    """
    report = add_author_emails(app.database(), [(0, paper, email) for email in emails])
    _finish(report, as_json, lambda r: f"address {r['email']!r}: {r['error']}")


@author_emails_group.command("import")
@click.argument("csv_file", type=click.File("r", encoding="utf-8", errors="strict"))
@json_option
@pass_app
def import_command(app: AppContext, csv_file, as_json: bool) -> None:  # noqa: ANN001
    """Add the pairs of CSV_FILE (`-` for stdin): two columns, paper and email, with an
    optional header line `paper,email`.

    Lines naming an unknown paper or an unusable address are listed with their line
    number and skipped; the others are added (the command exits 1 if any was skipped).
    """
    try:
        with count_progress("author addresses", None) as advance:
            report = add_author_emails(app.database(), read_pairs(csv_file), progress=advance)
    except (ValueError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"{csv_file.name}: {exc}") from None
    _finish(report, as_json, lambda r: f"line {r['line']}: {r['error']}")


@author_emails_group.command("list")
@click.option("--paper", help="Only this paper's addresses.")
@click.option("--limit", type=click.IntRange(min=1), default=1000, show_default=True,
              help="Show at most this many.")
@json_option
@pass_app
def list_command(app: AppContext, paper: str | None, limit: int, as_json: bool) -> None:
    """Known author addresses, by paper."""
    rows = list_author_emails(app.database(), paper, limit)
    if as_json:
        emit_json(rows)
        return
    table = Table("paper", "email", "title")
    for row in rows:
        table.add_row(row["paper"], row["email"], row["title"][:60])
    stdout.print(table)


@author_emails_group.command("remove")
@click.argument("paper")
@click.argument("email")
@json_option
@pass_app
def remove_command(app: AppContext, paper: str, email: str, as_json: bool) -> None:
    """Forget EMAIL as an author of PAPER (claims already approved stay approved)."""
    removed = remove_author_email(app.database(), paper, email)
    if as_json:
        emit_json({"removed": removed})
    elif removed:
        stdout.print(f"{email} is no longer a known author of {paper}", markup=False)
    if not removed:
        raise click.ClickException(f"{email} was not a known author of {paper}")


def _finish(report, as_json: bool, describe) -> None:  # noqa: ANN001
    if as_json:
        emit_json(dataclasses.asdict(report))
    else:
        stdout.print(f"added {report.added}, already known {report.already_known}, "
                     f"skipped {len(report.rejected)}", markup=False)
        for rejected in report.rejected:
            click.echo(describe(rejected), err=True)
    if report.rejected:
        sys.exit(1)


def register(group: click.Group) -> None:
    group.add_command(author_emails_group)
