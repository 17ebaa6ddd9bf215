"""Geoparsing evaluation: toponym recognition and resolution on LGL and TR-News.

Data: ``evaldata/geoparsing/{lgl,TR-News}.xml`` (see its SOURCE.md). Metrics, as in the
geoparsing literature (Gritta et al. 2019, "A Pragmatic Guide to Geoparsing Evaluation"):

- recall: gold toponyms overlapped by a predicted toponym span;
- precision: predicted toponym spans that overlap a gold toponym (the gold sets are not
  exhaustive, so this is a lower bound);
- accuracy at 161 km: of the recognised gold toponyms with coordinates, the share whose
  predicted point lies within 161 km (100 miles) of the gold point;
- GeoNames id accuracy where the gold has an id, and the mean error distance.

Demonyms ("Syrian") are linked to their country but are not toponyms here: gold spans whose
text is a demonym (TR-News has some) are left out of recall, and predicted demonyms are not
counted as toponyms.
"""

from __future__ import annotations

import logging
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from storyweave.errors import EvalDataMissing
from storyweave.evaluation.report import Report

logger = logging.getLogger(__name__)

CORPORA = {"lgl": "lgl.xml", "trnews": "TR-News.xml", "tr-news": "TR-News.xml"}
ACC_KM = 161.0
BATCH_SIZE = 16


@dataclass(frozen=True)
class GoldToponym:
    """One annotated toponym; ``lat``/``lon`` None when the gold has no point."""

    start: int
    end: int
    phrase: str
    lat: float | None
    lon: float | None
    geonameid: int | None


@dataclass(frozen=True)
class GoldArticle:
    """An article's text and its gold toponyms."""

    docid: str
    text: str
    toponyms: list[GoldToponym]


def read_corpus(path: Path) -> list[GoldArticle]:
    """Read an LGL-style XML corpus, repairing offsets that drift from the phrase by a few chars."""
    articles = []
    for art in ET.parse(path).getroot().iter("article"):
        text = art.findtext("text") or ""
        gold = []
        for top in art.iter("toponym"):
            phrase = (top.findtext("phrase") or top.findtext("extractedName") or "").strip()
            start, end = int(top.findtext("start")), int(top.findtext("end"))
            start, end = _repair(text, phrase, start, end)
            tag = top.find("gaztag")
            lat = lon = gid = None
            if tag is not None and tag.findtext("lat") and tag.findtext("lon"):
                lat, lon = float(tag.findtext("lat")), float(tag.findtext("lon"))
                gid = int(tag.get("geonameid")) if (tag.get("geonameid") or "").isdigit() else None
            gold.append(GoldToponym(start, end, phrase, lat, lon, gid))
        articles.append(GoldArticle(art.get("docid", str(len(articles))), text, gold))
    return articles


def _repair(text: str, phrase: str, start: int, end: int) -> tuple[int, int]:
    # TR-News offsets drift by 1-3 characters: move the span onto the phrase when it is near
    if not phrase or text[start:end] == phrase:
        return start, end
    for shift in (1, -1, 2, -2, 3, -3, 4, -4, 5, -5):
        s = start + shift
        if 0 <= s and text[s : s + len(phrase)] == phrase:
            return s, s + len(phrase)
    return start, end


def evaluate_places(
    evaldata_dir: Path, corpus: str = "lgl", limit: int | None = None, progress: bool = False
) -> Report:
    """Score the places component on a geoparsing corpus ("lgl" or "trnews")."""
    from storyweave.nlp.gazetteer import load_gazetteer
    from storyweave.nlp.loader import load_base
    from storyweave.nlp.places import add_places

    name = CORPORA.get(corpus.lower())
    path = Path(evaldata_dir) / "geoparsing" / (name or "")
    if name is None or not path.is_file():
        raise EvalDataMissing(
            f"{path} not found: corpus must be one of {sorted(CORPORA)} and evaldata must hold "
            "geoparsing/lgl.xml and geoparsing/TR-News.xml (see ../shared/evaldata/README.md)"
        )
    articles = read_corpus(path)[:limit]
    gaz = load_gazetteer()
    nlp = add_places(load_base())

    started = time.perf_counter()
    docs = nlp.pipe((a.text for a in articles), batch_size=BATCH_SIZE)
    predictions = []
    for i, doc in enumerate(docs):
        if progress and i % 50 == 0:
            logger.info("%s: %d/%d articles", corpus, i, len(articles))
        predictions.append(doc._.places)
    seconds = time.perf_counter() - started
    metrics, counts = score_places(articles, predictions, gaz)
    metrics["docs_per_s"] = len(articles) / seconds if seconds else 0.0
    label = "LGL" if name == "lgl.xml" else "TR-News"
    command = f"storyweave eval places --corpus {corpus}" + (f" --limit {limit}" if limit else "")
    return Report(
        key=f"eval-places-{corpus}",
        title=f"Places: geoparsing on {label}",
        command=command,
        columns=[
            "articles", "gold toponyms", "recall", "precision", "F1", "acc@161 km",
            "GeoNames id accuracy", "mean error km", "docs/s",
        ],
        rows=[[
            len(articles), counts["gold_n"], metrics["recall"], metrics["precision"], metrics["f1"], metrics["acc161"],
            metrics["id_accuracy"], round(metrics["mean_error_km"], 1), round(metrics["docs_per_s"], 2),
        ]],
        notes=[
            (
                f"acc@161 km over the {counts['coord_n']} recognised gold toponyms with coordinates; "
                f"id accuracy over the {counts['id_n']} with a GeoNames id."
            ),
            f"{counts['demonym_gold']} gold spans that are demonyms are not counted as toponyms.",
            "Precision is a lower bound: the gold sets do not mark every place name.",
        ],
        metrics=metrics,
    )


def score_places(articles: list[GoldArticle], predictions: list[list], gaz) -> tuple[dict, dict]:
    """Metrics (recall, precision, F1, acc161, id_accuracy, mean_error_km) and raw counts of
    predicted places (``Place`` lists, one per article) against the gold toponyms."""
    from storyweave.nlp.places import distance_km

    gold_n = pred_n = pred_hit = recalled = 0
    demonym_gold = coord_n = within = id_n = id_hit = 0
    errors: list[float] = []
    for art, places in zip(articles, predictions):
        predicted = [p for p in places if p.source != "demonym"]
        gold = []
        for g in art.toponyms:
            if gaz.demonym(g.phrase) and not gaz.has_name(g.phrase):
                demonym_gold += 1
            else:
                gold.append(g)
        gold_n += len(gold)
        pred_n += len(predicted)
        pred_hit += sum(1 for p in predicted if any(_overlap(p, g) for g in gold))
        for g in gold:
            match = next((p for p in predicted if _overlap(p, g)), None)
            if match is None:
                continue
            recalled += 1
            if g.lat is not None:
                km = distance_km(g.lat, g.lon, match.lat, match.lon)
                coord_n += 1
                within += km <= ACC_KM
                errors.append(km)
            if g.geonameid:
                id_n += 1
                id_hit += match.geonameid == g.geonameid
    p = pred_hit / pred_n if pred_n else 0.0
    r = recalled / gold_n if gold_n else 0.0
    metrics = {
        "recall": r,
        "precision": p,
        "f1": 2 * p * r / (p + r) if p + r else 0.0,
        "acc161": within / coord_n if coord_n else 0.0,
        "id_accuracy": id_hit / id_n if id_n else 0.0,
        "mean_error_km": sum(errors) / len(errors) if errors else 0.0,
    }
    return metrics, {"gold_n": gold_n, "coord_n": coord_n, "id_n": id_n, "demonym_gold": demonym_gold}


def _overlap(pred, gold: GoldToponym) -> bool:
    return pred.start_char < gold.end and gold.start < pred.end_char
