"""The link stage on the seeds: one story, global entities, aligned claims; resumable and idempotent."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from storyweave.export.document import build_export, validate_export
from storyweave.pipeline.analyze import analyze_pending
from storyweave.pipeline.ingest import ingest
from storyweave.pipeline.link import count_unlinked, link_pending
from storyweave.queries.stories import list_stories, story_dossier


@pytest.fixture
def linked(store, seeds_dir, tmp_path):
    folder = tmp_path / "seeds"
    shutil.copytree(seeds_dir, folder)
    # A syndicated copy of the NBC report on another site: it must join the
    # story without counting as a second source.
    nbc = (seeds_dir / "002_7868c019a8f5e8bf.txt").read_text(encoding="utf-8")
    copy = {"text": nbc, "url": "https://www.msn.com/en-us/news/world/rebels-enter-hama", "title": "Rebels enter Hama"}
    (folder / "syndicated.jsonl").write_text(json.dumps(copy) + "\n", encoding="utf-8")
    ingest([str(folder)], store)
    analyze_pending(store)
    report = link_pending(store)
    assert report.linked == 2 and report.copies == 1
    return store


def _by_text(claims: list[dict], *needles: str) -> list[dict]:
    return [c for c in claims if any(n in m["text"] for m in c["mentions"] for n in needles)]


def test_both_outlets_and_the_copy_form_one_story(linked):
    rows = list_stories(linked)
    assert len(rows) == 1
    assert rows[0]["size"] == 3 and rows[0]["outlets"] == 3  # the copy's site carried it too
    assert count_unlinked(linked) == 0
    before = build_export(linked)
    again = link_pending(linked)
    assert again.linked == 0 and again.copies == 0
    after = build_export(linked)
    for key in ("stories", "claims", "entities"):
        assert after[key] == before[key]


def test_story_summary_is_whole_sentences_the_outlets_published(linked):
    summary = list_stories(linked)[0]["summary"]
    texts = [" ".join(a["text"].split()) for a in build_export(linked)["articles"]]
    pieces = re.split(r"(?<=[.!?”])\s+(?=[A-Z“])", summary)
    assert len(pieces) >= 3
    for piece in pieces:
        assert any(piece in text for text in texts), piece
        assert piece[-1] in ".!?”", piece


def test_entities_are_one_across_outlets(linked):
    document = build_export(linked)
    validate_export(document)
    by_name = {e["name"]: e for e in document["entities"]}
    outlets = {a["id"]: a["outlet"] for a in document["articles"]}
    for name in ("Samuel Ramani", "Hayat Tahrir al-Sham", "Bashar al-Assad"):
        assert name in by_name, f"{name} missing"
        assert {outlets[m["article"]] for m in by_name[name]["mentions"]} == {"Al Jazeera", "NBC News"}, name
    assert "Hafez al-Assad" in by_name and by_name["Hafez al-Assad"]["id"] != by_name["Bashar al-Assad"]["id"]


def test_claim_statuses_and_independent_origins(linked):
    story = list_stories(linked)[0]["id"]
    claims = story_dossier(linked, story)["claims"]

    # rebels took Hama: NBC's lead, with Al Jazeera's "opposition forces entered Hama"
    taken = _by_text(claims, "Rebel forces entered the Syrian city of Hama")
    assert taken and taken[0]["status"] == "corroborated" and taken[0]["independent_origins"] >= 2
    assert {m["outlet"] for m in taken[0]["mentions"]} >= {"Al Jazeera", "NBC News"}

    redeployed = _by_text(claims, "redeploying its forces", "redeployed and repositioned")
    assert redeployed
    assert all(c["independent_origins"] == 1 and c["status"] != "corroborated" for c in redeployed)

    aleppo = _by_text(claims, "second-largest city")
    assert aleppo and aleppo[0]["status"] == "contested"

    airport = _by_text(claims, "military airport")
    assert airport and airport[0]["status"] == "single-source"
    prisoners = _by_text(claims, "freed hundreds")
    assert prisoners and prisoners[0]["status"] == "single-source"
