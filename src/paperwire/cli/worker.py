"""`paperwire worker`: run background tasks from the PostgreSQL task queue."""

from __future__ import annotations

import click

from .context import AppContext, pass_app
from .output import emit_json, json_option, stdout


def _queue(app: AppContext):  # noqa: ANN202
    from ..worker import WorkerError, make_queue
    from ..worker.queue import ensure_schema
    try:
        queue = make_queue(app.config, app.database())
    except WorkerError as error:
        raise click.ClickException(str(error)) from None
    ensure_schema(queue.db)
    return queue


@click.group("worker", invoke_without_command=True)
@click.option("--concurrency", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Tasks this process runs at once.")
@click.option("--queue", "queues", multiple=True, metavar="NAME",
              help="Only take tasks from this queue (harvest, digest, embed, maintenance); "
                   "repeat for several. Default: all.")
@click.option("--burst", is_flag=True, help="Exit once the queues are empty instead of "
                                            "waiting for more work.")
@click.option("--name", default=None, help="Worker name shown in logs.")
@click.pass_context
def worker_group(ctx: click.Context, concurrency: int, queues: tuple[str, ...], burst: bool,
                 name: str | None) -> None:
    """Run background tasks (harvests, embedding, digests, maintenance) from the queue.

    Needs PostgreSQL (PAPERWIRE_DATABASE_URL=postgresql+psycopg://…). Start any number of
    workers on any machines; run the web processes with `paperwire serve --no-jobs`.
    Periodic tasks (the schedule_* settings) are queued once per scheduled time across all
    workers. SIGTERM or Ctrl-C finishes the running tasks, then exits.
    """
    if ctx.invoked_subcommand is not None:
        return
    from ..logs import configure_logging

    app: AppContext = ctx.obj
    configure_logging(app.config.log_format)
    queue = _queue(app)
    queue.app.run_worker(queues=list(queues) or None, concurrency=concurrency, wait=not burst,
                         name=name, install_signal_handlers=True)


@worker_group.command("defer")
@click.argument("source", metavar="SOURCE")
@json_option
@pass_app
def defer_command(app: AppContext, source: str, as_json: bool) -> None:
    """Queue one harvest of SOURCE (arxiv, arxiv-rss, hf, github) for the workers.

    A harvest already waiting for the same source is not queued twice.
    """
    from ..sources import SOURCES
    from ..worker.tasks import defer_harvest

    if source not in SOURCES:
        raise click.BadParameter(f"unknown source {source!r} (choose from "
                                 f"{', '.join(SOURCES)})", param_hint="SOURCE")
    queue = _queue(app)
    with queue.app.open():
        job_id = defer_harvest(queue.app, source)
    if as_json:
        emit_json({"source": source, "job": job_id, "queued": job_id is not None})
    elif job_id is None:
        stdout.print(f"a harvest of {source} is already queued", markup=False)
    else:
        stdout.print(f"queued harvest of {source} as job {job_id}", markup=False)


@worker_group.command("jobs")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True,
              help="Show at most this many jobs, newest first.")
@json_option
@pass_app
def jobs_command(app: AppContext, limit: int, as_json: bool) -> None:
    """The most recent tasks in the queue and their status."""
    from sqlalchemy import text
    queue = _queue(app)
    with queue.db.read() as connection:
        rows = connection.execute(text(
            "SELECT id, queue_name, task_name, status, attempts, scheduled_at "
            "FROM procrastinate_jobs ORDER BY id DESC LIMIT :limit"), {"limit": limit}).all()
    jobs = [{"id": r[0], "queue": r[1], "task": r[2], "status": str(r[3]), "attempts": r[4],
             "scheduled_at": r[5].isoformat() if r[5] else None} for r in rows]
    if as_json:
        emit_json(jobs)
        return
    for job in jobs:
        stdout.print(f"{job['id']:>8}  {job['status']:<10} {job['queue']:<12} {job['task']}",
                     markup=False)


def register(group: click.Group) -> None:
    group.add_command(worker_group)
