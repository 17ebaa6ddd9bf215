"""The one pipeline builder (storyweave.nlp.pipeline): components in order, declarations that hold."""

from __future__ import annotations

import pytest

from storyweave.nlp.pipeline import (
    ANALYSIS_COMPONENTS,
    build_pipeline,
    load_analyzer,
    load_base,
    load_dates_pipeline,
    load_places_pipeline,
    make_doc,
)


def test_the_analyzer_declares_no_unmet_requirement():
    # every component's factory says what it requires and assigns; spaCy checks that each
    # requirement is assigned by a component that runs before it
    analysis = load_analyzer().analyze_pipes(pretty=False)
    problems = {name: found for name, found in analysis["problems"].items() if found}
    assert problems == {}, f"components whose requirements no earlier component assigns: {problems}"


def test_the_analyzer_runs_every_component_in_order():
    names = load_analyzer().pipe_names
    ours = [n for n in names if n in ANALYSIS_COMPONENTS]
    assert ours == list(ANALYSIS_COMPONENTS)
    assert names.index("storyweave_paragraphs") < names.index("parser")
    assert names.index("ner") < names.index("storyweave_headlines") < names.index("storyweave_places")


@pytest.mark.parametrize("component", ANALYSIS_COMPONENTS)
def test_every_component_declares_what_it_assigns(component):
    meta = load_analyzer().get_pipe_meta(component)
    assert meta.assigns, f"{component} declares nothing it assigns"


def test_smaller_pipelines_hold_only_what_they_are_for():
    assert not set(load_base().pipe_names) & set(ANALYSIS_COMPONENTS)
    assert load_dates_pipeline().pipe_names[-1] == "storyweave_dates"
    places = load_places_pipeline().pipe_names
    assert places.index("storyweave_places") == places.index("ner") + 1
    assert not set(places) & (set(ANALYSIS_COMPONENTS) - {"storyweave_places"})


def test_the_cached_pipelines_are_not_changed_by_building_others():
    base = list(load_base().pipe_names)
    load_dates_pipeline()
    load_places_pipeline()
    assert load_base().pipe_names == base


def test_build_pipeline_leaves_out_what_the_model_does_not_run():
    nlp = build_pipeline(disable=("parser",))
    assert "parser" not in nlp.pipe_names
    assert "storyweave_paragraphs" not in nlp.pipe_names  # it sets sentence starts for the parser
    assert "storyweave_headlines" not in nlp.pipe_names  # it needs the sentences


def test_make_doc_carries_the_publication_date_to_the_dates_component():
    nlp = load_dates_pipeline()
    doc = nlp(make_doc(nlp, "It rained on Friday.", "2024-12-05"))
    assert doc._.published == "2024-12-05"
    assert [d.value for d in doc._.dates] == ["2024-11-29"]
