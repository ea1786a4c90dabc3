"""Mail against a real SMTP server (aiosmtpd on 127.0.0.1) and the outbox folder."""

from __future__ import annotations

import smtplib
import ssl

import pytest
import trustme
from hypothesis import given, settings, strategies as st

from paperwire.config import ConfigError, load_config
from paperwire.mail import (HeaderInjection, canonical_address, InvalidAddress, OutgoingMessage, PermanentFailure,
                            SmtpSettings, TemporaryFailure, list_outbox, normalize_address,
                            open_transport, stable_message_id)
from tests.conftest import free_port, run_cli
from tests.smtp_server import RecordingHandler, smtp_server


def config_for(tmp_path, **env):  # noqa: ANN001, ANN003
    environ = {"PAPERWIRE_DATA_DIR": str(tmp_path / "data")}
    environ.update({f"PAPERWIRE_{k.upper()}": v for k, v in env.items()})
    return load_config(environ=environ, toml_file=None)


def message(to="reader@example.org", **kwargs):  # noqa: ANN001, ANN003
    return OutgoingMessage(to=to, subject=kwargs.pop("subject", "Hello"),
                           text=kwargs.pop("text", "plain body"), **kwargs)


def test_outbox_receives_mail_when_no_smtp_is_set(tmp_path):
    config = config_for(tmp_path)
    with open_transport(config) as transport:
        first = transport.send(message(html="<p>html <b>body</b></p>"))
        transport.send(message(to="other@example.org", subject="Second"))
    entries = list_outbox(config)
    assert {e.to for e in entries} == {"reader@example.org", "other@example.org"}
    assert first in {e.message_id for e in entries}
    raw = next(e for e in entries if e.message_id == first).path.read_bytes()
    assert b"multipart/alternative" in raw and b"text/html" in raw


def test_outbox_resend_with_same_message_id_replaces_the_file(tmp_path):
    config = config_for(tmp_path)
    same = stable_message_id("digest:1:2026-11-26", config.mail_from)
    with open_transport(config) as transport:
        transport.send(message(message_id=same))
        transport.send(message(message_id=same))
    assert [e.message_id for e in list_outbox(config)] == [same]


def test_outbox_command_lists_messages_as_json(tmp_path, cli_env):
    config = config_for(tmp_path)
    cli_env["PAPERWIRE_DATA_DIR"] = str(tmp_path / "data")
    with open_transport(config) as transport:
        transport.send(message(subject="Sign in to Paperwire"))
    result = run_cli("outbox", "--json", env=cli_env, check=True)
    import json
    rows = json.loads(result.stdout)
    assert rows[0]["subject"] == "Sign in to Paperwire" and rows[0]["to"] == "reader@example.org"


def test_smtp_delivery_with_auth_and_pool(tmp_path):
    with smtp_server(username="user", password="p@ss") as (handler, port):
        config = config_for(tmp_path, smtp_url=f"smtp://user:p%40ss@127.0.0.1:{port}",
                            smtp_pool_size="2")
        with open_transport(config) as transport:
            ids = [transport.send(message(to=f"r{i}@example.org")) for i in range(5)]
    assert len(handler.received) == 5
    assert [r.message["Message-ID"] for r in handler.received] == ids
    assert handler.received[0].message["To"] == "r0@example.org"


def test_wrong_password_is_a_permanent_failure(tmp_path):
    with smtp_server(username="user", password="right") as (_, port):
        config = config_for(tmp_path, smtp_url=f"smtp://user:wrong@127.0.0.1:{port}")
        with open_transport(config) as transport, pytest.raises(PermanentFailure, match="login"):
            transport.send(message())


def test_starttls_delivery(tmp_path):
    authority = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(server_context)
    with smtp_server(tls_context=server_context, username="u", password="p") as (handler, port):
        url = f"smtp://u:p@127.0.0.1:{port}?starttls=true&verify=false"
        with open_transport(config_for(tmp_path, smtp_url=url)) as transport:
            transport.send(message())
        # Without STARTTLS the server refuses to take the message.
        plain = f"smtp://127.0.0.1:{port}"
        with open_transport(config_for(tmp_path, smtp_url=plain)) as transport, \
                pytest.raises(PermanentFailure):
            transport.send(message())
    assert len(handler.received) == 1


def test_4xx_is_temporary_and_5xx_is_permanent(tmp_path):
    handler = RecordingHandler(replies={"busy@example.org": "451 4.3.0 try later",
                                        "gone@example.org": "550 5.1.1 no such user"})
    with smtp_server(handler=handler) as (_, port):
        config = config_for(tmp_path, smtp_url=f"smtp://127.0.0.1:{port}")
        with open_transport(config) as transport:
            with pytest.raises(TemporaryFailure) as temporary:
                transport.send(message(to="busy@example.org"))
            with pytest.raises(PermanentFailure) as permanent:
                transport.send(message(to="gone@example.org"))
            transport.send(message(to="fine@example.org"))  # the pool still works
    assert temporary.value.code == 451 and permanent.value.code == 550
    assert [r.recipients for r in handler.received] == [["fine@example.org"]]


def test_unreachable_server_is_temporary(tmp_path):
    config = config_for(tmp_path, smtp_url=f"smtp://127.0.0.1:{free_port()}", smtp_timeout="2")
    with open_transport(config) as transport, pytest.raises(TemporaryFailure, match="cannot reach"):
        transport.send(message())


@pytest.mark.parametrize("bad", ["", "   ", "no-at-sign", "a@", "@example.org",
                                 "a@b@example.org", "x@example.org\r\nBcc: victim@example.org",
                                 "x@exa mple.org", "<script>@example.org",
                                 "a" * 300 + "@example.org", "x@example.org\n"])
def test_hostile_addresses_are_refused_clearly(bad):
    with pytest.raises(InvalidAddress) as error:
        normalize_address(bad)
    assert str(error.value)


def test_addresses_are_normalised():
    assert normalize_address("  Reader@EXAMPLE.org ") == "Reader@example.org"
    assert canonical_address("  Reader@EXAMPLE.org ") == "reader@example.org"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_any_text_is_an_address_or_a_clear_refusal(text):
    try:
        result = normalize_address(text)
    except InvalidAddress as error:
        assert str(error)
    else:
        assert "\n" not in result and "\r" not in result and "@" in result


def test_no_header_injection_through_subject_or_headers(tmp_path):
    config = config_for(tmp_path)
    with open_transport(config) as transport:
        with pytest.raises(HeaderInjection):
            transport.send(message(subject="Hi\r\nBcc: victim@example.org"))
        with pytest.raises(HeaderInjection):
            transport.send(message(headers={"X-Tag": "a\nBcc: victim@example.org"}))
    assert list_outbox(config) == []


def test_a_huge_body_is_sent_whole(tmp_path):
    with smtp_server() as (handler, port):
        with open_transport(config_for(tmp_path, smtp_url=f"smtp://127.0.0.1:{port}")) as t:
            t.send(message(text="é" * 2_000_000))
    assert handler.received[0].message.get_content().count("é") == 2_000_000


@pytest.mark.parametrize("url, problem", [("http://host", "scheme"),
                                          ("smtp://", "no host"),
                                          ("smtp://host:notaport", "port")])
def test_bad_smtp_urls_are_config_errors(tmp_path, url, problem):
    with pytest.raises(ConfigError, match=problem):
        config = config_for(tmp_path, smtp_url=url)
        SmtpSettings.parse(config.smtp_url)


def test_smtps_defaults_to_port_465_and_implicit_tls():
    parsed = SmtpSettings.parse("smtps://u:p@mail.example.org")
    assert (parsed.port, parsed.implicit_tls, parsed.starttls) == (465, True, False)


def test_smtplib_is_really_used(tmp_path):
    # A guard that the transport speaks real SMTP: a raw client sees the same server.
    with smtp_server() as (handler, port):
        with smtplib.SMTP("127.0.0.1", port) as client:
            client.sendmail("a@example.org", ["b@example.org"], b"Subject: x\r\n\r\nbody")
    assert handler.received[0].recipients == ["b@example.org"]
