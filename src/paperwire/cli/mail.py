"""`paperwire outbox`: the mail written to the outbox folder while no SMTP is configured;
and the `paperwire mail` group for incoming mail (`mail_receive.py`). `outbox` stays at the
top level, where it was first documented."""

from __future__ import annotations

import click

from ..mail import list_outbox, outbox_folder
from .context import AppContext, pass_app
from .output import emit_json, json_option, stdout


@click.command("outbox")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True,
              help="Show at most this many messages, newest first.")
@json_option
@pass_app
def outbox_command(app: AppContext, limit: int, as_json: bool) -> None:
    """List the messages in the outbox folder (newest first).

    With no PAPERWIRE_SMTP_URL set, every email Paperwire sends (sign-in links,
    confirmations, digests) is written there as an .eml file instead.
    """
    entries = list_outbox(app.config)[:limit]
    if as_json:
        emit_json([{"path": str(e.path), "to": e.to, "subject": e.subject, "date": e.date,
                    "message_id": e.message_id} for e in entries])
        return
    folder = outbox_folder(app.config)
    if not entries:
        stdout.print(f"The outbox is empty ({folder}).", markup=False)
        return
    stdout.print(f"# {folder}", markup=False)
    for entry in entries:
        stdout.print(f"{entry.date}  {entry.to}  {entry.subject}", markup=False)
        stdout.print(f"    {entry.path.name}", markup=False, style="dim")


def register(main: click.Group) -> None:
    from .mail_receive import mail_group

    main.add_command(outbox_command)
    main.add_command(mail_group)
