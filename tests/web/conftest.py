"""A small, known set of papers in a real database (SQLite and PostgreSQL), and the web
app over it, driven in-process through its ASGI interface."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from paperwire.config import load_config
from paperwire.formats.base import Parsed
from paperwire.ingest import Importer, ImportSummary
from paperwire.records import Listing, PaperRecord, Version
from paperwire.store import Database
from paperwire.web.app import create_app

HOSTILE_TITLE = ('<script>alert("title")</script> "><img src=x onerror=alert(1)> '
                 '{{ 7*7 }} {% raw %} Hostile')
HOSTILE_ABSTRACT = ('Before <script>alert("abstract")</script> and "><img src=x onerror=alert(2)> '
                    'and {{ 7*7 }} with math $x^2$ and $\\text{<b onclick=alert(3)>b</b>}$ end.')


def _record(arxiv_id: str, title: str, *, day: str | None, votes: int = 0,
            categories: tuple[str, ...] = ("cs.LG",), authors: tuple[str, ...] = ("Ann Author",),
            published: str = "2025-02-20T00:00:00Z", abstract: str = "An abstract.",
            stars: int | None = None, submitted_by: str | None = None, **extra) -> PaperRecord:  # noqa: ANN003
    listings = [Listing(day, "hf", submitted_by, f"{day}T08:00:00Z")] if day else []
    return PaperRecord(title=title, abstract=abstract, arxiv_id=arxiv_id, authors=list(authors),
                       categories=list(categories), published=published, upvotes=votes,
                       github_stars=stars, listings=listings,
                       versions=[Version(1, published)], **extra)


PAPERS = [
    _record("2502.00001", "Quokka policies for reinforcement learning", day="2025-02-24",
            votes=10, stars=1500, github_repo="https://github.com/example/quokka",
            abstract="We train quokka agents. The loss is $\\mathcal{L} = \\sum_i x_i^2$.",
            ai_summary="Quokkas learn fast.", ai_keywords=["quokka", "RL"]),
    _record("2502.00002", HOSTILE_TITLE, day="2025-02-25", votes=5, categories=("cs.CL",),
            abstract=HOSTILE_ABSTRACT, authors=('<b>Mallory</b>', "Eve {{ x }}")),
    _record("2502.00003", "Lovelace engines for statistical language models", day="2025-02-25",
            votes=50, categories=("cs.CL", "math.ST"), authors=("Ada Lovelace", "Charles Babbage"),
            published="2025-02-24T00:00:00Z", submitted_by="alice", num_comments=4),
    _record("2502.00004", "Wombat benchmarks for retrieval", day="2025-02-27", votes=1,
            published="2025-02-26T00:00:00Z", categories=("cs.IR",)),
    _record("2503.00005", "Numbat graphs in March", day="2025-03-03", votes=3,
            published="2025-03-01T00:00:00Z"),
    _record("hep-th/9901001", "An old string theory paper", day="2025-02-25", votes=0,
            categories=("hep-th",), published="1999-01-04T00:00:00Z"),
    PaperRecord(title="A journal paper without an arXiv id about platypus", abstract="Platypus.",
                doi="10.1234/platypus.1", authors=["Pat Platypus"], categories=["cs.DL"],
                published="2024-12-01T00:00:00Z"),
]
DOI_KEY = "doi:10.1234/platypus.1"


def load(db: Database, papers: list[PaperRecord] = PAPERS) -> None:
    Importer(db).import_results([Parsed(f"test:{i}", p) for i, p in enumerate(papers)],
                                ImportSummary())


def make_client(db: Database, **settings) -> TestClient:  # noqa: ANN003
    config = load_config({"web_cache_seconds": 0, **settings}, environ={})
    return TestClient(create_app(config, db))


@pytest.fixture
def papers_db(db: Database) -> Database:
    load(db)
    return db


@pytest.fixture
def client(papers_db: Database) -> Iterator[TestClient]:
    with make_client(papers_db) as test_client:
        yield test_client
