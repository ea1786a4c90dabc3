"""The ASGI application. One module per kind of page (views/) adds its routes here.

Later features (sign-in, voting, comments, submissions, subscriptions, admin) add their
own view modules to VIEWS; the base template has the header slots they fill.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from .. import __version__
from ..config import Config
from ..search.word_index import WORD_INDEXES
from ..signing import signer_for
from ..store import Database
from . import errors
from .caching import ResponseCache
from .head import HeadAsGet
from .pages import STATIC_DIR, Pages
from .security import SecurityHeaders
from .visitor import VisitorMiddleware
from .metrics import Metrics, MetricsMiddleware
from .views import (
    about, account, admin, api, author, category, claims, collections, comments, daily, feeds,
    health, foryou, metrics, paper, search, submissions, subscriptions, trending, votes,
)

VIEWS = (health, metrics, daily, trending, category, author, search, paper, api, feeds,
         account, votes, comments, submissions, claims, collections, admin, about, subscriptions,
         foryou)

API_DESCRIPTION = """Paperwire's JSON API, shaped like Hugging Face's daily-papers API, and
RSS 2.0 / Atom / JSON Feed for every list. Every answer carries an ETag and Cache-Control;
send If-None-Match to get 304 when nothing changed. Bad parameters get 422 with a message
naming the parameter."""


@dataclass
class Site:
    """What every view needs, kept on app.state.site."""

    config: Config
    db: Database
    pages: Pages
    cache: ResponseCache
    max_age: float
    page_size: int
    gravity: float

    @property
    def base_url(self) -> str:
        return str(self.config.base_url).rstrip("/")


def create_app(config: Config, db: Database) -> FastAPI:
    app = FastAPI(title="Paperwire", version=__version__, description=API_DESCRIPTION,
                  docs_url=None, redoc_url=None)  # the stock docs pages load JS from a CDN
    app.state.config = config
    app.state.db = db
    app.state.site = Site(
        config=config, db=db, pages=Pages(),
        cache=ResponseCache(config.web_cache_seconds, config.web_build_threads),
        max_age=config.http_max_age, page_size=config.web_page_size,
        gravity=config.trending_gravity)
    app.add_middleware(VisitorMiddleware, signer=signer_for(config),
                       secure=str(config.base_url).startswith("https://"))
    app.add_middleware(SecurityHeaders)
    app.add_middleware(HeadAsGet)
    app.state.metrics = Metrics(db)
    WORD_INDEXES.allow_builds()  # a long-running process: worth building the word index
    app.add_middleware(MetricsMiddleware, metrics=app.state.metrics)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    errors.install(app)
    for view in VIEWS:
        app.include_router(view.router)
    return app
