"""`paperwire foryou EMAIL`: the list with reasons, JSON for scripts, bad input refused."""

from __future__ import annotations

import json
import os
from pathlib import Path

from paperwire.formats.paperwire_jsonl import record_to_json

from ..conftest import run_cli
from .conftest import topic_papers


def test_foryou_lists_papers_with_reasons(tmp_path: Path, model_cache: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "models").symlink_to(model_cache, target_is_directory=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERWIRE_")}
    env.update(PAPERWIRE_DATA_DIR=str(data), HOME=str(tmp_path))
    papers = tmp_path / "papers.jsonl"
    papers.write_bytes(b"".join(record_to_json(p.arxiv_id, p) + b"\n" for p in topic_papers()))
    run_cli("import", str(papers), env=env, check=True)
    run_cli("embed", env=env, check=True, timeout=600)
    run_cli("users", "add", "ada@example.org", env=env, check=True)
    listed = run_cli("foryou", "ada@example.org", "--limit", "3", "--json", env=env, check=True)
    answer = json.loads(listed.stdout)
    assert len(answer["items"]) == 3 and not answer["personal"]
    assert all(item["reasons"] for item in answer["items"])
    assert run_cli("foryou", "nobody@example.org", env=env).returncode == 2
    assert run_cli("foryou", "not an address\r\n", env=env).returncode == 2
