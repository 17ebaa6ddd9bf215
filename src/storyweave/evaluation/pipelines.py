"""The product's analysis pipeline, run as far as the component an evaluation scores.

An evaluation that scores one component (dates, quotes) must see the ``Doc`` the product gives
that component: the components before it in ``nlp.analysis.COMPONENTS`` change what it reads
(places corrects entity types in ``doc.ents``, which dates and speakers read). So the shipped
pipeline (``load_analyzer``) is used with only the components after the scored one switched
off, for speed: they cannot change what the scored one sees.

Measured when this replaced the bare spaCy pipeline (``load_base`` with only the scored
component): the quotes and dates gate subsets scored exactly the same figures.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from spacy.language import Language


@contextlib.contextmanager
def analysis_through(component: str, including: bool = True) -> Iterator[Language]:
    """The product's analysis pipeline up to ``component`` (and including it unless ``including``
    is False: to run it by hand, timed apart), for the ``with`` block; the components switched
    off are switched back on when it ends."""
    from storyweave.nlp.pipeline import load_analyzer

    nlp = load_analyzer()
    names = list(nlp.pipe_names)
    if component not in names:
        raise ValueError(f"{component!r} is not a component of the analysis pipeline ({', '.join(names)})")
    first_off = names.index(component) + (1 if including else 0)
    with nlp.select_pipes(disable=names[first_off:]):
        yield nlp
