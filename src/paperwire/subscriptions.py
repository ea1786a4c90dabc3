"""Subscribing to the email digest: double opt-in, and the signed links that confirm,
change preferences and unsubscribe without an account.

The answer to "subscribe" is the same for new, pending and active addresses, so the form
tells nobody who is subscribed. A confirmation email goes out at most once per
`digest_confirm_resend_seconds` per address. Links carry the subscriber's id and address,
signed for one purpose each; a link for one address cannot act on another.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import parseaddr
from urllib.parse import quote

from .config import Config
from .digest.preferences import Preferences
from .signing import InvalidToken, Signer, signer_for
from .store import Database
from .store import subscribers as store

CONFIRM = "digest-confirm"
MANAGE = "digest-preferences"
UNSUBSCRIBE = "digest-unsubscribe"


@dataclass(frozen=True)
class SubscribeOutcome:
    subscriber_id: int
    email: str
    status: str
    confirmation_sent: bool


@dataclass(frozen=True)
class SubscriberLinks:
    confirm: str
    preferences: str
    unsubscribe: str  # a page with a confirm button (GET changes nothing)
    one_click: str  # RFC 8058: mail clients POST List-Unsubscribe=One-Click here
    mailto: str


class SubscriptionGone(InvalidToken):
    """The token was signed by us, but its subscriber was deleted or changed address."""


def sender_domain(config: Config) -> str:
    return parseaddr(str(config.mail_from))[1].rpartition("@")[2].lower() or "localhost"


def unsubscribe_address(config: Config) -> str:
    """Where the List-Unsubscribe mailto sends; `paperwire mail receive` reads that mail."""
    return f"unsubscribe@{sender_domain(config)}"


def links_for(config: Config, signer: Signer, subscriber_id: int, email: str, *,
              with_confirm: bool = True) -> SubscriberLinks:
    base = str(config.base_url).rstrip("/")
    payload = {"s": subscriber_id, "e": email}
    confirm = quote(signer.sign(CONFIRM, payload), safe="") if with_confirm else ""
    manage = quote(signer.sign(MANAGE, payload), safe="")
    leave = quote(signer.sign(UNSUBSCRIBE, payload), safe="")
    return SubscriberLinks(
        confirm=f"{base}/subscribe/confirm?token={confirm}" if with_confirm else "",
        preferences=f"{base}/subscription?token={manage}",
        unsubscribe=f"{base}/unsubscribe?token={leave}",
        one_click=f"{base}/unsubscribe/one-click?token={leave}",
        mailto=f"mailto:{unsubscribe_address(config)}?subject=unsubscribe%20{leave}")


def unsubscribe_headers(links: SubscriberLinks) -> dict[str, str]:
    """RFC 2369 / RFC 8058 headers for every digest."""
    return {"List-Unsubscribe": f"<{links.one_click}>, <{links.mailto}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def resolve(db: Database, signer: Signer, purpose: str, token: str | None,
            max_age: int) -> store.Subscriber:
    """The subscriber a signed link names; InvalidToken (with a message for the person who
    clicked) when it was altered, expired, or the address is no longer the one signed."""
    data = signer.verify(purpose, token or "", max_age=max_age)
    if not isinstance(data, dict) or not isinstance(data.get("s"), int) \
            or not isinstance(data.get("e"), str):
        raise InvalidToken("this link is not valid (it may have been altered)")
    with db.read() as connection:
        subscriber = store.by_id(connection, data["s"])
    if subscriber is None or subscriber.email != data["e"]:
        raise SubscriptionGone("this link belongs to a subscription that no longer exists")
    return subscriber


def link_max_age(config: Config, purpose: str) -> int:
    """Seconds a link of this purpose stays valid: confirmations are short-lived, the links
    in every digest (preferences, unsubscribe) last for as long as a digest is kept."""
    return config.digest_confirm_max_age if purpose == CONFIRM else config.digest_link_max_age


def resolve_link(db: Database, config: Config, purpose: str,
                 token: str | None) -> store.Subscriber:
    """`resolve` with the key and max age that every link of `purpose` is checked with."""
    return resolve(db, signer_for(config), purpose, token, link_max_age(config, purpose))


def normalize(raw: str) -> str:
    """The canonical address, or InvalidAddress with a message that says why."""
    from .mail import canonical_address

    return canonical_address(raw)


def subscribe(db: Database, config: Config, raw_email: str, *,
              preferences: Preferences | None = None, confirmed: bool = False,
              now: datetime | None = None) -> SubscribeOutcome:
    """Add (or re-add) an address. Unconfirmed, it gets the opt-in email (at most once per
    resend interval); `confirmed` brings in an address that opted in elsewhere."""
    email = normalize(raw_email)
    now = now or datetime.now(timezone.utc)
    stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    resend_after = (now - timedelta(seconds=config.digest_confirm_resend_seconds)
                    ).strftime("%Y-%m-%dT%H:%M:%SZ")
    send = False
    with db.write() as connection:
        subscriber = store.insert(connection, email, (preferences or Preferences()).to_json(),
                                  status="active" if confirmed else "pending",
                                  confirmed=confirmed)
        if preferences is not None and subscriber.status != "active":
            store.set_preferences(connection, subscriber.id, preferences.to_json())
        if confirmed and subscriber.status != "active":
            store.set_status(connection, subscriber.id, "active")
        elif not confirmed and subscriber.status in ("unsubscribed", "paused"):
            store.set_status(connection, subscriber.id, "pending")
        subscriber = store.by_id(connection, subscriber.id)
        assert subscriber is not None
        if subscriber.status == "pending" and (subscriber.confirmation_sent_at is None
                                               or subscriber.confirmation_sent_at <= resend_after):
            store.note_confirmation_sent(connection, subscriber.id, stamp)
            send = True
    if send:
        try:
            send_confirmation(config, subscriber.id, email)
        except Exception:
            with db.write() as connection:  # let the person try again at once
                store.note_confirmation_sent(connection, subscriber.id, None)
            raise
    return SubscribeOutcome(subscriber.id, email, subscriber.status, send)


def send_confirmation(config: Config, subscriber_id: int, email: str) -> str:
    from .mail import OutgoingMessage, open_transport

    links = links_for(config, signer_for(config), subscriber_id, email)
    text = (f"Someone (hopefully you) asked to receive Paperwire's digest of trending "
            f"research papers at {email}.\n\nTo confirm, open this link and press the button:\n"
            f"{links.confirm}\n\nIf it was not you, ignore this email: nothing will be sent "
            f"unless the link is followed.\n")
    message = OutgoingMessage(to=email, subject="Confirm your Paperwire digest subscription",
                              text=text, message_id=confirmation_message_id(
                                  config, subscriber_id))
    with open_transport(config) as transport:
        return transport.send(message)


def confirmation_message_id(config: Config, subscriber_id: int) -> str:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S%f")
    return f"<confirm.{subscriber_id}.{stamp}@{sender_domain(config)}>"


def digest_message_id(config: Config, subscriber_id: int, email: str, period: str) -> str:
    """The same digest always carries the same Message-ID, so a resend is recognisable."""
    from .mail import stable_message_id

    return stable_message_id(f"digest:{subscriber_id}:{email}:{period}", config.mail_from)


def confirm(db: Database, config: Config, token: str | None) -> store.Subscriber:
    subscriber = resolve_link(db, config, CONFIRM, token)
    if subscriber.status == "unsubscribed":
        raise InvalidToken("this subscription was cancelled; subscribe again to restart it")
    with db.write() as connection:
        store.set_status(connection, subscriber.id, "active")
        return store.by_id(connection, subscriber.id)  # type: ignore[return-value]


def unsubscribe(db: Database, subscriber: store.Subscriber) -> bool:
    """Stop the digests; False when the subscriber had already left (nothing changes, so
    a mail client that asks twice, or a mail read twice, is harmless)."""
    with db.write() as connection:
        return store.unsubscribe(connection, subscriber.id)


def unsubscribe_by_token(db: Database, config: Config,
                         token: str | None) -> tuple[store.Subscriber, bool]:
    """What every unsubscribe link and the mailto address do: the signed token alone
    decides (mail is forwarded, links are shared). InvalidToken when it does not verify;
    otherwise the subscriber and whether this call unsubscribed them."""
    subscriber = resolve_link(db, config, UNSUBSCRIBE, token)
    return subscriber, unsubscribe(db, subscriber)


def save_preferences(db: Database, subscriber: store.Subscriber,
                     preferences: Preferences, *, resume: bool = False) -> None:
    with db.write() as connection:
        store.set_preferences(connection, subscriber.id, preferences.to_json())
        if resume and subscriber.status == "paused":
            store.set_status(connection, subscriber.id, "active")
