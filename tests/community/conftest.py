"""The web app over a small known set of papers (SQLite and PostgreSQL), with mail going to
the outbox folder of a temporary data folder; helpers that sign people in the way a person
does: ask for a link, read it from the outbox, open it, press the button."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from email import policy
from email.parser import BytesParser
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient

from paperwire.config import load_config
from paperwire.records import PaperRecord, Version
from paperwire.store import Database
from paperwire.web.app import create_app

from ..web.conftest import load, PAPERS

RECENT_ID = "2611.00042"
LINK = re.compile(r"http://[^\s]+/signin/link\?token=[\w\-%]+")


def recent_paper(arxiv_id: str = RECENT_ID, days_old: int = 2,
                 title: str = "A recent paper about echidnas") -> PaperRecord:
    published = (datetime.now(timezone.utc) - timedelta(days=days_old)).strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    return PaperRecord(title=title, abstract="Echidnas.", arxiv_id=arxiv_id,
                       authors=["Eve Echidna"], categories=["cs.LG"], published=published,
                       versions=[Version(1, published)])


def make_client(db: Database, data_dir: Path, **settings) -> TestClient:  # noqa: ANN003
    config = load_config({"web_cache_seconds": 0, "data_dir": str(data_dir), **settings},
                         environ={})
    return TestClient(create_app(config, db))


@pytest.fixture
def community_db(db: Database) -> Database:
    load(db, PAPERS + [recent_paper(), recent_paper("2611.00043", 30, "An old paper"),
                       recent_paper("2611.00044", 1, "Another recent paper")])
    return db


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def app_client(community_db: Database, data_dir: Path) -> Iterator[TestClient]:
    with make_client(community_db, data_dir) as client:
        yield client


def csrf(client: TestClient, path: str = "/signin") -> str:
    page = client.get(path).text
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def outbox_links(data_dir: Path, to: str | None = None) -> list[str]:
    links = []
    for path in sorted((data_dir / "outbox").glob("*.eml"), key=lambda p: p.stat().st_mtime):
        message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        if to is None or to.lower() in str(message["To"]).lower():
            body = message.get_body(("plain",)).get_content()
            links += LINK.findall(body)
    return links


def sign_in(client: TestClient, data_dir: Path, email: str) -> None:
    response = client.post("/signin", data={"csrf": csrf(client), "email": email})
    assert response.status_code == 200, response.text
    link = outbox_links(data_dir, email)[-1]
    page = client.get(link.replace("http://127.0.0.1:8000", "")).text
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    done = client.post("/signin/link", data={"csrf": re.search(
        r'name="csrf" value="([^"]+)"', page).group(1), "token": token},
        follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/account", done.text


CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')


def sign_in_over_http(base: str, token: str) -> httpx.Client:
    """A client of a real server, signed in by following a sign-in link's token."""
    client = httpx.Client(base_url=base, timeout=60, follow_redirects=True)
    page = client.get("/signin/link", params={"token": token}).text
    done = client.post("/signin/link", data={"csrf": CSRF_FIELD.search(page).group(1),
                                             "token": token})
    assert done.status_code == 200 and "Your account" in done.text  # after the redirect
    return client
