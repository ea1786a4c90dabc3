"""`paperwire subscribers add|list`: bring in and inspect digest subscribers."""

from __future__ import annotations

import click

from ..digest.preferences import FREQUENCIES, PreferenceError, parse
from ..mail import DeliveryFailure, InvalidAddress
from ..store import subscribers as store
from ..subscriptions import subscribe
from .context import AppContext, pass_app
from .output import emit_json, json_option, stdout


@click.group("subscribers")
def subscribers_group() -> None:
    """Digest subscribers: add addresses, list who is subscribed."""


@subscribers_group.command("add")
@click.argument("email")
@click.option("--confirmed", is_flag=True,
              help="The address already opted in (e.g. an existing mailing list): no "
                   "confirmation email, digests start at once.")
@click.option("--frequency", type=click.Choice(FREQUENCIES), default=None,
              help="daily, weekdays (Monday to Friday) or weekly (default: daily).")
@click.option("--weekday", type=click.IntRange(0, 6), default=None,
              help="For weekly digests: 0 Monday … 6 Sunday (default 0).")
@click.option("--hour", type=click.IntRange(0, 23), default=None,
              help="Local hour the digest is sent (default 8).")
@click.option("--timezone", "zone", metavar="ZONE", default=None,
              help="IANA time zone of --hour, e.g. Europe/Berlin (default UTC).")
@click.option("--category", "categories", metavar="C", multiple=True,
              help="arXiv category to keep in the trending part, e.g. cs.LG (repeatable).")
@click.option("--keyword", "keywords", metavar="WORD", multiple=True,
              help="Keyword to pick papers by (repeatable).")
@click.option("--interest", "interests", metavar="TEXT", multiple=True,
              help="Interest in plain words, e.g. 'vector databases' (repeatable).")
@click.option("--count", type=click.IntRange(1, 50), default=None,
              help="Papers per digest (default 10).")
@json_option
@pass_app
def add_command(app: AppContext, email: str, confirmed: bool, frequency: str | None,
                weekday: int | None, hour: int | None, zone: str | None,
                categories: tuple[str, ...], keywords: tuple[str, ...],
                interests: tuple[str, ...], count: int | None, as_json: bool) -> None:
    """Subscribe EMAIL. Without --confirmed it gets the opt-in email and nothing more until
    its link is followed. Adding an address again changes nothing but its preferences
    (while unconfirmed) and sends no second confirmation within 10 minutes."""
    try:
        preferences = parse({"frequency": frequency, "weekday": weekday, "hour": hour,
                             "timezone": zone, "categories": list(categories) or None,
                             "keywords": list(keywords) or None,
                             "interests": list(interests) or None, "count": count})
    except PreferenceError as exc:
        raise click.BadParameter(str(exc)) from None
    try:
        outcome = subscribe(app.database(), app.config, email, preferences=preferences,
                            confirmed=confirmed)
    except InvalidAddress as exc:
        raise click.BadParameter(str(exc), param_hint="EMAIL") from None
    except DeliveryFailure as exc:
        raise click.ClickException(f"subscribed, but the confirmation email failed: {exc}") \
            from None
    if as_json:
        emit_json({"id": outcome.subscriber_id, "email": outcome.email,
                   "status": outcome.status, "confirmation_sent": outcome.confirmation_sent})
        return
    note = " (confirmation email sent)" if outcome.confirmation_sent else ""
    stdout.print(f"{outcome.email}: {outcome.status}{note}", markup=False)


@subscribers_group.command("list")
@click.option("--limit", type=click.IntRange(1), default=None, help="Show at most this many.")
@json_option
@pass_app
def list_command(app: AppContext, limit: int | None, as_json: bool) -> None:
    """List subscribers with their status and preferences."""
    from ..digest.preferences import Preferences

    with app.database().read() as connection:
        rows = store.listing(connection, limit=limit)
    data = [{"id": s.id, "email": s.email, "status": s.status, "created_at": s.created_at,
             "confirmed_at": s.confirmed_at, "unsubscribed_at": s.unsubscribed_at,
             "bounce_count": s.bounce_count,
             "preferences": Preferences.from_json(s.preferences).__dict__} for s in rows]
    if as_json:
        emit_json(data)
        return
    if not data:
        stdout.print("no subscribers", markup=False)
    for row in data:
        p = row["preferences"]
        when = p["frequency"] + (f" (day {p['weekday']})" if p["frequency"] == "weekly" else "")
        stdout.print(f"{row['id']:>6}  {row['email']}  {row['status']}  {when} at "
                     f"{p['hour']:02d}:00 {p['timezone']}  {p['count']} papers"
                     f"{'  bounces ' + str(row['bounce_count']) if row['bounce_count'] else ''}",
                     markup=False)


def register(group: click.Group) -> None:
    group.add_command(subscribers_group)
