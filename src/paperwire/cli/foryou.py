"""`paperwire foryou EMAIL`: a reader's For you list, with the reasons, from the shell."""

from __future__ import annotations

import click

from ..community.accounts import InvalidEmail, normalise_email
from ..recommend.feed import recommend
from ..store.users import user_by_email
from .context import AppContext, pass_app
from .output import emit_json, json_option, stdout


@click.command("foryou")
@click.argument("email")
@click.option("--limit", type=click.IntRange(1, 100), default=10, show_default=True,
              help="How many papers.")
@json_option
@pass_app
def foryou_command(app: AppContext, email: str, limit: int, as_json: bool) -> None:
    """The papers the For you feed ranks first for the reader with EMAIL, and why.

    Trains the reader's model only if their signals changed since it was cached.
    Example: paperwire foryou ada@example.org --limit 5
    """
    try:
        address = normalise_email(email)
    except InvalidEmail as exc:
        raise click.BadParameter(str(exc), param_hint="EMAIL") from None
    db = app.database()
    with db.read() as connection:
        user = user_by_email(connection, address)
    if user is None:
        raise click.BadParameter(f"no account for {address}", param_hint="EMAIL")
    feed = recommend(db, app.config, user.id, limit=limit)
    if as_json:
        emit_json({"personal": feed.personal, "candidates": feed.candidates,
                   "items": [{"id": i.card.id, "title": i.card.title, "score": round(i.score, 4),
                              "reasons": i.reasons} for i in feed.items]})
        return
    for rank, item in enumerate(feed.items, 1):
        stdout.print(f"{rank:2}. {item.card.title} [{item.card.id}]", markup=False)
        for reason in item.reasons:
            stdout.print(f"      {reason}", markup=False)


def register(group: click.Group) -> None:
    group.add_command(foryou_command)
