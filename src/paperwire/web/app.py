"""The ASGI application. One module per kind of page registers its routes here."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.templating import Jinja2Templates

from ..config import Config
from ..store import Database
from ..store.listings import list_papers

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


def create_app(config: Config, db: Database) -> FastAPI:
    app = FastAPI(title="Paperwire", version="0.1.0")
    app.state.config = config
    app.state.db = db

    @app.get("/", response_class=HTMLResponse)
    def home(request: Request) -> HTMLResponse:
        with db.read() as connection:
            papers = list_papers(connection, limit=100)
        return TEMPLATES.TemplateResponse(request, "index.html", {"papers": papers})

    @app.get("/healthz")
    def healthz() -> JSONResponse:
        return JSONResponse({"status": "ok", "database": db.ping()})

    return app
