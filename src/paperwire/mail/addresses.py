"""Email addresses from people and files: validated, normalised, never able to carry a
header (CR/LF) into a message."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email

MAX_ADDRESS_LENGTH = 254  # RFC 5321 path limit


class InvalidAddress(ValueError):
    """The message says what is wrong with the address, for the person who typed it."""


def normalize_address(text: str) -> str:
    """The address in its normal form (domain lower-cased, IDNA as typed), or
    InvalidAddress with a reason a person can act on."""
    if not isinstance(text, str):
        raise InvalidAddress("an email address must be text")
    if any(ch in text for ch in "\r\n\0"):
        raise InvalidAddress("an email address cannot contain line breaks")
    candidate = text.strip()
    if not candidate:
        raise InvalidAddress("enter an email address")
    if len(candidate) > MAX_ADDRESS_LENGTH:
        raise InvalidAddress(f"an email address has at most {MAX_ADDRESS_LENGTH} characters")
    try:
        valid = validate_email(candidate, check_deliverability=False)
    except EmailNotValidError as error:
        raise InvalidAddress(f"not a valid email address: {error}") from None
    return valid.normalized


def canonical_address(text: str) -> str:
    """The key Paperwire keeps an address under (accounts, subscriptions): normalised and
    lower-cased throughout, so one mailbox is one record whatever case it was typed in."""
    return normalize_address(text).lower()
