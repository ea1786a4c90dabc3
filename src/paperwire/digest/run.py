"""One delivery run: find who is due, compose, claim, send, record. Safe to run from cron
every few minutes and from several processes at once.

Exactly once: a digest is claimed (its row inserted, keyed by subscriber and period)
before it is sent and marked sent in its own transaction right after the server accepted
it. A concurrent run finds the row and leaves it alone; a run that died leaves a claim
whose heartbeat goes stale, and the next run takes it over and resends the same content
with the same Message-ID (only the message in flight at the death can arrive twice).
Claims are made a batch at a time, just before the batch is sent, and their heartbeat is
renewed while the batch is sending (a slow mail server must not make them look dead).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Collection, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import date, datetime, timezone

from ..config import Config
from ..signing import signer_for
from ..store import Database
from ..store import digest_runs, digests, subscribers
from ..store.daily import ordered_cards
from ..subscriptions import digest_message_id, links_for, sender_domain, unsubscribe_headers
from .compose import Composer, Digest, Pick
from .deliver import Outcome, Sender
from .interests import matcher_for
from .preferences import Preferences
from .render import DigestLinks, Renderer
from .schedule import due_period, period_for_date

log = logging.getLogger("paperwire.digest")
BATCH = 200


@dataclass
class RunReport:
    run_id: int | None
    dry_run: bool
    due: int = 0
    sent: int = 0
    skipped: int = 0  # nothing new for them this period (an empty digest is not sent)
    failed: int = 0  # temporary failures after every retry; the next run tries again
    bounced: int = 0
    busy: int = 0  # another run holds the claim right now
    done_before: int = 0  # already sent, bounced or skipped by an earlier run
    taken_over: int = 0  # a dead run's claims, resent with their Message-ID
    compose_seconds: float = 0.0
    deliver_seconds: float = 0.0
    seconds: float = 0.0
    shards: int = 0  # worker processes used (0: this one)
    digests: list[dict] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in digest_runs.COUNTS}

    def as_dict(self) -> dict:
        return {name: getattr(self, name) for name in (
            "run_id", "dry_run", "due", "sent", "skipped", "failed", "bounced", "busy",
            "done_before", "taken_over", "compose_seconds", "deliver_seconds", "seconds",
            "shards", "digests")}


@dataclass
class _Due:
    subscriber: subscribers.Subscriber
    preferences: Preferences
    period: str


def due_subscribers(db: Database, *, now: datetime, period_date: date | None = None,
                    only: str | None = None,
                    subscriber_ids: Collection[int] | None = None) -> list[_Due]:
    """Who is due now (or for `period_date`), limited to `subscriber_ids` when given."""
    wanted = None if subscriber_ids is None else set(subscriber_ids)
    due = []
    with db.read() as connection:
        for subscriber in subscribers.active(connection, only_email=only):
            if wanted is not None and subscriber.id not in wanted:
                continue
            preferences = Preferences.from_json(subscriber.preferences)
            period = (period_for_date(preferences, period_date) if period_date
                      else due_period(preferences, now))
            if period is not None:
                due.append(_Due(subscriber, preferences, period))
    return due


class DigestRun:
    """Everything one run shares: the composer (pools, matcher), renderer, signer."""

    def __init__(self, db: Database, config: Config, *, now: datetime | None = None,
                 dry_run: bool = False):
        self.db, self.config, self.dry_run = db, config, dry_run
        self.now = now or datetime.now(timezone.utc)
        from ..recommend.digest import DigestRecommender
        self.composer = Composer(db, matcher=matcher_for(db, config),
                                 pool_size=config.digest_pool_size,
                                 gravity=config.trending_gravity, now=self.now,
                                 recommender=DigestRecommender(db, config))
        self.renderer = Renderer(str(config.base_url))
        self.signer = signer_for(config)
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    def message(self, digest: Digest):  # noqa: ANN201 - a paperwire.mail.OutgoingMessage
        from ..mail import OutgoingMessage

        links = links_for(self.config, self.signer, digest.subscriber_id, digest.email,
                          with_confirm=False)
        rendered = self.renderer.render(digest, DigestLinks(links.preferences, links.unsubscribe))
        headers = unsubscribe_headers(links)
        headers["List-Id"] = f"Paperwire digest <digest.{sender_domain(self.config)}>"
        return OutgoingMessage(
            to=digest.email, subject=rendered.subject, text=rendered.text, html=rendered.html,
            headers=headers, message_id=digest_message_id(
                self.config, digest.subscriber_id, digest.email, digest.period))

    def preview(self, digest: Digest) -> str:
        links = links_for(self.config, self.signer, digest.subscriber_id, digest.email)
        return self.renderer.render(digest, DigestLinks(links.preferences, links.unsubscribe)).html

    def rebuild(self, row: digests.DigestRow, email: str) -> Digest:
        """The content a dead run claimed, read back so the resend is the same digest."""
        with self.db.read() as connection:
            cards = {card.id: card for card in ordered_cards(
                connection, [paper[0] for paper in row.papers], with_listing=False)}
        digest = Digest(row.subscriber_id, email, row.period)
        for paper_id, reason, personal in row.papers:
            if paper_id in cards:
                (digest.picks if personal else digest.trending).append(
                    Pick(cards[paper_id], reason, bool(personal)))
        return digest


def run_digests(db: Database, config: Config, *, now: datetime | None = None,
                period_date: date | None = None, only: str | None = None,
                dry_run: bool = False, progress: Callable[[int], None] | None = None,
                transport=None, log_idle: bool = True,  # noqa: ANN001
                workers: int = 1, subscriber_ids: Collection[int] | None = None) -> RunReport:
    """Compose and deliver what is due now (or for `period_date`, send time aside).
    `log_idle=False` leaves no trace of a run that found nothing due (the serve job).
    `workers` > 1 shares the subscribers among that many processes (building messages is
    CPU work, and one process uses one core); claims keep them from overlapping.
    `subscriber_ids` limits the run to those subscribers (a worker's share of a period)."""
    started = time.perf_counter()
    run = DigestRun(db, config, now=now, dry_run=dry_run)
    if only is not None:
        from ..subscriptions import normalize
        only = normalize(only)
    due = due_subscribers(db, now=run.now, period_date=period_date, only=only,
                          subscriber_ids=subscriber_ids)
    run_id = None
    if not dry_run and (due or log_idle):
        with db.write() as connection:
            run_id = digest_runs.start(connection, dry_run=dry_run)
    report = RunReport(run_id, dry_run, due=len(due))
    error = None
    try:
        with (nullcontext(transport) if transport is not None or dry_run or not due
              else _open_transport(config)) as opened:
            sender = None if dry_run else Sender(opened, attempts=config.digest_send_attempts,
                                                 backoff=config.digest_retry_backoff_seconds)
            if workers > 1 and not dry_run and transport is None and len(due) > BATCH:
                _run_shards(db, config, run, due, workers, report, run_id, period_date,
                            progress)
            for start in range(0, len(due), BATCH) if not report.shards else ():
                _batch(run, due[start:start + BATCH], sender, report, run_id)
                if progress is not None:
                    progress(len(due[start:start + BATCH]))
    except BaseException as exc:
        error = f"{type(exc).__name__}: {exc}"
        raise
    finally:
        report.seconds = time.perf_counter() - started
        if run_id is not None:
            with db.write() as connection:
                digest_runs.finish(connection, run_id, report.counts(), error=error)
    return report


_SUMMED = ("sent", "skipped", "failed", "bounced", "busy", "done_before", "taken_over",
           "compose_seconds", "deliver_seconds")


def _run_shards(db: Database, config: Config, run: DigestRun, due: list[_Due], workers: int,
                report: RunReport, run_id: int | None, period_date: date | None,
                progress: Callable[[int], None] | None) -> None:
    """Each worker process takes every `workers`-th due subscriber. Worker times are
    summed, so compose and deliver seconds are process-seconds here."""
    import multiprocessing

    ids = [item.subscriber.id for item in due]
    shards = [ids[k::workers] for k in range(workers)]
    context = multiprocessing.get_context("spawn")  # no fork of a threaded process
    with context.Pool(workers) as pool:
        pending = [pool.apply_async(_shard_main, (db.url, config, run.now, period_date, shard,
                                                  run_id)) for shard in shards]
        for shard, result in zip(shards, pending):
            outcome = result.get()
            for name in _SUMMED:
                setattr(report, name, getattr(report, name) + outcome[name])
            report.digests.extend(outcome["digests"])
            if progress is not None:
                progress(len(shard))
    report.shards = workers


def _shard_main(url: str, config: Config, now: datetime, period_date: date | None,
                subscriber_ids: list[int], run_id: int | None) -> dict:
    db = Database(url)
    try:
        run = DigestRun(db, config, now=now)
        due = due_subscribers(db, now=now, period_date=period_date,
                              subscriber_ids=subscriber_ids)
        report = RunReport(run_id, False, due=len(due))
        with _open_transport(config) as transport:
            sender = Sender(transport, attempts=config.digest_send_attempts,
                            backoff=config.digest_retry_backoff_seconds)
            for start in range(0, len(due), BATCH):
                _batch(run, due[start:start + BATCH], sender, report, run_id)
        return report.as_dict()
    finally:
        db.dispose()


@contextmanager
def _open_transport(config: Config) -> Iterator[object]:
    from ..mail import open_transport

    with open_transport(config) as transport:
        yield transport


def _batch(run: DigestRun, batch: list[_Due], sender: Sender | None, report: RunReport,
           run_id: int | None) -> None:
    db, config = run.db, run.config
    started = time.perf_counter()
    now = time.time()
    with db.read() as connection:
        before = digests.existing(connection, {d.subscriber.id: d.period for d in batch})
        pool_ids = {card.id for d in batch for card in run.composer.pool(d.period).cards}
        sent_before = digests.already_sent(connection, [d.subscriber.id for d in batch],
                                           list(pool_ids))
    recheck = _due_for_recheck(before.values(), config.digest_skip_recheck_seconds, now)
    run.composer.prepare([(item.period, item.preferences) for item in batch
                          if before.get(item.subscriber.id) is None
                          or item.subscriber.id in recheck])
    to_send: list[Digest] = []
    skipped: list[Digest] = []
    takeovers: list[tuple[digests.DigestRow, _Due]] = []
    reopened: list[tuple[digests.DigestRow, Digest]] = []  # skipped before, papers now
    still_empty: list[digests.DigestRow] = []
    for item in batch:
        row = before.get(item.subscriber.id)
        if row is not None and item.subscriber.id not in recheck:
            if row.status in digests.FINAL:
                report.done_before += 1
            else:
                takeovers.append((row, item))
            continue
        digest = run.composer.compose(item.subscriber.id, item.subscriber.email,
                                      item.preferences, item.period,
                                      sent_before.get(item.subscriber.id, frozenset()))
        if row is not None:  # a skipped digest looked at again
            if digest.empty:
                still_empty.append(row)
                report.done_before += 1
            else:
                reopened.append((row, digest))
        elif digest.empty:
            skipped.append(digest)
        else:
            to_send.append(digest)
    stale_before = now - config.digest_claim_timeout_seconds
    claimed: list[tuple[Digest, int | None]] = []  # (digest, its row)
    if run.dry_run:
        claimed = [(digest, None) for digest in to_send + [d for _, d in reopened]]
        report.skipped += len(skipped)
    else:
        wanted = [(d.subscriber_id, d.period, status,
                   digest_message_id(config, d.subscriber_id, d.email, d.period),
                   _listed(d))
                  for status, group in (("skipped", skipped), ("claimed", to_send))
                  for d in group]
        with db.write() as connection:
            ours = digests.claim_many(connection, wanted, run=run.owner, now=now, run_id=run_id)
            report.skipped += sum(1 for d in skipped if d.subscriber_id in ours)
            claimed = [(d, ours[d.subscriber_id]) for d in to_send if d.subscriber_id in ours]
            report.busy += len(wanted) - len(ours)
            for row, item in takeovers:
                if digests.take_over(connection, row, run=run.owner, now=now,
                                     stale_before=stale_before, run_id=run_id):
                    claimed.append((run.rebuild(row, item.subscriber.email), row.id))
                    report.taken_over += 1
                else:
                    report.busy += 1
            for row, digest in reopened:
                if digests.reopen_skipped(connection, row, _listed(digest), run=run.owner,
                                          now=now, run_id=run_id):
                    claimed.append((digest, row.id))
                else:
                    report.busy += 1
            digests.mark_rechecked(connection, still_empty, now)
    report.compose_seconds += time.perf_counter() - started
    started = time.perf_counter()
    if run.dry_run or sender is None:
        for digest, _ in claimed:
            report.digests.append(_summary(digest, "would send"))
    else:
        with _heartbeat(run, [row for _, row in claimed if row is not None]), \
                ThreadPoolExecutor(max_workers=config.digest_send_threads) as pool:
            for digest, outcome in zip((d for d, _ in claimed), pool.map(
                    lambda pair: _send_one(run, sender, *pair), claimed)):
                setattr(report, outcome.status, getattr(report, outcome.status) + 1)
                report.digests.append(_summary(digest, outcome.status))
    report.deliver_seconds += time.perf_counter() - started


def _listed(digest: Digest) -> list[list]:
    """What a digest row stores of its papers: [paper id, reason, personal] in order."""
    return [[p.card.id, p.reason, p.personal] for p in digest.papers]


def _due_for_recheck(rows: Iterable[digests.DigestRow], every: float, now: float) -> set[int]:
    """Subscribers whose skipped digest was last looked at `every` seconds ago or more."""
    if every <= 0:
        return set()
    return {row.subscriber_id for row in rows
            if row.status == "skipped" and now - (row.heartbeat_at or 0) >= every}


@contextmanager
def _heartbeat(run: DigestRun, digest_ids: list[int]) -> Iterator[None]:
    """Renew our claims' heartbeat every quarter of the claim timeout until the block ends."""
    stop = threading.Event()
    every = max(0.05, run.config.digest_claim_timeout_seconds / 4)

    def beat() -> None:
        while not stop.wait(every):
            try:
                with run.db.write() as connection:
                    digests.heartbeat(connection, digest_ids, run.owner, time.time())
            except Exception:  # noqa: BLE001 - try again at the next beat
                log.warning("could not renew the digest claims' heartbeat", exc_info=True)

    thread = threading.Thread(target=beat, name="digest-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _send_one(run: DigestRun, sender: Sender, digest: Digest, row_id: int) -> Outcome:
    try:
        message = run.message(digest)
    except Exception as exc:  # noqa: BLE001 - one bad digest must not stop the run
        log.exception("digest %s for subscriber %s could not be built", digest.period,
                      digest.subscriber_id)
        outcome = Outcome("failed", 0, f"could not build the message: {exc}")
    else:
        outcome = sender.send(message)
    with run.db.write() as connection:
        if not digests.finish(connection, row_id, run.owner, outcome.status,
                              error=outcome.error, attempts=outcome.attempts):
            log.warning("digest %s for subscriber %s was taken over before it was recorded",
                        digest.period, digest.subscriber_id)
        if outcome.status == "sent":
            digests.remember_sent(connection, digest.subscriber_id, digest.paper_ids,
                                  digest.period)
        elif outcome.status == "bounced" and subscribers.record_bounce(
                connection, digest.subscriber_id, outcome.error or "",
                run.config.digest_bounce_limit):
            log.warning("subscriber %s paused after %s bounces", digest.subscriber_id,
                        run.config.digest_bounce_limit)
    return outcome


def _summary(digest: Digest, status: str) -> dict:
    return {"email": digest.email, "period": digest.period, "status": status,
            "papers": len(digest.papers), "picks": len(digest.picks)}
