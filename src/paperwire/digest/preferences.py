"""A subscriber's choices, stored as JSON: how often, when (hour and time zone), which
categories, keywords and interests, and how many papers. `parse` validates what a form or
the command line gave and says what was wrong."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import orjson

FREQUENCIES = ("daily", "weekdays", "weekly")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MAX_COUNT = 50
MAX_ITEMS = 20  # categories, keywords, interests each
MAX_TEXT = 120  # characters per keyword or interest
_CATEGORY = re.compile(r"^[a-z-]+(\.[A-Za-z-]+)?$")


class PreferenceError(ValueError):
    """The message names the field and what it expects."""


@dataclass
class Preferences:
    frequency: str = "daily"
    weekday: int = 0  # for weekly: 0 Monday … 6 Sunday
    hour: int = 8  # local send hour
    timezone: str = "UTC"
    categories: list[str] = field(default_factory=list)  # empty: every category
    keywords: list[str] = field(default_factory=list)
    interests: list[str] = field(default_factory=list)
    count: int = 10

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def to_json(self) -> str:
        return orjson.dumps(asdict(self)).decode()

    @classmethod
    def from_json(cls, raw: str | bytes | None) -> Preferences:
        """Stored preferences; anything unreadable falls back to defaults per field."""
        data = orjson.loads(raw) if raw else {}
        defaults = cls()
        values = {}
        for name in asdict(defaults):
            try:
                values[name] = _FIELDS[name](data.get(name, getattr(defaults, name)))
            except (PreferenceError, TypeError, ValueError):
                values[name] = getattr(defaults, name)
        return cls(**values)


def _frequency(value: Any) -> str:
    if value not in FREQUENCIES:
        raise PreferenceError(f"frequency must be one of {', '.join(FREQUENCIES)}")
    return value


def _int_in(name: str, low: int, high: int):  # noqa: ANN202
    def check(value: Any) -> int:
        try:
            number = int(str(value).strip())
        except (TypeError, ValueError):
            raise PreferenceError(f"{name} must be a whole number from {low} to {high}") from None
        if not low <= number <= high:
            raise PreferenceError(f"{name} must be from {low} to {high}")
        return number
    return check


def _timezone(value: Any) -> str:
    name = str(value or "").strip()
    if not name or len(name) > 64 or name not in _zones():
        raise PreferenceError(f"time zone {name[:64]!r} is not an IANA zone such as "
                              "Europe/Berlin or America/New_York")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise PreferenceError(f"time zone {name!r} is not known here") from None
    return name


_ZONES: set[str] = set()


def _zones() -> set[str]:
    if not _ZONES:
        _ZONES.update(available_timezones() | {"UTC"})
    return _ZONES


def _text_list(name: str, *, category: bool = False):  # noqa: ANN202
    def check(value: Any) -> list[str]:
        items = value.replace("\r", "\n").replace(",", "\n").split("\n") \
            if isinstance(value, str) else list(value or [])
        kept: list[str] = []
        for item in items:
            text = " ".join(str(item).split())
            if not text:
                continue
            if len(text) > MAX_TEXT:
                raise PreferenceError(f"{name}: each entry must be at most {MAX_TEXT} characters")
            if category and not _CATEGORY.match(text):
                raise PreferenceError(f"{name}: {text[:40]!r} is not an arXiv category like cs.LG")
            if text not in kept:
                kept.append(text)
        if len(kept) > MAX_ITEMS:
            raise PreferenceError(f"{name}: at most {MAX_ITEMS} entries")
        return kept
    return check


_FIELDS = {
    "frequency": _frequency,
    "weekday": _int_in("weekday", 0, 6),
    "hour": _int_in("hour", 0, 23),
    "timezone": _timezone,
    "categories": _text_list("categories", category=True),
    "keywords": _text_list("keywords"),
    "interests": _text_list("interests"),
    "count": _int_in("count", 1, MAX_COUNT),
}


def parse(values: dict[str, Any], base: Preferences | None = None) -> Preferences:
    """Preferences from `values` (form fields or options) over `base`; PreferenceError on
    the first bad field."""
    current = asdict(base or Preferences())
    for name, value in values.items():
        if name in _FIELDS and value is not None:
            current[name] = _FIELDS[name](value)
    return Preferences(**current)
