"""`paperwire serve`: the web app on the embedded default or any configured database."""

from __future__ import annotations

import click

from ..store.papers import count_papers
from .context import AppContext, pass_app
from .harvest import start_jobs
from .output import stderr


@click.command("serve")
@click.option("--host", default=None, help="Address to bind (default: the host setting, 127.0.0.1).")
@click.option("--port", type=click.IntRange(1, 65535), default=None,
              help="Port to listen on (default: the port setting, 8000).")
@click.option("--demo/--no-demo", default=None,
              help="Load the bundled demo papers when the database is empty "
                   "(default: the demo_on_empty setting).")
@click.option("--jobs/--no-jobs", default=None,
              help="Run the scheduled harvests in the background (default: the jobs_enabled "
                   "setting; which sources and when: harvest_sources and schedule_*). "
                   "--no-jobs also stops digest delivery (digest_jobs_enabled).")
@pass_app
def serve_command(app: AppContext, host: str | None, port: int | None, demo: bool | None,
                  jobs: bool | None) -> None:
    """Serve the web app (pages, JSON API and feeds) until interrupted."""
    import uvicorn

    from ..web.app import create_app

    from ..logs import configure_logging

    config = app.config
    log_config = configure_logging(config.log_format)
    db = app.database()
    load_demo_now = config.demo_on_empty if demo is None else demo
    if load_demo_now:
        with db.read() as connection:
            empty = count_papers(connection) == 0
        if empty:
            from ..demo import load_demo
            counts = load_demo(db).counts
            stderr.print(f"loaded {counts.new:,} demo papers", markup=False)
    host = host or config.host
    port = port or config.port
    stderr.print(f"Paperwire on http://{host}:{port}  (database {db!r})", markup=False)
    run_jobs = config.jobs_enabled if jobs is None else jobs
    scheduler = start_jobs(config, db) if run_jobs else None
    embedder = start_background_embedder(config, db) if run_jobs and config.embed_in_serve else None
    digests = None
    if config.digest_jobs_enabled and jobs is not False:
        from ..digest.job import start_digest_jobs
        digests = start_digest_jobs(db, config)
    try:
        uvicorn.run(create_app(config, db), host=host, port=port, log_level="info",
                    access_log=config.web_access_log, log_config=log_config)
    finally:
        if scheduler is not None:
            scheduler.shutdown()
        if digests is not None:
            digests.shutdown(wait=False)
        if embedder is not None:
            embedder.shutdown()


def start_background_embedder(config, db):  # noqa: ANN001, ANN201
    """Newly imported papers become searchable by meaning without anyone running a command."""
    from ..embed.runner import BackgroundEmbedder
    from ..search.semantic import embedder_for

    background = BackgroundEmbedder(db, embedder_for(config), interval=config.embed_interval,
                                    batch_size=config.embed_batch_size).start()
    stderr.print(f"embedding new papers in the background ({background.embedder.key})",
                 markup=False)
    return background


def register(group: click.Group) -> None:
    group.add_command(serve_command)
