"""For-you fixtures: recent papers on three topics, embedded by the real model (its int8
file made once per session), and the web app with people signed in the way people do."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from paperwire.config import load_config
from paperwire.embed.runner import embed_missing
from paperwire.recommend.pool import POOLS
from paperwire.records import Listing, PaperRecord
from paperwire.search.semantic import embedder_for
from paperwire.search.vectors import INDEXES
from paperwire.store import Database
from paperwire.web.app import create_app

from ..search.conftest import load

TOPICS = {
    "vision": ("cs.CV", "Vera Vision", [
        "Convolutional networks for image classification",
        "Object detection in street photographs",
        "Semantic segmentation of satellite images",
        "Self-supervised visual representation learning from images",
        "Image generation with diffusion models",
        "Vision transformers for image recognition",
        "Depth estimation from a single photograph",
        "Video object tracking with convolutional features"]),
    "proteins": ("q-bio.BM", "Petra Protein", [
        "Protein structure prediction with attention",
        "Designing enzymes with generative models of protein sequences",
        "Predicting protein-ligand binding affinity",
        "Folding dynamics of small proteins by molecular simulation",
        "Antibody sequence design with language models",
        "Protein function annotation from amino acid sequences",
        "Learning protein interaction networks",
        "Molecular docking of drug candidates to protein pockets"]),
    "speech": ("eess.AS", "Sam Speech", [
        "Speech recognition with transformers",
        "Text-to-speech synthesis with neural vocoders",
        "Speaker identification from short audio clips",
        "Low-resource automatic speech recognition",
        "Spoken language understanding for voice assistants",
        "Noise-robust speech enhancement",
        "Streaming speech translation",
        "Emotion recognition from the human voice"]),
}


def topic_papers() -> list[PaperRecord]:
    now = datetime.now(timezone.utc)
    papers, n = [], 0
    for topic, (category, author, titles) in TOPICS.items():
        for i, title in enumerate(titles):
            n += 1
            published = (now - timedelta(days=1 + (n % 9))).strftime("%Y-%m-%dT%H:%M:%SZ")
            papers.append(PaperRecord(
                arxiv_id=f"2611.{n:05d}", title=title,
                abstract=f"{title}. We study {topic} and report results on {topic} benchmarks.",
                authors=[author if i % 2 == 0 else f"Other {topic.title()}", "Common Coauthor"],
                categories=[category], published=published,
                listings=[Listing(published[:10], "hf", None, published)]))
    return papers


def paper_id(topic: str, index: int) -> str:
    return f"2611.{list(TOPICS).index(topic) * 8 + index + 1:05d}"


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("model-cache")


@pytest.fixture
def data_dir(tmp_path: Path, model_cache: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    (data / "models").symlink_to(model_cache, target_is_directory=True)
    return data


@pytest.fixture
def config(data_dir: Path):  # noqa: ANN201
    POOLS.clear()
    INDEXES.clear()
    yield load_config({"data_dir": str(data_dir), "web_cache_seconds": 0}, environ={})
    POOLS.clear()
    INDEXES.clear()


@pytest.fixture
def foryou_db(db: Database, config) -> Database:  # noqa: ANN001
    load(db, topic_papers())
    embed_missing(db, embedder_for(config))
    return db


@pytest.fixture
def app_client(foryou_db: Database, config) -> Iterator[TestClient]:  # noqa: ANN001
    with TestClient(create_app(config, foryou_db)) as client:
        yield client
