"""A real `paperwire harvest` process killed between pages, then run again, ends with
exactly the papers of an uninterrupted run."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from sqlalchemy import text

from paperwire.store import Database

from ..conftest import REPO, run_cli
from .replay import TESTDATA, Replay, harvest_env, oai_script, xml_file


def test_killed_between_pages_then_rerun_gives_the_uninterrupted_result(
        db_url: str, replay: Replay, cli_env: dict[str, str], tmp_path: Path) -> None:
    page2_asked, release = threading.Event(), threading.Event()
    script = oai_script()

    def stall_page2() -> object:
        page2_asked.set()
        release.wait(60)  # until the harvest that asked is dead
        return xml_file(TESTDATA / "oai" / "page2.xml")

    script.queue("6960524|5", stall_page2)
    replay.on("/oai", script)

    env = harvest_env(cli_env, replay, db_url)
    process = subprocess.Popen(
        [sys.executable, "-m", "paperwire", "harvest", "arxiv", "--from", "2007-01-01"],
        env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert page2_asked.wait(90), "the harvest never asked for page 2"
        os.kill(process.pid, signal.SIGKILL)
        assert process.wait(30) == -signal.SIGKILL
    finally:
        release.set()
        if process.poll() is None:
            process.kill()
        process.communicate()

    db = Database(db_url)
    try:
        with db.read() as connection:
            stored = connection.execute(text("SELECT COUNT(*) FROM papers")).scalar()
            status = connection.execute(text("SELECT status FROM harvest_runs")).scalar()
    finally:
        db.dispose()
    assert (stored, status) == (4, "running")  # page 1 committed; the run died mid-way

    rerun = run_cli("harvest", "arxiv", "--json", env=env, check=True)
    report = json.loads(rerun.stdout)["runs"][0]
    assert (report["status"], report["new"], report["unchanged"]) == ("ok", 7, 0)
    sources = json.loads(run_cli("sources", "--json", env=env, check=True).stdout)
    runs = [row for row in sources if row["source"] == "arxiv"]
    assert runs[0]["last_run"]["status"] == "ok" and runs[0]["watermark"] == "2015-05-13"

    reference_env = harvest_env(cli_env, replay, f"sqlite:///{tmp_path / 'reference.db'}")
    run_cli("harvest", "arxiv", "--from", "2007-01-01", env=reference_env, check=True)
    exported = run_cli("export", env=env, check=True).stdout
    reference = run_cli("export", env=reference_env, check=True).stdout
    assert exported.count("\n") == 11
    assert exported == reference
    with Database(db_url).read() as connection:
        statuses = connection.execute(text(
            "SELECT status FROM harvest_runs ORDER BY id")).scalars().all()
    assert statuses == ["interrupted", "ok"]  # the dead run is closed, not left running
