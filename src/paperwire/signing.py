"""Signed tokens for links that act without a password (confirm, unsubscribe,
preferences). The key comes from the environment (PAPERWIRE_SECRET_KEY); without one, a
random key is created once in the data folder, which is enough for one machine."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from .config import Config

KEY_FILE = "secret_key"


class InvalidToken(ValueError):
    """The message says what was wrong (tampered or expired) for the person who clicked."""


class ExpiredToken(InvalidToken):
    """Signed by us, but older than the purpose allows (callers may report it apart)."""


def signing_key(config: Config) -> str:
    if config.secret_key:
        return config.secret_key
    path = config.data_path / KEY_FILE
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        return Path(path).read_text().strip()
    with os.fdopen(descriptor, "w") as handle:
        handle.write(key)
    return key


class Signer:
    def __init__(self, key: str):
        self._key = key

    def sign(self, purpose: str, payload: Any) -> str:
        return URLSafeTimedSerializer(self._key, salt=purpose).dumps(payload)

    def verify(self, purpose: str, token: str, max_age: int | None = None) -> Any:
        if not token or len(token) > 2000:
            raise InvalidToken("this link is incomplete or damaged")
        try:
            return URLSafeTimedSerializer(self._key, salt=purpose).loads(token, max_age=max_age)
        except SignatureExpired:
            raise ExpiredToken("this link has expired") from None
        except BadSignature:
            raise InvalidToken("this link is not valid (it may have been altered)") from None


def signer_for(config: Config) -> Signer:
    return Signer(signing_key(config))


def existing_signer(config: Config) -> Signer | None:
    """The signer of tokens made by other processes, or None when this process has no key
    yet: making one here (as signer_for would) could verify nothing they signed."""
    if config.secret_key or (config.data_path / KEY_FILE).is_file():
        return signer_for(config)
    return None
