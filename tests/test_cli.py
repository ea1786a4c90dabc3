"""The `paperwire` command run as a real process: outputs, --json, exit codes."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import REPO, run_cli, shared_data

KAGGLE = ("arxiv-kaggle-snapshot-sample", "arxiv-metadata-oai-snapshot.first200.jsonl")


@pytest.fixture
def backend_env(cli_env: dict[str, str], db_url: str) -> dict[str, str]:
    """cli_env pointed at the test database (SQLite file or PostgreSQL)."""
    return {**cli_env, "PAPERWIRE_DATABASE_URL": db_url}


def test_init_twice_then_import_list_show_stats(backend_env: dict[str, str]) -> None:
    first = run_cli("init", "--json", env=backend_env, check=True)
    second = run_cli("init", "--json", env=backend_env, check=True)
    assert json.loads(second.stdout)["applied"] == []
    assert json.loads(first.stdout)["revision"] == json.loads(second.stdout)["revision"]

    imported = run_cli("import", str(shared_data(*KAGGLE)), "--json", env=backend_env)
    assert imported.returncode == 0, imported.stderr
    summary = json.loads(imported.stdout)
    assert (summary["read"], summary["new"], summary["rejected"]) == (200, 200, 0)

    listed = run_cli("papers", "list", "--category", "hep-th", "--json", "--limit", "5",
                     env=backend_env, check=True)
    rows = json.loads(listed.stdout)
    assert len(rows) == 5 and all("hep-th" in row["categories"] for row in rows)
    by_day = json.loads(run_cli("papers", "list", "--date", "2007-04-02", "--json",
                                "--limit", "1000", env=backend_env, check=True).stdout)
    assert by_day and all(row["published"].startswith("2007-04-02") for row in by_day)

    shown = json.loads(run_cli("show", "arXiv:0704.0001v1", "--json", env=backend_env,
                               check=True).stdout)
    assert shown["id"] == "0704.0001" and shown["pdf_url"] == "https://arxiv.org/pdf/0704.0001"
    human = run_cli("show", "https://arxiv.org/abs/0704.0001", env=backend_env, check=True)
    assert "Calculation of prompt diphoton" in human.stdout

    stats = json.loads(run_cli("stats", "--json", env=backend_env, check=True).stdout)
    assert stats["papers"] == 200


def test_unknown_paper_and_bad_flags_fail_clearly(cli_env: dict[str, str]) -> None:
    missing = run_cli("show", "2401.99999", env=cli_env)
    assert missing.returncode == 1 and "No paper '2401.99999'" in missing.stderr
    bad_date = run_cli("papers", "list", "--date", "yesterday", env=cli_env)
    assert bad_date.returncode == 2 and "use YYYY-MM-DD" in bad_date.stderr
    bad_limit = run_cli("papers", "list", "--limit", "0", env=cli_env)
    assert bad_limit.returncode == 2 and "--limit" in bad_limit.stderr
    bad_format = run_cli("import", "x.jsonl", "--format", "csv", env=cli_env)
    assert bad_format.returncode == 2 and "'csv' is not one of" in bad_format.stderr


def test_bad_database_urls_are_named_not_tracebacks(cli_env: dict[str, str]) -> None:
    unsupported = run_cli("--db", "mysql://root@localhost/x", "stats", env=cli_env)
    assert unsupported.returncode == 2 and "unsupported database 'mysql'" in unsupported.stderr
    garbage = run_cli("--db", "not a url", "stats", env=cli_env)
    assert garbage.returncode == 2 and "not a database URL" in garbage.stderr
    refused = run_cli("--db", "postgresql://nobody:pw@127.0.0.1:1/none", "stats", env=cli_env)
    assert refused.returncode == 1 and "cannot open the database" in refused.stderr
    assert "pw@" not in refused.stderr  # the password is masked
    assert "Traceback" not in refused.stderr + garbage.stderr + unsupported.stderr


def test_import_exit_codes_and_rejection_listing(cli_env: dict[str, str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "0704.0001", "title": "ok", "versions": [], "abstract": "a", '
                   '"authors_parsed": []}\n{"id": "0704.0002", "title": \n')
    result = run_cli("import", str(bad), env=cli_env)
    assert result.returncode == 1
    assert f"rejected {bad}:2: malformed JSON" in result.stderr
    assert "read 2  new 1  updated 0  unchanged 0  rejected 1" in result.stdout
    nothing = run_cli("import", str(tmp_path / "missing.jsonl"), env=cli_env)
    assert nothing.returncode == 2 and "no such file" in nothing.stderr


def test_export_then_import_elsewhere_round_trips(cli_env: dict[str, str], tmp_path: Path) -> None:
    run_cli("import", str(shared_data(*KAGGLE)), env=cli_env, check=True)
    out = tmp_path / "all.jsonl.gz"
    exported = run_cli("export", "-o", str(out), env=cli_env, check=True)
    assert "exported 200 papers" in exported.stderr
    other = {**cli_env, "PAPERWIRE_DATA_DIR": str(tmp_path / "other")}
    summary = json.loads(run_cli("import", str(out), "--json", env=other, check=True).stdout)
    assert summary["new"] == 200 and summary["files"][0]["format"] == "paperwire"


def test_config_shows_sources_and_masks_secrets(cli_env: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "paperwire.toml").write_text('port = 9001\nimport_batch_size = 500\n')
    env = {**cli_env, "PAPERWIRE_DATABASE_URL": "postgresql://alice:s3cret@db.example/pw",
           "PAPERWIRE_SECRET_KEY": "topsecret", "PAPERWIRE_IMPORT_BATCH_SIZE": "700"}
    result = run_cli("--config", str(tmp_path / "paperwire.toml"), "config", "--json", env=env,
                     check=True)
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert rows["port"]["value"] == 9001 and rows["port"]["source"].endswith("paperwire.toml")
    assert rows["import_batch_size"]["value"] == 700  # environment beats the file
    assert rows["database_url"]["value"] == "postgresql://alice:********@db.example/pw"
    assert rows["secret_key"]["value"] == "********"
    assert "s3cret" not in result.stdout and "topsecret" not in result.stdout
    assert all(row["help"] for row in rows.values())


def test_bad_configuration_is_reported_with_its_source(cli_env: dict[str, str], tmp_path: Path) -> None:
    bad = run_cli("config", env={**cli_env, "PAPERWIRE_PORT": "eighty"})
    assert bad.returncode == 2 and "PAPERWIRE_PORT: bad value for port" in bad.stderr
    toml = tmp_path / "paperwire.toml"
    toml.write_text('secret_key = "in-a-file"\n')
    refused = run_cli("--config", str(toml), "config", env=cli_env)
    assert refused.returncode == 2 and "set PAPERWIRE_SECRET_KEY in the environment" in refused.stderr
    toml.write_text("nonsense = 1\n")
    unknown = run_cli("--config", str(toml), "config", env=cli_env)
    assert unknown.returncode == 2 and "unknown setting 'nonsense'" in unknown.stderr
    toml.write_text("port = [\n")
    broken = run_cli("--config", str(toml), "config", env=cli_env)
    assert broken.returncode == 2 and "not valid TOML" in broken.stderr


def test_ctrl_c_mid_import_leaves_whole_batches(cli_env: dict[str, str], tmp_path: Path) -> None:
    """SIGINT while importing: exit 130, and the database holds only complete batches."""
    sys.path.insert(0, str(REPO / "bench"))
    from synthetic import write_kaggle_file
    dump = tmp_path / "dump.jsonl"
    write_kaggle_file(str(dump), 60_000)
    db_path = Path(cli_env["PAPERWIRE_DATA_DIR"]) / "paperwire.db"
    run_cli("init", env=cli_env, check=True)
    process = subprocess.Popen(
        [sys.executable, "-m", "paperwire", "import", str(dump), "--batch-size", "1000"],
        env=cli_env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        time.sleep(0.2)
        with sqlite3.connect(db_path) as connection:
            if connection.execute("SELECT COUNT(*) FROM papers").fetchone()[0] >= 3000:
                break
    os.killpg(process.pid, signal.SIGINT)
    out, err = process.communicate(timeout=180)  # a loaded machine finishes the batch slowly
    assert process.returncode == 130, err
    assert "interrupted" in err
    with sqlite3.connect(db_path) as connection:
        papers = connection.execute("SELECT COUNT(*) FROM papers").fetchone()[0]
        categories = connection.execute("SELECT COUNT(*) FROM paper_categories").fetchone()[0]
        expected = connection.execute(
            "SELECT SUM(LENGTH(categories) - LENGTH(REPLACE(categories, ' ', '')) + 1) "
            "FROM papers").fetchone()[0]
        status = connection.execute("SELECT status FROM import_runs ORDER BY id DESC").fetchone()[0]
    assert 0 < papers < 60_000 and papers % 1000 == 0
    assert categories == expected
    assert status == "interrupted"
    resumed = run_cli("import", str(dump), "--json", env=cli_env, timeout=300)
    summary = json.loads(resumed.stdout)
    assert summary["unchanged"] == papers and summary["new"] == 60_000 - papers
