"""The store: the SQL database is the single source of truth."""

from .database import Database

__all__ = ["Database"]
