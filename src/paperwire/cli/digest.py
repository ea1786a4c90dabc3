"""`paperwire digest run|preview|runs`: compose and deliver the email digests."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import click

from ..mail import InvalidAddress
from ..store import digest_runs
from .context import AppContext, pass_app
from .output import count_progress, emit_json, json_option, stderr, stdout


@click.group("digest")
def digest_group() -> None:
    """Email digests: deliver what is due, preview one, list past runs."""


@digest_group.command("run")
@click.option("--dry-run", is_flag=True, help="Compose and report, but send and record nothing.")
@click.option("--period", "period_day", type=click.DateTime(["%Y-%m-%d"]), default=None,
              metavar="DATE", help="Deliver the digests of the period holding DATE (its day, or "
                                   "its ISO week for weekly subscribers), whatever the time.")
@click.option("--only", metavar="EMAIL", help="Only this subscriber.")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Processes to share a large run among (default: the digest_workers setting, 2).")
@click.option("--progress/--no-progress", default=None,
              help="Show progress (default: when stderr is a terminal).")
@json_option
@pass_app
def run_command(app: AppContext, dry_run: bool, period_day: datetime | None, only: str | None,
                workers: int | None, progress: bool | None, as_json: bool) -> None:
    """Compose and deliver every digest that is due now, once.

    Safe to run from cron every few minutes and from two places at once: each
    (subscriber, period) is sent exactly once; a run killed halfway is completed by the
    next one (the message in flight at the kill may repeat, with the same Message-ID).

    Exit status: 0 done, 1 some digests failed or bounced.
    """
    from ..digest.run import due_subscribers, run_digests
    from ..digest.schedule import utc_now
    from ..subscriptions import normalize

    db = app.database()
    day = period_day.date() if period_day else None
    try:
        total = len(due_subscribers(db, now=utc_now(), period_date=day,
                                    only=normalize(only) if only else None))
        with count_progress("digests", total, enabled=progress) as update:
            report = run_digests(db, app.config, period_date=day, only=only, dry_run=dry_run,
                                 progress=update, workers=workers or app.config.digest_workers)
    except InvalidAddress as exc:
        raise click.BadParameter(str(exc), param_hint="--only") from None
    if as_json:
        emit_json(report.as_dict())
    else:
        for item in report.digests if dry_run else ():
            stdout.print(f"{item['email']} {item['period']}: {item['status']} "
                         f"({item['papers']} papers, {item['picks']} picked)", markup=False)
        stdout.print(f"due {report.due:,}  sent {report.sent:,}  skipped {report.skipped:,}  "
                     f"failed {report.failed:,}  bounced {report.bounced:,}  "
                     f"busy {report.busy:,}  done before {report.done_before:,}  "
                     f"in {report.seconds:.1f} s{'  (dry run)' if dry_run else ''}",
                     markup=False)
    sys.exit(1 if report.failed or report.bounced else 0)


@digest_group.command("preview")
@click.argument("email")
@click.option("--period", "period_day", type=click.DateTime(["%Y-%m-%d"]), default=None,
              metavar="DATE", help="The period holding DATE (default: today).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the HTML here (default: digest-preview.html).")
@pass_app
def preview_command(app: AppContext, email: str, period_day: datetime | None,
                    output: Path | None) -> None:
    """Write the HTML digest EMAIL would get (sends and records nothing)."""
    from ..digest.preferences import Preferences
    from ..digest.run import DigestRun
    from ..digest.schedule import period_of, utc_now
    from ..store import digests, subscribers
    from ..subscriptions import normalize

    try:
        address = normalize(email)
    except InvalidAddress as exc:
        raise click.BadParameter(str(exc), param_hint="EMAIL") from None
    db = app.database()
    with db.read() as connection:
        subscriber = subscribers.by_email(connection, address)
    if subscriber is None:
        raise click.ClickException(f"{address} is not subscribed")
    preferences = Preferences.from_json(subscriber.preferences)
    run = DigestRun(db, app.config, dry_run=True)
    day = period_day.date() if period_day else utc_now().astimezone(preferences.zone).date()
    period = period_of(preferences, day) or day.isoformat()
    pool = run.composer.pool(period)
    with db.read() as connection:
        sent = digests.already_sent(connection, [subscriber.id], [c.id for c in pool.cards])
    digest = run.composer.compose(subscriber.id, subscriber.email, preferences, period,
                                  sent.get(subscriber.id, frozenset()))
    output = output or Path("digest-preview.html")
    output.write_text(run.preview(digest), encoding="utf-8")
    note = " (empty: it would not be sent)" if digest.empty else ""
    stderr.print(f"wrote {output}: {len(digest.papers)} papers for {period}{note}", markup=False)


@digest_group.command("runs")
@click.option("--limit", type=click.IntRange(1, 1000), default=20, help="How many runs.")
@json_option
@pass_app
def runs_command(app: AppContext, limit: int, as_json: bool) -> None:
    """List the latest delivery runs: sent, skipped, failed, bounced."""
    with app.database().read() as connection:
        runs = digest_runs.latest(connection, limit)
    if as_json:
        emit_json(runs)
        return
    if not runs:
        stdout.print("no digest runs yet", markup=False)
    for run in runs:
        stdout.print(f"#{run['id']} {run['started_at']} {run['status']}: due {run['due']}  "
                     f"sent {run['sent']}  skipped {run['skipped']}  failed {run['failed']}  "
                     f"bounced {run['bounced']}  busy {run['busy']}"
                     f"{'  error: ' + run['error'] if run['error'] else ''}", markup=False)


def register(group: click.Group) -> None:
    group.add_command(digest_group)
