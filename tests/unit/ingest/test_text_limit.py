"""One limit on article length, shared by ingest and the analysis (``config.MAX_TEXT_CHARS``).

spaCy refuses texts over ``nlp.max_length`` characters (its error E088). Ingest
refuses them first, with a reason that says what to do, whatever the reader.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

from storyweave.config import MAX_TEXT_CHARS, IngestOptions
from storyweave.pipeline.ingest import checked_result, ingest
from storyweave.records import ArticleDraft, DocumentError
from storyweave.store.articles import list_quarantine
from storyweave.store.database import Store

SENTENCE = "Rebels entered the city of Hama on Thursday after days of fighting, the army said. "


def _long_text(chars: int) -> str:
    return (SENTENCE * (chars // len(SENTENCE) + 1))[:chars]


def test_every_reader_refuses_text_longer_than_the_analysis_takes(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    too_long = _long_text(MAX_TEXT_CHARS + 1)
    just_fits = _long_text(MAX_TEXT_CHARS)
    (folder / "long.txt").write_text(too_long, encoding="utf-8")
    short = "Short wire item about Hama and the army."
    (folder / "dump.jsonl").write_text(
        json.dumps({"text": too_long}) + "\n" + json.dumps({"text": short}) + "\n", encoding="utf-8"
    )
    (folder / "fits.json").write_text(json.dumps({"text": just_fits}), encoding="utf-8")

    with Store(str(tmp_path / "store.db")) as store:
        report = ingest([str(folder)], store, IngestOptions())
        with store.read() as conn:
            quarantined = {row.source: row.reason for row in list_quarantine(conn)}

    assert report.ingested == 2  # the short JSONL line and the text that just fits
    assert set(quarantined) == {str(folder / "long.txt"), f"{folder / 'dump.jsonl'}:1"}
    for reason in quarantined.values():
        assert f"longer than the {MAX_TEXT_CHARS:,} characters the analysis takes" in reason, reason
        assert "split it" in reason


def test_extracted_text_longer_than_the_analysis_takes_is_refused():
    # HTML pages, WARC responses and feed entries are checked once their text
    # is extracted: the page itself may be much larger than its article.
    draft = ArticleDraft(source="page.html", text=_long_text(MAX_TEXT_CHARS + 5), reader="html")

    error = checked_result(draft, IngestOptions())

    assert isinstance(error, DocumentError) and error.source == "page.html" and error.reader == "html"
    assert f"text of {MAX_TEXT_CHARS + 5:,} characters is longer than the" in error.reason
    fits = ArticleDraft("ok.html", _long_text(MAX_TEXT_CHARS))
    assert checked_result(fits, IngestOptions()) == fits


def test_ten_megabyte_one_line_document_is_refused_in_little_memory(tmp_path):
    path = tmp_path / "one-line.txt"
    path.write_text(_long_text(10_000_000), encoding="utf-8")
    script = textwrap.dedent(
        f"""
        from storyweave.pipeline.ingest import ingest
        from storyweave.store.database import Store
        with Store({str(tmp_path / "store.db")!r}) as store:
            report = ingest([{str(path)!r}], store)
        assert report.failed == 1 and report.ingested == 0, report
        # VmHWM, not ru_maxrss: Linux keeps ru_maxrss across execve, so a child of a large test
        # worker would report the worker's peak
        status = open("/proc/self/status").read()
        print(next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    peak_kib = int(done.stdout.strip().splitlines()[-1])
    assert peak_kib < 1_500_000 * 1000 // 1024, f"peak {peak_kib:,} KiB"
