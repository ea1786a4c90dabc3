"""`paperwire db copy`: an embedded installation moved into another database, verified."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from paperwire.demo import load_demo
from paperwire.store import Database
from paperwire.store.copy import CopyError, copy_database
from tests.conftest import empty_database, run_cli


@pytest.fixture
def source(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'source.db'}")
    db.upgrade()
    load_demo(db)
    with db.write() as connection:
        connection.execute(text("INSERT INTO rate_limits (key, window_start, hits) "
                                "VALUES ('signin:1.2.3.4', 100, 3)"))
    yield db
    db.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_target(request, tmp_path):
    with empty_database(request.param, tmp_path, "copy") as db:
        yield db


def _papers(db):
    with db.read() as connection:
        return connection.execute(text(
            "SELECT id, title, abstract, authors, categories, upvotes FROM papers ORDER BY id"
        )).all()


def test_copy_moves_everything_and_verifies(source, empty_target):
    seen = []
    report = copy_database(source, empty_target, batch_size=97,
                           progress=lambda table, done, total: seen.append((table, done, total)))
    assert report.verified
    by_name = {t.name: t for t in report.tables}
    assert by_name["papers"].target_rows == by_name["papers"].source_rows > 100
    assert by_name["rate_limits"].target_rows == 1
    # The author index (migration 0012) travels like any table, verified the same way.
    assert by_name["paper_authors"].target_rows == by_name["paper_authors"].source_rows > 100
    # The database's id stays behind: a copy is another database (its own saved indexes).
    from paperwire.store.instance import instance_id
    assert "instance" not in by_name and instance_id(empty_target) != instance_id(source)
    assert [tuple(r) for r in _papers(empty_target)] == [tuple(r) for r in _papers(source)]
    assert seen[-1][1] == seen[-1][2]  # progress reaches each table's total
    # The target's own keyword index covers the copied papers.
    from paperwire.search.api import SearchRequest, search
    title = _papers(source)[0][1]
    word = max(title.split(), key=len).strip(".,:;()")
    found = search(empty_target, SearchRequest(query=word, mode="text", limit=100))
    assert _papers(source)[0][0] in [hit.id for hit in found.hits]
    # Sequences follow the copied ids: the next import run gets a fresh id.
    load_demo(empty_target)
    with empty_target.read() as connection:
        runs = connection.execute(text("SELECT COUNT(*), COUNT(DISTINCT id) FROM import_runs")).one()
    assert runs[0] == runs[1] == by_name["import_runs"].source_rows + 1


def test_copy_refuses_a_target_with_data_and_changes_nothing(source, empty_target):
    copy_database(source, empty_target)
    before = _papers(empty_target)
    with pytest.raises(CopyError, match="already holds data"):
        copy_database(source, empty_target)
    assert _papers(empty_target) == before


def test_copy_refuses_a_source_behind_the_schema(tmp_path, empty_target):
    behind = Database(f"sqlite:///{tmp_path / 'empty.db'}")
    with pytest.raises(CopyError, match="db upgrade"):
        copy_database(behind, empty_target)
    behind.dispose()


def test_checksums_catch_a_changed_row(source, empty_target):
    from paperwire.store.copy import _reflect, table_checksum
    copy_database(source, empty_target)
    with empty_target.write() as connection:
        connection.execute(text("UPDATE papers SET title = title || '.' WHERE id = "
                                "(SELECT MIN(id) FROM papers)"))
    columns = ["id", "title"]
    s = table_checksum(source, _reflect(source).tables["papers"], columns)
    t = table_checksum(empty_target, _reflect(empty_target).tables["papers"], columns)
    assert s[0] == t[0] and s[1] != t[1]


def test_copy_command_json_and_errors(source, tmp_path, cli_env):
    target = f"sqlite:///{tmp_path / 'cli-target.db'}"
    result = run_cli("db", "copy", source.url, target, "--json", env=cli_env, check=True)
    report = json.loads(result.stdout)
    assert report["verified"] is True and report["rows"] > 100
    again = run_cli("db", "copy", source.url, target, env=cli_env)
    assert again.returncode == 1 and "already holds data" in again.stderr
    missing = run_cli("db", "copy", f"sqlite:///{tmp_path / 'nope.db'}", target, env=cli_env)
    assert missing.returncode == 1 and "does not exist" in missing.stderr
    assert not (tmp_path / "nope.db").exists()
    bad = run_cli("db", "copy", "mysql://x/y", target, env=cli_env)
    assert bad.returncode == 1 and "unsupported database" in bad.stderr
    same = run_cli("db", "copy", source.url, source.url, env=cli_env)
    assert same.returncode == 1 and "same database" in same.stderr
