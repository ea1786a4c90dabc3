"""Live sources: one module per source, each fetching pages politely and handing their
parse results to the importer. `run_harvest` runs one source under its lock."""

from __future__ import annotations

from . import arxiv_api, arxiv_oai, arxiv_rss, github, hf
from .base import HarvestOptions, HarvestReport, Source, run_harvest

SOURCES: dict[str, Source] = {source.name: source for source in (
    arxiv_oai.SOURCE, arxiv_api.SOURCE, arxiv_rss.SOURCE, hf.SOURCE, github.SOURCE)}


def get_source(name: str) -> Source:
    try:
        return SOURCES[name]
    except KeyError:
        raise KeyError(f"unknown source {name!r}: choose from {', '.join(SOURCES)}") from None


__all__ = ["SOURCES", "HarvestOptions", "HarvestReport", "Source", "get_source", "run_harvest"]
