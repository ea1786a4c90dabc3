"""Submitting a paper to the daily list by arXiv id, under rules that are settings:
the paper is at most `submission_max_age_days` old, a person submits at most
`submission_daily_limit` a day, a listed (or already waiting) paper cannot be submitted
again, and an account's submissions wait for an admin until it has
`submission_trusted_after` approved ones (admins' never wait).

Metadata comes from the store when it has the paper, else from the arXiv API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .. import ids
from ..config import Config
from ..lists import parse_moment
from ..store import Database
from ..store.papers import get_paper
from ..store.submissions import (
    add_submission, approved_count, is_listed, is_pending, list_paper, submitted_since,
)
from ..store.users import User
from .clock import stamp, utc_now


class SubmissionRefused(ValueError):
    """The message tells the person why, in words."""


@dataclass(frozen=True)
class Submitted:
    id: int
    paper_id: str
    day: str
    status: str  # approved (listed now) or pending (waiting for an admin)


def _fetch(db: Database, config: Config, key: str) -> None:
    from ..sources.arxiv_api import lookup_ids
    from ..sources.errors import HarvestError
    try:
        lookup_ids(db, config, [key])
    except HarvestError as exc:
        raise SubmissionRefused(f"arXiv could not be asked about {key} just now ({exc}); "
                                "please try again later.") from None


def _check_limit(connection, config: Config, user: User, day: str) -> None:  # noqa: ANN001
    if submitted_since(connection, user.id, day) >= config.submission_daily_limit:
        raise SubmissionRefused(f"You can submit {config.submission_daily_limit} papers a "
                                "day; please come back tomorrow.")


def submit(db: Database, config: Config, user: User, raw_id: str,
           now: datetime | None = None) -> Submitted:
    now = now or utc_now()
    try:
        key, _version = ids.parse_arxiv_id(str(raw_id)[:100])
    except ids.InvalidId as exc:
        raise SubmissionRefused(f"That is not an arXiv id: {exc}") from None
    day = now.date().isoformat()
    with db.read() as connection:
        known = get_paper(connection, key) is not None
        _check_limit(connection, config, user, day)
    if not known:
        _fetch(db, config, key)
    with db.write() as connection:
        _check_limit(connection, config, user, day)  # again: a parallel submission may count
        paper = get_paper(connection, key)
        if paper is None:
            raise SubmissionRefused(f"arXiv has no paper {key}.")
        if is_listed(connection, key):
            raise SubmissionRefused(f"{key} is already on a daily list.")
        if is_pending(connection, key):
            raise SubmissionRefused(f"{key} was already submitted and is waiting for review.")
        published = paper.record.published
        oldest = now - timedelta(days=config.submission_max_age_days)
        if published is None or parse_moment(published) < oldest:
            raise SubmissionRefused(f"{key} was published more than "
                                    f"{config.submission_max_age_days} days ago; only recent "
                                    "papers can join the daily list.")
        trusted = user.is_admin or approved_count(
            connection, user.id) >= config.submission_trusted_after
        status = "approved" if trusted else "pending"
        submission_id = add_submission(connection, key, user.id, day, status, stamp(now))
        if trusted:
            list_paper(connection, key, day, user.name, stamp(now))
    return Submitted(submission_id, key, day, status)
