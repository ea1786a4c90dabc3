"""What runs on a schedule inside `paperwire serve`: the enabled sources, each on its cron
schedule (UTC), run by APScheduler's background scheduler.

The schedule is computed here from settings and tested on its own; the job function is a
plain call (`run_source_job`) that tests call directly. At start, a source whose last run
is older than its latest scheduled time (the server was down then) runs at once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from .config import Config, ConfigError
from .sources import SOURCES, HarvestReport, get_source, run_harvest
from .sources.base import split_list
from .store import Database
from .store.harvest_runs import last_started

log = logging.getLogger("paperwire.jobs")
SCHEDULE_SETTINGS = {"arxiv": "schedule_arxiv", "arxiv-rss": "schedule_arxiv_rss",
                     "hf": "schedule_hf", "github": "schedule_github"}


@dataclass(frozen=True)
class ScheduledSource:
    name: str
    cron: str
    trigger: CronTrigger

    def next_run(self, after: datetime) -> datetime:
        """The first scheduled time strictly after `after`."""
        fire = self.trigger.get_next_fire_time(None, after)
        if fire == after:  # APScheduler counts `after` itself
            fire = self.trigger.get_next_fire_time(None, after + timedelta(seconds=1))
        return fire


def scheduled_sources(config: Config) -> list[ScheduledSource]:
    """The enabled sources with their triggers; a bad name or cron line is a ConfigError."""
    scheduled = []
    for name in split_list(config.harvest_sources):
        if name not in SOURCES:
            raise ConfigError(f"harvest_sources: unknown source {name!r} "
                              f"(choose from {', '.join(SCHEDULE_SETTINGS)})")
        if name not in SCHEDULE_SETTINGS:
            raise ConfigError(f"harvest_sources: {name!r} runs on demand only, not on a schedule")
        setting = SCHEDULE_SETTINGS[name]
        cron = getattr(config, setting)
        try:
            trigger = CronTrigger.from_crontab(cron, timezone=timezone.utc)
        except ValueError as exc:
            raise ConfigError(f"{setting}: not a cron line ({cron!r}): {exc}") from None
        scheduled.append(ScheduledSource(name, cron, trigger))
    return scheduled


def due_at_start(source: ScheduledSource, last_start: datetime | None, now: datetime) -> bool:
    """True when a scheduled time passed since the source last ran (or it never ran)."""
    return last_start is None or source.next_run(last_start) <= now


def run_source_job(db: Database, config: Config, name: str) -> list[HarvestReport]:
    """One scheduled harvest of a source. Never raises: the scheduler must keep going."""
    try:
        reports = run_harvest(db, config, get_source(name))
    except Exception:  # noqa: BLE001 - logged with its traceback
        log.exception("scheduled harvest of %s failed", name)
        return []
    for report in reports:
        if report.status != "ok":
            log.warning("scheduled harvest %s %s: %s %s", name, report.key, report.status,
                        report.error or "")
    return reports


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


class HarvestScheduler:
    """The background scheduler for `serve`; `start` also catches up on missed runs."""

    def __init__(self, db: Database, config: Config):
        self.db, self.config = db, config
        self.sources = scheduled_sources(config)
        self.scheduler = BackgroundScheduler(timezone=timezone.utc)

    def start(self, *, now: datetime | None = None) -> list[str]:
        """Schedule every enabled source; returns those run at once to catch up."""
        now = now or datetime.now(timezone.utc)
        catch_up = []
        for source in self.sources:
            with self.db.read() as connection:
                last = _parse_time(last_started(connection, source.name))
            options = {"id": f"harvest-{source.name}", "args": (self.db, self.config, source.name),
                       "max_instances": 1, "coalesce": True, "misfire_grace_time": 3600}
            self.scheduler.add_job(run_source_job, source.trigger, **options)
            if due_at_start(source, last, now):
                self.scheduler.add_job(run_source_job, "date", run_date=now,
                                       id=f"catch-up-{source.name}", misfire_grace_time=None,
                                       args=(self.db, self.config, source.name))
                catch_up.append(source.name)
        self.scheduler.start()
        for source in self.sources:
            log.info("harvest %s on schedule %r (UTC), next at %s", source.name, source.cron,
                     source.next_run(now).isoformat())
        return catch_up

    def shutdown(self) -> None:
        self.scheduler.shutdown(wait=False)
