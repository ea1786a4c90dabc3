"""`paperwire mail receive`: the program an MTA hands each message for unsubscribe@ to
(or a batch of saved messages). Thin over `paperwire.unsubscribe_by_mail`."""

from __future__ import annotations

import sys
import traceback
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import click

from ..config import Config
from ..mail.inbound import read_capped
from ..mail.message_files import message_paths
from ..store import Database
from ..unsubscribe_by_mail import REJECTED, STATUSES, UNREADABLE, Outcome, TryLater, receive
from .context import AppContext, pass_app
from .output import count_progress, emit_json, json_option, stderr, stdout

EX_TEMPFAIL = 75  # sysexits.h: Postfix, Exim, OpenSMTPD and fetchmail keep the message


@click.group("mail")
def mail_group() -> None:
    """Incoming mail: unsubscribe requests sent to the List-Unsubscribe mailto address.

    (Outgoing mail kept while no SMTP server is set is listed by `paperwire outbox`.)
    """


@mail_group.command("receive")
@click.argument("sources", metavar="[FILE|FOLDER]...", nargs=-1,
                type=click.Path(exists=True, path_type=Path))
@click.option("--progress/--no-progress", default=None,
              help="Show progress over many files (default: when stderr is a terminal).")
@json_option
@pass_app
def receive_command(app: AppContext, sources: tuple[Path, ...], progress: bool | None,
                    as_json: bool) -> None:
    """Act on unsubscribe requests mailed to unsubscribe@<domain of mail_from>.

    Every digest's List-Unsubscribe header offers that address with the subject
    "unsubscribe TOKEN"; the signed token (in the subject, else the first line of the
    text) unsubscribes its subscriber, as the one-click link does. Nothing is sent back.

    With no FILE, one message is read from standard input: make this the MTA's delivery
    command for that address (docs/DEPLOY.md). With FILEs: .eml files, folders of .eml
    files, or Maildirs (new/ and cur/; files stay where they are, and reading one again
    changes nothing). Messages over mail_receive_max_bytes are rejected unread.

    Exit status, for the MTA: 0 when every message was handled or rejected (junk, a bad
    or expired token, another recipient: dropped, never bounced, since the sender may be
    forged); 75 (EX_TEMPFAIL) when a message could not be decided (database unavailable,
    settings unusable, no signing key, an unexpected error), so the MTA keeps it and
    tries again.
    """
    if not sources and sys.stdin.isatty():
        raise click.UsageError("pipe one message in, or name message files or folders")
    results: list[tuple[str, Outcome]] = []
    try:
        config = app.config
        database = _opener(app)
        if not sources:
            raw = read_capped(sys.stdin.buffer, config.mail_receive_max_bytes, drain=True)
            results.append(("-", receive(raw, config, database)))
        else:
            paths = message_paths(sources)
            shown = progress if progress is not None else (None if len(paths) > 1 else False)
            with count_progress("messages", len(paths), enabled=shown) as advance:
                for path in paths:
                    results.append((str(path), _receive_file(path, config, database)))
                    advance(1)
    except (TryLater, click.ClickException) as exc:
        _report(results, as_json, error=exc.format_message()
                if isinstance(exc, click.ClickException) else str(exc))
        sys.exit(EX_TEMPFAIL)
    except Exception as exc:  # a bug must not bounce the request back to its sender
        traceback.print_exc()
        _report(results, as_json, error=f"unexpected {type(exc).__name__}: {exc}")
        sys.exit(EX_TEMPFAIL)
    _report(results, as_json)


def _opener(app: AppContext) -> Callable[[], Database]:
    """Opens (and migrates, like every command) the database on first use only."""
    opened: list[Database] = []

    def database() -> Database:
        if not opened:
            db = app.database(upgrade=False)
            db.upgrade()  # its errors reach receive(), which says "try later"
            opened.append(db)
        return opened[0]

    return database


def _receive_file(path: Path, config: Config, database: Callable[[], Database]) -> Outcome:
    try:
        with path.open("rb") as handle:
            raw = read_capped(handle, config.mail_receive_max_bytes)
    except OSError as exc:
        return Outcome(REJECTED, UNREADABLE, f"cannot read the file: {exc.strerror or exc}")
    return receive(raw, config, database)


def _report(results: list[tuple[str, Outcome]], as_json: bool, error: str | None = None) -> None:
    counts = Counter(outcome.status for _, outcome in results)
    reasons = Counter(outcome.reason for _, outcome in results if outcome.reason)
    if as_json:
        data: dict = {"counts": {status: counts[status] for status in STATUSES},
                      "rejected": dict(sorted(reasons.items())),
                      "messages": [{"source": name, **outcome.as_dict()}
                                   for name, outcome in results]}
        if error is not None:
            data["error"] = error
        emit_json(data)
    else:
        for name, outcome in results:
            stdout.print(f"{name}: {outcome.describe()}", markup=False)
        if len(results) > 1:
            stdout.print("  ".join(f"{status.replace('_', ' ')} {counts[status]:,}"
                                   for status in STATUSES), markup=False)
    if error is not None:
        stderr.print(f"not decided, try again later: {error}", markup=False)
