"""The JSON the API returns, shaped like Hugging Face's daily-papers API (same field
names: paper.id, title, summary, authors[].name, upvotes, publishedAt, submittedOnDailyAt,
githubRepo, githubStars, numComments, ai_summary, ai_keywords), plus a few of our own.

The models document the answers in /openapi.json; the views build plain dicts with the
functions below (faster than validating every answer) and tests check that they match.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from ..lists import AuthorPapers as AuthorList, Entry
from ..store.daily import PaperCard
from ..store.papers import StoredPaper
from .. import links
from .pages import author_url, paper_url


class Author(BaseModel):
    name: str


class Paper(BaseModel):
    id: str = Field(description="The paper's key: an arXiv id without version, doi:…, or title:…")
    title: str
    summary: str = Field(description="The abstract.")
    authors: list[Author]
    publishedAt: str | None = Field(description="First published (ISO 8601, UTC).")
    submittedOnDailyAt: str | None = Field(description="When it was first put on a daily list.")
    upvotes: int = Field(description="Imported upvotes plus local votes.")
    numComments: int
    githubRepo: str | None
    githubStars: int | None
    projectPage: str | None
    organization: str | None
    ai_summary: str | None
    ai_keywords: list[str]
    categories: list[str] = Field(description="arXiv categories, primary first.")
    arxivId: str | None
    doi: str | None
    url: str = Field(description="This paper's page on this server.")
    absUrl: str | None
    pdfUrl: str | None


class Trending(BaseModel):
    score: float
    why: str = Field(description="What earned the score, in one line.")


class DailyPaper(BaseModel):
    paper: Paper
    title: str
    summary: str
    publishedAt: str | None = Field(description="When it was listed on the day's list.")
    numComments: int
    submittedBy: Author | None
    trending: Trending | None = None


class SearchResult(DailyPaper):
    score: float
    reasons: list[str] = Field(description="Why it matched, in words.")


class Version(BaseModel):
    version: int
    created: str | None


class Listing(BaseModel):
    day: str
    source: str
    submittedBy: str | None
    submittedAt: str | None


class PaperDetail(Paper):
    updatedAt: str | None
    versions: list[Version]
    listings: list[Listing]
    comments: str | None = Field(description="The authors' comments (pages, conference…).")
    journalRef: str | None
    license: str | None


class AuthorPapers(BaseModel):
    name: str = Field(description="The name as written on their newest paper.")
    key: str = Field(description="What names are matched on: case, accents and spacing "
                                 "folded.")
    url: str = Field(description="The author's page on this server.")
    paperCount: int
    firstPublishedAt: str | None = Field(description="Their first paper's day (YYYY-MM-DD).")
    lastPublishedAt: str | None = Field(description="Their newest paper's day (YYYY-MM-DD).")
    papers: list[Paper] = Field(description="This page of their papers, newest first.")


class ProblemItem(BaseModel):
    loc: list[str]
    msg: str
    type: str


class Problem(BaseModel):
    detail: list[ProblemItem] | str


ERRORS: dict[int | str, dict[str, Any]] = {
    422: {"model": Problem, "description": "A parameter is malformed; `detail` says which."}}
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "No such paper."}, **ERRORS}
NO_AUTHOR: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "No paper has an author of that name."}, **ERRORS}


def paper_json(card: PaperCard, base_url: str) -> dict[str, Any]:
    return {
        "id": card.id, "title": card.title, "summary": card.abstract,
        "authors": [{"name": name} for name in card.authors],
        "publishedAt": card.published, "submittedOnDailyAt": card.listed_at,
        "upvotes": card.votes, "numComments": card.comments, "githubRepo": card.github_repo,
        "githubStars": card.github_stars, "projectPage": card.project_page,
        "organization": card.organization, "ai_summary": card.ai_summary,
        "ai_keywords": card.ai_keywords, "categories": card.categories,
        "arxivId": card.arxiv_id, "doi": card.doi, "url": base_url + paper_url(card.id),
        "absUrl": card.abs_link, "pdfUrl": card.pdf_link,
    }


def daily_json(entry: Entry, base_url: str) -> dict[str, Any]:
    card = entry.card
    return {
        "paper": paper_json(card, base_url), "title": card.title, "summary": card.abstract,
        "publishedAt": card.listed_at, "numComments": card.comments,
        "submittedBy": {"name": card.submitted_by} if card.submitted_by else None,
        "trending": ({"score": entry.score, "why": entry.why}
                     if entry.why is not None and entry.score is not None else None),
    }


def search_json(entry: Entry, base_url: str) -> dict[str, Any]:
    return {**daily_json(entry, base_url), "score": entry.score or 0.0,
            "reasons": entry.reasons}


def author_json(papers: AuthorList, base_url: str) -> dict[str, Any]:
    return {
        "name": papers.name, "key": papers.key, "url": base_url + author_url(papers.name),
        "paperCount": papers.total,
        "firstPublishedAt": papers.first.isoformat() if papers.first else None,
        "lastPublishedAt": papers.last.isoformat() if papers.last else None,
        "papers": [paper_json(entry.card, base_url) for entry in papers.entries],
    }


def detail_json(paper: StoredPaper, card: PaperCard, base_url: str) -> dict[str, Any]:
    record = paper.record
    return {
        **paper_json(card, base_url), "updatedAt": record.updated,
        "versions": [{"version": v.version, "created": v.created} for v in record.versions],
        "listings": [{"day": x.day, "source": x.source, "submittedBy": x.submitted_by,
                      "submittedAt": x.submitted_at} for x in record.listings],
        "comments": record.comments, "journalRef": record.journal_ref,
        "license": record.license,
        "absUrl": links.abs_url(record), "pdfUrl": links.pdf_url(record),
    }
