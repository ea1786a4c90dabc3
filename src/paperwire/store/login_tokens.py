"""Magic-link tokens: only a SHA-256 of each token is stored; a token works once, before
it expires. Redeeming is one conditional UPDATE, so two clicks at once cannot both win."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import text
from sqlalchemy.engine import Connection


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def create_token(connection: Connection, email: str, now: str, expires_at: str) -> str:
    """A new token for `email`; the caller mails it, the store keeps only its hash."""
    token = secrets.token_urlsafe(32)
    connection.execute(text(
        "INSERT INTO login_tokens (token_hash, email, created_at, expires_at) "
        "VALUES (:hash, :email, :now, :expires)"),
        {"hash": token_hash(token), "email": email, "now": now, "expires": expires_at})
    return token


def redeem_token(connection: Connection, token: str, now: str) -> str | None:
    """The email the token was made for, marking it used; None if unknown, used or expired."""
    if not token or len(token) > 200:
        return None
    return connection.execute(text(
        "UPDATE login_tokens SET used_at = :now WHERE token_hash = :hash AND used_at IS NULL "
        "AND expires_at > :now RETURNING email"),
        {"now": now, "hash": token_hash(token)}).scalar()


def forget_expired(connection: Connection, now: str) -> int:
    return connection.execute(text("DELETE FROM login_tokens WHERE expires_at <= :now"),
                              {"now": now}).rowcount
