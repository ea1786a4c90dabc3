"""`paperwire papers list`, `paperwire show` and `paperwire stats`."""

from __future__ import annotations

import sys
from dataclasses import asdict
from datetime import date

import click
from rich.table import Table

from ..present import paper_dict
from ..store.listings import list_papers
from ..store.papers import get_paper, resolve_paper_id
from ..store.stats import collect_stats
from .context import AppContext, pass_app
from .output import emit_json, json_option, short_authors, stdout


def _parse_date(_ctx, _param, value: str | None) -> date | None:  # noqa: ANN001
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD") from None


@click.group("papers")
def papers_group() -> None:
    """Browse the stored papers."""


@papers_group.command("list")
@click.option("--date", "day", callback=_parse_date, metavar="YYYY-MM-DD",
              help="Only papers on that day's list or first published that day.")
@click.option("--category", metavar="CAT", help="Only papers in this arXiv category, e.g. cs.LG.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True,
              help="How many papers to list.")
@click.option("--offset", type=click.IntRange(0), default=0, show_default=True,
              help="Skip this many papers first (for paging).")
@json_option
@pass_app
def list_command(app: AppContext, day: date | None, category: str | None, limit: int,
                 offset: int, as_json: bool) -> None:
    """List papers, newest first."""
    with app.database().read() as connection:
        rows = list_papers(connection, day=day, category=category, limit=limit, offset=offset)
    if as_json:
        emit_json([asdict(row) for row in rows])
        return
    if not rows:
        stdout.print("No papers match.", markup=False)
        return
    table = Table("id", "published", "category", "title", "authors")
    for row in rows:
        authors = short_authors(row.authors)
        table.add_row(row.id, (row.published or "")[:10], row.categories[0] if row.categories else "",
                      row.title, authors)
    stdout.print(table)


@click.command("show")
@click.argument("paper_id")
@json_option
@pass_app
def show_command(app: AppContext, paper_id: str, as_json: bool) -> None:
    """Show one paper: an arXiv id (any version or URL form), a DOI or a stored key."""
    with app.database().read() as connection:
        key = resolve_paper_id(connection, paper_id)
        paper = get_paper(connection, key) if key else None
    if paper is None:
        click.echo(f"No paper {paper_id!r} in the store.", err=True)
        sys.exit(1)
    data = paper_dict(paper)
    if as_json:
        emit_json(data)
        return
    stdout.print(f"[bold]{_escape(data['title'])}[/bold]")
    stdout.print(", ".join(data["authors"]) or "(no authors)", markup=False)
    fields = [("id", data["id"]), ("categories", " ".join(data["categories"])),
              ("published", data["published"]), ("updated", data["updated"]),
              ("versions", ", ".join(f"v{v['version']} {v['created'] or ''}".strip()
                                     for v in data["versions"])),
              ("abstract page", data["abs_url"]), ("pdf", data["pdf_url"]),
              ("doi", data["doi"]), ("journal ref", data["journal_ref"]),
              ("comments", data["comments"]), ("github", data["github_repo"]),
              ("stars", data["github_stars"]), ("upvotes", data["upvotes"]),
              ("listed", ", ".join(f"{x['day']} ({x['source']})" for x in data["listings"]))]
    for label, value in fields:
        if value not in (None, "", []):
            stdout.print(f"{label:>14}: {value}", markup=False)
    if data["ai_summary"]:
        stdout.print(f"\n[italic]{_escape(data['ai_summary'])}[/italic]")
    stdout.print("\n" + data["abstract"], markup=False)


def _escape(text: str) -> str:
    from rich.markup import escape
    return escape(text)


@click.command("stats")
@json_option
@pass_app
def stats_command(app: AppContext, as_json: bool) -> None:
    """Count what is stored: papers, versions, authors, categories, listings."""
    with app.database().read() as connection:
        stats = collect_stats(connection)
    if as_json:
        emit_json(stats)
        return
    for key, value in stats.items():
        if isinstance(value, list):
            listed = ", ".join(" ".join(str(v) for v in item.values()) for item in value)
            stdout.print(f"{key:>16}: {listed}", markup=False)
        else:
            stdout.print(f"{key:>16}: {value:,}" if isinstance(value, int) else
                         f"{key:>16}: {value}", markup=False)


def register(group: click.Group) -> None:
    group.add_command(papers_group)
    group.add_command(show_command)
    group.add_command(stats_command)
