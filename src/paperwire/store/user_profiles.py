"""A reader's profile row: when they last reset it, and their private feed token's hash
(the token itself is shown once and never stored)."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import text
from sqlalchemy.engine import Connection


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def _ensure(connection: Connection, user_id: int) -> None:
    connection.execute(text("INSERT INTO user_profiles (user_id) VALUES (:user) "
                            "ON CONFLICT DO NOTHING"), {"user": user_id})


def reset_at(connection: Connection, user_id: int) -> str | None:
    return connection.execute(text("SELECT reset_at FROM user_profiles WHERE user_id = :user"),
                              {"user": user_id}).scalar()


def mark_reset(connection: Connection, user_id: int, now: str) -> None:
    _ensure(connection, user_id)
    connection.execute(text("UPDATE user_profiles SET reset_at = :now WHERE user_id = :user"),
                       {"now": now, "user": user_id})


def new_feed_token(connection: Connection, user_id: int, now: str) -> str:
    """A fresh token (the old one stops working); returned once."""
    token = secrets.token_urlsafe(24)
    _ensure(connection, user_id)
    connection.execute(text(
        "UPDATE user_profiles SET feed_token_hash = :hash, feed_token_created_at = :now "
        "WHERE user_id = :user"), {"hash": _hash(token), "now": now, "user": user_id})
    return token


def has_feed_token(connection: Connection, user_id: int) -> bool:
    return connection.execute(text(
        "SELECT feed_token_hash FROM user_profiles WHERE user_id = :user"),
        {"user": user_id}).scalar() is not None


def user_for_feed_token(connection: Connection, token: str) -> int | None:
    if not token or len(token) > 200:
        return None
    return connection.execute(text(
        "SELECT user_id FROM user_profiles WHERE feed_token_hash = :hash"),
        {"hash": _hash(token)}).scalar()
