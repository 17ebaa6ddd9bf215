"""Hostile inputs through the whole command line: ``storyweave ingest`` reads, analyses and links
over 500 documents made by seeded mutations of the seed articles and the bundled demo corpus.

Byte flips, truncations (mid-character too), binary junk, huge lines, control characters,
deeply nested and broken markup, empty files, wrong and lying encodings, hostile titles,
hostile JSON, broken feeds (with entity tricks) and broken archives. The run must exit 0
without a traceback; every document of every input must end as an article (or as the
unchanged twin of one) or as a quarantine row with a reason; every original article must
be analysed by the current analyser or carry a recorded failure with its reason (as many
as the run reported); no failed article may sit in a story; and a second run changes nothing.

Hostile input no longer breaks the analysis itself, so to check that failures are recorded
under these conditions too, the command runs with a tiny real spaCy component added to
the analysis pipeline (a test double of a component with a bug) that raises on a marker
word, which a dozen of the hostile documents carry.

``STORYWEAVE_FUZZ_SEED`` picks another seed (the default is fixed so CI is repeatable); a
failure names the input files, which stay in pytest's temporary folder.
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import os
import random
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from storyweave.config import IngestOptions
from storyweave.ingest.dedup import document_key
from storyweave.ingest.registry import read_document
from storyweave.ingest.sources import iter_input_documents
from storyweave.nlp.analysis import ANALYZER
from storyweave.pipeline.ingest import checked_result
from storyweave.records import ArticleDraft, DocumentError
from storyweave.store.database import Store
from storyweave.store.schema import analyses, analysis_failures, articles, quarantine, story_articles

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "src" / "storyweave" / "data" / "demo" / "news-events-demo.jsonl.gz"
SEED = int(os.environ.get("STORYWEAVE_FUZZ_SEED", "20250611"))
#: Demo records used as bases: short ones, so that the analysis of what survives stays quick.
BASES = 24
MIN_DOCUMENTS = 500
SECRET = "sw-fuzz-secret-7f3a"  # in a file an XML external entity points at: it must never be stored
MARKER = "Qxzfuzzmarker"
#: ``storyweave`` with a component that fails on MARKER appended to the analysis pipeline.
DRIVER = f"""
import sys
from spacy.language import Language
from storyweave.cli import main
from storyweave.nlp.pipeline import load_analyzer

@Language.component("storyweave_test_fails_on_marker")
def fails_on_marker(doc):
    if {MARKER!r} in doc.text:
        raise RuntimeError("the test component refuses the marker word")
    return doc

load_analyzer().add_pipe("storyweave_test_fails_on_marker", last=True)
sys.argv[0] = "storyweave"
main()
"""


# -- hostile inputs -------------------------------------------------------------


def _bases(seeds_dir: Path, rng: random.Random) -> list[dict]:
    with gzip.open(DEMO, "rt", encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle]
    short = sorted((r for r in records if 800 < len(r["text"]) < 2500), key=lambda r: r["id"])
    chosen = rng.sample(short, BASES)
    for name in sorted(p.name for p in seeds_dir.glob("*.txt")):
        text = (seeds_dir / name).read_text(encoding="utf-8")
        chosen.append({"id": name, "title": text.splitlines()[0], "text": text, "url": None, "outlet": None})
    return chosen


def _html(title: str, text: str, charset: str = "utf-8") -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in text.split("\n") if p.strip())
    return (
        f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>{title}</title></head>'
        f"<body><nav>Home | World</nav><article><h1>{title}</h1>{paragraphs}</article>"
        "<footer>CONTACT US</footer></body></html>"
    )


def _flip(data: bytes, rng: random.Random, flips: int) -> bytes:
    out = bytearray(data)
    for _ in range(flips):
        if out:
            out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def _junk(rng: random.Random, size: int) -> bytes:
    return bytes(rng.randrange(256) for _ in range(size))


CONTROLS = ["\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b[31m", "\x7f", "\u0085", "\u2028", "\u2029",
            "\ufeff", "\u202e", "\u200b", "\u200d", "\ufffe", "\ud800", "\U0010ffff", "\r", "\r\n\r\n"]

HOSTILE_TITLES = [
    "", " ", "\n\n\n", "A" * 20000, "<script>alert(1)</script>", "</title><h1>injected</h1>",
    "Title\x00with NUL", "\u202eevil\u202c title", "🔥" * 500, "' OR 1=1; --", "%s%s%n%x",
    "{{7*7}} ${7*7}", "title\r\nX-Injected: yes", "../../etc/passwd", "\ud83d broken surrogate",
    "Ünïcödé ẗïẗḷë — “quoted” ‘text’", "&amp;&lt;&#0;&#x110000;", "null", "\t\t\t",
]


def _hostile_title(rng: random.Random):
    value = rng.choice(HOSTILE_TITLES)
    # JSON titles of the wrong type too
    return rng.choice([value, value, value, 42, None, ["a", "b"], {"name": value}, True, 1e308])


def _nested(rng: random.Random, text: str) -> bytes:
    tag = rng.choice(["div", "span", "b", "table", "p", "a"])
    # Nested tables cost the HTML reader superlinear time (1,000 deep: 10 s; 2,000: a minute; reported
    # to ingest): kept shallow here so that this test stays quick.
    depth = rng.choice([50, 200] if tag == "table" else [200, 2000, 20000])
    kind = rng.randrange(6)
    if kind == 0:
        body = f"<{tag}>" * depth + text + f"</{tag}>" * depth
    elif kind == 1:
        body = f"<{tag}>" * depth + text  # never closed
    elif kind == 2:
        body = "<!--" * 50 + text + "<![CDATA[" + text + "<script>document.write('" + "<" * 1000 + "')</script>"
    elif kind == 3:
        body = "".join(f"<{tag} class='{'x' * 50}'>" for _ in range(depth // 10)) + text + "</html></body>" * 50
    elif kind == 4:
        body = "<svg><math><style><img src=x onerror=alert(1)>" + text + "</math></svg>" + "<iframe>" * 100
    else:
        body = f"<html><body><article>{text}</article><article>{text}</article>" + "<p>" * depth + "</body>"
    return f"<!DOCTYPE html><html><head><title>nested</title></head><body>{body}</body></html>".encode(
        "utf-8", "surrogatepass"
    )


def _encoded(rng: random.Random, text: str) -> tuple[bytes, str]:
    kind = rng.randrange(7)
    if kind == 0:
        return text.encode("utf-16-le"), ".txt"  # no BOM
    if kind == 1:
        return text.encode("utf-16"), ".txt"  # with BOM
    if kind == 2:
        return text.encode("latin-1", "replace"), ".txt"
    if kind == 3:
        return text.encode("cp1252", "replace"), ".html"  # no charset said
    if kind == 4:
        return _html("Lying charset", text, charset="shift_jis").encode("utf-8"), ".html"
    if kind == 5:
        return codecs.BOM_UTF8 + text.encode("utf-32"), ".txt"
    return _html("ébène", text, charset="iso-8859-7").encode("cp1252", "replace"), ".htm"


def _feed(rng: random.Random, base: dict, secret_path: Path) -> bytes:
    text = base["text"][:600].replace("&", "&amp;").replace("<", "&lt;")
    kind = rng.randrange(6)
    item = f"<item><title>{base['title'][:80]}</title><link>https://fuzz.example/{rng.randrange(10**9)}</link>" \
           f"<description>{text}</description></item>"
    if kind == 0:  # truncated
        return f'<?xml version="1.0"?><rss version="2.0"><channel>{item}{item}'.encode()[: rng.randrange(20, 400)]
    if kind == 1:  # external entity: must never read the file
        return (f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret_path}">]>'
                f'<rss version="2.0"><channel><item><title>&x;</title><description>&x; {text}</description>'
                "</item></channel></rss>").encode()
    if kind == 2:  # small entity expansion
        return ('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">'
                '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]><rss version="2.0"><channel><item><title>&c;</title>'
                f"<description>&c; {text}</description></item></channel></rss>").encode()
    if kind == 3:  # an item with nothing
        return b'<?xml version="1.0"?><rss version="2.0"><channel><item></item><item><title/></item></channel></rss>'
    if kind == 4:  # mismatched tags
        return f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><entry><title>x</entry>{text}</feed>'.encode()
    return _flip(f'<?xml version="1.0"?><rss version="2.0"><channel>{item}</channel></rss>'.encode(), rng, 5)


def _warcish(rng: random.Random, base: dict) -> tuple[bytes, str]:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=rng.random() < 0.5)
    headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
    payload = _html(base["title"], base["text"]).encode()
    writer.write_record(writer.create_warc_record(
        f"https://fuzz.example/w/{rng.randrange(10**9)}", "response", payload=io.BytesIO(payload), http_headers=headers))
    data = buffer.getvalue()
    kind = rng.randrange(4)
    if kind == 0:
        data = data[: rng.randrange(1, len(data))]
    elif kind == 1:
        data = _flip(data, rng, 20)
    elif kind == 2:
        data = data + _junk(rng, 300)
    name = ".warc.gz" if data[:2] == b"\x1f\x8b" else ".warc"
    if kind == 3:
        data, name = _junk(rng, 500), rng.choice([".warc", ".warc.gz", ".json.gz", ".txt.gz"])
    return data, name


def hostile_inputs(seeds_dir: Path, secret_path: Path, rng: random.Random) -> list[tuple[str, bytes]]:
    """(file name suffix with kind, bytes) for every hostile document, in a seeded order."""
    bases = _bases(seeds_dir, rng)
    out: list[tuple[str, bytes]] = []

    def base() -> dict:
        return rng.choice(bases)

    def record(b: dict, **changes) -> dict:
        fields = {"text": b["text"], "title": b["title"], "url": b.get("url"), "outlet": b.get("outlet")}
        fields.update(changes)
        return fields

    for _ in range(70):  # byte flips in every format
        b = base()
        form = rng.choice(["txt", "html", "json", "jsonl"])
        data = {"txt": b["text"].encode(), "html": _html(b["title"], b["text"]).encode(),
                "json": json.dumps(record(b)).encode(), "jsonl": (json.dumps(record(b)) + "\n").encode() * 2}[form]
        out.append((f"flip.{form}", _flip(data, rng, rng.choice([1, 3, 30, 300]))))
    for _ in range(60):  # truncations, mid-character and mid-tag too
        b = base()
        form = rng.choice(["txt", "html", "json", "jsonl", "txt.gz"])
        data = {"txt": b["text"].encode(), "html": _html(b["title"], b["text"]).encode(),
                "json": json.dumps(record(b), ensure_ascii=False).encode(),
                "jsonl": "".join(json.dumps(record(b, url=f"https://t.example/{i}")) + "\n" for i in range(3)).encode(),
                "txt.gz": gzip.compress(b["text"].encode())}[form]
        out.append((f"cut.{form}", data[: rng.randrange(0, len(data))]))
    for _ in range(45):  # binary junk under every name
        size = rng.choice([1, 16, 512, 4096, 65536])
        junk = _junk(rng, size) if rng.random() < 0.7 else b"\x89PNG\r\n\x1a\n" + _junk(rng, size)
        out.append((f"junk{rng.choice(['.txt', '.html', '.json', '.jsonl', '.xml', '.rss', '.gz', '.parquet', '', '.pdf'])}", junk))
    for _ in range(18):  # huge lines
        b = base()
        kind = rng.randrange(5)
        if kind == 0:
            data = (b["text"] + "\n" + "x" * rng.choice([100_000, 600_000])).encode()
        elif kind == 1:
            data = (b["text"].replace("\n", " ") * 40).encode()  # one line of a few thousand words
        elif kind == 2:
            data = ("word " * 230_000).encode()  # over spaCy's million-character limit
        elif kind == 3:
            data = json.dumps(record(b, text=b["text"] + " " + "y" * 300_000)).encode()
        else:
            data = ("\n" * 200_000 + b["text"]).encode()
        out.append((f"huge.{'json' if kind == 3 else 'txt'}", data))
    for _ in range(50):  # control characters
        b = base()
        chars = list(b["text"])
        for _ in range(rng.choice([1, 10, 100])):
            chars.insert(rng.randrange(len(chars) + 1), rng.choice(CONTROLS))
        text = "".join(chars)
        form = rng.choice(["txt", "json", "html"])
        if form == "txt":
            data = text.encode("utf-8", "surrogatepass")
        elif form == "json":
            data = json.dumps(record(b, text=text)).encode()  # lone surrogates as \\ud800 escapes
        else:
            data = _html(b["title"], text).encode("utf-8", "surrogatepass")
        out.append((f"ctrl.{form}", data))
    for _ in range(40):  # nested and broken markup
        out.append(("nest.html", _nested(rng, base()["text"])))
    for content in [b"", b" ", b"\n" * 50, b"\t \r\n", b"\x00", b"\xef\xbb\xbf", b"{}", b"[]", b"null", b"\"\"",
                    b"<html></html>", b"<?xml version='1.0'?>", b"\x1f\x8b"]:  # empty in spirit
        for suffix in (".txt", ".json", ".html"):
            out.append((f"empty{suffix}", content))
    for _ in range(45):  # wrong encodings
        data, suffix = _encoded(rng, base()["text"])
        out.append((f"enc{suffix}", data))
    for _ in range(60):  # hostile titles
        b = base()
        title = _hostile_title(rng)
        if rng.random() < 0.6:
            out.append(("title.json", json.dumps(record(b, title=title, url=f"https://h.example/{rng.randrange(10**9)}")).encode()))
        else:
            shown = title if isinstance(title, str) else json.dumps(title)
            out.append(("title.html", _html(shown, b["text"]).encode("utf-8", "surrogatepass")))
    for _ in range(35):  # hostile JSON
        b = base()
        kind = rng.randrange(9)
        if kind == 0:
            data = ("[" * 100_000 + "]" * 100_000).encode()
        elif kind == 1:
            data = json.dumps({"text": 12345, "title": b["title"]}).encode()
        elif kind == 2:
            data = json.dumps({"text": None, "html": ["<p>list</p>"]}).encode()
        elif kind == 3:
            data = json.dumps({"articles": [record(b), 7, None, "str", {"text": ""}]}).encode()
        elif kind == 4:
            data = ("\n".join(["{", json.dumps(record(b)), "not json", "", "[1,2]", "\x00"])).encode()
        elif kind == 5:
            data = json.dumps(record(b, published=rng.choice(["32/13/2024", "yesterday", "9" * 50, "", "2024-02-30T25:61"]))).encode()
        elif kind == 6:
            data = ('{"text": "' + b["text"][:200].replace('"', "'").replace("\n", " ") + '", "text": 1, "text": "dup key"}').encode()
        elif kind == 7:
            data = json.dumps({"text": b["text"], "url": "javascript:alert(1)", "outlet": {"deep": [[[["x"]]]]}}).encode()
        else:
            data = json.dumps({"text": b["text"], "extra": "z" * 200_000}).encode()
        out.append((f"json.{rng.choice(['json', 'jsonl', 'ndjson'])}", data))
    for _ in range(22):  # broken feeds
        out.append((f"feed.{rng.choice(['rss', 'xml', 'atom'])}", _feed(rng, base(), secret_path)))
    for _ in range(16):  # broken archives
        data, suffix = _warcish(rng, base())
        out.append((f"warc{suffix}", data))
    for number in range(12):  # analysis fails on these (two bases each, so no copy of another input)
        first, second = rng.sample(bases, 2)
        text = f"{MARKER} {number} reported.\n\n" + first["text"] + "\n\n" + second["text"]
        form = rng.choice(["txt", "json", "html"])
        data = {"txt": text.encode(), "json": json.dumps(record(first, text=text, title=_hostile_title(rng))).encode(),
                "html": _html(first["title"], text).encode()}[form]
        out.append((f"marked.{form}", data))
    rng.shuffle(out)
    return out


# -- the run ------------------------------------------------------------------------


def _expected_results(path: Path, options: IngestOptions) -> list:
    """What ingest makes of one input file, by the same readers: drafts and errors."""
    results = []
    for item in iter_input_documents([str(path)], options):
        if isinstance(item, DocumentError):
            results.append(item)
            continue
        results.extend(checked_result(r, options, item) for r in read_document(item, options))
    return results


@pytest.fixture(scope="module")
def hostile_folder(tmp_path_factory, seeds_dir) -> Path:
    root = tmp_path_factory.mktemp("fuzz")
    secret = root / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    folder = root / "inputs"
    folder.mkdir()
    # a folder with a broken sidecar: its documents are still read
    (folder / "sidecar").mkdir()
    (folder / "sidecar" / "metadata.json").write_bytes(b'{"a.txt": {"outlet": ')
    rng = random.Random(SEED)
    for number, (name, data) in enumerate(hostile_inputs(seeds_dir, secret, rng)):
        target = folder / "sidecar" if number % 50 == 0 else folder
        (target / f"{number:04d}_{name}").write_bytes(data)
    return folder


def _ingest(folder: Path, db: str, *, failing_component: bool = True) -> subprocess.CompletedProcess:
    command = [sys.executable, "-c", DRIVER] if failing_component else [sys.executable, "-m", "storyweave.cli"]
    return subprocess.run(
        [*command, "ingest", str(folder), "--db", db, "--quiet"],
        check=False, capture_output=True, text=True, timeout=900, env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def _summary(output: str) -> dict[str, int]:
    found = re.search(r"(\d+) ingested · (\d+) duplicate · (\d+) unchanged · (\d+) failed", output)
    assert found, output
    return dict(zip(("ingested", "duplicate", "unchanged", "failed"), map(int, found.groups())))


@pytest.fixture(scope="module")
def fuzz_run(hostile_folder, tmp_path_factory) -> dict:
    """One ``storyweave ingest`` (read, analyse, link) over every hostile input, and what the store holds."""
    db = str(tmp_path_factory.mktemp("fuzz-store") / "fuzz.db")
    done = _ingest(hostile_folder, db)
    with Store(db) as store, store.read() as conn:
        stored = {row.doc_key: row for row in conn.execute(
            select(articles.c.id, articles.c.doc_key, articles.c.duplicate_of, articles.c.text))}
        quarantined = conn.execute(select(quarantine.c.source, quarantine.c.reason)).all()
        analysed = dict(conn.execute(select(analyses.c.article_id, analyses.c.analyzer)).all())
        failed = {row.article_id: row for row in conn.execute(select(analysis_failures))}
        in_story = {a for (a,) in conn.execute(select(story_articles.c.article_id))}
    return {"db": db, "done": done, "stored": stored, "quarantined": quarantined, "analysed": analysed,
            "failed": failed, "in_story": in_story}


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "metadata.json")


def test_every_hostile_document_ends_as_an_article_or_a_quarantine_row(hostile_folder, fuzz_run):
    files = _files(hostile_folder)
    assert len(files) >= MIN_DOCUMENTS
    done = fuzz_run["done"]
    assert done.returncode == 0, f"exit {done.returncode}\n{done.stdout}\n{done.stderr[-5000:]}"
    counts = _summary(done.stdout)
    stored = fuzz_run["stored"]
    quarantined = Counter()
    for source, reason in fuzz_run["quarantined"]:
        assert reason and reason.strip(), f"quarantine row for {source} without a reason"
        quarantined[source] += 1

    # Every document of every input: an article (its own or, unchanged, an earlier twin) or a quarantine row.
    options = IngestOptions()
    lost, documents = [], 0
    for path in files:
        results = _expected_results(path, options)
        if not results and not _empty_json_array(path):  # that one is test_an_empty_json_array_is_quarantined
            lost.append(f"{path.name}: no article and no quarantine row")
        for result in results:
            documents += 1
            if isinstance(result, ArticleDraft):
                key = document_key(result.text, result.metadata.url or result.metadata.outlet)
                if key not in stored:
                    lost.append(f"{path.name}: {result.source} read but not stored")
            elif quarantined[result.source] == 0:
                lost.append(f"{path.name}: {result.source} failed ({result.reason}) but is not quarantined")
    assert lost == [], "\n".join(lost[:40])
    assert sum(counts.values()) == documents
    assert counts["ingested"] + counts["duplicate"] == len(stored)
    assert all(SECRET not in row.text for row in stored.values()), "an XML external entity was read"


def test_no_analysis_of_a_hostile_document_fails_unrecorded(fuzz_run):
    done, stored, analysed, failed = fuzz_run["done"], fuzz_run["stored"], fuzz_run["analysed"], fuzz_run["failed"]
    assert done.returncode == 0, done.stderr[-5000:]
    originals = {row.id for row in stored.values() if row.duplicate_of is None}
    assert originals, "no hostile document survived to be analysed"
    for article_id in originals:
        if article_id in failed:
            assert failed[article_id].reason.strip() and failed[article_id].analyzer == ANALYZER
            assert article_id not in analysed and article_id not in fuzz_run["in_story"], article_id
        else:
            assert analysed.get(article_id) == ANALYZER, f"article {article_id} neither analysed nor failed"
    assert set(originals) - set(failed) <= fuzz_run["in_story"], "an analysed article is in no story"
    reported = re.search(r"(\d+) analysed · .* · (\d+) failed", done.stdout)
    assert reported, done.stdout
    assert (int(reported.group(1)), int(reported.group(2))) == (len(originals) - len(failed), len(failed))
    assert done.stderr.count("analysis failed:") == len(failed)
    marked = {row.id for row in stored.values() if row.duplicate_of is None and MARKER in row.text}
    assert marked, "no document with the marker survived ingest"
    assert marked <= set(failed)
    unexpected = {a: f.reason for a, f in failed.items() if a not in marked}
    assert unexpected == {}, "hostile input broke the analysis itself"


def _empty_json_array(path: Path) -> bool:
    return path.read_bytes().strip() == b"[]"


def test_an_empty_json_array_is_quarantined(hostile_folder, fuzz_run):
    sources = {source for source, _ in fuzz_run["quarantined"]}
    empty = [path for path in _files(hostile_folder) if _empty_json_array(path)]
    assert empty
    assert [path.name for path in empty if str(path) not in sources] == []


def test_no_reader_fails_with_an_internal_error(fuzz_run):
    internal = [(source, reason) for source, reason in fuzz_run["quarantined"] if "internal error" in reason]
    assert internal == []
    assert "Traceback" not in fuzz_run["done"].stderr


def test_a_second_run_over_the_hostile_inputs_changes_nothing(hostile_folder, fuzz_run):
    first = _summary(fuzz_run["done"].stdout)
    again = _ingest(hostile_folder, fuzz_run["db"], failing_component=False)  # nothing left to analyse
    assert again.returncode == 0, again.stderr[-5000:]
    assert _summary(again.stdout) == {
        "ingested": 0, "duplicate": 0, "unchanged": first["ingested"] + first["duplicate"] + first["unchanged"],
        "failed": first["failed"],
    }
    assert "analysed" not in again.stdout and "linked" not in again.stdout
    with Store(fuzz_run["db"]) as store, store.read() as conn:
        assert len(conn.execute(select(articles.c.id)).all()) == len(fuzz_run["stored"])
        assert len(conn.execute(select(quarantine.c.id)).all()) == len(fuzz_run["quarantined"])
        assert len(conn.execute(select(analysis_failures.c.article_id)).all()) == len(fuzz_run["failed"])
