"""Quote and attribution evaluation on PolNeAR (Newell, Margolin & Ruths, LREC 2018).

Data: ``<evaldata>/polnear/<split>/text/*.txt`` and brat standoff
``<split>/attributions/*.ann`` (Source, Cue and Content spans linked by
``Attribution`` events). Articles annotated by several annotators have one file
per annotator (``<stem>_<annotator>.ann``); the first in sorted order is used.

Metric, as in the Gender Gap Tracker's and PARC's evaluations: a predicted
content matches a gold content when their word-token overlap divided by the
number of gold tokens (|pred ∩ gold| / |gold|) reaches the threshold (0.3 and
0.8). Tokens are ``\\w+`` runs, so quote marks and punctuation do not count.
Matching is one-to-one, greedy by overlap, so one long prediction cannot match
several gold contents. Speaker accuracy: of the matched pairs whose gold
attribution has a source, the share whose predicted speaker span overlaps the
gold source span (or whose resolved speaker's words all appear in the gold
source); cue accuracy likewise for the cue span.

Human agreement on the same metric: some articles were annotated by several
annotators. Each annotator's file is scored against each other annotator's, and
the extractor is scored against every annotator of those same articles, so the
two F1s compare like with like.
"""

from __future__ import annotations

import logging
import re
import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from storyweave.errors import EvalDataMissing
from storyweave.evaluation.pipelines import analysis_through
from storyweave.evaluation.report import Report

LOGGER = logging.getLogger(__name__)

DATASET = "polnear"
COMMAND = "storyweave eval quotes"
#: the product's quotes component: the pipeline runs up to it, and its function is called by hand
QUOTES_COMPONENT = "storyweave_quotes"
THRESHOLDS = (0.3, 0.8)
WORD = re.compile(r"\w+")

Ranges = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class GoldAttribution:
    """One annotated attribution: content, cue and source character ranges."""

    content: Ranges
    cue: Ranges
    source: Ranges


@dataclass(frozen=True)
class Article:
    """One PolNeAR article: its name, text and gold attributions."""

    name: str
    text: str
    gold: tuple[GoldAttribution, ...]
    #: every annotator's attributions, when several annotated the article (the first is ``gold``)
    annotators: tuple[tuple[GoldAttribution, ...], ...] = ()


@dataclass
class Counts:
    """Running totals for the metrics."""

    predicted: int = 0
    gold: int = 0
    matched: dict[float, int] = field(default_factory=lambda: {t: 0 for t in THRESHOLDS})
    with_source: int = 0
    speaker_right: int = 0
    with_cue: int = 0
    cue_right: int = 0


def _ranges(field_text: str) -> Ranges:
    return tuple(tuple(int(x) for x in piece.split()) for piece in field_text.split(";"))  # type: ignore[misc]


def parse_brat(ann: str) -> tuple[GoldAttribution, ...]:
    """The attributions of one brat ``.ann`` file (events without content are skipped)."""
    spans: dict[str, tuple[str, Ranges]] = {}
    events = []
    for line in ann.splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 2:
            label, _, offsets = parts[1].partition(" ")
            spans[parts[0]] = (label, _ranges(offsets))
        elif line.startswith("E") and len(parts) >= 2:
            events.append(parts[1].split())
    gold = []
    for args in events:
        roles: dict[str, list[tuple[int, int]]] = {"Content": [], "Cue": [], "Source": []}
        for arg in args[1:]:
            role, _, ref = arg.partition(":")
            role = role.rstrip("0123456789")
            if role in roles and ref in spans:
                roles[role].extend(spans[ref][1])
        if roles["Content"]:
            gold.append(GoldAttribution(tuple(roles["Content"]), tuple(roles["Cue"]), tuple(roles["Source"])))
    return tuple(gold)


def load_articles(evaldata_dir: Path, split: str = "dev", limit: int | None = None) -> list[Article]:
    """PolNeAR articles of ``split`` in sorted name order; ``limit`` keeps the first N."""
    folder = Path(evaldata_dir) / DATASET / split
    texts = sorted((folder / "text").glob("*.txt")) if (folder / "text").is_dir() else []
    if not texts:
        raise EvalDataMissing(
            f"no PolNeAR texts in {folder / 'text'}: put PolNeAR's data/{split} there "
            "(see ../shared/evaldata/README.md) or point --evaldata at the folder that holds polnear/"
        )
    annotations: dict[str, list[Path]] = {}
    for ann in sorted((folder / "attributions").glob("*.ann")):
        annotations.setdefault(re.sub(r"_[0-9a-f]{4}$", "", ann.stem), []).append(ann)
    articles = []
    for path in texts[:limit] if limit is not None else texts:
        files = annotations.get(path.stem)
        if not files:
            LOGGER.warning("%s has no attribution file; skipped", path.name)
            continue
        # several annotators: the first file in sorted order is the gold; all feed the agreement
        every = tuple(parse_brat(f.read_text(encoding="utf-8")) for f in files)
        text = path.read_text(encoding="utf-8")
        articles.append(Article(path.stem, text, every[0], every if len(every) > 1 else ()))
    return articles


@dataclass(frozen=True)
class _AsPrediction:
    """An annotator's attribution in the shape ``score_article`` reads from a ``Quote``."""

    parts: Ranges
    speaker_start: int | None
    speaker_end: int | None
    cue_start: int | None
    cue_end: int | None
    speaker_entity: None = None

    @classmethod
    def of(cls, gold: GoldAttribution) -> "_AsPrediction":
        source = gold.source[0] if gold.source else (None, None)
        cue = gold.cue[0] if gold.cue else (None, None)
        return cls(gold.content, source[0], source[1], cue[0], cue[1])


def score_agreement(articles: list[Article], quotes_by_name: dict[str, list]) -> tuple[Counts, Counts]:
    """Annotator against annotator, and the extractor against each annotator, on the
    articles several people annotated: ``(humans, extractor)`` counts."""
    humans, extractor = Counts(), Counts()
    for article in articles:
        for i, gold in enumerate(article.annotators):
            as_gold = Article(article.name, article.text, gold)
            score_article(as_gold, quotes_by_name[article.name], extractor)
            for j, other in enumerate(article.annotators):
                if i != j:
                    score_article(as_gold, [_AsPrediction.of(g) for g in other], humans)
    return humans, extractor


def _tokens(text: str, ranges: Ranges) -> set[int]:
    out: set[int] = set()
    for start, end in ranges:
        out.update(m.start() for m in WORD.finditer(text, start, end))
    return out


def _touches(a: Ranges, b: Ranges) -> bool:
    return any(s1 < e2 and s2 < e1 for s1, e1 in a for s2, e2 in b)


def score_article(article: Article, quotes: list, counts: Counts) -> None:
    """Add one article's predicted quotes (``Quote`` records) to ``counts``."""
    text = article.text
    gold_tokens = [_tokens(text, g.content) for g in article.gold]
    pred_tokens = [_tokens(text, q.parts or ((q.start_char, q.end_char),)) for q in quotes]
    counts.predicted += len(quotes)
    counts.gold += sum(1 for t in gold_tokens if t)
    pairs = []
    for gi, gold in enumerate(gold_tokens):
        if not gold:
            continue
        for pi, pred in enumerate(pred_tokens):
            shared = len(gold & pred)
            if shared:
                pairs.append((shared / len(gold), gi, pi))
    used_gold, used_pred = set(), set()
    for overlap, gi, pi in sorted(pairs, reverse=True):
        if gi in used_gold or pi in used_pred or overlap < min(THRESHOLDS):
            continue
        used_gold.add(gi)
        used_pred.add(pi)
        for threshold in THRESHOLDS:
            if overlap >= threshold:
                counts.matched[threshold] += 1
        gold, quote = article.gold[gi], quotes[pi]
        if gold.source:
            counts.with_source += 1
            counts.speaker_right += _speaker_right(text, gold.source, quote)
        if gold.cue:
            counts.with_cue += 1
            if quote.cue_start is not None and _touches(gold.cue, ((quote.cue_start, quote.cue_end),)):
                counts.cue_right += 1


def _speaker_right(text: str, source: Ranges, quote) -> bool:
    if quote.speaker_start is not None and _touches(source, ((quote.speaker_start, quote.speaker_end),)):
        return True
    if quote.speaker_entity:
        words = {w.lower() for s, e in source for w in WORD.findall(text[s:e])}
        return {w.lower() for w in WORD.findall(quote.speaker_entity)} <= words
    return False


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _prf(counts: Counts, threshold: float) -> dict[str, float]:
    precision = _ratio(counts.matched[threshold], counts.predicted)
    recall = _ratio(counts.matched[threshold], counts.gold)
    f1 = _ratio(int(2e6 * precision * recall), int(1e6 * (precision + recall)))
    return {"precision": precision, "recall": recall, "f1": f1}


def evaluate_quotes(
    evaldata_dir: Path, split: str = "dev", limit: int | None = None, progress: bool = False
) -> Report:
    """Score ``storyweave_quotes`` on PolNeAR ``split``; return the report.

    ``limit`` takes the first N articles in sorted name order (the fast CI
    subset); ``progress`` shows a progress bar on the terminal.
    """
    from storyweave.nlp.pipeline import make_doc
    from storyweave.nlp.quotes import extract_quotes, load_cue_rules

    articles = load_articles(evaldata_dir, split, limit)
    rules = load_cue_rules()
    counts = Counts()
    several = [a for a in articles if a.annotators]
    quotes_by_name: dict[str, list] = {}
    parse_s = quote_s = 0.0
    # the product's pipeline up to the components before quotes (places, entities, dates): the
    # quotes are then extracted as its component does, timed on their own
    with analysis_through(QUOTES_COMPONENT, including=False) as nlp, _progress_bar(progress) as bar:
        task = bar.add_task(f"quotes ({split})", total=len(articles)) if bar is not None else None
        docs = nlp.pipe(make_doc(nlp, a.text, None) for a in articles)
        for article in articles:
            started = time.perf_counter()
            doc = next(docs)
            parsed = time.perf_counter()
            quotes = extract_quotes(doc, rules)
            quote_s += time.perf_counter() - parsed
            parse_s += parsed - started
            score_article(article, quotes, counts)
            if article.annotators:
                quotes_by_name[article.name] = quotes
            if bar is not None:
                bar.advance(task)
    metrics = {}
    for threshold in THRESHOLDS:
        tag = f"{threshold:g}"
        metrics.update({f"{name}@{tag}": value for name, value in _prf(counts, threshold).items()})
    humans, extractor = score_agreement(several, quotes_by_name)
    if several:
        metrics["agreement_articles"] = len(several)
        metrics["human_f1@0.3"] = _prf(humans, 0.3)["f1"]
        metrics["extractor_f1_same_articles@0.3"] = _prf(extractor, 0.3)["f1"]
        metrics["human_speaker_accuracy"] = _ratio(humans.speaker_right, humans.with_source)
    metrics["speaker_accuracy"] = _ratio(counts.speaker_right, counts.with_source)
    metrics["cue_accuracy"] = _ratio(counts.cue_right, counts.with_cue)
    metrics["docs_per_s"] = _ratio(len(articles), 1) / (parse_s + quote_s) if parse_s + quote_s else 0.0
    metrics["quote_ms_per_doc"] = 1000 * quote_s / len(articles) if articles else 0.0
    metrics["parse_ms_per_doc"] = 1000 * parse_s / len(articles) if articles else 0.0

    report = Report(
        key=f"eval-quotes-{split}",
        title=f"Quotes and attributions (PolNeAR {split})",
        command=f"{COMMAND} --split {split}" + (f" --limit {limit}" if limit is not None else ""),
        columns=["overlap ≥", "articles", "gold", "predicted", "precision", "recall", "F1"],
    )
    for threshold in THRESHOLDS:
        tag = f"{threshold:g}"
        report.rows.append(
            [
                tag,
                len(articles),
                counts.gold,
                counts.predicted,
                metrics[f"precision@{tag}"],
                metrics[f"recall@{tag}"],
                metrics[f"f1@{tag}"],
            ]
        )
    report.metrics = metrics
    report.notes.append(
        f"Speaker accuracy {metrics['speaker_accuracy']:.3f} (of {counts.with_source} matched contents with "
        f"a gold source), cue accuracy {metrics['cue_accuracy']:.3f} (of {counts.with_cue}). "
        f"Speed: {metrics['docs_per_s']:.2f} docs/s with the parse; the quotes component adds "
        f"{metrics['quote_ms_per_doc']:.1f} ms per article to {metrics['parse_ms_per_doc']:.0f} ms of the analysis "
        "before it (spaCy, places, entities, dates: the product's pipeline up to quotes)."
    )
    if several:
        report.notes.append(
            f"Human agreement: {len(several)} of these articles were annotated by several people. "
            f"Annotator against annotator, content F1 at ≥ 0.3 is {metrics['human_f1@0.3']:.3f} "
            f"(speaker accuracy {metrics['human_speaker_accuracy']:.3f}); the extractor against each of "
            f"them scores {metrics['extractor_f1_same_articles@0.3']:.3f} on the same articles."
        )
    report.notes.append(
        "Metric: word-token overlap over the gold content (|pred ∩ gold| / |gold|, as in the Gender Gap "
        "Tracker and PARC evaluations), one-to-one greedy matching; one annotator file per article "
        "(the first sorted). PolNeAR annotates speech, beliefs, intentions and evidence ('polls show')."
    )
    return report


def _progress_bar(enabled: bool):
    if not enabled:
        return nullcontext(None)
    from rich.progress import Progress  # only the terminal needs it

    return Progress(transient=True)
