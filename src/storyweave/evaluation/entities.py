"""``storyweave eval entities``: cross-document entity resolution on NewsReader MEANTIME.

Data: ``<evaldata>/temporal/meantime_en/intra_cross-doc_annotation/*/*.xml`` (CAT XML; see
``../shared/evaldata/temporal``). MEANTIME links the entity mentions of its 120 Wikinews
articles to cross-document instances (``ENTITY`` markables with an ``instance_id``), which is
exactly the decision the link stage makes when it folds each article's entities into the
global ones.

What is scored is that cross-document step alone, the product's own
(``storyweave.link.entities.resolve_entities``: an empty ``EntityIndex`` given every record,
the index the link stage adds articles to). Within-document grouping comes from the gold
annotation: one ``EntityRecord`` per (document, gold instance) with named mentions, its name
the longest named mention (most words, then most characters), the other named mentions its
aliases, and the names of the document's other instances its context. Only the types the
product resolves are kept (``LABELS``: person, organisation, place, product, financial).

Score: B-cubed and pairwise precision/recall/F1 of the predicted entity of each record against
its gold instance (``storyweave.evaluation.cluster_scores``), over all records and per type.
"""

from __future__ import annotations

import logging
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from storyweave.errors import EvalDataMissing
from storyweave.evaluation.cluster_scores import ClusterScores, score_clusters
from storyweave.evaluation.report import Report
from storyweave.link.entities import EntityRecord, resolve_entities

LOGGER = logging.getLogger(__name__)

COMMAND = "storyweave eval entities"
DATASETS = ("meantime",)
FOLDER = "temporal/meantime_en/intra_cross-doc_annotation"
#: MEANTIME entity types -> the product's entity types (others are not resolved across documents)
LABELS = {"PER": "PERSON", "ORG": "ORG", "LOC": "GPE", "PRO": "PRODUCT", "FIN": "MONEY"}

Ref = tuple[str, str]  # (document, gold instance)


def meantime_folder(evaldata_dir: Path) -> Path:
    """MEANTIME's annotated folder under ``evaldata_dir``; ``EvalDataMissing`` when absent."""
    folder = Path(evaldata_dir) / FOLDER
    if not folder.is_dir():
        raise EvalDataMissing(
            f"{folder} not found: point --evaldata at the shared evaldata folder (see ../shared/evaldata/README.md)"
        )
    return folder


def document_paths(folder: Path, limit: int | None = None) -> list[Path]:
    """The corpus's CAT files in sorted order (topic folder, then name); the first ``limit``."""
    return sorted(folder.glob("*/*.xml"))[:limit]


def document_records(path: Path) -> list[EntityRecord]:
    """One document's named entities as ``EntityRecord``s, one per gold cross-document instance
    (its key is the instance id, so a record's gold entity is its own key)."""
    root = ET.parse(path).getroot()
    tokens = {t.get("t_id"): t.text or "" for t in root.iter("token")}
    named, instances = {}, {}
    for markable in root.find("Markables"):
        if markable.tag == "ENTITY_MENTION" and markable.get("syntactic_type") == "NAM":
            named[markable.get("m_id")] = " ".join(tokens[a.get("t_id")] for a in markable.findall("token_anchor"))
        elif markable.tag == "ENTITY" and markable.get("instance_id"):
            instances[markable.get("m_id")] = (markable.get("instance_id"), markable.get("ent_type"))
    groups: dict[tuple[str, str], list[str]] = {}
    for relation in root.iter("REFERS_TO"):
        target = relation.find("target")
        if target is not None and target.get("m_id") in instances:
            texts = [named[s.get("m_id")] for s in relation.findall("source") if s.get("m_id") in named]
            if texts:
                groups.setdefault(instances[target.get("m_id")], []).extend(texts)
    # the context is every named instance of the document, of any type, by its longest mention
    names = {max(texts, key=len) for texts in groups.values()}
    records = []
    for (instance, kind), texts in sorted(groups.items()):
        if kind not in LABELS:
            continue
        name = max(texts, key=lambda t: (len(t.split()), len(t)))
        aliases = tuple(sorted(set(texts) - {name}))
        context = frozenset(names - {name})
        records.append(EntityRecord(path.stem, instance, name, LABELS[kind], aliases, None, len(texts), context))
    return records


def meantime_records(folder: Path, limit: int | None = None) -> tuple[list[EntityRecord], dict[Ref, str]]:
    """Every record of the first ``limit`` documents of ``folder`` and the gold instance of each."""
    records = [r for path in document_paths(folder, limit) for r in document_records(path)]
    return records, {(r.article_id, r.key): r.key for r in records}


def _row(label: str, records: int, scores: ClusterScores) -> list[object]:
    return [label, records, scores.gold, scores.predicted, scores.bcubed_p, scores.bcubed_r, scores.bcubed_f1,
            scores.pair_p, scores.pair_r, scores.pair_f1]


def evaluate_entities(
    evaldata_dir: Path, dataset: str = "meantime", limit: int | None = None, progress: bool = False
) -> Report:
    """Score cross-document entity resolution on ``dataset`` (only "meantime" for now)."""
    if dataset not in DATASETS:
        raise ValueError(f"unknown entities dataset {dataset!r}: choose from {', '.join(DATASETS)}")
    folder = meantime_folder(evaldata_dir)
    records, gold = meantime_records(folder, limit)
    if not records:
        raise EvalDataMissing(f"{folder} holds no named entity instances: restore MEANTIME from its release")
    documents = len({r.article_id for r in records})
    if progress:
        LOGGER.info("entities: resolving %d records of %d documents", len(records), documents)
    started = time.perf_counter()
    predicted = resolve_entities(records).assignments
    seconds = time.perf_counter() - started
    overall = score_clusters(predicted, gold)
    report = Report(
        key=f"eval-entities-{dataset}",
        title="Cross-document entities: MEANTIME English" + (f" (first {limit} documents)" if limit else ""),
        command=f"{COMMAND} --dataset {dataset}" + (f" --limit {limit}" if limit else ""),
        columns=["type", "records", "gold entities", "predicted", "B3 P", "B3 R", "B3 F1", "pair P", "pair R",
                 "pair F1"],
        metrics={
            "bcubed_p": overall.bcubed_p,
            "bcubed_r": overall.bcubed_r,
            "bcubed_f1": overall.bcubed_f1,
            "pair_f1": overall.pair_f1,
            "records": len(records),
            "documents": documents,
            "records_per_s": len(records) / seconds if seconds > 0 else 0.0,
        },
    )
    report.rows.append(_row("all", len(records), overall))
    for kind in sorted({r.type for r in records}):
        refs = {(r.article_id, r.key) for r in records if r.type == kind}
        report.rows.append(_row(kind, len(refs), score_clusters(predicted, {ref: gold[ref] for ref in refs})))
    report.notes.append(
        f"{documents} documents, {len(records)} records (one per document and gold cross-document instance "
        "with a named mention), resolved at once by storyweave.link.entities in "
        f"{seconds:.2f} s. Within-document grouping is the gold one, so only the cross-document step is "
        "scored: each record's predicted entity against its gold instance, B-cubed and pairwise over the "
        "records; a type's row scores that type's records only."
    )
    return report
