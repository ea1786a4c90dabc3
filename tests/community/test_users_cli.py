"""`paperwire users add/list` as a real subprocess."""

from __future__ import annotations

import json

from ..conftest import run_cli


def test_users_add_and_list(cli_env) -> None:  # noqa: ANN001
    added = run_cli("users", "add", "Ada@Example.org", "--admin", "--json", env=cli_env,
                    check=True)
    assert json.loads(added.stdout)["is_admin"] is True
    run_cli("users", "add", "bob@example.org", env=cli_env, check=True)
    again = run_cli("users", "add", "bob@example.org", env=cli_env, check=True)
    assert "bob@example.org: user 2" in again.stdout
    listed = json.loads(run_cli("users", "list", "--json", env=cli_env, check=True).stdout)
    assert [(u["email"], u["is_admin"]) for u in listed] == [
        ("ada@example.org", True), ("bob@example.org", False)]
    assert "ada@example.org" in run_cli("users", "list", env=cli_env, check=True).stdout
    bad = run_cli("users", "add", "not-an-address\r\nBcc: x@y.z", env=cli_env)
    assert bad.returncode == 2 and "EMAIL" in bad.stderr and "Traceback" not in bad.stderr
