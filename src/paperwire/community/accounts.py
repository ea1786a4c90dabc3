"""Sign-in without a password: a magic link by email, single use, valid for
`signin_link_minutes`, stored only as a hash. Any valid address gets a link (its account
is made when the link is used), so the answer never tells whether an account exists."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from urllib.parse import quote

from ..config import Config
from ..store import Database
from ..store.login_tokens import create_token, forget_expired, redeem_token
from ..store.users import User, ensure_user, mark_signed_in
from .clock import stamp, utc_now

log = logging.getLogger(__name__)
SIGNIN_PATH = "/signin/link"


class InvalidEmail(ValueError):
    """The message says what is wrong with the address."""


def normalise_email(raw: str) -> str:
    from ..mail import InvalidAddress, canonical_address
    if not isinstance(raw, str) or len(raw) > 320:
        raise InvalidEmail("That is not an email address.")
    try:
        return canonical_address(raw.strip())
    except InvalidAddress as exc:
        raise InvalidEmail(f"That is not an email address we can send to: {exc}") from None


def signin_link(config: Config, token: str) -> str:
    return f"{str(config.base_url).rstrip('/')}{SIGNIN_PATH}?token={quote(token)}"


def request_link(db: Database, config: Config, email: str,
                 now: datetime | None = None) -> None:
    """Make a token for the (normalised) address and mail the link. Mail failures are
    logged, not shown: the page says the same thing whatever happens."""
    from ..mail import OutgoingMessage, PermanentFailure, TemporaryFailure, open_transport
    now = now or utc_now()
    expires = now + timedelta(minutes=config.signin_link_minutes)
    with db.write() as connection:
        token = create_token(connection, email, stamp(now), stamp(expires))
        forget_expired(connection, stamp(now - timedelta(days=1)))
    link = signin_link(config, token)
    text = (f"Hello,\n\nsomeone (we hope you) asked to sign in to Paperwire with this address.\n"
            f"Open this link within {config.signin_link_minutes} minutes to sign in:\n\n"
            f"{link}\n\nThe link works once. If you did not ask for it, ignore this email.\n")
    try:
        with open_transport(config) as transport:
            transport.send(OutgoingMessage(to=email, subject="Your Paperwire sign-in link",
                                           text=text))
    except (TemporaryFailure, PermanentFailure) as exc:
        log.warning("sign-in mail to %s failed: %s", email, exc)


def complete_sign_in(db: Database, token: str, now: datetime | None = None) -> User | None:
    """The account the link signs in (made on first use), or None if the link is unknown,
    used or expired."""
    moment = stamp(now)
    with db.write() as connection:
        email = redeem_token(connection, token, moment)
        if email is None:
            return None
        user = ensure_user(connection, email, moment)
        mark_signed_in(connection, user.id, moment)
    return user


def add_user(db: Database, email: str, *, admin: bool = False) -> User:
    """`paperwire users add`: the account for `email` (an admin if asked)."""
    with db.write() as connection:
        return ensure_user(connection, normalise_email(email), stamp(), admin=admin)
