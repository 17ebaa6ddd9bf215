"""Event evaluation on NewsReader MEANTIME (English; Minard et al., LREC 2016).

Data: ``<evaldata>/temporal/meantime_en/intra_cross-doc_annotation/*/*.xml``, CAT XML
with tokens, ``EVENT_MENTION`` and ``ENTITY_MENTION`` markables, ``HAS_PARTICIPANT``
relations with PropBank roles (Arg0, Arg1, ...) and the ``CREATION_TIME`` timex.

Scope: MEANTIME annotates every event in the title and the first five sentences
(sentence ids 0-5; later sentences only partly), so the text is cut there on both sides.

Metrics:

- detection: a predicted event matches a gold ``EVENT_MENTION`` when its trigger
  token overlaps one of the mention's tokens; matching is one-to-one, in text order.
  MEANTIME marks *every* event ("reports", "losses", "rose"), while storyweave codes
  only political, violent and material events from its PLOVER lexicon, so recall
  against all gold events is low by design. ``lexicon recall`` is recall over the
  gold events whose (spaCy) lemma is in our trigger lexicon: how well the coder
  finds the events it is meant to find. Precision counts our predictions that
  MEANTIME also calls events.
- participants, over matched events: of the gold Arg0 participants that are entity
  mentions, the share that our actor span overlaps (actor accuracy); Arg1 against
  our target span likewise (target accuracy).
"""

from __future__ import annotations

import logging
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from storyweave.errors import EvalDataMissing
from storyweave.evaluation.dates import _iso, meantime_text
from storyweave.evaluation.report import Report

LOGGER = logging.getLogger(__name__)

FOLDER = "temporal/meantime_en/intra_cross-doc_annotation"
COMMAND = "storyweave eval events"
Ranges = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class GoldEvent:
    """One gold event mention: its token ranges and its Arg0/Arg1 entity mentions."""

    tokens: Ranges
    arg0: tuple[Ranges, ...]
    arg1: tuple[Ranges, ...]


@dataclass(frozen=True)
class GoldArticle:
    name: str
    text: str
    published: str | None
    events: tuple[GoldEvent, ...]


def read_article(path: Path) -> GoldArticle:
    """A MEANTIME CAT file cut to its fully annotated sentences: text rebuilt from tokens."""
    root = ET.parse(path).getroot()
    text, offsets = meantime_text(root)

    def ranges(markable: ET.Element) -> Ranges:
        return tuple(
            offsets[a.get("t_id")] for a in markable.findall("token_anchor") if a.get("t_id") in offsets
        )

    markables = root.find("Markables")
    entities = (
        {m.get("m_id"): ranges(m) for m in markables.iter("ENTITY_MENTION")} if markables is not None else {}
    )
    roles: dict[str, dict[str, list[Ranges]]] = {}
    for rel in root.iter("HAS_PARTICIPANT"):
        target = entities.get(rel.find("target").get("m_id"))
        if target:  # VALUE participants (amounts) have no entity span to compare
            role = roles.setdefault(rel.find("source").get("m_id"), {})
            role.setdefault(rel.get("sem_role", ""), []).append(target)
    events = []
    for m in markables.iter("EVENT_MENTION") if markables is not None else ():
        tokens = ranges(m)
        if tokens:
            role = roles.get(m.get("m_id"), {})
            events.append(GoldEvent(tokens, tuple(role.get("Arg0", ())), tuple(role.get("Arg1", ()))))
    published = None
    for tx in root.iter("TIMEX3"):
        if tx.get("functionInDocument") == "CREATION_TIME":
            published = _iso(tx.get("value") or None)
    events.sort(key=lambda e: e.tokens[0])
    return GoldArticle(path.stem, text, published, tuple(events))


def load_articles(evaldata_dir: Path, limit: int | None = None) -> list[GoldArticle]:
    """The MEANTIME English articles, sorted by topic folder and file name."""
    base = Path(evaldata_dir) / FOLDER
    files = sorted(base.glob("*/*.xml"))
    if not files:
        raise EvalDataMissing(f"no MEANTIME files under {base}: see ../shared/evaldata/temporal/SOURCE.md")
    return [read_article(p) for p in files[:limit]]


@dataclass
class Counts:
    gold: int = 0
    predicted: int = 0
    matched: int = 0
    gold_in_lexicon: int = 0
    matched_in_lexicon: int = 0
    arg0: int = 0
    arg0_hit: int = 0
    arg1: int = 0
    arg1_hit: int = 0
    types: dict[str, int] = field(default_factory=dict)

    def add(self, other: Counts) -> None:
        for name in self.__dataclass_fields__:
            if name != "types":
                setattr(self, name, getattr(self, name) + getattr(other, name))
        for key, value in other.types.items():
            self.types[key] = self.types.get(key, 0) + value


def _overlap(ranges: Ranges, start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in ranges)


def score_article(gold: GoldArticle, doc, lexicon: frozenset[str]) -> Counts:
    """Counts for one article; ``doc`` is its parsed ``Doc`` with ``doc._.events``."""
    counts = Counts(gold=len(gold.events), predicted=len(doc._.events))
    used: set[int] = set()
    for g in gold.events:
        lemmas = {t.lemma_.lower() for t in doc if _overlap(g.tokens, t.idx, t.idx + len(t.text))}
        in_lexicon = bool(lemmas & lexicon)
        counts.gold_in_lexicon += in_lexicon
        match = next(
            (
                i
                for i, e in enumerate(doc._.events)
                if i not in used and _overlap(g.tokens, e.trigger_start, e.trigger_end)
            ),
            None,
        )
        if match is None:
            continue
        used.add(match)
        event = doc._.events[match]
        counts.matched += 1
        counts.matched_in_lexicon += in_lexicon
        counts.types[event.type] = counts.types.get(event.type, 0) + 1
        a_span = (event.actor_start, event.actor_end) if event.actor_start is not None else None
        t_span = (event.target_start, event.target_end) if event.target_start is not None else None
        for ranges in g.arg0:
            counts.arg0 += 1
            counts.arg0_hit += a_span is not None and _overlap(ranges, *a_span)
        for ranges in g.arg1:
            counts.arg1 += 1
            counts.arg1_hit += t_span is not None and _overlap(ranges, *t_span)
    return counts


def _ratio(a: int, b: int) -> float:
    return a / b if b else 0.0


def evaluate_events(evaldata_dir: Path, limit: int | None = None, progress: bool = False) -> Report:
    """Score ``storyweave_events`` on MEANTIME English: detection P/R/F1 and participant accuracy."""
    from storyweave.nlp.events.coding import load_event_rules
    from storyweave.nlp.pipeline import load_analyzer, make_doc

    articles = load_articles(evaldata_dir, limit)
    nlp = load_analyzer()  # the analysis pipeline, events included
    lexicon = load_event_rules().lemmas()
    total = Counts()
    docs = (make_doc(nlp, a.text, a.published) for a in articles)
    for i, (gold, doc) in enumerate(zip(articles, nlp.pipe(docs, batch_size=16)), 1):
        total.add(score_article(gold, doc, lexicon))
        if progress and i % 20 == 0:
            LOGGER.info("events: %d/%d articles", i, len(articles))
    p = _ratio(total.matched, total.predicted)
    r = _ratio(total.matched, total.gold)
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    lex_r = _ratio(total.matched_in_lexicon, total.gold_in_lexicon)
    actor_acc = _ratio(total.arg0_hit, total.arg0)
    target_acc = _ratio(total.arg1_hit, total.arg1)
    suffix = f" --limit {limit}" if limit else ""
    types = ", ".join(f"{k} {v}" for k, v in sorted(total.types.items(), key=lambda kv: -kv[1]))
    return Report(
        key="eval-events-meantime",
        title="Events: MEANTIME English" + (f" (first {limit} articles)" if limit else ""),
        command=COMMAND + suffix,
        columns=[
            "articles",
            "gold events",
            "coded",
            "matched",
            "P",
            "R",
            "F1",
            "gold in lexicon",
            "lexicon R",
            "Arg0",
            "actor acc.",
            "Arg1",
            "target acc.",
        ],
        rows=[
            [
                len(articles),
                total.gold,
                total.predicted,
                total.matched,
                p,
                r,
                f1,
                total.gold_in_lexicon,
                lex_r,
                total.arg0,
                actor_acc,
                total.arg1,
                target_acc,
            ]
        ],
        notes=[
            (
                "Title and first five sentences of each article (the fully annotated part). A coded event "
                "matches a gold EVENT_MENTION when its trigger overlaps the mention's tokens (one-to-one). "
                "MEANTIME marks every event; storyweave codes only PLOVER-lexicon events, so R is low by "
                "design: 'lexicon R' is recall over gold events whose lemma is in the trigger lexicon. "
                "Actor/target accuracy: share of gold Arg0/Arg1 entity participants of matched events "
                "that our actor/target phrase overlaps."
            ),
            f"Matched events by PLOVER type: {types or 'none'}.",
        ],
        metrics={
            "precision": p,
            "recall": r,
            "f1": f1,
            "lexicon_recall": lex_r,
            "actor_accuracy": actor_acc,
            "target_accuracy": target_acc,
        },
    )
