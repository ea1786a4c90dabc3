"""The polite client against a real local server: spacing, retries, limits, validators."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug import Response

from paperwire.sources.encoding import repair_utf8
from paperwire.sources.http import FetchError, PoliteClient, Validators, user_agent

from .replay import TESTDATA, Replay, recording


def client(**overrides: object) -> PoliteClient:
    options = dict(min_interval=0, contact="ops@example.org", max_retries=3, backoff=0.01,
                   max_wait=5, read_timeout=5, connect_timeout=5)
    options.update(overrides)
    return PoliteClient(**options)


def test_requests_are_spaced_by_the_minimum_interval(replay: Replay) -> None:
    replay.on("/x", lambda request: Response("ok"))
    with client(min_interval=0.3) as polite:
        for _ in range(4):
            assert polite.get(replay.url("/x")).status == 200
    arrivals = [hit.at for hit in replay.hits]
    gaps = [b - a for a, b in zip(arrivals, arrivals[1:])]
    assert len(gaps) == 3 and min(gaps) >= 0.2  # arrival jitter (without spacing: ms)


def test_the_user_agent_names_paperwire_and_the_contact(replay: Replay) -> None:
    replay.on("/x", lambda request: Response("ok"))
    with client() as polite:
        polite.get(replay.url("/x"))
    agent = replay.hits[0].headers["User-Agent"]
    assert agent.startswith("Paperwire/") and "mailto:ops@example.org" in agent
    assert "contact not configured" in user_agent("")


def test_503_with_retry_after_waits_that_long_then_succeeds(replay: Replay) -> None:
    answers = [recording(TESTDATA / "oai" / "503_retry_after.json"), Response("fine")]
    replay.on("/x", lambda request: answers.pop(0))
    retries: list[str] = []
    with client(on_retry=retries.append) as polite:
        response = polite.get(replay.url("/x"))
    assert response.status == 200 and response.body == b"fine"
    assert len(retries) == 1 and "HTTP 503" in retries[0]
    assert replay.hits[1].at - replay.hits[0].at >= 0.95


def test_a_retry_after_longer_than_the_limit_stops_at_once(replay: Replay) -> None:
    replay.on("/x", lambda request: Response("busy", status=503, headers={"Retry-After": "3600"}))
    with client(max_wait=10) as polite, pytest.raises(FetchError, match="asks to wait 3,600 s"):
        polite.get(replay.url("/x"))
    assert len(replay.hits) == 1


def test_an_http_date_retry_after_is_understood(replay: Replay) -> None:
    soon = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 2))
    answers = [Response("", status=429, headers={"Retry-After": soon}), Response("ok")]
    replay.on("/x", lambda request: answers.pop(0))
    with client() as polite:
        assert polite.get(replay.url("/x")).status == 200
    assert replay.hits[1].at - replay.hits[0].at >= 0.5


def test_server_errors_back_off_exponentially_then_give_up(replay: Replay) -> None:
    replay.on("/x", lambda request: Response("boom", status=500))
    sleeps: list[float] = []
    with client(max_retries=4, backoff=0.02, sleep=sleeps.append) as polite, \
            pytest.raises(FetchError, match="still failing after 4 retries"):
        polite.get(replay.url("/x"))
    assert len(replay.hits) == 5
    for attempt, delay in enumerate(sleeps):
        assert 0.01 * 2 ** attempt <= delay <= 0.02 * 2 ** attempt  # half fixed, half jitter


def test_a_client_error_is_returned_not_retried(replay: Replay) -> None:
    replay.on("/x", lambda request: Response("bad id", status=400))
    with client() as polite:
        response = polite.get(replay.url("/x"))
    assert response.status == 400 and len(replay.hits) == 1


def test_a_read_timeout_is_retried_then_reported(replay: Replay) -> None:
    def slow(request):  # noqa: ANN001, ANN202
        time.sleep(1.0)
        return Response("late")
    replay.on("/x", slow)
    with client(read_timeout=0.2, max_retries=1) as polite, \
            pytest.raises(FetchError, match="ReadTimeout.*after 1 retries"):
        polite.get(replay.url("/x"))


def test_nothing_listens_is_a_connect_error(unused_port: int) -> None:
    with client(max_retries=1) as polite, pytest.raises(FetchError, match="ConnectError"):
        polite.get(f"http://127.0.0.1:{unused_port}/x")


@pytest.mark.parametrize("chunked", [False, True])
def test_a_response_over_the_size_cap_is_refused(replay: Replay, chunked: bool) -> None:
    body = b"x" * 50_000
    replay.on("/x", lambda request: Response(iter([body[:25_000], body[25_000:]]))
              if chunked else Response(body))
    with client(max_bytes=10_000) as polite, pytest.raises(FetchError, match="10,000-byte limit"):
        polite.get(replay.url("/x"))
    assert len(replay.hits) == 1  # a deterministic failure is not retried


def test_conditional_requests_send_validators_and_understand_304(replay: Replay) -> None:
    def handler(request):  # noqa: ANN001, ANN202
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304)
        return Response("feed", headers={"ETag": '"v1"', "Last-Modified": "Mon, 20 Jul 2026 04:00:00 GMT"})
    replay.on("/x", handler)
    with client() as polite:
        first = polite.get(replay.url("/x"))
        assert first.validators == Validators('"v1"', "Mon, 20 Jul 2026 04:00:00 GMT")
        second = polite.get(replay.url("/x"), validators=first.validators)
    assert second.not_modified
    assert replay.hits[1].headers["If-Modified-Since"] == "Mon, 20 Jul 2026 04:00:00 GMT"


def test_github_429_with_rate_limit_headers_waits_for_the_reset(replay: Replay) -> None:
    reset = str(int(time.time()) + 2)
    answers = [recording(TESTDATA / "github" / "429_rate_limited.json", reset=reset),
               recording(TESTDATA / "github" / "repo_ok.json")]
    replay.on("/x", lambda request: answers.pop(0))
    with client() as polite:
        assert polite.get(replay.url("/x")).status == 200
    assert replay.hits[1].at - replay.hits[0].at >= 0.9


def test_a_used_up_rate_limit_holds_the_next_request_until_its_reset(replay: Replay) -> None:
    reset = str(int(time.time()) + 2)
    replay.on("/x", lambda request: Response("{}", headers={
        "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset}))
    with client() as polite:
        polite.get(replay.url("/x"))
        polite.get(replay.url("/x"))
    assert replay.hits[1].at - replay.hits[0].at >= 0.9
    far = str(int(time.time()) + 7200)
    replay.on("/x", lambda request: Response("{}", headers={
        "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": far}))
    with client() as polite, pytest.raises(FetchError, match="rate limit exhausted"):
        polite.get(replay.url("/x"))
        polite.get(replay.url("/x"))


def test_invalid_utf8_is_replaced_and_counted() -> None:
    body = "<a>caf\u00e9</a>".encode() + b"<b>\xff\xfe</b>"
    repaired, count = repair_utf8(body, xml=True)
    assert count == 2 and repaired.decode("utf-8").endswith("<b>\ufffd\ufffd</b>")
    latin1 = b'<?xml version="1.0" encoding="ISO-8859-1"?><a>caf\xe9</a>'
    assert repair_utf8(latin1, xml=True) == (latin1, 0)  # the parser decodes declared encodings
    assert repair_utf8("caf\u00e9".encode("latin-1"), "application/json; charset=latin-1") == (
        "caf\u00e9".encode(), 0)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_repair_always_yields_utf8(body: bytes) -> None:
    repaired, count = repair_utf8(body)
    repaired.decode("utf-8")
    assert count >= 0 and (count > 0 or repaired == body)


@pytest.fixture
def unused_port() -> int:
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
