"""Submissions through the real app: the rules (age, daily limit, already listed, new
accounts moderated), the admin's queue, and metadata from the arXiv API (a replay server
answering with arXiv's recorded response, its dates moved to this week)."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

from werkzeug import Request, Response

from paperwire.community.submitting import SubmissionRefused, submit
from paperwire.config import load_config
from paperwire.store.moderation_log import recent_actions
from paperwire.store.papers import get_paper
from paperwire.store.submissions import approved_count
from paperwire.store.users import ensure_user

from ..conftest import shared_data
from ..sources.conftest import harvest_settings
from ..sources.replay import Replay
from .conftest import RECENT_ID, csrf, make_client, recent_paper, sign_in
from ..web.conftest import load


def _submit(client, arxiv_id: str):  # noqa: ANN001, ANN202
    return client.post("/submit", data={"csrf": csrf(client, "/submit"), "arxiv_id": arxiv_id})


def _today_list(client) -> str:  # noqa: ANN001
    return client.get("/papers/date/" + datetime.now(timezone.utc).date().isoformat()).text


def test_new_accounts_wait_for_an_admin_then_are_trusted(community_db, data_dir) -> None:  # noqa: ANN001
    with community_db.write() as connection:
        ensure_user(connection, "root@example.org", "2025-01-01T00:00:00Z", admin=True)
    with make_client(community_db, data_dir) as newcomer, \
            make_client(community_db, data_dir) as admin:
        sign_in(newcomer, data_dir, "new@example.org")
        sign_in(admin, data_dir, "root@example.org")
        answer = _submit(newcomer, RECENT_ID)
        assert answer.status_code == 200 and "waits for an admin" in answer.text
        assert "echidnas" not in _today_list(newcomer).lower()
        queue = admin.get("/admin").text
        submission = re.search(r'id="submission-(\d+)"', queue).group(1)
        assert newcomer.post(f"/admin/submissions/{submission}",
                             data={"csrf": csrf(newcomer, "/submit"), "decision": "approve"}
                             ).status_code == 403
        approved = admin.post(f"/admin/submissions/{submission}",
                              data={"csrf": csrf(admin, "/admin"), "decision": "approve"},
                              follow_redirects=False)
        assert approved.status_code == 303
        listed = _today_list(newcomer)
        assert "A recent paper about echidnas" in listed
        # trusted now: the next one is listed at once
        assert "is on the list" in _submit(newcomer, "2611.00044").text
        assert "Another recent paper" in _today_list(newcomer)
    with community_db.read() as connection:
        actions = [a.action for a in recent_actions(connection)]
    assert actions == ["approve submission"]


def test_the_rules(community_db, data_dir) -> None:  # noqa: ANN001
    with make_client(community_db, data_dir, submission_daily_limit=2) as client:
        sign_in(client, data_dir, "rules@example.org")
        assert "more than 14 days ago" in _submit(client, "2611.00043").text  # 30 days old
        assert "already on a daily list" in _submit(client, "2502.00001").text
        for bad in ["not an id", "<script>alert(1)</script>", "x" * 150, "2502.000011111"]:
            page = _submit(client, bad)
            assert page.status_code == 422 and "<script>alert(1)" not in page.text
        assert _submit(client, RECENT_ID).status_code == 200
        assert "already submitted" in _submit(client, RECENT_ID).text
        assert _submit(client, "2611.00044").status_code == 200
        assert "2 papers a day" in _submit(client, "2611.00044").text
    with make_client(community_db, data_dir, submission_max_age_days=60) as client:
        sign_in(client, data_dir, "older@example.org")
        assert "waits for an admin" in _submit(client, "2611.00043").text


def test_submissions_need_sign_in(app_client) -> None:  # noqa: ANN001
    assert app_client.get("/submit", follow_redirects=False).status_code == 303
    assert app_client.post("/submit", data={"csrf": csrf(app_client), "arxiv_id": RECENT_ID}
                           ).status_code == 403


def _arxiv_replay() -> Replay:
    path = next(shared_data("arxiv-api-atom-arxivpy", "recorded_2026").glob("id_1605.08386_*"))
    body = json.loads(path.read_text())["body"]
    recent = (datetime.now(timezone.utc) - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = re.sub(r"<(published|updated)>[^<]+<", lambda m: f"<{m.group(1)}>{recent}<", body)
    unknown = next(shared_data("arxiv-api-atom-arxivpy", "recorded_2026").glob(
        "id_0808.05394_s0_*"))
    empty = json.loads(unknown.read_text())["body"]
    replay = Replay().start()

    def handler(request: Request) -> Response:
        found = request.args.get("id_list", "").startswith("1605.08386")
        return Response(body if found else empty, content_type="application/atom+xml")
    replay.on("/api/query", handler)
    return replay


def test_metadata_comes_from_the_arxiv_api_when_the_store_lacks_it(db, db_url) -> None:  # noqa: ANN001
    load(db, [recent_paper()])
    replay = _arxiv_replay()
    try:
        config = load_config({**harvest_settings(replay), "database_url": db_url}, environ={})
        with db.write() as connection:
            user = ensure_user(connection, "api@example.org", "2025-01-01T00:00:00Z", admin=True)
        done = submit(db, config, user, "arXiv:1605.08386v1")
        assert (done.paper_id, done.status) == ("1605.08386", "approved")
        with db.read() as connection:
            assert get_paper(connection, "1605.08386").record.title
            assert approved_count(connection, user.id) == 1
        try:
            submit(db, config, user, "2401.99999")
            raise AssertionError("an unknown id was accepted")
        except SubmissionRefused as exc:
            assert "arXiv has no paper 2401.99999" in str(exc)
    finally:
        replay.stop()
