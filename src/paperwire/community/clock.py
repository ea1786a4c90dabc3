"""Now, as the store writes it (ISO-8601 UTC text)."""

from __future__ import annotations

from datetime import datetime, timezone

from ..records import iso_utc


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def stamp(moment: datetime | None = None) -> str:
    return iso_utc(moment or utc_now())
