"""Search fixtures: papers loaded through the real importer, and one embedding model per
test session (its int8 ONNX file is made once, in a session folder)."""

from __future__ import annotations

from pathlib import Path

import pytest

from paperwire.config import load_config
from paperwire.formats.base import Parsed
from paperwire.ingest import ImportSummary, Importer
from paperwire.records import PaperRecord
from paperwire.search.vectors import INDEXES
from paperwire.store import Database


def paper(n: int, title: str, abstract: str = "", *, authors: list[str] | None = None,
          categories: list[str] | None = None, published: str = "2025-03-01T00:00:00Z"
          ) -> PaperRecord:
    return PaperRecord(arxiv_id=f"2503.{n:05d}", title=title, abstract=abstract,
                       authors=authors or ["Ada Lovelace"], categories=categories or ["cs.LG"],
                       published=published)


def load(db: Database, papers: list[PaperRecord], clock=None) -> None:  # noqa: ANN001
    Importer(db, **({"clock": clock} if clock else {})).import_results([Parsed(f"test:{i}", p) for i, p in enumerate(papers)],
                                ImportSummary())


CORPUS = [
    paper(1, "Convolutional networks for image recognition",
          "Deep convolutional neural networks classify photographs into object categories."),
    paper(2, "Protein folding with attention",
          "We predict three-dimensional protein structure from amino acid sequences."),
    paper(3, "Reinforcement learning for robot locomotion",
          "A legged robot learns to walk by trial and error with a reward signal.",
          authors=["Grace Hopper"], categories=["cs.RO", "cs.LG"],
          published="2024-06-01T00:00:00Z"),
    paper(4, "Quokka population dynamics", "Marsupials on Rottnest island, counted yearly.",
          authors=["Charles Darwin"], categories=["q-bio.PE"]),
    paper(5, "A short note on kernels",
          "Here the word convolutional appears only in the abstract of this note."),
    paper(6, "Speech recognition with transformers",
          "Automatic transcription of spoken audio into text using self-attention."),
]


@pytest.fixture
def corpus_db(db: Database) -> Database:
    load(db, CORPUS)
    return db


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("model-cache")


@pytest.fixture
def config(model_cache: Path, tmp_path: Path):  # noqa: ANN201
    """Settings with this test's own data folder; the model file is shared by the session."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "models").symlink_to(model_cache, target_is_directory=True)
    INDEXES.clear()
    yield load_config({"data_dir": str(data)}, environ={})
    INDEXES.clear()
