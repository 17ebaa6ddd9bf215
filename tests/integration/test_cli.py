"""The command line, end to end, on real files and both databases."""

from __future__ import annotations

import gzip
import json
import re
import shutil
from pathlib import Path

import click
import pytest
import typer
from typer.testing import CliRunner

from storyweave.cli import app
from storyweave.export.document import validate_export

REPO = Path(__file__).resolve().parents[2]
runner = CliRunner()

#: What PRODUCT.md names as furniture in the seeds, and body text that must stay.
SEED_FURNITURE = ["Advertisement", "via Getty Images", "CONTACT US", "Forgot your details?"]
SEED_KEPT = [
    "Main opposition armed group says rebels have full control of Hama",  # standfirst
    "Why is Hama significant?",  # subheading
    "Opposition forces have captured the city of Hama in central Syria",
    "Rebel forces entered the Syrian city of Hama and forced out government troops Thursday",
    "doesn’t mean Assad will be able to restore authoritarian stability any time soon",
]


def run(*args: str, input: bytes | None = None):
    result = runner.invoke(app, list(args), input=input, catch_exceptions=False)
    return result


def _articles(db: str) -> list[dict]:
    """What ``storyweave articles --json`` lists, one record per article."""
    return [json.loads(line) for line in run("articles", "--db", db, "--json").output.strip().splitlines()]


def test_every_command_and_option_is_documented():
    docs = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    command = typer.main.get_command(app)
    missing = []

    def walk(group: click.Command, prefix: str) -> None:
        for name, sub in getattr(group, "commands", {}).items():
            full = f"{prefix} {name}".strip()
            if isinstance(sub, click.Group):
                walk(sub, full)
                continue
            if f"`storyweave {full}" not in docs:
                missing.append(full)
            for param in sub.params:
                for opt in getattr(param, "opts", []):
                    if opt.startswith("--") and opt not in ("--help",) and opt not in docs:
                        missing.append(f"{full} {opt}")

    walk(command, "")
    assert missing == [], f"undocumented in docs/cli.md: {missing}"


def test_ingest_seeds_with_metadata(tmp_path, seeds_dir, db_url):
    result = run("ingest", str(seeds_dir), "--db", db_url, "--quiet", "--no-analyze")
    assert result.exit_code == 0, result.output
    assert "2 ingested" in result.output

    rows = _articles(db_url)
    assert sorted(r["outlet"] for r in rows) == ["Al Jazeera", "NBC News"]
    assert {r["published"] for r in rows} == {"2024-12-05"}

    texts = ""
    removed = ""
    for row in rows:
        shown = json.loads(run("article", row["id"], "--db", db_url, "--json").output)
        texts += shown["text"]
        removed += " ".join(span["text"] for span in shown["removed"])
    for furniture in SEED_FURNITURE:
        assert furniture not in texts
        assert furniture in removed
    for kept in SEED_KEPT:
        assert kept in texts

    again = run("ingest", str(seeds_dir), "--db", db_url, "--quiet", "--no-analyze")
    assert "0 ingested · 0 duplicate · 2 unchanged · 0 failed" in again.output


def test_ingest_seeds_without_metadata_finds_outlets_in_the_text(tmp_path, seeds_dir, db_url):
    folder = tmp_path / "seeds"
    folder.mkdir()
    for name in ("000_186d926eac2fcf62.txt", "002_7868c019a8f5e8bf.txt"):
        shutil.copy(seeds_dir / name, folder / name)
    assert run("ingest", str(folder), "--db", db_url, "--quiet", "--no-analyze").exit_code == 0
    rows = _articles(db_url)
    assert sorted(r["outlet"] for r in rows) == ["Al Jazeera", "NBC News"]
    assert {r["published"] for r in rows} == {None}


def test_stdin_and_flags(seeds_dir, db_url):
    data = (seeds_dir / "000_186d926eac2fcf62.txt").read_bytes()
    result = run(
        "ingest", "-", "--db", db_url, "--outlet", "Example Outlet", "--published", "2024-12-05", "--no-analyze",
        input=data,
    )
    assert result.exit_code == 0, result.output
    rows = _articles(db_url)
    assert [(r["outlet"], r["published"], r["source"]) for r in rows] == [("Example Outlet", "2024-12-05", "<stdin>")]


def _bad_inputs(folder: Path) -> dict[str, str]:
    """Write one file per bad-input kind; return name -> what the error must mention."""
    folder.mkdir()
    (folder / "junk.bin").write_bytes(bytes(range(256)) * 40)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.html").write_text("<html><head><title>x</title></head><body>\n</body></html>")
    (folder / "huge.txt").write_text("word " * 400_000)
    (folder / "broken.xml").write_text('<?xml version="1.0"?><rss version="2.0"><channel><item><title>t')
    (folder / "broken.jsonl").write_text('{"text": "fine text of a fine article, long enough to be kept."}\n{nope\n')
    return {"junk.bin": "", "empty.txt": "empty", "blank.html": "", "huge.txt": "", "broken.xml": ""}


def test_bad_input_never_aborts_the_batch(tmp_path, seeds_dir, db_url):
    bad = tmp_path / "inputs"
    _bad_inputs(bad)
    shutil.copy(seeds_dir / "000_186d926eac2fcf62.txt", bad / "good.txt")
    (bad / "latin1.txt").write_bytes(
        "Le président a déclaré à la presse que les négociations reprendraient à Genève après "
        "l'été, selon un communiqué publié jeudi par le ministère.".encode("cp1252")
    )
    (bad / "hostile.html").write_text(
        '<html><head><title>"><script>alert(1)</script><img src=x onerror=alert(2)></title></head>'
        "<body><article><h1>Hostile &lt;b&gt;title</h1>"
        + "<p>The council met on Tuesday to discuss the budget for the coming year and agreed on most items. </p>" * 5
        + "</article></body></html>"
    )
    result = run("ingest", str(bad), "--db", db_url, "--max-bytes", "1000000", "--quiet", "--no-analyze")
    assert result.exit_code == 0, result.output
    summary = re.search(r"(\d+) ingested · (\d+) duplicate · (\d+) unchanged · (\d+) failed", result.output)
    ingested, _, _, failed = map(int, summary.groups())
    assert ingested >= 4  # good.txt, latin1.txt, hostile.html, the good JSONL line
    assert failed >= 6
    for name in ("junk.bin", "empty.txt", "blank.html", "huge.txt", "broken.xml", "broken.jsonl"):
        assert name in result.output, f"no error named {name}"
    listed = run("quarantine", "--db", db_url, "--json").output.splitlines()
    quarantined = [json.loads(line)["source"] for line in listed]
    assert any(s.endswith("huge.txt") for s in quarantined) and any(s.endswith("junk.bin") for s in quarantined)

    rows = _articles(db_url)
    latin = [r for r in rows if r["source"].endswith("latin1.txt")]
    full = json.loads(run("article", latin[0]["id"], "--db", db_url, "--json").output)
    assert "président a déclaré" in full["text"]

    again = run("ingest", str(bad), "--db", db_url, "--max-bytes", "1000000", "--quiet", "--no-analyze")
    assert "0 ingested · 0 duplicate" in again.output
    again_quarantined = run("quarantine", "--db", db_url, "--json").output.splitlines()
    assert len(again_quarantined) == len(quarantined)


def test_duplicates_across_formats(tmp_path, seeds_dir, db_url):
    text = (seeds_dir / "002_7868c019a8f5e8bf.txt").read_text(encoding="utf-8")
    lines = [
        json.dumps({"text": text, "url": "https://www.nbcnews.com/news/world/hama-syria", "title": "Hama"}),
        json.dumps({"body": text + "\n\nThis article first appeared on NBC News.", "link": "https://wire.example.com/hama"}),
    ]
    path = tmp_path / "dump.jsonl.gz"
    path.write_bytes(gzip.compress("\n".join(lines).encode("utf-8")))
    result = run("ingest", str(path), "--db", db_url, "--field", "text=text", "--quiet", "--no-analyze")
    assert "1 ingested · 0 duplicate" in result.output or "1 ingested · 1 duplicate" in result.output
    result = run("ingest", str(path), "--db", db_url, "--quiet", "--no-analyze")
    rows = _articles(db_url)
    copies = [r for r in rows if r["duplicate_of"]]
    assert len(rows) == 2 and len(copies) == 1
    assert copies[0]["duplicate_of"] == [r for r in rows if not r["duplicate_of"]][0]["id"]


def test_export_follows_the_schema(tmp_path, seeds_dir, db_url):
    result = run("ingest", str(seeds_dir), "--db", db_url, "--quiet")
    assert "2 analysed" in result.output, result.output
    out = tmp_path / "export.json"
    result = run("export", "--db", db_url, "--format", "json", "-o", str(out))
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text(encoding="utf-8"))
    validate_export(document)
    assert len(document["articles"]) == 2
    article = document["articles"][0]
    assert article["removed"] and article["text"]
    texts = {a["id"]: a["text"] for a in document["articles"]}
    removed = {a["id"]: [r["text"] for r in a["removed"]] for a in document["articles"]}
    for key in ("entities", "dates", "quotes", "events"):
        assert document[key], f"no {key} in the export"
    for entity in document["entities"]:
        for m in entity["mentions"]:
            if "field" in m:  # a place named in a photo caption: offsets into that removed span
                source = removed[m["article"]][int(m["field"].split(":")[1])]
            else:
                source = texts[m["article"]]
            assert source[m["start"] : m["end"]] == m["text"]
    hama = [e for e in document["entities"] if e["name"] == "Hama"]
    assert hama and hama[0]["geo"]["country"] == "SY"
    assert {"2024-12-05", "2024-11-27"} <= {d["value"] for d in document["dates"]}
    # Re-running the analysis finds nothing pending and changes nothing.
    assert "analysed" not in run("analyze", "--db", db_url, "--quiet").output


def test_show_leads_with_key_claims_and_reads_like_the_page(seeds_dir, db_url):
    assert "2 analysed" in run("ingest", str(seeds_dir), "--db", db_url, "--quiet").output
    story = json.loads(run("stories", "--db", db_url, "--json").output.splitlines()[0])["id"]
    result = runner.invoke(app, ["show", story, "--db", db_url], catch_exceptions=False, terminal_width=200)
    assert result.exit_code == 0, result.output
    out = result.output
    key, aj, nbc = out.index("Key claims"), out.index("What only Al Jazeera reports"), out.index("What only NBC News reports")
    assert key < aj < nbc < out.index("Timeline") < out.index("Who said what")
    lead = out[key:aj]
    # Aleppo's rank is contested: both versions, each with its outlet and sentence
    assert "version 1: “Syria’s second-largest city” — Al Jazeera" in lead
    assert "version 2: “the country’s most-populous city” — NBC News" in lead
    assert "2 outlets · 1 origin: Syrian military (statement)" in lead  # the army's redeployment
    assert "Hama Central Prison" in out[nbc:out.index("Timeline")]
    assert re.search(r"\d+ more of \d+ claims", out)
    timeline = out[out.index("Timeline"):out.index("Who said what")]
    assert "the weekend of 30 Nov–1 Dec 2024" in timeline and "2024-W48-WE" not in timeline
    assert "undated" not in timeline and re.search(r"\d+ events? without a date", timeline)
    said = out[out.index("Who said what"):]
    assert "its war in Ukraine since 2022" not in said and "claims by either side" not in said
    # --json: the same sections, with every claim besides
    dossier = json.loads(run("show", story, "--db", db_url, "--json").output)
    assert dossier["sections"]["total"] == len(dossier["claims"]) > dossier["sections"]["shown"]


def test_who_said_what_shows_a_headline_colon_once(tmp_path, db_url):
    # "Poll: ..." attributes the headline to the poll by its colon: the line reads
    # "Politico: Clinton and Sanders ...", not "Politico, :: ..."
    article = {"id": "poll-1", "url": "https://politico.example/poll-1", "outlet": "Politico",
               "title": "Poll: Clinton and Sanders in dead heat in California",
               "text": "Poll: Clinton and Sanders in dead heat in California\n\nHillary Clinton and Bernie Sanders "
                       "are virtually deadlocked in California, according to a new poll released on Wednesday.",
               "published": "2016-05-26"}
    path = tmp_path / "poll.jsonl"
    path.write_text(json.dumps(article) + "\n", encoding="utf-8")
    assert "1 analysed" in run("ingest", str(path), "--db", db_url, "--quiet").output
    story = json.loads(run("stories", "--db", db_url, "--json").output.splitlines()[0])["id"]
    out = runner.invoke(app, ["show", story, "--db", db_url], catch_exceptions=False, terminal_width=200).output
    said = out[out.index("Who said what"):]
    assert "Politico: Clinton and Sanders in dead heat" in said and "::" not in said


def test_unknown_article_gives_a_clear_error(db_url):
    result = runner.invoke(app, ["article", "nope", "--db", db_url])
    assert result.exit_code == 1
    assert "no article 'nope'" in result.output


def test_store_in_a_missing_folder_gives_a_clear_error(tmp_path):
    # SQLite only: a file path whose folder does not exist has no PostgreSQL counterpart.
    result = runner.invoke(app, ["articles", "--db", str(tmp_path / "missing" / "dir" / "x.db")])
    assert result.exit_code == 1
    assert "does not exist" in result.output


@pytest.mark.parametrize("field", ["nonsense", "colour=body"])
def test_bad_field_mapping_is_refused(tmp_path, field):
    # One backend is enough: the mapping is refused before any store is opened.
    result = runner.invoke(app, ["ingest", str(tmp_path), "--db", str(tmp_path / "s.db"), "--field", field])
    assert result.exit_code == 1
