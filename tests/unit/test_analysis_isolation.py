"""One article that breaks the analysis pipeline fails alone; its batch's other articles are analysed."""

from __future__ import annotations

from storyweave.nlp.analysis import AnalysisInput
from storyweave.pipeline.analyze import analyze_isolating_failures


def test_the_article_that_breaks_the_pipeline_fails_alone():
    good = AnalysisInput("good", "Rebels entered the city of Hama on Thursday, the army said.", "2024-12-05")
    also_good = AnalysisInput("also-good", "The council closed the bridge in Lyon on Monday.", None)
    broken = AnalysisInput("broken", None, None)  # no text at all: spaCy refuses it
    results, failed = analyze_isolating_failures([good, broken, also_good], batch_size=8)
    assert failed == ["broken"]
    assert [r.article_id for r in results] == ["good", "also-good"]
    assert any(e.name == "Hama" for e in results[0].entities)
