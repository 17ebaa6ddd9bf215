"""Build the bundled demo corpus from ECB+ (CC BY 3.0).

Writes ``src/storyweave/data/demo/news-events-demo.jsonl.gz``: every ``ecbplus``
article of ECB+ (the half of the corpus that carries source URLs) as readable
text, one JSON object per line, sorted by topic and number. The output is
byte-for-byte reproducible (sorted records, fixed key order, gzip mtime 0), so
re-running this script on the same ECB+ files gives the same file.

    .venv/bin/python scripts/build_demo_corpus.py [--ecbplus DIR] [--output FILE]

``--ecbplus`` defaults to ``$STORYWEAVE_EVALDATA/ecbplus`` (evaldata defaults to
``../shared/evaldata`` next to the repository).
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import logging
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from storyweave.evaluation.ecb_corpus import EcbDocument, iter_documents

log = logging.getLogger("build_demo_corpus")

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT = REPO / "src" / "storyweave" / "data" / "demo" / "news-events-demo.jsonl.gz"
LICENCE = "CC BY 3.0"
ATTRIBUTION = (
    "Text from the ECB+ corpus by Agata Cybulska and Piek Vossen (VU University Amsterdam), "
    "LREC 2014, licensed CC BY 3.0 (https://creativecommons.org/licenses/by/3.0/); "
    "detokenised from the corpus XML by storyweave. Originally published at the URL given."
)
# Articles shorter than this (a headline and a line or two) make a poor demo.
MIN_TEXT_CHARS = 200


def default_ecbplus_dir() -> Path:
    """``$STORYWEAVE_EVALDATA/ecbplus``, or ``../shared/evaldata/ecbplus`` next to the repository."""
    evaldata = Path(os.environ.get("STORYWEAVE_EVALDATA", REPO.parent / "shared" / "evaldata"))
    return evaldata / "ecbplus"


def demo_records(documents: Iterable[EcbDocument]) -> Iterator[dict[str, object]]:
    """One JSON-ready record per ``ecbplus`` document with a URL and a real body."""
    for doc in documents:
        if doc.subtopic != "ecbplus" or not doc.url:
            continue
        if len(doc.text) < MIN_TEXT_CHARS:
            log.info("left out %s: only %d characters", doc.doc_id, len(doc.text))
            continue
        yield {
            "id": f"ecbplus-{doc.doc_id.removesuffix('ecbplus')}",
            "url": doc.url,
            "outlet": None,  # the ingest pipeline infers the outlet from the URL's domain
            "title": doc.title,
            "text": doc.text,
            "published": None,  # ECB+ records no publication dates; none are invented
            "story": doc.story,
            "licence": LICENCE,
            "attribution": ATTRIBUTION,
        }


def build(ecbplus_dir: Path) -> tuple[bytes, int]:
    """The gzipped JSONL bytes of the demo corpus and the number of articles in it."""
    lines = [json.dumps(record, ensure_ascii=False) for record in demo_records(iter_documents(ecbplus_dir))]
    payload = ("\n".join(lines) + "\n").encode("utf-8")
    buffer = io.BytesIO()
    # filename="" and mtime=0 keep the gzip header free of anything that changes between runs.
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as archive:
        archive.write(payload)
    return buffer.getvalue(), len(lines)


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--ecbplus", type=Path, default=default_ecbplus_dir(), help="the evaldata ecbplus folder"
    )
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="where to write the .jsonl.gz")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if not args.ecbplus.is_dir():
        print(f"{args.ecbplus} is missing: pass --ecbplus or set STORYWEAVE_EVALDATA", file=sys.stderr)
        return 2
    data, count = build(args.ecbplus)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(data)
    print(f"wrote {count} articles, {len(data):,} bytes to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
