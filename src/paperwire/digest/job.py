"""Digest delivery inside `paperwire serve`: a run every `digest_interval_seconds`, in a
background thread. The run itself is cron-safe, so overlapping with a `digest run` from
the shell is harmless."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

from apscheduler.schedulers.background import BackgroundScheduler

from ..config import Config
from ..store import Database

log = logging.getLogger("paperwire.digest")


def run_digest_job(db: Database, config: Config) -> None:
    """One scheduled run. Never raises: the scheduler must keep going."""
    from .run import run_digests

    try:
        report = run_digests(db, config, log_idle=False, workers=config.digest_workers)
    except Exception:  # noqa: BLE001 - logged with its traceback
        log.exception("scheduled digest run failed")
        return
    if report.due:
        log.info("digest run: due %d, sent %d, skipped %d, failed %d, bounced %d, busy %d",
                 report.due, report.sent, report.skipped, report.failed, report.bounced,
                 report.busy)


def start_digest_jobs(db: Database, config: Config) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone=timezone.utc)
    scheduler.add_job(run_digest_job, "interval", seconds=config.digest_interval_seconds,
                      args=(db, config), id="digests", max_instances=1, coalesce=True,
                      next_run_time=datetime.now(timezone.utc) + timedelta(seconds=5))
    scheduler.start()
    log.info("digests delivered every %d s", config.digest_interval_seconds)
    return scheduler
