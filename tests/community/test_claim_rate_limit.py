"""Authorship claims have their own rate limit (`rate_limit_claim`), apart from paper
submissions: using up one leaves the other untouched."""

from __future__ import annotations

from paperwire.config import load_config

from .conftest import RECENT_ID, csrf, make_client, sign_in

PAPER, OTHER = "2502.00003", "2502.00004"


def _claim(client, paper: str):  # noqa: ANN001, ANN202
    return client.post("/claims", data={"csrf": csrf(client, f"/papers/{paper}"),
                                        "paper": paper}, follow_redirects=False)


def _submit(client, arxiv_id: str = RECENT_ID):  # noqa: ANN001, ANN202
    return client.post("/submit", data={"csrf": csrf(client, "/submit"), "arxiv_id": arxiv_id})


def test_the_claim_limit_is_a_setting_of_its_own() -> None:
    config = load_config({}, environ={})
    assert config.rate_limit_claim == "10/3600" and config.rate_limit_submit == "20/3600"
    assert load_config({}, environ={"PAPERWIRE_RATE_LIMIT_CLAIM": "3/60"}).rate_limit_claim \
        == "3/60"


def test_using_up_claims_leaves_submissions(community_db, data_dir) -> None:  # noqa: ANN001
    with make_client(community_db, data_dir, rate_limit_claim="2/600",
                     rate_limit_submit="2/600") as client:
        sign_in(client, data_dir, "ada@example.org")
        assert [_claim(client, p).status_code for p in (PAPER, OTHER)] == [303, 303]
        refused = _claim(client, PAPER)
        assert refused.status_code == 429 and "at most 2 every 10 minutes" in refused.text
        assert int(refused.headers["retry-after"]) > 0
        submitted = _submit(client)
        assert submitted.status_code == 200 and "Thank you" in submitted.text


def test_using_up_submissions_leaves_claims(community_db, data_dir) -> None:  # noqa: ANN001
    with make_client(community_db, data_dir, rate_limit_claim="2/600",
                     rate_limit_submit="2/600") as client:
        sign_in(client, data_dir, "ada@example.org")
        assert _submit(client).status_code == 200
        assert _submit(client, "2611.00044").status_code == 200
        assert _submit(client, "2611.00044").status_code == 429
        assert _claim(client, PAPER).status_code == 303
        assert "Your authorship claim" in client.get(f"/papers/{PAPER}").text
