"""A local outlet's home area: learned from its articles, and its first articles analysed again
with it, in a local run and after the batch engine's rows are loaded."""

from __future__ import annotations

import json

from sqlalchemy import select

from storyweave.nlp.analysis import ANALYZER
from storyweave.nlp.places import distance_km
from storyweave.nlp.places.outlets import HOME_LEVELS
from storyweave.pipeline.analyze import analyze_pending, settle_outlet_homes
from storyweave.pipeline.ingest import ingest
from storyweave.store import analysis as analysis_store
from storyweave.store.schema import analyses, entities

ALEXANDRIA_LA = (31.31, -92.45)


def _write(folder, records):
    path = folder / "towntalk.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _alexandria(store):
    with store.read() as conn:
        rows = conn.execute(select(entities.c.lat, entities.c.lon).where(entities.c.name.like("Alexandria%"))
                            .where(entities.c.lat.is_not(None))).all()
    return rows


def test_a_local_outlets_first_articles_are_analysed_again_with_its_home(store, tmp_path, local_outlet_records):
    ingest([str(_write(tmp_path, local_outlet_records))], store)
    report = analyze_pending(store)
    assert report.analyzed == 4
    # one chunk: every article was analysed before the outlet's home was known, and is done again
    assert report.rehomed == 4
    with store.read() as conn:
        homes = [h for (h,) in conn.execute(select(analyses.c.outlet_home))]
    assert len(homes) == 4 and all(homes)
    lat, lon = map(float, homes[0].split(","))
    assert distance_km(lat, lon, *ALEXANDRIA_LA) < 150
    found = _alexandria(store)
    assert found and all(distance_km(la, lo, *ALEXANDRIA_LA) < 30 for la, lo in found)
    # the home is learned from each outlet's latest articles only (here the last 2 of 4)
    with store.read() as conn:
        latest = analysis_store.outlet_home_points(conn, ANALYZER, HOME_LEVELS, ["The Town Talk"], 2)
        every = analysis_store.outlet_home_points(conn, ANALYZER, HOME_LEVELS, ["The Town Talk"], 10)
    assert len(every["The Town Talk"]) == 4 and every["The Town Talk"][-2:] == latest["The Town Talk"]
    # settled: another run, or another settling, changes nothing
    assert analyze_pending(store).analyzed == 0
    assert settle_outlet_homes(store) == 0


def test_an_outlet_whose_towns_are_spread_out_has_no_home(store, tmp_path):
    spread = [
        ("Paris", "Police in Paris, France, arrested a man on Monday."),
        ("Tokyo", "A fire destroyed a house in Tokyo, Japan, on Tuesday."),
        ("Lima", "The city council of Lima, Peru, met on Wednesday."),
    ]
    path = tmp_path / "wire.jsonl"
    path.write_text("\n".join(json.dumps({"title": t, "text": x, "outlet": "World Wire",
                                          "url": f"https://wire.example.com/{i}"})
                              for i, (t, x) in enumerate(spread)) + "\n", encoding="utf-8")
    ingest([str(path)], store)
    report = analyze_pending(store)
    assert report.analyzed == 3 and report.rehomed == 0
    with store.read() as conn:
        assert [h for (h,) in conn.execute(select(analyses.c.outlet_home))] == [None, None, None]
