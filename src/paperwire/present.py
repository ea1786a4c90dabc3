"""One dictionary shape for a stored paper, shared by the CLI's --json and the API."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from . import links
from .store.papers import StoredPaper


def paper_dict(paper: StoredPaper) -> dict[str, Any]:
    record = paper.record
    data = {"id": paper.id}
    data.update(asdict(record))
    data.update(
        primary_category=record.primary_category,
        latest_version=record.latest_version,
        abs_url=links.abs_url(record),
        pdf_url=links.pdf_url(record),
        vote_count=paper.vote_count,
        comment_count=paper.comment_count,
        first_seen_at=paper.first_seen_at,
        changed_at=paper.changed_at,
    )
    return data
