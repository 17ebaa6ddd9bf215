"""The store's tables, as SQLAlchemy Core metadata.

This is the shape the code reads and writes. The migrations in
``store/migrations/versions`` build exactly this shape on an empty database;
a contract test compares the two so they cannot drift apart.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

#: One row per ingested document. A syndicated or repeated copy is stored too,
#: with ``duplicate_of`` pointing at the earliest original, so it is shown but
#: never counted as a second source.
articles = Table(
    "articles",
    metadata,
    Column("id", String(32), primary_key=True),
    # sha256 of the normalised text and the article's origin (URL or outlet):
    # the same input ingested again maps to the same key and changes nothing.
    Column("doc_key", String(64), nullable=False, unique=True),
    Column("content_hash", String(64), nullable=False, index=True),
    Column("source", Text, nullable=False),
    Column("reader", String(16), nullable=False),
    Column("outlet", Text),
    Column("url", Text),
    Column("title", Text),
    Column("author", Text),
    Column("published", String(40)),
    Column("site_name", Text),
    Column("language", String(16)),
    Column("text", Text, nullable=False),
    Column("duplicate_of", String(32), ForeignKey("articles.id"), index=True),
    Column("duplicate_kind", String(8)),
    Column("similarity", Float),
    Column("seq", Integer, nullable=False, unique=True),
    Column("ingested_at", String(40), nullable=False),
)

#: Page furniture the text reader took out, in document order.
removed_spans = Table(
    "removed_spans",
    metadata,
    Column("article_id", String(32), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("text", Text, nullable=False),
)

#: MinHash signatures of original articles, for near-duplicate checks.
minhash_signatures = Table(
    "minhash_signatures",
    metadata,
    Column("article_id", String(32), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("signature", LargeBinary, nullable=False),
)

#: Locality-sensitive hashing bands of those signatures: two articles that
#: share any (band, hash) row are near-duplicate candidates.
minhash_bands = Table(
    "minhash_bands",
    metadata,
    Column("band", Integer, primary_key=True),
    Column("hash", BigInteger, primary_key=True),
    Column("article_id", String(32), ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
)

#: Documents that could not be read, with the reason. ``key`` makes a
#: re-ingest of the same bad input a no-op.
quarantine = Table(
    "quarantine",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(64), nullable=False, unique=True),
    Column("source", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("reader", String(16), nullable=False),
    Column("content_sha256", String(64)),
    Column("created_at", String(40), nullable=False),
)

Index("ix_articles_outlet", articles.c.outlet)
Index("ix_articles_published", articles.c.published)




def _article_fk() -> ForeignKey:
    return ForeignKey("articles.id", ondelete="CASCADE")


#: One row per analysed article: which analyser version produced its results.
#: Articles without a row are pending, so an interrupted analysis resumes.
analyses = Table(
    "analyses",
    metadata,
    Column("article_id", String(32), _article_fk(), primary_key=True),
    Column("analyzer", String(64), nullable=False),
    Column("analyzed_at", String(40), nullable=False),
    #: the outlet's home point ("lat,lon") its places were resolved with, or NULL: none was known
    #: yet, and the article is analysed again once its outlet shows one (migration 0015)
    Column("outlet_home", String(40)),
)

#: Articles whose analysis raised, with the analyser version and the reason (migration 0010).
#: Such an article has no ``analyses`` row, so the link stage leaves it out of stories until an
#: analysis succeeds. The same analyser version does not retry it by itself; a new version, or
#: ``storyweave analyze --retry-failed``, does. ``attempts`` counts the failed tries.
analysis_failures = Table(
    "analysis_failures",
    metadata,
    Column("article_id", String(32), _article_fk(), primary_key=True),
    Column("analyzer", String(64), nullable=False),
    Column("reason", Text, nullable=False),
    Column("failed_at", String(40), nullable=False),
    Column("attempts", Integer, nullable=False, server_default="1"),
)

#: Entities of one article after canonicalisation; places carry coordinates.
entities = Table(
    "entities",
    metadata,
    Column("article_id", String(32), _article_fk(), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("name", Text, nullable=False),
    Column("type", String(16), nullable=False),
    Column("aliases", Text, nullable=False),  # JSON list
    Column("geonameid", Integer),
    Column("lat", Float),
    Column("lon", Float),
    Column("country", String(8)),
    #: for a place: its level (country, admin1, admin2, town, facility-in-town, ...) and its
    #: role in the article ("literal" goes on the map; "metonymic", "demonym" do not)
    Column("level", String(24)),
    Column("role", String(16)),
    Index("ix_entities_name", "name"),
    #: an entity page and the search's entity filter look entities up by key across articles;
    #: the primary key (article_id, key) cannot serve a lookup by key alone (0012)
    Index("ix_entities_key", "key"),
)

#: ``field`` says what the offsets point into: "" for the article text,
#: "removed:N" for the N-th removed span (places named only in a photo caption).
entity_mentions = Table(
    "entity_mentions",
    metadata,
    Column("article_id", String(32), _article_fk(), primary_key=True),
    Column("field", String(32), primary_key=True),
    Column("start", Integer, primary_key=True),
    Column("end", Integer, primary_key=True),
    Column("entity_key", String(200), nullable=False),
    Column("text", Text, nullable=False),
    Column("label", String(16), nullable=False),
    #: for a place mention: "literal", "demonym" or "metonymic" ("Washington said")
    Column("role", String(16)),
)

date_mentions = Table(
    "date_mentions",
    metadata,
    Column("article_id", String(32), _article_fk(), primary_key=True),
    Column("start", Integer, primary_key=True),
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("value", String(40)),
    Column("kind", String(16), nullable=False),
    Column("relative", String(80)),
)

quotes = Table(
    "quotes",
    metadata,
    Column("article_id", String(32), _article_fk(), primary_key=True),
    Column("start", Integer, primary_key=True),
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("speaker", Text),
    Column("speaker_start", Integer),
    Column("speaker_end", Integer),
    Column("speaker_entity", Text),
    Column("cue", Text),
    Column("cue_start", Integer),
    Column("cue_end", Integer),
    Column("direct", Boolean, nullable=False),
    # speech, according, cognition, intention, evidence, stance, passive, impression
    Column("kind", String(16), nullable=False),
)

#: PLOVER-coded events of one article, in document order.
events = Table(
    "events",
    metadata,
    Column("article_id", String(32), _article_fk(), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("action", Text, nullable=False),
    Column("lemma", String(64), nullable=False),
    Column("type", String(32), nullable=False),
    Column("code", String(64), nullable=False),
    Column("actor", Text),
    Column("actor_entity", String(200)),
    Column("target", Text),
    Column("target_entity", String(200)),
    Column("place", Text),
    Column("place_entity", String(200)),
    Column("date", String(40)),
    Column("date_text", Text),
    Column("trigger_start", Integer, nullable=False),
    Column("trigger_end", Integer, nullable=False),
    Column("sentence_start", Integer, nullable=False),
    Column("sentence_end", Integer, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("background", Boolean, nullable=False),
    Column("attributed_to", Text),
    Index("ix_events_type", "type"),
)

#: Claim units of one article (storyweave.records.Claim); lists are stored as JSON text.
claims = Table(
    "claims",
    metadata,
    Column("article_id", String(32), _article_fk(), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("text", Text, nullable=False),
    Column("display", Text, nullable=False),
    Column("content", Text, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("sentence_start", Integer, nullable=False),
    Column("sentence_end", Integer, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("headline", Boolean, nullable=False),
    Column("negated", Boolean, nullable=False),
    Column("denied", Boolean, nullable=False),
    Column("entities", Text, nullable=False),
    Column("places", Text, nullable=False),
    Column("numbers", Text, nullable=False),
    Column("dates", Text, nullable=False),
    Column("ranks", Text, nullable=False),
    Column("lemmas", Text, nullable=False),
    Column("atoms", Text, nullable=False),
    Column("attributed_to", Text),
    Column("attribution_text", Text),
    Column("quote_start", Integer),
    Column("quote_end", Integer),
    Column("direct", Boolean, nullable=False),
    Column("hedges", Text, nullable=False),
    Column("hedged", Boolean, nullable=False),
    Column("scope_hedges", Text, nullable=False),
    Column("check_worthy", Float, nullable=False),
    Column("event_code", String(64)),
    Column("actors", Text),  # JSON list of entity keys; NULL in rows from before revision 0013
    Column("views", Text),  # JSON list of the clauses compared on their own; NULL before revision 0014
)

# -- cross-document linking ---------------------------------------------------

#: Linking state kept between runs as JSON (story clusterer, entity index).
link_state = Table(
    "link_state",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("data", Text, nullable=False),
    Column("updated_at", String(40), nullable=False),
)

#: Changes to ``link_state`` made by each linked chunk since its snapshot (migration 0006).
link_state_log = Table(
    "link_state_log",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("name", String(32), nullable=False),
    Column("data", Text, nullable=False),
    Column("created_at", String(40), nullable=False),
    Index("ix_link_state_log_name_seq", "name", "seq"),
)

#: Articles re-analysed after they were linked; the link stage refreshes their entity links and
#: their stories' claims, then removes them (migration 0007). ``linked_entities``: the entity
#: rows the link stage resolved, as JSON, for it to take back out of the entity index (0008).
relink_queue = Table(
    "relink_queue",
    metadata,
    Column("article_id", String(32), _article_fk(), primary_key=True),
    Column("queued_at", String(40), nullable=False),
    Column("linked_entities", Text, nullable=True),
)

#: One row per entity across all articles, after cross-document resolution.
global_entities = Table(
    "global_entities",
    metadata,
    Column("id", String(200), primary_key=True),
    Column("name", Text, nullable=False),
    Column("type", String(16), nullable=False),
    Column("aliases", Text, nullable=False),
    Column("geonameid", Integer),
)

#: Which global entity each article-level entity is.
entity_links = Table(
    "entity_links",
    metadata,
    Column("article_id", String(32), _article_fk(), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("global_id", String(200), nullable=False),
    Index("ix_entity_links_global_id", "global_id"),
)

stories = Table(
    "stories",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("title", Text, nullable=False),
    Column("title_article", String(32)),
    Column("first_seen", String(40)),
    Column("last_seen", String(40)),
    Column("size", Integer, nullable=False),
    Column("summary", Text),
    Column("updated_at", String(40), nullable=False),
)

#: Story membership; a syndicated copy joins its original's story.
story_articles = Table(
    "story_articles",
    metadata,
    Column("article_id", String(32), _article_fk(), primary_key=True),
    Column("story_id", String(32), ForeignKey("stories.id"), nullable=False),
    Column("score", Float, nullable=False),
    Column("ann_key", Integer),
    Index("ix_story_articles_story_id", "story_id"),
)

#: Each linked article's lead embedding; the ANN index is rebuilt from these.
article_vectors = Table(
    "article_vectors",
    metadata,
    Column("article_id", String(32), _article_fk(), primary_key=True),
    Column("encoder", String(32), nullable=False),
    Column("vector", LargeBinary, nullable=False),
)

#: Claims aligned across the articles of a story, with status and origin count.
claim_groups = Table(
    "claim_groups",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("story_id", String(32), ForeignKey("stories.id"), nullable=False),
    Column("text", Text, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("independent_origins", Integer, nullable=False),
    Column("origins", Text, nullable=False),  # JSON list of {key, label}
    Column("conflicts", Text, nullable=False),  # JSON list of reasons
    Column("versions", Text, nullable=False, server_default="[]"),  # JSON list of {text, outlets}
    Column("outlets", Integer, nullable=False, server_default="0"),
    Column("score", Float, nullable=False, server_default="0"),
    Index("ix_claim_groups_story_id", "story_id"),
)

claim_mentions = Table(
    "claim_mentions",
    metadata,
    Column("group_id", String(40), ForeignKey("claim_groups.id", ondelete="CASCADE"), primary_key=True),
    Column("article_id", String(32), _article_fk(), primary_key=True),
    Column("start", Integer, primary_key=True),
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("outlet", Text),
    Column("attributed_to", Text),
    Column("origin_key", Text),
    Column("hedged", Boolean, nullable=False),
    Column("display", Text),
    Column("version", Integer, nullable=False, server_default="0"),
)
