"""Search by words and by meaning. The public surface is in api.py."""

from .api import (
    EmptyQuery, SearchError, SearchHit, SearchRequest, SearchResults, UnknownPaper, search, similar,
)

__all__ = ["EmptyQuery", "SearchError", "SearchHit", "SearchRequest", "SearchResults",
           "UnknownPaper", "search", "similar"]
