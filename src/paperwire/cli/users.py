"""`paperwire users`: accounts from the shell (the first admin comes from here)."""

from __future__ import annotations

import dataclasses

import click
from rich.table import Table

from ..community.accounts import InvalidEmail, add_user
from ..store.users import list_users
from .context import AppContext, pass_app
from .output import emit_json, json_option, stdout


@click.group("users")
def users_group() -> None:
    """People with an account: add them (and admins), list them.

    Anyone can also make an account by signing in on the site with their email.
    """


@users_group.command("add")
@click.argument("email")
@click.option("--admin", is_flag=True, help="Make this person an admin (moderation pages).")
@json_option
@pass_app
def add_command(app: AppContext, email: str, admin: bool, as_json: bool) -> None:
    """Create the account for EMAIL (or make an existing one an admin with --admin).

    Example: paperwire users add ada@example.org --admin
    """
    try:
        user = add_user(app.database(), email, admin=admin)
    except InvalidEmail as exc:
        raise click.BadParameter(str(exc), param_hint="EMAIL") from None
    if as_json:
        emit_json(dataclasses.asdict(user))
        return
    stdout.print(f"{user.email}: user {user.id}{' (admin)' if user.is_admin else ''}",
                 markup=False)


@users_group.command("list")
@json_option
@pass_app
def list_command(app: AppContext, as_json: bool) -> None:
    """Every account: id, email, name, admin, created, last sign-in."""
    with app.database().read() as connection:
        users = list_users(connection)
    if as_json:
        emit_json([dataclasses.asdict(user) for user in users])
        return
    table = Table("id", "email", "name", "admin", "created", "last sign-in")
    for user in users:
        table.add_row(str(user.id), user.email, user.name, "yes" if user.is_admin else "",
                      user.created_at, user.last_sign_in_at or "")
    stdout.print(table)


def register(group: click.Group) -> None:
    group.add_command(users_group)
