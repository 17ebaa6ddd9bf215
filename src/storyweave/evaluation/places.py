"""Geoparsing evaluation: toponym recognition and resolution on LGL and TR-News.

Data: ``evaldata/geoparsing/{lgl,TR-News}.xml`` (see its SOURCE.md). Metrics follow Gritta et
al. 2019, "A Pragmatic Guide to Geoparsing Evaluation", and are taken over every gold toponym
with coordinates, in two passes over the same parsed articles:

1. end to end (recognition and resolution): each gold toponym is given the point of the
   predicted place that overlaps it most; one that no predicted place overlaps is a miss;
2. resolution alone (the gold spans given, as Mordecai3 and most geocoder papers report):
   ``PlaceRecognizer.geocode_spans`` resolves each gold span with the rest of the article as
   context; a span the gazetteer has no reading for is a miss.

A miss counts ``MISS_KM`` (20,039 km, half the Earth's circumference). Each pass is scored
with demonym gold spans ("Syrian") and without them: accuracy at 161 km (100 miles), mean and
median error, and the AUC of the log-scaled error curve (``error_auc``; 0 is every toponym
exact, 1 every toponym missed). Toponym recognition keeps its recall, precision (a lower
bound: the gold sets are not exhaustive) and F1, and the end-to-end pass is timed in
documents per second.
"""

from __future__ import annotations

import itertools
import logging
import math
import statistics
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from storyweave.errors import EvalDataMissing
from storyweave.evaluation.report import Report

logger = logging.getLogger(__name__)

#: corpus name (as given on the command line) -> file; the report key uses the canonical name
CORPORA = {"lgl": "lgl.xml", "trnews": "TR-News.xml", "tr-news": "TR-News.xml"}
_CANONICAL = {"lgl.xml": ("lgl", "LGL"), "TR-News.xml": ("trnews", "TR-News")}
ACC_KM = 161.0
#: the error of a gold toponym left without a point: half the Earth's circumference, the
#: largest error there is (Gritta et al. 2019)
MISS_KM = 20039.0
BATCH_SIZE = 16
#: how far a gold span may sit from its phrase and still be moved onto it (TR-News drifts)
MAX_DRIFT = 20

#: Mordecai3's own figures, quoted for comparison in the report's notes: resolution alone (the
#: annotated place name given) on its held-out splits, from github.com/ahalterman/mordecai3's
#: README, for the retrained model it says slightly improves on arXiv 2303.13675
MORDECAI3 = {
    "lgl": {"name": "LGL", "n": 967, "acc161": 0.827, "exact": 0.794, "mean_km": 303.9},
    "trnews": {"name": "TR", "n": 274, "acc161": 0.873, "exact": 0.843, "mean_km": 294.7},
}


@dataclass(frozen=True)
class GoldToponym:
    """One annotated toponym; ``lat``/``lon`` None when the gold has no point."""

    start: int
    end: int
    phrase: str
    lat: float | None
    lon: float | None
    geonameid: int | None

    @property
    def located(self) -> bool:
        """Whether the gold gives the toponym a point (only those are scored for distance)."""
        return self.lat is not None and self.lon is not None


@dataclass(frozen=True)
class GoldArticle:
    """An article's text and its gold toponyms."""

    docid: str
    text: str
    toponyms: list[GoldToponym]
    #: the article's web address, as the corpus gives it: the product reads its outlet's country
    url: str = ""

    def located(self) -> list[GoldToponym]:
        """The gold toponyms with coordinates, in document order."""
        return [g for g in self.toponyms if g.located]


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
        url = (art.findtext("url") or art.findtext("domain") or "").strip()
        articles.append(GoldArticle(art.get("docid", str(len(articles))), text, gold, url))
    return articles


def _repair(text: str, phrase: str, start: int, end: int) -> tuple[int, int]:
    # TR-News offsets drift (mostly by 1-5 characters, 23 of them by 6-20): move the span onto
    # the nearest occurrence of the phrase within MAX_DRIFT characters
    if not phrase or text[start:end] == phrase:
        return start, end
    lo = max(0, start - MAX_DRIFT)
    near, at = MAX_DRIFT + 1, -1
    found = text.find(phrase, lo, start + MAX_DRIFT + len(phrase))
    while found != -1:
        if abs(found - start) < near:
            near, at = abs(found - start), found
        found = text.find(phrase, found + 1, start + MAX_DRIFT + len(phrase))
    return (at, at + len(phrase)) if at >= 0 else (start, end)


# -- error statistics -------------------------------------------------------------------------


def accuracy_at(errors: Sequence[float], km: float = ACC_KM) -> float:
    """The share of errors of at most ``km`` kilometres (0.0 for no errors)."""
    return sum(1 for e in errors if e <= km) / len(errors) if errors else 0.0


def median_km(errors: Sequence[float]) -> float:
    """The median error (0.0 for no errors)."""
    return float(statistics.median(errors)) if errors else 0.0


def error_auc(errors: Sequence[float]) -> float:
    """Area under the curve of log-scaled error distances (Gritta et al. 2018, 2019).

    The errors are sorted and each scaled to ln(1 + km) / ln(1 + ``MISS_KM``), so that an exact
    point is 0 and a miss is 1; the area under that curve over evenly spaced ranks from 0 to 1 is
    taken by the trapezoidal rule (their code: ``np.trapz(log_errors) / (ln 20039 * (n - 1))``).
    Lower is better. One error is its own scaled value; no errors give 0.0.
    """
    if not errors:
        return 0.0
    top = math.log1p(MISS_KM)
    scaled = sorted(math.log1p(min(max(e, 0.0), MISS_KM)) / top for e in errors)
    if len(scaled) == 1:
        return scaled[0]
    return sum((a + b) / 2 for a, b in itertools.pairwise(scaled)) / (len(scaled) - 1)


@dataclass(frozen=True)
class ErrorSummary:
    """Accuracy at 161 km, mean and median error and AUC of one list of errors."""

    n: int
    acc161: float
    mean_km: float
    median_km: float
    auc: float

    @classmethod
    def of(cls, errors: Sequence[float]) -> ErrorSummary:
        """Summarise ``errors`` (kilometres, misses already at ``MISS_KM``)."""
        mean = sum(errors) / len(errors) if errors else 0.0
        return cls(len(errors), accuracy_at(errors), mean, median_km(errors), error_auc(errors))


# -- scoring ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """One gold toponym with coordinates, scored: the error of the point it was given
    (``MISS_KM`` when ``placed`` is False: not recognised, or no reading)."""

    demonym: bool
    placed: bool
    error_km: float


def is_demonym_prediction(place) -> bool:
    """Whether a predicted place is a demonym ("Syrian") rather than a place name."""
    return place.source == "demonym" or getattr(place, "role", "") == "demonym"


def overlapping(places: Sequence, gold: GoldToponym):
    """The predicted place that overlaps ``gold`` by the most characters (the first on a tie), or None."""
    best, best_chars = None, 0
    for p in places:
        chars = min(p.end_char, gold.end) - max(p.start_char, gold.start)
        if chars > best_chars:
            best, best_chars = p, chars
    return best


def end_to_end_outcomes(article: GoldArticle, places: Sequence, is_demonym: Callable[[str], bool]) -> list[Outcome]:
    """Score the predicted ``places`` of one article against each of its gold toponyms with
    coordinates. A demonym gold span is scored against every prediction, predicted demonyms
    included; any other against the predictions that are not demonyms."""
    names = [p for p in places if not is_demonym_prediction(p)]
    outcomes = []
    for g in article.located():
        demonym = is_demonym(g.phrase)
        match = overlapping(places if demonym else names, g)
        outcomes.append(_outcome(g, match, demonym))
    return outcomes


def resolution_outcomes(
    article: GoldArticle, resolved: Sequence, is_demonym: Callable[[str], bool]
) -> list[Outcome]:
    """Score the places that resolution gave the article's gold toponyms with coordinates
    (``resolved`` lines up with ``article.located()``; None where there was no reading)."""
    located = article.located()
    if len(resolved) != len(located):
        raise ValueError(f"{article.docid}: {len(resolved)} resolved places for {len(located)} gold toponyms")
    return [_outcome(g, place, is_demonym(g.phrase)) for g, place in zip(located, resolved)]


def _outcome(gold: GoldToponym, place, demonym: bool) -> Outcome:
    from storyweave.nlp.places import distance_km

    if place is None:
        return Outcome(demonym, False, MISS_KM)
    return Outcome(demonym, True, distance_km(gold.lat, gold.lon, place.lat, place.lon))


@dataclass
class Recognition:
    """Toponym recognition counts: gold toponyms found, predicted spans that hit a gold one."""

    gold: int = 0
    found: int = 0
    predicted: int = 0
    hits: int = 0

    def add(self, gold: Sequence[GoldToponym], predicted: Sequence) -> None:
        """Count one article's gold toponyms and predicted places (overlap is a match)."""
        self.gold += len(gold)
        self.found += sum(1 for g in gold if overlapping(predicted, g) is not None)
        self.predicted += len(predicted)
        self.hits += sum(1 for p in predicted if any(_overlap(p, g) for g in gold))

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 0.0

    @property
    def precision(self) -> float:
        return self.hits / self.predicted if self.predicted else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class PlacesScore:
    """Everything the report shows, from the outcomes of both passes."""

    end_to_end: list[Outcome] = field(default_factory=list)
    resolution: list[Outcome] = field(default_factory=list)
    #: recognition over every gold toponym (with coordinates or not), demonyms included ...
    recognition: Recognition = field(default_factory=Recognition)
    #: ... and without demonym gold spans and predicted demonyms (the figure reported before)
    recognition_names: Recognition = field(default_factory=Recognition)
    id_right: int = 0
    id_total: int = 0
    demonym_gold: int = 0

    def summary(self, outcomes: str, demonyms: bool = True) -> ErrorSummary:
        """The error summary of ``outcomes`` ("end_to_end" or "resolution"), with or without
        the demonym gold spans."""
        kept = [o for o in getattr(self, outcomes) if demonyms or not o.demonym]
        return ErrorSummary.of([o.error_km for o in kept])

    def recognised(self) -> ErrorSummary:
        """Accuracy over the recognised gold toponyms only, demonyms aside (the old figure)."""
        return ErrorSummary.of([o.error_km for o in self.end_to_end if o.placed and not o.demonym])

    def misses(self, outcomes: str) -> tuple[int, int]:
        """(given no point, placed more than 161 km away) among ``outcomes``, demonyms included."""
        missed = [o for o in getattr(self, outcomes) if o.error_km > ACC_KM]
        unplaced = sum(1 for o in missed if not o.placed)
        return unplaced, len(missed) - unplaced

    def metrics(self) -> dict[str, float]:
        """Headline figures by name (``acc161`` is end to end, over every gold toponym with
        coordinates, demonyms included)."""
        metrics = {
            "recall": self.recognition_names.recall,
            "precision": self.recognition_names.precision,
            "f1": self.recognition_names.f1,
            "recall_with_demonyms": self.recognition.recall,
            "precision_with_demonyms": self.recognition.precision,
            "f1_with_demonyms": self.recognition.f1,
            "id_accuracy": self.id_right / self.id_total if self.id_total else 0.0,
            "recognised_acc161": self.recognised().acc161,
        }
        for outcomes, prefix in (("end_to_end", ""), ("resolution", "resolution_")):
            for demonyms, suffix in ((True, ""), (False, "_without_demonyms")):
                s = self.summary(outcomes, demonyms)
                metrics[f"{prefix}acc161{suffix}"] = s.acc161
                metrics[f"{prefix}mean_error_km{suffix}"] = s.mean_km
                metrics[f"{prefix}median_error_km{suffix}"] = s.median_km
                metrics[f"{prefix}auc{suffix}"] = s.auc
        return metrics


def score_places(
    articles: Sequence[GoldArticle],
    predictions: Sequence[Sequence],
    resolutions: Sequence[Sequence],
    is_demonym: Callable[[str], bool],
) -> PlacesScore:
    """Score predicted places (one ``Place`` list per article, from the full pipeline) and
    resolved gold spans (one list per article, lined up with ``GoldArticle.located()``, None
    for no reading) against the gold. ``is_demonym`` says whether a gold phrase is a demonym."""
    score = PlacesScore()
    for art, places, resolved in zip(articles, predictions, resolutions, strict=True):
        score.end_to_end += end_to_end_outcomes(art, places, is_demonym)
        score.resolution += resolution_outcomes(art, resolved, is_demonym)
        names = [p for p in places if not is_demonym_prediction(p)]
        named_gold = [g for g in art.toponyms if not is_demonym(g.phrase)]
        score.demonym_gold += len(art.toponyms) - len(named_gold)
        score.recognition.add(art.toponyms, places)
        score.recognition_names.add(named_gold, names)
        for g in named_gold:
            match = overlapping(names, g) if g.geonameid else None
            if match is not None:
                score.id_total += 1
                score.id_right += match.geonameid == g.geonameid
    return score


def gold_demonym_test(gaz) -> Callable[[str], bool]:
    """A gold phrase is a demonym when the places component reads it as one: the gazetteer knows
    it as a demonym and has no place of that name but small towns ("Canadian", Texas)."""
    from storyweave.nlp.places import reads_as_demonym

    return lambda phrase: reads_as_demonym(gaz, phrase)


def _overlap(pred, gold: GoldToponym) -> bool:
    return pred.start_char < gold.end and gold.start < pred.end_char


# -- the evaluation -----------------------------------------------------------------------------


def evaluate_places(
    evaldata_dir: Path, corpus: str = "lgl", limit: int | None = None, progress: bool = False
) -> Report:
    """Score the places component on a geoparsing corpus ("lgl" or "trnews"): end to end and
    with the gold spans given, each with and without demonyms."""
    from storyweave.nlp.gazetteer import load_gazetteer
    from storyweave.nlp.pipeline import load_places_pipeline
    from storyweave.nlp.places import outlet_country, with_outlet_country, with_outlet_home
    from storyweave.nlp.places.outlets import home_points, outlet_home

    name = CORPORA.get(corpus.lower())
    path = Path(evaldata_dir) / "geoparsing" / (name or "")
    if name is None or not path.is_file():
        raise EvalDataMissing(
            f"{path} not found: corpus must be one of {sorted(CORPORA)} and evaldata must hold "
            "geoparsing/lgl.xml and geoparsing/TR-News.xml (see ../shared/evaldata/README.md)"
        )
    key, label = _CANONICAL[name]
    articles = read_corpus(path)[:limit]
    is_demonym = gold_demonym_test(load_gazetteer())
    nlp = load_places_pipeline()
    recognizer = nlp.get_pipe("storyweave_places")

    predictions: list[list] = [[] for _ in articles]
    resolutions: list[list] = [[] for _ in articles]
    resolving = 0.0
    started = time.perf_counter()

    def analyse(indices: list[int], homes: dict[str, tuple[float, ...]]) -> None:
        nonlocal resolving
        # as in the product, the outlet's country (from the article's address) is a weak prior,
        # and its home area, where its articles have shown one, a stronger one
        docs = (with_outlet_home(with_outlet_country(nlp.make_doc(articles[i].text), outlet_country(articles[i].url)),
                                 homes.get(_outlet(articles[i]))) for i in indices)
        for n, (i, doc) in enumerate(zip(indices, nlp.pipe(docs, batch_size=BATCH_SIZE))):
            if progress and n % 50 == 0:
                logger.info("%s: %d/%d articles", key, n, len(indices))
            predictions[i] = list(doc._.places)
            tick = time.perf_counter()
            resolutions[i] = recognizer.geocode_spans(doc, [(g.start, g.end) for g in articles[i].located()])
            resolving += time.perf_counter() - tick

    # one parse per article: its places for the end-to-end pass, and the same Doc for resolution;
    # then, as the product's analysis settles (``pipeline.analyze``), the articles of outlets whose
    # home the first pass showed are analysed again with it
    analyse(list(range(len(articles))), {})
    by_outlet: dict[str, list[list[tuple[float, float]]]] = {}
    for art, places in zip(articles, predictions):
        by_outlet.setdefault(_outlet(art), []).append(home_points(places))
    homes = {o: h for o, pts in by_outlet.items() if o and (h := outlet_home(pts, o)) is not None}
    analyse([i for i, art in enumerate(articles) if _outlet(art) in homes], homes)
    seconds = time.perf_counter() - started - resolving

    score = score_places(articles, predictions, resolutions, is_demonym)
    metrics = score.metrics()
    metrics["docs_per_s"] = len(articles) / seconds if seconds > 0 else 0.0
    command = f"storyweave eval places --corpus {key}" + (f" --limit {limit}" if limit else "")
    return Report(
        key=f"eval-places-{key}",
        title=f"Places: geoparsing on {label}",
        command=command,
        columns=[
            "pass", "toponyms", "gold toponyms", "acc@161 km", "mean error km", "median error km", "AUC",
            "recall", "precision", "F1",
        ],
        rows=_rows(score),
        notes=_notes(score, metrics, len(articles), key),
        metrics=metrics,
    )


def _outlet(article: GoldArticle) -> str:
    """The outlet of a corpus article: its address's host name ("" without one)."""
    url = article.url
    return (urlsplit(url if "//" in url else "//" + url).hostname or "").lower() if url else ""


def _rows(score: PlacesScore) -> list[list[object]]:
    rows = []
    for outcomes, task in (("end_to_end", "end to end"), ("resolution", "resolution (gold spans given)")):
        for demonyms, which in ((True, "all with coordinates"), (False, "with coordinates, no demonyms")):
            s = score.summary(outcomes, demonyms)
            row: list[object] = [task, which, s.n, s.acc161, f"{s.mean_km:.1f}", f"{s.median_km:.1f}", s.auc]
            if outcomes == "end_to_end":
                r = score.recognition if demonyms else score.recognition_names
                row += [r.recall, r.precision, r.f1]
            else:
                row += ["–", "–", "–"]
            rows.append(row)
    return rows


def _notes(score: PlacesScore, metrics: dict[str, float], articles: int, key: str) -> list[str]:
    unrecognised, far = score.misses("end_to_end")
    unread, far_resolved = score.misses("resolution")
    recognised = score.recognised()
    notes = [
        (
            f"{articles} articles at {metrics['docs_per_s']:.2f} documents per second (the whole "
            "pipeline, end to end; the resolution pass reuses the parsed articles and is not timed)."
        ),
        (
            "Every gold toponym with coordinates is scored. End to end, it takes the point of the "
            "predicted place that overlaps it most (a demonym gold span may be matched by a predicted "
            f"demonym); with none it is a miss at {MISS_KM:,.0f} km, half the Earth's circumference "
            "(Gritta et al. 2019). Resolution: the gold spans are given to the places component "
            "(`geocode_spans`), which resolves each with the rest of the article as context; a span "
            f"with no gazetteer reading is a miss at {MISS_KM:,.0f} km."
        ),
        (
            "AUC (Gritta et al. 2019): the errors sorted and scaled to ln(1 + km) / ln(1 + 20,039), "
            "and the area under that curve over evenly spaced ranks by the trapezoidal rule; 0 is "
            "every toponym exact, 1 every toponym missed. Lower is better."
        ),
        (
            f"End-to-end misses (over 161 km, demonyms included): {unrecognised + far}, of which "
            f"{unrecognised} not recognised and {far} resolved more than 161 km away. Resolution "
            f"misses: {unread + far_resolved}, of which {unread} with no reading and {far_resolved} "
            "more than 161 km away."
        ),
        (
            f"{score.demonym_gold} gold spans are demonyms (the places component reads them as one: the "
            "gazetteer knows the word as a demonym and no place of that name but a small town). Recall, precision and F1 of toponym recognition count every gold "
            "toponym, with coordinates or not; the row without demonyms leaves demonym gold spans and "
            "predicted demonyms out. Precision is a lower bound: the gold sets do not mark every place name."
        ),
        (
            f"Over the {recognised.n} recognised gold toponyms with coordinates only (demonyms aside, the "
            f"figure reported before): acc@161 km {recognised.acc161:.3f}, mean error "
            f"{recognised.mean_km:.1f} km. GeoNames id accuracy {metrics['id_accuracy']:.3f} over the "
            f"{score.id_total} recognised gold toponyms with an id."
        ),
    ]
    published = MORDECAI3.get(key)
    if published:
        notes.append(
            f"For comparison, Mordecai3 (its README at github.com/ahalterman/mordecai3, for a retrained "
            f"model it says slightly improves on arXiv 2303.13675) reports resolution alone, the annotated "
            f"place name given, on a held-out split of {published['n']} {published['name']} toponyms: "
            f"acc@161 km {published['acc161']:.3f}, exact GeoNames match {published['exact']:.3f}, mean "
            f"error {published['mean_km']:.1f} km. It runs its own NER and an Elasticsearch GeoNames index; "
            "its split is a sample, not the whole corpus scored here."
        )
    return notes
