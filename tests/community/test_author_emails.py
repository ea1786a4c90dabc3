"""`paperwire author-emails`: known author addresses loaded from the shell (a real
subprocess on SQLite and PostgreSQL), and a claim from one of them approved at once."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from paperwire.community.author_emails import paper_key
from paperwire.store.users import ensure_user

from ..conftest import run_cli
from .conftest import csrf, make_client, sign_in

PAPER, OTHER = "2502.00003", "2502.00004"


def _env(cli_env: dict, db) -> dict:  # noqa: ANN001
    return {**cli_env, "PAPERWIRE_DATABASE_URL": db.url}


def _known(db) -> list[tuple[str, str]]:  # noqa: ANN001
    with db.read() as connection:
        return [tuple(r) for r in connection.exec_driver_sql(
            "SELECT paper_id, email FROM author_emails ORDER BY paper_id, email")]


def test_add_list_remove(community_db, cli_env) -> None:  # noqa: ANN001
    env = _env(cli_env, community_db)
    added = json.loads(run_cli("author-emails", "add", f"arXiv:{PAPER}v2", "Ada@Example.org",
                               "grace@example.org", "--json", env=env, check=True).stdout)
    assert (added["added"], added["already_known"], added["rejected"]) == (2, 0, [])
    again = json.loads(run_cli("author-emails", "add", PAPER, "ada@example.org", "--json",
                               env=env, check=True).stdout)
    assert (again["added"], again["already_known"]) == (0, 1)
    assert _known(community_db) == [(PAPER, "ada@example.org"), (PAPER, "grace@example.org")]
    listed = json.loads(run_cli("author-emails", "list", "--paper", PAPER, "--json", env=env,
                                check=True).stdout)
    assert [r["email"] for r in listed] == ["ada@example.org", "grace@example.org"]
    assert listed[0]["title"]
    assert run_cli("author-emails", "remove", PAPER, "GRACE@example.org", env=env,
                   check=True).returncode == 0
    missing = run_cli("author-emails", "remove", PAPER, "grace@example.org", env=env)
    assert missing.returncode == 1 and "was not a known author" in missing.stderr
    assert _known(community_db) == [(PAPER, "ada@example.org")]


def test_import_keeps_good_lines_and_names_the_bad(community_db, cli_env, tmp_path) -> None:  # noqa: ANN001
    env = _env(cli_env, community_db)
    source = tmp_path / "authors.csv"
    source.write_text("paper,email\n"
                      f"{PAPER},ada@example.org\n"
                      f"https://arxiv.org/abs/{OTHER}v1,grace@example.org\n"
                      "2502.99999,nobody@example.org\n"  # not a paper here
                      f"{PAPER},not an address\n"
                      f"{PAPER},a,b\n"
                      f"{PAPER},{'x' * 5000}@example.org\n"
                      "'; DROP TABLE author_emails; --,eve@example.org\n"
                      "\n"
                      f"{PAPER},ada@example.org\n", encoding="utf-8")
    result = run_cli("author-emails", "import", str(source), "--json", env=env)
    assert result.returncode == 1  # some lines were skipped
    report = json.loads(result.stdout)
    assert (report["added"], report["already_known"]) == (2, 1)
    errors = {r["line"]: r["error"] for r in report["rejected"]}
    assert sorted(errors) == [4, 5, 6, 7, 8]
    assert errors[4] == errors[8] == "no such paper here"
    assert errors[5].startswith("That is not an email address")
    assert errors[6] == "expected 2 columns (paper,email), found 3"
    assert errors[7] == "too long to be a paper id or an address"
    assert _known(community_db) == [(PAPER, "ada@example.org"), (OTHER, "grace@example.org")]


def test_import_from_stdin_and_broken_files(community_db, cli_env, tmp_path) -> None:  # noqa: ANN001
    import subprocess
    import sys

    from ..conftest import REPO

    env = _env(cli_env, community_db)
    piped = subprocess.run([sys.executable, "-m", "paperwire", "author-emails", "import", "-",
                            "--json"], input=f"{PAPER},ada@example.org\n", env=env, cwd=REPO,
                           capture_output=True, text=True, timeout=120)
    assert piped.returncode == 0 and json.loads(piped.stdout)["added"] == 1
    binary = tmp_path / "junk.csv"
    binary.write_bytes(b"\xff\xfe\x00garbage\x00,\x81\n")
    result = run_cli("author-emails", "import", str(binary), env=env)
    assert result.returncode == 1 and "junk.csv" in result.stderr and "Traceback" not in result.stderr
    huge_field = tmp_path / "huge.csv"
    huge_field.write_text(f"{PAPER},\"{'a' * 200_000}\"\n", encoding="utf-8")
    result = run_cli("author-emails", "import", str(huge_field), env=env)
    assert result.returncode == 1 and "line 1" in result.stderr and "Traceback" not in result.stderr
    missing = run_cli("author-emails", "import", str(tmp_path / "absent.csv"), env=env)
    assert missing.returncode == 2 and "absent.csv" in missing.stderr
    assert _known(community_db) == [(PAPER, "ada@example.org")]


def test_a_claim_from_an_imported_address_is_approved_at_once(community_db, cli_env,
                                                               data_dir) -> None:  # noqa: ANN001
    run_cli("author-emails", "add", PAPER, "ada@example.org", env=_env(cli_env, community_db),
            check=True)
    with community_db.write() as connection:
        ensure_user(connection, "root@example.org", "2025-01-01T00:00:00Z", admin=True)
    with make_client(community_db, data_dir) as ada:
        sign_in(ada, data_dir, "ADA@example.org")
        for paper in (PAPER, OTHER):
            assert ada.post("/claims", data={"csrf": csrf(ada, f"/papers/{paper}"),
                                             "paper": paper},
                            follow_redirects=False).status_code == 303
        assert "Your authorship claim: pending" not in ada.get(f"/papers/{PAPER}").text
        assert "Your authorship claim: pending" in ada.get(f"/papers/{OTHER}").text


@given(st.sampled_from(["", "arXiv:", "arxiv:", "https://arxiv.org/abs/", " "]),
       st.sampled_from(["", "v1", "v12"]))
def test_paper_key_accepts_every_written_form(prefix: str, version: str) -> None:
    assert paper_key(f"{prefix}{PAPER}{version}") == PAPER
    assert paper_key("doi:10.1000/x") == "doi:10.1000/x"
