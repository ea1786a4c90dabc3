"""GET /healthz: is the app up, and can it read its database."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str
    database: bool


@router.get("/healthz", response_model=Health, responses={503: {"model": Health}},
            summary="Liveness and database check")
async def healthz(request: Request) -> JSONResponse:
    db = request.app.state.site.db
    try:
        reachable = await run_in_threadpool(db.ping)
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        reachable = False
    return JSONResponse({"status": "ok" if reachable else "unavailable", "database": reachable},
                        status_code=200 if reachable else 503,
                        headers={"Cache-Control": "no-store"})


class Readiness(BaseModel):
    status: str
    database: bool
    schema_revision: str | None
    expected_revision: str


@router.get("/readyz", response_model=Readiness, responses={503: {"model": Readiness}},
            summary="Ready for traffic: database reachable and its schema up to date")
async def readyz(request: Request) -> JSONResponse:
    from ...store.migrate import head_revision
    db = request.app.state.site.db
    try:
        revision = await run_in_threadpool(db.current_revision)
        reachable = True
    except Exception:  # noqa: BLE001 - any database failure means "not ready"
        revision, reachable = None, False
    head = head_revision()
    ready = reachable and revision == head
    return JSONResponse({"status": "ready" if ready else "not ready", "database": reachable,
                         "schema_revision": revision, "expected_revision": head},
                        status_code=200 if ready else 503, headers={"Cache-Control": "no-store"})
