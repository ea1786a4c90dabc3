"""`paperwire search`, `similar` and `embed` as real processes, and `serve` embedding new
papers in the background."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx

from paperwire.store import Database
from paperwire.store.embeddings import count_embedded

from ..conftest import run_cli, running_server
from .conftest import CORPUS, load


def _prepared(cli_env: dict[str, str], model_cache: Path) -> Database:
    data = Path(cli_env["PAPERWIRE_DATA_DIR"])
    data.mkdir(parents=True)
    (data / "models").symlink_to(model_cache, target_is_directory=True)
    db = Database(f"sqlite:///{data / 'paperwire.db'}")
    db.upgrade()
    load(db, CORPUS)
    return db


def test_search_similar_and_embed_commands(cli_env, model_cache) -> None:
    db = _prepared(cli_env, model_cache)
    found = json.loads(run_cli("search", "quokka", "--json", env=cli_env, check=True).stdout)
    assert [hit["id"] for hit in found] == ["2503.00004"]
    assert {"id", "title", "score", "published", "authors"} <= set(found[0])
    hybrid = run_cli("search", "marsupials", env=cli_env, check=True)
    assert "semantic search unavailable" in hybrid.stderr  # nothing embedded yet
    embedded = json.loads(run_cli("embed", "--json", "--batch-size", "4", env=cli_env,
                                  check=True).stdout)
    assert embedded["embedded"] == 6
    assert json.loads(run_cli("embed", "--json", env=cli_env, check=True).stdout)["embedded"] == 0
    semantic = json.loads(run_cli("search", "marsupial", "animals", "--mode", "semantic",
                                  "--limit", "2", "--json", env=cli_env, check=True).stdout)
    assert semantic[0]["id"] == "2503.00004" and len(semantic) == 2
    filtered = json.loads(run_cli("search", "learning", "--since", "2024-06-01", "--until",
                                  "2024-06-01", "--category", "cs.RO", "--author", "hopper",
                                  "--json", env=cli_env, check=True).stdout)
    assert [hit["id"] for hit in filtered] == ["2503.00003"]
    near = json.loads(run_cli("similar", "arXiv:2503.00001v2", "--limit", "2", "--json",
                              env=cli_env, check=True).stdout)
    assert len(near) == 2 and "2503.00001" not in [hit["id"] for hit in near]
    db.dispose()


def test_clear_messages_for_bad_input(cli_env, model_cache) -> None:
    _prepared(cli_env, model_cache).dispose()
    unknown = run_cli("similar", "9999.99999", env=cli_env)
    assert unknown.returncode == 1 and "no stored paper has the id '9999.99999'" in unknown.stderr
    empty = run_cli("search", "  ", env=cli_env)
    assert empty.returncode == 2 and "type some words to search for" in empty.stderr
    nothing = run_cli("search", env=cli_env)
    assert nothing.returncode == 2 and "type some words" in nothing.stderr
    hostile = run_cli("search", '"NEAR( *^ OR); DROP TABLE papers --', "--json", env=cli_env)
    assert hostile.returncode == 0 and json.loads(hostile.stdout) == []
    bad_date = run_cli("search", "x", "--since", "2025-13-01", env=cli_env)
    assert bad_date.returncode == 2 and "is not a date" in bad_date.stderr


def test_serve_embeds_new_papers_in_the_background(cli_env, model_cache) -> None:
    db = _prepared(cli_env, model_cache)
    env = {**cli_env, "PAPERWIRE_JOBS_ENABLED": "true", "PAPERWIRE_HARVEST_SOURCES": "",
           "PAPERWIRE_EMBED_INTERVAL": "0.5", "PAPERWIRE_DEMO_ON_EMPTY": "false"}
    with running_server(env) as base:
        deadline = time.time() + 90
        while time.time() < deadline:
            with db.read() as connection:
                done = connection.exec_driver_sql(
                    "SELECT COUNT(*) FROM paper_embeddings").scalar()
            if done == 6:
                break
            time.sleep(0.5)
        assert done == 6
        found = httpx.get(f"{base}/api/papers/search",
                          params={"q": "marsupial animals", "mode": "semantic"}).json()
        assert found[0]["paper"]["id"] == "2503.00004"
    with db.read() as connection:
        keys = connection.exec_driver_sql("SELECT DISTINCT model FROM paper_embeddings").scalars()
        assert all(count_embedded(connection, key) == 6 for key in keys)
    db.dispose()


def test_word_index_command_builds_what_web_processes_load(cli_env, model_cache) -> None:
    """`paperwire word-index` saves the index; with search_word_index_builder = command a
    process only loads it (never builds), and finds by it what the command indexed."""
    from paperwire.config import load_config
    from paperwire.search.word_index import WordIndexCache

    db = _prepared(cli_env, model_cache)
    made = json.loads(run_cli("word-index", "--json", env=cli_env, check=True).stdout)
    assert made["papers"] == len(CORPUS) and made["terms"] > 10
    assert made["peak_memory_mb"] > 10  # a Python process with numpy loaded, at least
    assert (Path(made["folder"]) / "postings.npy").exists()
    config = load_config({"data_dir": cli_env["PAPERWIRE_DATA_DIR"]}, environ={})
    fresh_folder = Path(made["folder"])
    loaded = WordIndexCache().wait(db, 1, cache_dir=config.data_path, build=False)
    assert loaded is not None and [i for i, _ in loaded.search(["quokka"], 3)] == ["2503.00004"]
    fresh_folder.rename(fresh_folder.with_name("elsewhere"))  # nothing saved: nothing built
    assert WordIndexCache().wait(db, 1, cache_dir=config.data_path, build=False) is None
