"""Reading and writing articles, their furniture, fingerprints and quarantine.

Functions take an open ``Connection`` so the caller decides the transaction:
one document's whole write (article, furniture, fingerprint) commits or rolls
back together.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Iterable, Optional, Sequence

from sqlalchemy import Connection, and_, func, insert, or_, select, tuple_

from storyweave.fingerprints import Fingerprint, estimated_jaccard, signature_from_bytes
from storyweave.records import Article, DocumentError, QuarantineRecord, RemovedSpan
from storyweave.store.schema import articles, minhash_bands, minhash_signatures, quarantine, removed_spans


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class DuplicateMatch:
    """The earlier article a new one copies."""

    article_id: str
    kind: str  # "exact" or "near"
    similarity: float


def article_id_for(doc_key: str) -> str:
    """A short, stable article id derived from the document key."""
    return doc_key[:16]


def find_by_key(conn: Connection, doc_key: str) -> Optional[str]:
    return conn.execute(select(articles.c.id).where(articles.c.doc_key == doc_key)).scalar_one_or_none()


def find_duplicate(conn: Connection, fp: Fingerprint, threshold: float) -> Optional[DuplicateMatch]:
    """The earliest stored original that ``fp`` copies exactly or nearly, if any."""
    exact = conn.execute(
        select(articles.c.id, articles.c.duplicate_of)
        .where(articles.c.content_hash == fp.content_hash)
        .order_by(articles.c.seq)
        .limit(1)
    ).first()
    if exact is not None:
        return DuplicateMatch(exact.duplicate_of or exact.id, "exact", 1.0)

    bands = fp.bands()
    candidates = conn.execute(
        select(minhash_signatures.c.article_id, minhash_signatures.c.signature, articles.c.seq)
        .join(articles, articles.c.id == minhash_signatures.c.article_id)
        .where(
            minhash_signatures.c.article_id.in_(
                select(minhash_bands.c.article_id)
                .where(tuple_(minhash_bands.c.band, minhash_bands.c.hash).in_(bands))
                .distinct()
            )
        )
        .order_by(articles.c.seq)
    ).all()
    for row in candidates:
        similarity = estimated_jaccard(fp.signature, signature_from_bytes(row.signature))
        if similarity >= threshold:
            return DuplicateMatch(row.article_id, "near", similarity)
    return None


def insert_article(
    conn: Connection,
    *,
    doc_key: str,
    fp: Fingerprint,
    values: dict,
    removed: Sequence[RemovedSpan],
    duplicate: Optional[DuplicateMatch],
) -> str:
    """Insert one article with its furniture; originals also enter the LSH index."""
    article_id = article_id_for(doc_key)
    seq = (conn.execute(select(func.max(articles.c.seq))).scalar() or 0) + 1
    conn.execute(
        insert(articles).values(
            id=article_id,
            doc_key=doc_key,
            content_hash=fp.content_hash,
            seq=seq,
            ingested_at=now_iso(),
            duplicate_of=duplicate.article_id if duplicate else None,
            duplicate_kind=duplicate.kind if duplicate else None,
            similarity=duplicate.similarity if duplicate else None,
            **values,
        )
    )
    if removed:
        conn.execute(
            insert(removed_spans),
            [
                {"article_id": article_id, "position": i, "kind": span.kind, "text": span.text}
                for i, span in enumerate(removed)
            ],
        )
    if duplicate is None:
        conn.execute(insert(minhash_signatures).values(article_id=article_id, signature=fp.signature_bytes()))
        conn.execute(
            insert(minhash_bands),
            [{"band": band, "hash": value, "article_id": article_id} for band, value in set(fp.bands())],
        )
    return article_id


def add_quarantine(conn: Connection, error: DocumentError) -> bool:
    """Record a failed document once; return False when it was already recorded."""
    key = hashlib.sha256(
        "\x00".join((error.source, error.content_sha256 or error.reason)).encode("utf-8")
    ).hexdigest()
    if conn.execute(select(quarantine.c.id).where(quarantine.c.key == key)).first() is not None:
        return False
    conn.execute(
        insert(quarantine).values(
            key=key,
            source=error.source,
            reason=error.reason,
            reader=error.reader or "",
            content_sha256=error.content_sha256,
            created_at=now_iso(),
        )
    )
    return True


def get_article(conn: Connection, article_id: str) -> Optional[Article]:
    """One article with its removed furniture; ``article_id`` may be a unique prefix."""
    query = select(articles).where(
        or_(articles.c.id == article_id, articles.c.id.startswith(article_id, autoescape=True))
    ).limit(2)
    rows = conn.execute(query).mappings().all()
    if len(rows) != 1:
        exact = [r for r in rows if r["id"] == article_id]
        if not exact:
            return None
        rows = exact
    row = rows[0]
    removed = tuple(
        RemovedSpan(text=r.text, kind=r.kind)
        for r in conn.execute(
            select(removed_spans.c.kind, removed_spans.c.text)
            .where(removed_spans.c.article_id == row["id"])
            .order_by(removed_spans.c.position)
        )
    )
    return _article(row, removed)


def list_articles(
    conn: Connection,
    *,
    outlet: Optional[str] = None,
    include_duplicates: bool = True,
    limit: Optional[int] = None,
    offset: int = 0,
) -> list[Article]:
    """Articles in ingest order, optionally for one outlet and without copies."""
    query = select(articles).order_by(articles.c.seq)
    conditions = []
    if outlet:
        conditions.append(func.lower(articles.c.outlet) == outlet.lower())
    if not include_duplicates:
        conditions.append(articles.c.duplicate_of.is_(None))
    if conditions:
        query = query.where(and_(*conditions))
    if limit is not None:
        query = query.limit(limit)
    if offset:
        query = query.offset(offset)
    return [_article(row) for row in conn.execute(query).mappings()]


def removed_by_article(conn: Connection, article_ids: Iterable[str]) -> dict[str, tuple[RemovedSpan, ...]]:
    """Removed furniture for many articles at once (for exports)."""
    ids = list(article_ids)
    out: dict[str, list[RemovedSpan]] = {i: [] for i in ids}
    for chunk in _chunks(ids, 500):
        rows = conn.execute(
            select(removed_spans)
            .where(removed_spans.c.article_id.in_(chunk))
            .order_by(removed_spans.c.article_id, removed_spans.c.position)
        )
        for row in rows:
            out[row.article_id].append(RemovedSpan(text=row.text, kind=row.kind))
    return {k: tuple(v) for k, v in out.items()}


def count_articles(conn: Connection) -> dict[str, int]:
    """Totals: articles, originals, duplicates, quarantined documents."""
    total = conn.execute(select(func.count()).select_from(articles)).scalar_one()
    copies = conn.execute(
        select(func.count()).select_from(articles).where(articles.c.duplicate_of.is_not(None))
    ).scalar_one()
    failed = conn.execute(select(func.count()).select_from(quarantine)).scalar_one()
    return {"articles": total, "originals": total - copies, "duplicates": copies, "quarantined": failed}


def list_quarantine(conn: Connection, limit: Optional[int] = None) -> list[QuarantineRecord]:
    query = select(quarantine).order_by(quarantine.c.id)
    if limit is not None:
        query = query.limit(limit)
    return [
        QuarantineRecord(
            id=row.id,
            source=row.source,
            reason=row.reason,
            reader=row.reader,
            content_sha256=row.content_sha256,
            created_at=row.created_at,
        )
        for row in conn.execute(query)
    ]


def _article(row, removed: tuple[RemovedSpan, ...] = ()) -> Article:
    return Article(
        id=row["id"],
        source=row["source"],
        text=row["text"],
        outlet=row["outlet"],
        url=row["url"],
        title=row["title"],
        author=row["author"],
        published=row["published"],
        site_name=row["site_name"],
        language=row["language"],
        reader=row["reader"],
        content_hash=row["content_hash"],
        duplicate_of=row["duplicate_of"],
        duplicate_kind=row["duplicate_kind"],
        similarity=row["similarity"],
        ingested_at=row["ingested_at"],
        removed=removed,
    )


def _chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i : i + size]
