"""The ``Doc`` extensions storyweave's components read and write, declared in one table.

``storyweave.nlp.pipeline`` registers them whenever it builds a pipeline or a ``Doc``; each
component registers them again when it is built, so that it also works added to a pipeline
made elsewhere (the unit tests add components to ``spacy.blank("en")``). The table lives here,
in a module that imports no component, because ``pipeline`` imports every component: a
component importing ``pipeline`` back would be an import circle.
"""

from __future__ import annotations

from spacy.tokens import Doc

#: extension name → its value on a ``Doc`` no component has written (and who writes it)
DOC_EXTENSIONS: dict[str, object] = {
    "published": None,  # the article's ISO 8601 publication date: set by ``pipeline.make_doc``
    "places": None,  # storyweave_places: tuple of ``Place``
    "entities": (),  # storyweave_entities: tuple of canonical entities
    "dates": (),  # storyweave_dates: tuple of ``DateMention``
    "quotes": None,  # storyweave_quotes: list of ``Quote``
    "events": None,  # storyweave_events: tuple of ``Event``
    "claims": None,  # storyweave_claims: tuple of ``Claim``
    "claim_hedges": (),  # storyweave_claims: tuple of ``ScopedHedge``
}


def register_extensions() -> None:
    """Register every extension in ``DOC_EXTENSIONS`` that is not registered yet (idempotent).

    An extension registered already keeps its registration: ``storyweave.nlp.entities`` and
    ``storyweave.nlp.claims`` register theirs too, with the same defaults.
    """
    for name, default in DOC_EXTENSIONS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)
