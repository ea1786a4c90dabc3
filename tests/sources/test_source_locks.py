"""One harvest per source: the lock is exclusive, per source, and dies with its process."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from paperwire.store import Database
from paperwire.store.source_locks import SourceBusy, hold_source_lock

from ..conftest import REPO


def test_the_lock_is_exclusive_per_source(db: Database, db_url: str) -> None:
    other = Database(db_url)
    try:
        with hold_source_lock(db, "arxiv"):
            with pytest.raises(SourceBusy, match="arxiv is already running"):
                with hold_source_lock(other, "arxiv"):
                    pass
            with hold_source_lock(other, "hf"):  # another source is free
                pass
        with hold_source_lock(other, "arxiv"):  # released
            pass
    finally:
        other.dispose()


def test_a_killed_holder_leaves_no_stale_lock(db: Database, db_url: str) -> None:
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys, time
        from paperwire.store import Database
        from paperwire.store.source_locks import hold_source_lock
        with hold_source_lock(Database({db_url!r}), "arxiv"):
            print("held", flush=True)
            time.sleep(120)
        """)], cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(SourceBusy):
            with hold_source_lock(db, "arxiv"):
                pass
        holder.kill()
        holder.wait(30)
    finally:
        if holder.poll() is None:
            holder.kill()
    with hold_source_lock(db, "arxiv"):
        pass
