"""The semantic side for a configuration: its embedder and its vector index."""

from __future__ import annotations

from ..config import Config, load_config
from ..embed.model import Embedder, shared_embedder
from ..store import Database
from .pgvector import PgVectorIndex
from .pgvector import pgvector_for as _pgvector_for
from .vectors import INDEXES, VectorIndex


def resolve_config(config: Config | None) -> Config:
    return config if config is not None else load_config()


def embedder_for(config: Config) -> Embedder:
    return shared_embedder(config.embed_runtime, config.data_path, config.embed_max_tokens)


def index_for(db: Database, config: Config) -> VectorIndex:
    return INDEXES.get(db, embedder_for(config).key, cache_dir=config.data_path,
                       exact_max=config.search_exact_max)


def pgvector_for(db: Database, config: Config) -> PgVectorIndex | None:
    """pgvector's HNSW index inside PostgreSQL when the setting and the database allow
    it; None means the in-process index answers."""
    return _pgvector_for(db, config, embedder_for(config).key)
