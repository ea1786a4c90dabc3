"""The daily papers, like huggingface.co/papers: today's list, any day, ISO week or month,
sorted by trending score or by date, with previous/next and a date picker."""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from ... import lists
from ...periods import Period, day_of, period_of
from ...store.daily import latest_day, listed_days_around, ordered_cards
from ...store.featured import featured_between
from .. import params
from ..caching import respond

router = APIRouter(include_in_schema=False)


@router.get("/")
async def today(request: Request, sort: params.Sort = params.SORT,
                p: int = params.PAGE) -> Response:
    return await respond(request, lambda: build(request, None, sort, p))


@router.get("/papers")
async def pick_date(date: str | None = Query(None, max_length=40)) -> Response:
    """Where the date picker's form goes: on to that day's address."""
    if not date:
        return RedirectResponse("/", status_code=303)
    return RedirectResponse(f"/papers/date/{params.period('day', date, 'date').slug}",
                            status_code=303)


@router.get("/papers/date/{day}")
async def by_day(request: Request, day: str, sort: params.Sort = params.SORT,
                 p: int = params.PAGE) -> Response:
    period = params.period("day", day, "day", "path")
    return await respond(request, lambda: build(request, period, sort, p))


@router.get("/papers/week/{week}")
async def by_week(request: Request, week: str, sort: params.Sort = params.SORT,
                  p: int = params.PAGE) -> Response:
    period = params.period("week", week, "week", "path")
    return await respond(request, lambda: build(request, period, sort, p))


@router.get("/papers/month/{month}")
async def by_month(request: Request, month: str, sort: params.Sort = params.SORT,
                   p: int = params.PAGE) -> Response:
    period = params.period("month", month, "month", "path")
    return await respond(request, lambda: build(request, period, sort, p))


def period_path(period: Period) -> str:
    return f"/papers/{'date' if period.kind == 'day' else period.kind}/{period.slug}"


def build(request: Request, period: Period | None, sort: str, page: int) -> Response:
    site = request.app.state.site
    today = lists.utc_now().date()
    is_today = period is None
    with site.db.read() as connection:
        if period is None:
            period = day_of(latest_day(connection, today) or today)
        days = listed_days_around(connection, period.start, period.end)
        featured = ordered_cards(connection, featured_between(
            connection, period.start.isoformat(), period.end.isoformat())) if page == 0 else []
    if period.kind == "day":
        previous = day_of(days.before) if days.before else None
        following = day_of(days.after) if days.after else None
    else:  # the neighbouring week or month, while there are listings that way
        previous, following = period.previous(), period.next()
        previous = previous if previous and days.before else None
        following = following if following and days.after else None
    papers = lists.daily(site.db, period, sort=sort, limit=site.page_size,
                         offset=page * site.page_size, gravity=site.gravity)
    anchor = period.start
    tabs = [(kind, period_path(period_of(kind, anchor)), kind == period.kind)
            for kind in ("day", "week", "month")]
    return site.pages.render(request, "daily.html", {
        "period": period, "papers": papers, "sort": sort, "page": page,
        "is_today": is_today, "today": today,
        "previous": previous, "following": following, "period_path": period_path,
        "tabs": tabs, "first_day": days.first, "last_day": days.last,
        "base_path": request.url.path, "featured": featured,
    })
