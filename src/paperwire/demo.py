"""The demo papers that ship with the package: a small real cut of the HF daily-papers
data and a saved trending listing page."""

from __future__ import annotations

from importlib import resources

from .ingest import ImportSummary, Importer
from .store import Database

DEMO_FILES = ("hf_daily_papers_demo.jsonl.gz", "trending-listing.txt")


def demo_paths() -> list[str]:
    folder = resources.files("paperwire") / "demo"
    return [str(folder / name) for name in DEMO_FILES]


def load_demo(db: Database) -> ImportSummary:
    """Import the demo papers; importing them again changes nothing."""
    return Importer(db).import_paths(demo_paths())
