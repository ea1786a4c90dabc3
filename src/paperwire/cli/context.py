"""What every command shares: the configuration and the database, opened lazily."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import click

from ..config import Config, ConfigError, load_config
from ..store import Database
from ..store.engine import DatabaseURLError


@dataclass
class AppContext:
    overrides: dict[str, Any] = field(default_factory=dict)
    toml_file: str | None = None
    _config: Config | None = None
    _db: Database | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            try:
                self._config = load_config(self.overrides, toml_file=self.toml_file)
            except ConfigError as exc:
                raise click.UsageError(f"configuration: {exc}") from None
        return self._config

    def database(self, *, upgrade: bool = True) -> Database:
        """The database, with its schema brought up to date unless asked not to."""
        if self._db is None:
            try:
                self._db = Database(self.config.effective_database_url)
            except DatabaseURLError as exc:
                raise click.UsageError(str(exc)) from None
            if upgrade:
                try:
                    self._db.upgrade()
                except Exception as exc:  # connection refused, permissions, locked file...
                    raise click.ClickException(
                        f"cannot open the database {self._db!r}: {type(exc).__name__}: {exc}"
                    ) from None
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()


pass_app = click.make_pass_decorator(AppContext)
