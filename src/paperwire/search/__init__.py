"""Search by words and by meaning. The public surface is in api.py."""

from .api import (
    MODES, EmptyQuery, SearchError, SearchHit, SearchRequest, SearchResults, UnknownPaper, fuse,
    search, similar, text_similarities,
)

__all__ = ["MODES", "EmptyQuery", "SearchError", "SearchHit", "SearchRequest", "SearchResults",
           "UnknownPaper", "fuse", "search", "similar", "text_similarities"]
