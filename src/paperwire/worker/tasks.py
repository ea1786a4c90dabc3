"""The tasks workers run. Each is a thin call into the library, the same one `serve`
schedules in-process on the embedded default."""

from __future__ import annotations

import logging
import time

import procrastinate

from ..config import Config
from ..jobs import run_source_job, scheduled_sources
from ..store import Database
from ..store.rate_limits import forget_before

log = logging.getLogger("paperwire.worker")


def harvest_lock(source: str) -> str:
    return f"harvest:{source}"


def register_tasks(app: procrastinate.App, config: Config, db: Database) -> None:
    @app.task(name="paperwire.harvest", queue="harvest")
    def harvest(source: str) -> dict:
        """One harvest of a source (deferred on demand, queued at most once at a time)."""
        return {"source": source, "runs": [r.status for r in run_source_job(db, config, source)]}

    def scheduled_harvest(source: str):  # noqa: ANN202
        def run(timestamp: int) -> dict:
            log.info("scheduled harvest of %s for %s", source, timestamp)
            return {**harvest(source), "timestamp": timestamp}
        return run

    for scheduled in scheduled_sources(config):
        task = app.task(name=f"paperwire.scheduled_harvest.{scheduled.name}", queue="harvest",
                        lock=harvest_lock(scheduled.name))(scheduled_harvest(scheduled.name))
        app.periodic(cron=scheduled.cron, periodic_id=scheduled.name)(task)

    @app.periodic(cron=config.schedule_maintenance, periodic_id="prune")
    @app.task(name="paperwire.prune_rate_limits", queue="maintenance")
    def prune_rate_limits(timestamp: int) -> int:
        """Forget rate-limit windows older than a day."""
        with db.write() as connection:
            return forget_before(connection, int(time.time()) - 86_400)

    @app.periodic(cron=config.schedule_embed, periodic_id="embed")
    @app.task(name="paperwire.embed", queue="embed", lock="embed", queueing_lock="embed")
    def embed(timestamp: int) -> dict:
        """Embed the papers that have no vector yet (or a stale one): one worker at a time
        across the cluster, at most one run waiting behind it."""
        from ..embed.runner import embed_missing
        from ..search.semantic import embedder_for
        report = embed_missing(db, embedder_for(config), batch_size=config.embed_batch_size)
        return {"embedded": report.embedded, "unchanged": report.unchanged,
                "pending_before": report.pending_before}

    @app.periodic(cron=config.schedule_digests, periodic_id="digests")
    @app.task(name="paperwire.digests", queue="digest", lock="digests")
    def digests(timestamp: int) -> dict:
        """Share the due digests among the workers: one task per `digest_shard_size`
        subscribers. A rerun after a dead worker is safe: each digest is claimed before it
        is sent, and a dead run's claims are taken over once their heartbeat stops."""
        from datetime import datetime, timezone

        from ..digest.run import due_subscribers
        now = datetime.now(timezone.utc)
        due = [item.subscriber.id for item in due_subscribers(db, now=now)]
        size = config.digest_shard_size
        for start in range(0, len(due), size):
            digest_shard.defer(subscriber_ids=due[start:start + size], now=now.isoformat())
        return {"due": len(due), "shards": -(-len(due) // size)}

    @app.task(name="paperwire.digest_shard", queue="digest")
    def digest_shard(subscriber_ids: list[int], now: str) -> dict:
        """Compose and deliver the digests of these subscribers for the period due at `now`."""
        from datetime import datetime

        from ..digest.run import run_digests
        report = run_digests(db, config, now=datetime.fromisoformat(now), log_idle=False,
                             subscriber_ids=subscriber_ids)
        return {"due": report.due, "sent": report.sent, "failed": report.failed,
                "bounced": report.bounced, "busy": report.busy}

    register_maintenance(app, config)


def defer_harvest(app: procrastinate.App, source: str) -> int | None:
    """Queue one harvest; None when one for this source is already waiting."""
    try:
        return app.configure_task("paperwire.harvest", queueing_lock=harvest_lock(source),
                                  lock=harvest_lock(source)).defer(source=source)
    except procrastinate.exceptions.AlreadyEnqueued:
        return None


def register_maintenance(app: procrastinate.App, config: Config) -> None:
    @app.periodic(cron="* * * * *", periodic_id="stalled")
    @app.task(name="paperwire.requeue_stalled", queue="maintenance", pass_context=True)
    async def requeue_stalled(context: procrastinate.JobContext, timestamp: int) -> int:
        """Jobs of a worker that died (no heartbeat for a while) go back in the queue."""
        manager = context.app.job_manager
        stalled = list(await manager.get_stalled_jobs(
            seconds_since_heartbeat=config.worker_stalled_seconds))
        for job in stalled:
            log.warning("requeueing job %s (%s): its worker stopped", job.id, job.task_name)
            await manager.retry_job(job)
        return len(stalled)
