"""`paperwire subscribers` and `paperwire digest` as real processes, outbox delivery."""

from __future__ import annotations

import json

from paperwire.config import load_config
from paperwire.mail import list_outbox
from tests.conftest import run_cli



def test_add_list_run_preview_runs(cli_env, tmp_path):
    run_cli("init", "--demo", env=cli_env, check=True)
    added = run_cli("subscribers", "add", "Reader@Example.org", "--confirmed", "--frequency",
                    "weekly", "--category", "cs.CV", "--interest", "video generation",
                    "--json", env=cli_env, check=True)
    assert json.loads(added.stdout)["status"] == "active"
    pending = run_cli("subscribers", "add", "new@example.org", env=cli_env, check=True)
    assert "confirmation email sent" in pending.stdout
    again = run_cli("subscribers", "add", "new@example.org", env=cli_env, check=True)
    assert "confirmation" not in again.stdout  # not twice within ten minutes
    rows = json.loads(run_cli("subscribers", "list", "--json", env=cli_env, check=True).stdout)
    assert [(r["email"], r["status"]) for r in rows] == [
        ("reader@example.org", "active"), ("new@example.org", "pending")]
    assert rows[0]["preferences"]["interests"] == ["video generation"]

    dry = run_cli("digest", "run", "--period", "2026-07-28", "--dry-run", env=cli_env, check=True)
    assert "reader@example.org 2026-W31: would send" in dry.stdout
    report = json.loads(run_cli("digest", "run", "--period", "2026-07-28", "--json",
                                env=cli_env, check=True).stdout)
    assert (report["due"], report["sent"]) == (1, 1)
    rerun = json.loads(run_cli("digest", "run", "--period", "2026-07-29", "--json",
                               env=cli_env, check=True).stdout)
    assert (rerun["sent"], rerun["done_before"]) == (0, 1)  # the same ISO week
    config = load_config(environ={"PAPERWIRE_DATA_DIR": cli_env["PAPERWIRE_DATA_DIR"]})
    subjects = sorted(e.subject for e in list_outbox(config))
    assert len(subjects) == 2 and subjects[1].startswith("Paperwire digest, week 31")

    out = tmp_path / "preview.html"
    run_cli("digest", "preview", "reader@example.org", "--period", "2026-08-10", "-o", str(out),
            env=cli_env, check=True)
    assert out.read_text().startswith("<!doctype html>")
    runs = json.loads(run_cli("digest", "runs", "--json", env=cli_env, check=True).stdout)
    assert [r["sent"] for r in runs] == [0, 1]


def test_bad_input_is_refused_clearly(cli_env):
    bad = run_cli("subscribers", "add", "reader@example.org\r\nBcc: x@example.org", env=cli_env)
    assert bad.returncode == 2 and "line breaks" in bad.stderr
    zone = run_cli("subscribers", "add", "r@example.org", "--timezone", "Mars/Base", env=cli_env)
    assert zone.returncode == 2 and "time zone" in zone.stderr
    unknown = run_cli("digest", "preview", "nobody@example.org", env=cli_env)
    assert unknown.returncode == 1 and "not subscribed" in unknown.stderr
    assert run_cli("digest", "run", "--period", "2025-13-01", env=cli_env).returncode == 2
