"""People with an account: an email address (normalised), a public name, an admin flag."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Connection, Row

_COLUMNS = "id, email, name, is_admin, created_at, last_sign_in_at"


@dataclass(frozen=True)
class User:
    id: int
    email: str
    name: str
    is_admin: bool
    created_at: str
    last_sign_in_at: str | None


def _user(row: Row | None) -> User | None:
    return User(row.id, row.email, row.name, bool(row.is_admin), row.created_at,
                row.last_sign_in_at) if row else None


def get_user(connection: Connection, user_id: int) -> User | None:
    return _user(connection.execute(text(f"SELECT {_COLUMNS} FROM users WHERE id = :id"),
                                    {"id": user_id}).first())


def user_by_email(connection: Connection, email: str) -> User | None:
    return _user(connection.execute(text(f"SELECT {_COLUMNS} FROM users WHERE email = :email"),
                                    {"email": email}).first())


def default_name(email: str) -> str:
    return email.split("@", 1)[0][:40] or "reader"


def ensure_user(connection: Connection, email: str, now: str, *, admin: bool = False) -> User:
    """The account for `email`, created if missing; `admin` grants (never revokes) admin."""
    connection.execute(text(
        "INSERT INTO users (email, name, is_admin, created_at) "
        "VALUES (:email, :name, :admin, :now) ON CONFLICT (email) DO NOTHING"),
        {"email": email, "name": default_name(email), "admin": admin, "now": now})
    if admin:
        connection.execute(text("UPDATE users SET is_admin = :yes WHERE email = :email"),
                           {"yes": True, "email": email})
    user = user_by_email(connection, email)
    assert user is not None
    return user


def mark_signed_in(connection: Connection, user_id: int, now: str) -> None:
    connection.execute(text("UPDATE users SET last_sign_in_at = :now WHERE id = :id"),
                       {"now": now, "id": user_id})


def list_users(connection: Connection) -> list[User]:
    return [_user(r) for r in connection.execute(text(
        f"SELECT {_COLUMNS} FROM users ORDER BY id"))]  # type: ignore[misc]


def set_name(connection: Connection, user_id: int, name: str) -> None:
    connection.execute(text("UPDATE users SET name = :name WHERE id = :id"),
                       {"name": name, "id": user_id})
