"""What a paper page shows of the community: the visitor's vote, the comment threads
(markdown rendered), the visitor's claim and collections, and the trending breakdown."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import Request
from markupsafe import Markup

from ..community.markdown import render_markdown
from ..lists import parse_moment
from ..rank import trending
from ..store.claims import Claim, claim_of
from ..store.collections import Collection, collections_of
from ..store.comments import Comment, comments_on
from ..store.daily import cards
from ..store.star_rates import stars_per_hour
from ..store.users import User
from ..store.votes import voted_for
from .people import current_user

MAX_DEPTH = 6  # deeper replies are shown at this depth


@dataclass
class Thread:
    comment: Comment
    html: Markup
    depth: int
    replies: list["Thread"] = field(default_factory=list)


@dataclass
class CommunityBlock:
    user: User | None
    voted: bool
    threads: list[Thread]
    claim: Claim | None
    collections: list[Collection]
    breakdown: trending.Breakdown | None
    offset_hours: float = trending.OFFSET_HOURS


def threads_of(comments: list[Comment]) -> list[Thread]:
    """Comments as trees in posting order; a reply whose parent is missing is a root."""
    by_id: dict[int, Thread] = {}
    roots: list[Thread] = []
    for comment in comments:
        html = render_markdown(comment.body) if comment.visible else Markup("")
        parent = by_id.get(comment.parent_id) if comment.parent_id else None
        thread = Thread(comment, html, min(parent.depth + 1, MAX_DEPTH) if parent else 0)
        by_id[comment.id] = thread
        (parent.replies if parent else roots).append(thread)
    return roots


def build_block(request: Request, paper_id: str, gravity: float) -> CommunityBlock:
    user = current_user(request)
    db = request.app.state.db
    with db.read() as connection:
        voted = bool(user and voted_for(connection, user.id, [paper_id]))
        threads = threads_of(comments_on(connection, paper_id))
        claim = claim_of(connection, user.id, paper_id) if user else None
        collections = collections_of(connection, user.id) if user else []
        card = cards(connection, [paper_id]).get(paper_id)
        now = trending.datetime.now(trending.timezone.utc)
        rates = stars_per_hour(connection, [card.github_repo], now) \
            if card is not None and card.github_repo else {}
    breakdown = None
    if card is not None:
        listed = card.listed_at or card.published
        if listed:
            breakdown = trending.score(trending.Signals(
                card.votes, card.comments, card.github_stars, parse_moment(listed),
                rates.get(card.github_repo or "")), now, gravity)
    return CommunityBlock(user, voted, threads, claim, collections, breakdown)
