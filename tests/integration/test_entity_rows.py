"""``store.linking.entity_rows_of`` computes, without a database, the rows ``entity_rows`` reads back.

``storyweave eval stories`` links analyses it never stores through ``entity_rows_of``; the
link stage reads stored ones through ``entity_rows``. If the two drift apart, the eval no longer
measures what the link stage is given.
"""

from __future__ import annotations

from storyweave.pipeline.ingest import ingest
from storyweave.records import AnalyzedEntity, ArticleAnalysis, Mention
from storyweave.store import analysis as analysis_store
from storyweave.store import linking as link_store

TEXT = "Rebels entered Hama on Thursday, the Syrian army said. Hama lies north of Homs.\n"


def _analysis(article_id: str) -> ArticleAnalysis:
    hama = (Mention("Hama", 15, 19, "GPE", role="literal"), Mention("Hama", 55, 59, "GPE", role="literal"))
    return ArticleAnalysis(
        article_id=article_id,
        # out of key order, one span claimed by two entities (it counts for the first only),
        # one entity without mentions (it counts as one), aliases to decode
        entities=(
            AnalyzedEntity("place:hama", "Hama", "GPE", ("Hamah",), hama, geonameid=170017, lat=35.13,
                           lon=36.75, country="SY", level="town", role="literal"),
            AnalyzedEntity("org:syrian army", "Syrian army", "ORG", ("the army", "Syrian Army"),
                           (Mention("Syrian army", 37, 48, "ORG"),)),
            AnalyzedEntity("norp:syrian", "Syrian", "NORP", (), (Mention("Syrian", 37, 43, "NORP"),
                                                                  Mention("Hama", 15, 19, "GPE"))),
            AnalyzedEntity("place:homs", "Homs", "GPE", (), ()),
        ),
        dates=(),
        quotes=(),
    )


def test_entity_rows_of_an_analysis_are_what_the_store_reads_back(store, tmp_path):
    source = tmp_path / "article.txt"
    source.write_text(TEXT, encoding="utf-8")
    (article_id,) = ingest([str(source)], store).article_ids
    result = _analysis(article_id)
    with store.write() as conn:
        analysis_store.save_analysis(conn, result, "test-analyser")
    with store.read() as conn:
        stored = link_store.entity_rows(conn, [article_id])[article_id]

    computed = link_store.entity_rows_of(analysis_store.analysis_rows(result))

    assert computed == stored
    assert [row["key"] for row in computed] == sorted(e.key for e in result.entities)
    counts = {row["key"]: row["mention_count"] for row in computed}
    assert counts == {"norp:syrian": 1, "org:syrian army": 1, "place:hama": 2, "place:homs": 1}
