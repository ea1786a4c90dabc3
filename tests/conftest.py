"""Shared fixtures: real databases (a SQLite file, and PostgreSQL when
PAPERWIRE_TEST_PG_URL is set), the shared real data, and the `paperwire` command."""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from paperwire.store import Database

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
PG_URL_ENV = "PAPERWIRE_TEST_PG_URL"
BACKENDS = ["sqlite", "postgresql"]


def shared_data(*parts: str) -> Path:
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data not present: {path}")
    return path


@contextlib.contextmanager
def throwaway_postgres(admin_url: str, prefix: str) -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database, dropped afterwards."""
    admin = create_engine(admin_url.replace("postgresql://", "postgresql+psycopg://", 1),
                          isolation_level="AUTOCOMMIT")
    name = f"{prefix}_{os.getpid()}_{secrets.token_hex(3)}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(drivername="postgresql+psycopg", database=name)
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextlib.contextmanager
def empty_database(kind: str, tmp_path: Path, prefix: str) -> Iterator[Database]:
    """A new database with no schema: a SQLite file, or a throwaway PostgreSQL database
    (the test is skipped without PAPERWIRE_TEST_PG_URL)."""
    if kind == "sqlite":
        db = Database(f"sqlite:///{tmp_path / f'{prefix}.db'}")
        try:
            yield db
        finally:
            db.dispose()
        return
    admin_url = os.environ.get(PG_URL_ENV)
    if not admin_url:
        pytest.skip(f"{PG_URL_ENV} not set")
    with throwaway_postgres(admin_url, f"paperwire_{prefix}") as url:
        db = Database(url)
        try:
            yield db
        finally:
            db.dispose()


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str | None]:
    """A fresh PostgreSQL database for this test session, dropped at the end."""
    admin_url = os.environ.get(PG_URL_ENV)
    if not admin_url:
        yield None
        return
    with throwaway_postgres(admin_url, "paperwire_test") as url:
        yield url


_pg_migrated: set[str] = set()


def _reset_postgres(url: str) -> Database:
    db = Database(url)
    if url not in _pg_migrated:
        db.upgrade()
        _pg_migrated.add(url)
    with db.write() as connection:
        tables = connection.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
            "AND tablename <> 'alembic_version'")).scalars().all()
        if tables:
            connection.execute(text(
                "TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
    return db


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path, pg_server_url: str | None) -> str:
    """A database URL with an up-to-date, empty schema: SQLite, then PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'paperwire.db'}"
        Database(url).upgrade()
        return url
    if pg_server_url is None:
        pytest.skip(f"{PG_URL_ENV} not set")
    _reset_postgres(pg_server_url).dispose()
    return pg_server_url


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    yield database
    database.dispose()


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Database]:
    """A second, SQLite-only database (separate from `db`)."""
    database = Database(f"sqlite:///{tmp_path / 'second.db'}")
    database.upgrade()
    yield database
    database.dispose()


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    """Environment for running `paperwire` as a real subprocess in an isolated data folder."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERWIRE_")}
    env["PAPERWIRE_DATA_DIR"] = str(tmp_path / "data")
    env["HOME"] = str(tmp_path / "home")
    env["PAPERWIRE_JOBS_ENABLED"] = "false"  # no scheduled harvest may reach the internet
    return env


def run_cli(*args: str, env: dict[str, str], timeout: float = 120,
            check: bool = False) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "-m", "paperwire", *args], env=env, cwd=REPO,
                            capture_output=True, text=True, timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"paperwire {' '.join(args)} exited {result.returncode}:\n"
                             f"{result.stdout}\n{result.stderr}")
    return result


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(env: dict[str, str], *args: str) -> tuple[subprocess.Popen, str]:
    """`paperwire serve` as a real process on a free port, once /healthz answers; its
    output (stdout and stderr together) is left in the pipe for the caller."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "paperwire", "serve", "--port", str(port),
                                *args], env=env, cwd=REPO, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return process, base
        except httpx.TransportError:
            time.sleep(0.3)
    process.kill()
    pytest.fail("server did not start: " + process.stdout.read())


@contextlib.contextmanager
def running_server(env: dict[str, str], *args: str) -> Iterator[str]:
    """A started server (see start_server); yields its base URL and stops it afterwards."""
    process, base = start_server(env, *args)
    try:
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
