"""``storyweave bench link``: time to link one new article as the store grows.

The store is built from real news texts in ``../shared/evaldata``: ECB+, PolNeAR
(train + dev), MEANTIME, LGL and TR-News, FNC-1 bodies and Emergent headlines
(about 6,500 texts). To reach 100k stored articles each text is reused as
*variants*: variant ``j`` of a text is its title plus a window of three
consecutive sentences starting at sentence ``j`` (wrapping around), so every
stored lead is real prose and most differ from each other; variants are spread
over dates one day apart. The bulk is embedded with the distilled static model
(MiniLM itself does ~20-80 leads/s on two cores: hours for 100k).

At each size the clock measures ``StoryClusterer.add`` for 200 new articles
(ECB+ texts under fresh ids, dated inside the store's span): encoding the lead
with the static model, the ANN query, scoring the candidate stories and joining.
MiniLM's own cost per lead is measured separately; it does not depend on the
store size.
"""

from __future__ import annotations

import csv
import datetime as dt
import logging
import re
import statistics
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from storyweave.evaluation.report import Report
from storyweave.link.clustering import ClusterInput, ClusterParams, StoryClusterer
from storyweave.link.embeddings import load_embedder

log = logging.getLogger(__name__)

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")
PROBES = 200
BASE_DATE = dt.datetime(2015, 1, 1)


def _polnear(evaldata: Path) -> Iterator[tuple[str | None, str]]:
    for path in sorted((evaldata / "polnear").glob("*/text/*.txt")):
        yield None, path.read_text(encoding="utf-8")


def _meantime(evaldata: Path) -> Iterator[tuple[str | None, str]]:
    for path in sorted((evaldata / "temporal" / "meantime_en").rglob("*.xml")):
        try:
            tokens = [t.text or "" for t in ET.parse(path).getroot().iter("token")]
        except ET.ParseError:
            continue
        if tokens:
            yield None, " ".join(tokens)


def _geoparsing(evaldata: Path) -> Iterator[tuple[str | None, str]]:
    for name in ("lgl.xml", "TR-News.xml"):
        path = evaldata / "geoparsing" / name
        if path.is_file():
            for article in ET.parse(path).getroot().iter("article"):
                yield article.findtext("title"), article.findtext("text") or ""


def _claims(evaldata: Path) -> Iterator[tuple[str | None, str]]:
    bodies = evaldata / "claims" / "fnc1" / "competition_test_bodies.csv"
    if bodies.is_file():
        with bodies.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                yield None, row.get("articleBody", "")
    headlines = evaldata / "claims" / "emergent" / "url-versions-2015-06-14-clean.csv"
    if headlines.is_file():
        with headlines.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                yield row.get("articleHeadline"), row.get("articleHeadline", "")


def _ecbplus(evaldata: Path) -> list[tuple[str | None, str]]:
    from storyweave.evaluation.ecb_corpus import iter_documents

    return [(d.title, d.text) for d in iter_documents(evaldata / "ecbplus")]


def real_texts(evaldata: Path) -> list[tuple[str | None, str]]:
    """Every (title, text) of the corpora named in the module docstring, non-empty texts only."""
    found: list[tuple[str | None, str]] = []
    for reader in (_polnear, _meantime, _geoparsing, _claims):
        found.extend(reader(evaldata))
    found.extend(_ecbplus(evaldata))
    return [(title, text) for title, text in found if text and text.strip()]


def variant(title: str | None, text: str, j: int) -> ClusterInput:
    """Variant ``j`` of a text: its title and three sentences from sentence ``j`` on (see module doc)."""
    sentences = _SENTENCE.split(text.strip()) or [text]
    start = j % len(sentences)
    window = (sentences + sentences)[start : start + 3]
    return ClusterInput(f"v{j}", title, " ".join(window), BASE_DATE + dt.timedelta(days=j % 365))


def bench_link(evaldata_dir: Path, sizes=(1000, 10000, 100000), probes: int = PROBES) -> Report:
    """Mean and p95 seconds to link one new article when the store holds each of ``sizes``."""
    texts = real_texts(evaldata_dir)
    static = load_embedder("static")
    report = Report(
        key="bench-link",
        title="Story linking: time per new article by store size",
        command="storyweave bench link",
        columns=["stored articles", "stories", "build (s)", "mean per article (ms)", "p95 (ms)"],
    )
    probe_texts = _ecbplus(evaldata_dir)[:probes]
    clusterer = StoryClusterer(static, ClusterParams.for_encoder("static"))
    stored = 0
    build_seconds = 0.0
    means: dict[int, float] = {}
    for size in sorted(sizes):
        started = time.perf_counter()
        while stored < size:
            batch = []
            for n in range(stored, min(size, stored + 1024)):
                title, text = texts[n % len(texts)]
                article = variant(title, text, n // len(texts))
                batch.append(ClusterInput(f"a{n}", article.title, article.text, article.published))
            clusterer.add_many(batch)
            stored += len(batch)
        build_seconds += time.perf_counter() - started
        timings = []
        # Probes stay in the store (200 per size, negligible next to the bulk).
        for i, (title, text) in enumerate(probe_texts):
            article = ClusterInput(f"probe-{size}-{i}", title, text, BASE_DATE + dt.timedelta(days=i % 365))
            t0 = time.perf_counter()
            clusterer.add(article)
            timings.append(time.perf_counter() - t0)
        mean = statistics.fmean(timings)
        p95 = float(np.percentile(timings, 95))
        means[size] = mean
        report.rows.append([size, len(clusterer.state.stories), build_seconds, mean * 1000, p95 * 1000])
        report.metrics[f"mean_ms_{size}"] = mean * 1000
        report.metrics[f"p95_ms_{size}"] = p95 * 1000
        log.info("%d stored: %.2f ms per new article", size, mean * 1000)
    smallest, largest = min(means), max(means)
    report.metrics["ratio_largest_to_smallest"] = means[largest] / means[smallest]
    minilm = load_embedder("minilm")
    leads = [f"{title or ''}. {text[:600]}" for title, text in probe_texts[:64]]
    minilm.encode(leads[:4])  # warm-up
    t0 = time.perf_counter()
    minilm.encode(leads)
    minilm_ms = (time.perf_counter() - t0) / len(leads) * 1000
    report.metrics["minilm_encode_ms"] = minilm_ms
    report.notes.append(
        f"Store built from {len(texts)} real texts (ECB+, PolNeAR, MEANTIME, LGL, TR-News, FNC-1 bodies, "
        "Emergent headlines), reused as 3-sentence windows at successive offsets and re-dated one day "
        "apart to reach each size; embedded with the distilled static model (model2vec from MiniLM, "
        f"256-d). Each size times {len(probe_texts)} ECB+ articles linked one by one (encode + ANN "
        "query k=20 + scoring + join). Time at the largest size / smallest: "
        f"{means[largest] / means[smallest]:.2f}x. MiniLM would add {minilm_ms:.1f} ms per article to "
        "encode its lead (batch of 64, independent of store size)."
    )
    return report
