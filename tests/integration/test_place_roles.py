"""Place levels and roles from analysis to the dossier map: only places named as the ground go on it."""

from __future__ import annotations

from storyweave.pipeline.analyze import analyze_pending
from storyweave.pipeline.ingest import ingest
from storyweave.pipeline.link import link_pending
from storyweave.queries.stories import list_stories, story_dossier

ARTICLE = (
    "Flooding cuts off villages in the Philippines\n\n"
    "Floodwaters cut off dozens of villages outside Manila on Tuesday after three days of rain, "
    "local officials said. Rescue teams reached Marikina by boat. "
    "Beijing warned on Monday that it would send aid only through the United Nations, "
    "and Beijing's position drew criticism from aid groups.\n"
)


def test_a_place_named_only_as_an_agent_stays_off_the_map(store, tmp_path):
    (tmp_path / "flood.txt").write_text(ARTICLE, encoding="utf-8")
    ingest([str(tmp_path)], store)
    analyze_pending(store)
    link_pending(store)
    story = list_stories(store)[0]
    dossier = story_dossier(store, story["id"])
    on_map = {p["name"] for p in dossier["places"]}
    assert "Manila" in on_map
    assert "Beijing" not in on_map, "Beijing is named only as the Chinese government here"
