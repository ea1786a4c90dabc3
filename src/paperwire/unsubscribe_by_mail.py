"""The mailto half of List-Unsubscribe: a reader's mail client sends "unsubscribe <token>"
to unsubscribe@<sender domain>, and this does with that token exactly what the one-click
link does (`subscriptions.unsubscribe_by_token`).

The signed token alone decides, as with the link: mail is forwarded, so the From address
is only logged when it differs. Nothing is ever sent back: the sender of a rejected
message may be forged, and a reply would be backscatter. The database is opened only for a
message whose token verifies, so junk is rejected even while the database is down.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass

from sqlalchemy.exc import SQLAlchemyError

from .config import Config
from .mail.inbound import NotMail, parse_message
from .signing import ExpiredToken, InvalidToken, existing_signer
from .store import Database
from .subscriptions import (UNSUBSCRIBE, SubscriptionGone, link_max_age, unsubscribe_address,
                            unsubscribe_by_token)

log = logging.getLogger(__name__)

UNSUBSCRIBED = "unsubscribed"
ALREADY = "already_unsubscribed"
REJECTED = "rejected"
STATUSES = (UNSUBSCRIBED, ALREADY, REJECTED)
# Why a message was rejected, for counts and scripts.
TOO_LARGE = "too_large"
NOT_MAIL = "not_mail"
UNREADABLE = "unreadable"  # a file that could not be read (batch mode)
WRONG_RECIPIENT = "wrong_recipient"
NO_TOKEN = "no_token"
BAD_TOKEN = "bad_token"
EXPIRED_TOKEN = "expired_token"
GONE = "gone"  # the token's subscriber was deleted or changed address

# The word after "unsubscribe" (the mailto's subject, maybe after "Re:", in any case;
# "%20" for a client that left the mailto's encoding in), and any word shaped like a
# token (payload.timestamp.signature, itsdangerous; a compressed payload starts with ".").
_AFTER_WORD = re.compile(r"unsubscribe(?:\s|%20)+([A-Za-z0-9_.-]+)", re.IGNORECASE)
_TOKEN_SHAPED = re.compile(r"(?<![A-Za-z0-9_.-])\.?[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{4,}"
                           r"\.[A-Za-z0-9_-]{16,}(?![A-Za-z0-9_.-])")
# After "unsubscribe", three dot-separated parts are enough to be worth checking (and to
# call a failure a bad token rather than no token: "unsubscribe me" has none).
_THREE_PARTS = re.compile(r"\.?[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
MAX_CANDIDATES = 8  # verifying is cheap, but a message full of dots should not cost more


class TryLater(RuntimeError):
    """The message cannot be decided here and now (the database is unavailable, or this
    process has no signing key: wrong user or data folder); keep it and try again."""


@dataclass(frozen=True)
class Outcome:
    status: str  # UNSUBSCRIBED, ALREADY or REJECTED
    reason: str | None = None  # why it was rejected (one of the codes above)
    detail: str = ""  # the same for people
    email: str | None = None  # the subscriber the token named
    sender: str = ""  # the From address
    message_id: str = ""

    def as_dict(self) -> dict[str, str | None]:
        return asdict(self)

    def describe(self) -> str:
        if self.status == REJECTED:
            return f"rejected ({self.reason}): {self.detail}"
        note = f" (sent from {self.sender})" if self.sender and self.sender != self.email else ""
        label = "unsubscribed" if self.status == UNSUBSCRIBED else "already unsubscribed"
        return f"{label} {self.email}{note}"


def token_candidates(subject: str, first_line: str) -> list[str]:
    """What may be the token, most likely first: the word after "unsubscribe" in the
    subject, then any token-shaped word there, then the same in the first body line.
    Only the signature decides which, if any, is the token."""
    found: list[str] = []
    for text in (subject, first_line):
        found += [word for m in _AFTER_WORD.finditer(text)
                  if _THREE_PARTS.fullmatch(word := m.group(1).rstrip("."))]
        found += _TOKEN_SHAPED.findall(text)
    return list(dict.fromkeys(found))[:MAX_CANDIDATES]


def receive(raw: bytes, config: Config, database: Callable[[], Database]) -> Outcome:
    """Decide one raw message (at most mail_receive_max_bytes + 1 bytes of it are needed).
    `database` opens the database when a token verifies; TryLater when it cannot be used.
    Receiving the same message again changes nothing."""
    limit = config.mail_receive_max_bytes
    if len(raw) > limit:
        return Outcome(REJECTED, TOO_LARGE, f"larger than {limit:,} bytes "
                                            "(the mail_receive_max_bytes setting)")
    try:
        message = parse_message(raw)
    except NotMail as exc:
        return Outcome(REJECTED, NOT_MAIL, f"not a mail message: {exc}")
    seen = {"sender": message.sender, "message_id": message.message_id}
    ours = unsubscribe_address(config)
    if ours not in message.recipients:
        return Outcome(REJECTED, WRONG_RECIPIENT, f"not addressed to {ours}", **seen)
    candidates = token_candidates(message.subject, message.first_line)
    if not candidates:
        return Outcome(REJECTED, NO_TOKEN, "no unsubscribe token in the subject or the "
                                           "first line of the text", **seen)
    token, problem = _signed_token(config, candidates)
    if token is None:
        return Outcome(REJECTED, problem[0], problem[1], **seen)
    try:
        subscriber, changed = unsubscribe_by_token(database(), config, token)
    except SubscriptionGone as exc:
        return Outcome(REJECTED, GONE, str(exc), **seen)
    except InvalidToken as exc:
        return Outcome(REJECTED, BAD_TOKEN, str(exc), **seen)
    except (SQLAlchemyError, OSError) as exc:
        raise TryLater(f"the database is unavailable: {type(exc).__name__}: {exc}") from exc
    if message.sender and message.sender != subscriber.email:
        log.info("unsubscribe mail for subscriber %s (%s) came from %s", subscriber.id,
                 subscriber.email, message.sender)
    return Outcome(UNSUBSCRIBED if changed else ALREADY, email=subscriber.email, **seen)


def _signed_token(config: Config, candidates: list[str]
                  ) -> tuple[str | None, tuple[str, str]]:
    """The first candidate our signature vouches for (checked here, before any database
    access; `resolve` checks it again with the subscriber), else the likeliest problem."""
    signer = existing_signer(config)
    if signer is None:
        raise TryLater("no signing key: set PAPERWIRE_SECRET_KEY (or PAPERWIRE_DATA_DIR) as "
                       "for the processes that send the digests")
    max_age = link_max_age(config, UNSUBSCRIBE)
    problem = (BAD_TOKEN, "the unsubscribe token is not valid (it may have been altered)")
    for candidate in candidates:
        try:
            signer.verify(UNSUBSCRIBE, candidate, max_age=max_age)
            return candidate, problem
        except ExpiredToken:
            problem = (EXPIRED_TOKEN, "the unsubscribe token has expired; use the link in "
                                      "a recent digest")
        except InvalidToken:
            pass
    return None, problem
