"""`paperwire search`, `paperwire similar`, `paperwire embed` and `paperwire word-index`."""

from __future__ import annotations

import sys
from dataclasses import asdict
from datetime import date

import click
from rich.table import Table

from .. import search as search_api
from ..store.papers import resolve_paper_id
from .context import AppContext, pass_app
from .output import count_progress, emit_json, json_option, short_authors, stderr, stdout


def _parse_date(_ctx, _param, value: str | None) -> date | None:  # noqa: ANN001
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD") from None


def _print_hits(hits: list[search_api.SearchHit], as_json: bool) -> None:
    if as_json:
        emit_json([asdict(hit) for hit in hits])
        return
    if not hits:
        stdout.print("No papers match.", markup=False)
        return
    table = Table("id", "score", "published", "title", "authors")
    for hit in hits:
        authors = short_authors(hit.authors)
        table.add_row(hit.id, f"{hit.score:.3f}", (hit.published or "")[:10], hit.title, authors)
    stdout.print(table)


@click.command("search")
@click.argument("query", nargs=-1)
@click.option("--limit", type=click.IntRange(1, search_api.api.MAX_LIMIT), default=10,
              show_default=True, help="How many papers to show.")
@click.option("--mode", type=click.Choice(search_api.MODES), default="hybrid", show_default=True,
              help="By words (text), by meaning (semantic) or both fused (hybrid).")
@click.option("--since", callback=_parse_date, metavar="YYYY-MM-DD",
              help="Only papers published on or after this day.")
@click.option("--until", callback=_parse_date, metavar="YYYY-MM-DD",
              help="Only papers published on or before this day.")
@click.option("--category", "categories", multiple=True, metavar="CAT",
              help="Only papers in this arXiv category (repeatable), e.g. cs.LG.")
@click.option("--author", "authors", multiple=True, metavar="NAME",
              help="Only papers with an author whose name contains this (repeatable).")
@json_option
@pass_app
def search_command(app: AppContext, query: tuple[str, ...], limit: int, mode: str,
                   since: date | None, until: date | None, categories: tuple[str, ...],
                   authors: tuple[str, ...], as_json: bool) -> None:
    """Find papers by words and by meaning.

    The query takes words, "quoted phrases", author:NAME and cat:CODE, e.g.
    paperwire search '"diffusion model" author:Ho cat:cs.LG'.
    """
    request = search_api.SearchRequest(" ".join(query), mode=mode, limit=limit, since=since,
                                       until=until, categories=list(categories),
                                       authors=list(authors))
    try:
        results = search_api.search(app.database(), request, app.config)
    except search_api.SearchError as exc:
        raise click.UsageError(str(exc)) from None
    for note in results.notes:
        stderr.print(f"note: {note}", markup=False)
    _print_hits(results.hits, as_json)


@click.command("similar")
@click.argument("paper_id")
@click.option("--limit", type=click.IntRange(1, search_api.api.MAX_LIMIT), default=10,
              show_default=True, help="How many papers to show.")
@json_option
@pass_app
def similar_command(app: AppContext, paper_id: str, limit: int, as_json: bool) -> None:
    """List the papers closest in meaning to a paper (an arXiv id, DOI or stored id)."""
    db = app.database()
    with db.read() as connection:
        key = resolve_paper_id(connection, paper_id)
    try:
        if key is None:
            raise search_api.UnknownPaper(paper_id)
        hits = search_api.similar(db, key, limit, app.config)
    except search_api.UnknownPaper:
        click.echo(f"Error: no stored paper has the id {paper_id!r}", err=True)
        sys.exit(1)
    _print_hits(hits, as_json)


@click.command("embed")
@click.option("--batch-size", type=click.IntRange(1, 10_000), default=None,
              help="Papers per batch, one transaction each (default: embed_batch_size).")
@click.option("--limit", type=click.IntRange(1), default=None,
              help="Embed at most this many papers, then stop (run again to continue).")
@json_option
@pass_app
def embed_command(app: AppContext, batch_size: int | None, limit: int | None,
                  as_json: bool) -> None:
    """Compute the missing embeddings (new papers, changed texts, or all after a model change).

    Runs in batches with a progress bar; an interrupted run keeps its finished batches and
    the next run continues. Safe while `paperwire serve` runs.
    """
    from ..embed.runner import embed_missing
    from ..search.semantic import embedder_for
    from ..store.embeddings import count_pending

    db = app.database()
    try:
        embedder = embedder_for(app.config)
    except ValueError as exc:
        raise click.UsageError(f"configuration: {exc}") from None
    with db.read() as connection:
        pending = count_pending(connection, embedder.key)
    total = min(pending, limit) if limit else pending
    with count_progress(f"embedding ({embedder.key})", total) as advance:
        report = embed_missing(db, embedder, batch_size=batch_size or app.config.embed_batch_size,
                               limit=limit, progress=advance)
    if as_json:
        emit_json({"model": embedder.key, **asdict(report)})
    else:
        stdout.print(f"embedded {report.embedded:,} papers with {embedder.key} "
                     f"({report.unchanged:,} re-checked, unchanged)", markup=False)


@click.command("word-index")
@json_option
@pass_app
def word_index_command(app: AppContext, as_json: bool) -> None:
    """Build the word index (keyword search for large databases) and save it in data_dir.

    Web processes of this machine load the saved index instead of building their own
    (set search_word_index_builder = command so that they never build it); each one takes
    in the papers changed since. Run it again to refresh a large delta.
    """
    import resource
    import time

    from sqlalchemy import text

    from ..search.word_index import build_and_save, paper_rows

    db = app.database()
    with db.read() as connection:
        total = connection.execute(text("SELECT COUNT(*) FROM papers")).scalar_one()
    started = time.perf_counter()
    with count_progress("indexing words", total) as advance:
        def counted():  # noqa: ANN202
            for number, row in enumerate(paper_rows(db), 1):
                if number % 1000 == 0:
                    advance(1000)
                yield row
        index, folder = build_and_save(db, app.config.data_path, counted())
    report = {"papers": len(index), "terms": len(index.vocabulary),
              "memory_mb": round(index.memory_bytes() / 2**20, 1),
              "seconds": round(time.perf_counter() - started, 1), "folder": str(folder),
              # The build's peak, for sizing the machine that runs it (KiB on Linux).
              "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}
    if as_json:
        emit_json(report)
    else:
        stdout.print(f"word index: {report['papers']:,} papers, {report['terms']:,} terms, "
                     f"{report['memory_mb']} MB, saved to {folder} in {report['seconds']} s "
                     f"(peak memory {report['peak_memory_mb']:,} MB)",
                     markup=False)


def register(group: click.Group) -> None:
    group.add_command(search_command)
    group.add_command(similar_command)
    group.add_command(embed_command)
    group.add_command(word_index_command)
