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
