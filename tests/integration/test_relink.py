"""Articles analysed again after linking (a new analyser version) refresh their links and story claims.

The store is linked from an "older analysis" of the NBC report: the current one with its
claims removed and an entity the current analyser does not find. The current analyser then
re-analyses it, and the next link run must bring the entity links and the story's aligned
claims in line with the new results.
"""

from __future__ import annotations

import shutil

from sqlalchemy import delete, insert, select, update

from storyweave.pipeline.analyze import analyze_pending, count_pending
from storyweave.pipeline.ingest import ingest
from storyweave.pipeline.link import count_relinks, link_pending
from storyweave.queries.stories import list_stories, story_dossier
from storyweave.store.schema import (
    analyses,
    articles,
    claims,
    entities,
    entity_links,
    entity_mentions,
    global_entities,
)

OLD_ANALYZER = "storyweave-analysis/0"
ARTIFACT_KEY = "org:old analyser artifact"


def _captured(store) -> dict:
    story = list_stories(store)[0]["id"]
    found = [
        c for c in story_dossier(store, story)["claims"]
        if any("army said opposition forces entered Hama" in m["text"] for m in c["mentions"])
    ]
    assert found
    return found[0]


def _links(store, article_id: str) -> dict[str, str]:
    with store.read() as conn:
        rows = conn.execute(select(entity_links).where(entity_links.c.article_id == article_id))
        return {row.key: row.global_id for row in rows}


def _assert_index_as_rebuilt(store) -> None:
    """The link stage's entity index holds the current results' evidence, none of the old.

    Linked in any order, the two seed articles resolve as in one batch, so the index must
    equal a batch resolution of the stored results (on larger stores, incremental and
    batch resolution may differ on a bare surname or an ungeocoded place).
    """
    from storyweave.link.entities import EntityIndex, records_from_rows, resolve_entities
    from storyweave.pipeline.link import ENTITY_STATE
    from storyweave.store import linking as link_store

    with store.read() as conn:
        snapshot, changes = link_store.load_journal(conn, ENTITY_STATE)
        ids = [row.id for row in conn.execute(select(articles.c.id))]
        rows = link_store.entity_rows(conn, ids)
    index = EntityIndex.from_dict(EntityIndex.fold(snapshot, changes))
    rebuilt = resolve_entities(r for a in ids for r in records_from_rows(a, rows[a]))
    assert index.entities() == rebuilt.entities
    with store.read() as conn:
        stored = {row.id: row.name for row in conn.execute(select(global_entities))}
    assert stored == {i: e.name for i, e in rebuilt.entities.items()}


def _assert_story_counts_current(store) -> None:
    """Each story counts, for each global entity, the members whose current results name it."""
    from storyweave.link.clustering import ClusterState
    from storyweave.pipeline.link import STORY_STATE, story_evidence
    from storyweave.store import linking as link_store

    with store.read() as conn:
        snapshot, changes = link_store.load_journal(conn, STORY_STATE)
        state = ClusterState.from_json(ClusterState.fold(snapshot, changes))
        ids = list(state.article_story)
        rows, links = link_store.entity_rows(conn, ids), link_store.entity_links_of(conn, ids)
    for story in state.stories.values():
        names, places = {}, {}
        for article_id in story.articles:
            assignments = {(article_id, k): g for k, g in links[article_id].items()}
            article_names, article_places = story_evidence(article_id, rows[article_id], assignments)
            for bag, found in ((names, article_names), (places, article_places)):
                for global_id in found:
                    bag[global_id] = bag.get(global_id, 0) + 1
        assert (story.entities, story.places) == (names, places)


def _make_analysis_old(store, article_id: str) -> None:
    """What an older analyser might have left: no claims, and an entity the current one drops."""
    with store.write() as conn:
        conn.execute(delete(claims).where(claims.c.article_id == article_id))
        conn.execute(
            insert(entities).values(
                article_id=article_id, key=ARTIFACT_KEY, name="Old Analyser Artifact", type="ORG", aliases="[]"
            )
        )
        conn.execute(
            insert(entity_mentions).values(
                article_id=article_id, field="text", start=0, end=3, entity_key=ARTIFACT_KEY, text="Old", label="ORG"
            )
        )
        conn.execute(update(analyses).where(analyses.c.article_id == article_id).values(analyzer=OLD_ANALYZER))


def _analysed_seeds(store, seeds_dir, tmp_path) -> None:
    folder = tmp_path / "seeds"
    shutil.copytree(seeds_dir, folder)
    ingest([str(folder)], store)
    analyze_pending(store)


def test_reanalysis_refreshes_entity_links_and_story_claims(store, seeds_dir, tmp_path):
    _analysed_seeds(store, seeds_dir, tmp_path)
    with store.read() as conn:
        outlets = dict(conn.execute(select(articles.c.outlet, articles.c.id)).all())
    nbc, aljazeera = outlets["NBC News"], outlets["Al Jazeera"]
    _make_analysis_old(store, nbc)

    link_pending(store)
    stale = _captured(store)
    assert {m["outlet"] for m in stale["mentions"]} == {"Al Jazeera"}  # NBC's claims were not there
    assert ARTIFACT_KEY in _links(store, nbc)
    _assert_index_as_rebuilt(store)
    _assert_story_counts_current(store)
    current_keys = set(_links(store, nbc)) - {ARTIFACT_KEY}

    # The current analyser re-analyses the article: it is queued for the link stage.
    assert count_pending(store) == 1
    analyze_pending(store)
    assert count_relinks(store) == 1

    report = link_pending(store)

    assert report.relinked == 1 and report.linked == 0 and report.stories_touched == 1
    assert count_relinks(store) == 0
    fresh = _captured(store)
    assert {m["outlet"] for m in fresh["mentions"]} >= {"Al Jazeera", "NBC News"}
    assert fresh["status"] == "corroborated" and fresh["independent_origins"] >= 2
    links = _links(store, nbc)
    assert ARTIFACT_KEY not in links and set(links) >= current_keys  # the kept keys keep their links
    with store.read() as conn:
        assert not conn.execute(select(global_entities).where(global_entities.c.name == "Old Analyser Artifact")).first()
    # every entity the new analysis found is linked, and still shared across the outlets
    with store.read() as conn:
        keys = {row.key for row in conn.execute(select(entities.c.key).where(entities.c.article_id == nbc))}
    assert set(links) == keys
    shared = set(links.values()) & set(_links(store, aljazeera).values())
    assert len(shared) >= 5
    _assert_index_as_rebuilt(store)  # the old analysis's entities left the index with it
    _assert_story_counts_current(store)

    # nothing left to refresh: a second run changes nothing
    again = link_pending(store)
    assert again.relinked == 0 and again.linked == 0 and again.stories_touched == 0
    assert _links(store, nbc) == links


def test_a_queue_entry_without_old_entities_still_refreshes_the_links(store, seeds_dir, tmp_path):
    """Queued before the queue kept old entities (migration 0008): links still follow the new results."""
    from storyweave.store.schema import relink_queue

    _analysed_seeds(store, seeds_dir, tmp_path)
    with store.read() as conn:
        nbc = conn.execute(select(articles.c.id).where(articles.c.outlet == "NBC News")).scalar_one()
    _make_analysis_old(store, nbc)
    link_pending(store)
    analyze_pending(store)
    with store.write() as conn:
        assert conn.execute(select(relink_queue.c.linked_entities)).scalar_one()  # kept at queue time
        conn.execute(update(relink_queue).values(linked_entities=None))

    assert link_pending(store).relinked == 1
    with store.read() as conn:
        keys = {row.key for row in conn.execute(select(entities.c.key).where(entities.c.article_id == nbc))}
        assert not conn.execute(select(global_entities).where(global_entities.c.name == "Old Analyser Artifact")).first()
    assert set(_links(store, nbc)) == keys


def test_a_failed_reanalysis_is_queued_too(store, seeds_dir, tmp_path):
    from storyweave.store.analysis import save_failure

    _analysed_seeds(store, seeds_dir, tmp_path)
    link_pending(store)
    with store.read() as conn:
        nbc = conn.execute(select(articles.c.id).where(articles.c.outlet == "NBC News")).scalar_one()
    assert _links(store, nbc)

    with store.write() as conn:
        save_failure(conn, nbc, "storyweave-analysis/99")
    report = link_pending(store)

    assert report.relinked == 1
    assert _links(store, nbc) == {}  # its results are gone, so are their links
    outlets = {m["outlet"] for c in story_dossier(store, list_stories(store)[0]["id"])["claims"] for m in c["mentions"]}
    assert "NBC News" not in outlets
    _assert_index_as_rebuilt(store)
    _assert_story_counts_current(store)


def test_reanalysis_with_the_same_results_changes_nothing(store, seeds_dir, tmp_path):
    from storyweave.export.document import build_export

    _analysed_seeds(store, seeds_dir, tmp_path)
    link_pending(store)
    before = build_export(store)
    with store.write() as conn:
        conn.execute(update(analyses).values(analyzer=OLD_ANALYZER))

    analyze_pending(store)
    report = link_pending(store)

    assert report.relinked == 2
    after = build_export(store)
    for key in ("articles", "entities", "quotes", "events", "stories", "claims"):
        assert after[key] == before[key], key
