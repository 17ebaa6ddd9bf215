"""The ECB+ reader on the real corpus files in ../shared/evaldata/ecbplus."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from storyweave.errors import BadDocument, EvalDataMissing
from storyweave.evaluation.ecb_corpus import (
    detokenize,
    iter_documents,
    load_annotated_sentences,
    looks_like_dateline,
    quote_left_open,
    read_document,
)

pytestmark = pytest.mark.evaldata


@pytest.fixture(scope="module")
def ecbplus_dir(evaldata_dir: Path) -> Path:
    return evaldata_dir / "ecbplus"


@pytest.fixture(scope="module")
def topic1(ecbplus_dir: Path) -> dict[str, object]:
    return {doc.doc_id: doc for doc in iter_documents(ecbplus_dir, topics=[1])}


def test_topic_document_counts_and_story_labels(topic1, ecbplus_dir):
    files = list((ecbplus_dir / "ECB+" / "1").glob("*.xml"))
    assert len(topic1) == len(files) > 30
    stories = {doc.story for doc in topic1.values()}
    assert stories == {"1-ecb", "1-ecbplus"}
    ecb = [d for d in topic1.values() if d.subtopic == "ecb"]
    plus = [d for d in topic1.values() if d.subtopic == "ecbplus"]
    assert len(ecb) == sum(1 for f in files if f.name.endswith("ecb.xml"))
    assert len(plus) == sum(1 for f in files if f.name.endswith("ecbplus.xml"))
    assert all(d.topic == 1 for d in topic1.values())


def test_iteration_order_is_stable_and_sorted(ecbplus_dir):
    ids = [d.doc_id for d in iter_documents(ecbplus_dir, topics=[2, 1])]
    assert ids[0] == "1_1ecb"  # topic, then ecb before ecbplus, then number (not "1_10ecb")
    assert ids.index("1_2ecb") < ids.index("1_10ecb") < ids.index("1_1ecbplus") < ids.index("2_1ecb")


def test_url_extracted_and_not_in_text(topic1):
    doc = topic1["1_1ecbplus"]
    assert doc.url == (
        "http://www.accesshollywood.com/"
        "lindsay-lohan-leaves-betty-ford-checks-into-malibu-rehab_article_80744"
    )
    assert doc.title == "Lindsay Lohan Leaves Betty Ford, Checks Into Malibu Rehab"
    assert doc.text.startswith("Lindsay Lohan Leaves Betty Ford, Checks Into Malibu Rehab\n\n")
    for d in topic1.values():
        assert "http" not in d.text[:10]
        assert (d.url is not None) == (d.subtopic == "ecbplus")
        if d.url:
            assert d.url.startswith("http") and " " not in d.url


def test_title_skips_a_dateline_above_the_headline(topic1):
    doc = topic1["1_2ecbplus"]
    assert doc.text.startswith("May 2, 2013, 1:12 PM\n\n")
    assert doc.title is not None and not looks_like_dateline(doc.title)
    assert doc.title in doc.text
    assert looks_like_dateline("Posted 11/27/2005 7:21 AM")
    assert looks_like_dateline("Last Updated: Monday, 28 November 2005, 02:24 GMT")
    assert not looks_like_dateline("Colts beat Chiefs 20-13 to clinch playoff berth")


def test_detokenised_text_reads_like_prose(topic1):
    text = topic1["1_10ecb"].text
    assert (
        "\"We appreciate your respect to her and her family's privacy at this time,\" "
        "the 33-year-old actress's rep Jack Ketsoyan told the magazine" in text
    )
    assert 'what the "American Pie" star was being treated for.' in text
    text = topic1["1_11ecb"].text
    assert "I don't need to do anything anymore.\"" in text
    assert "she wasn't touring U.S. frat houses and/or tequila conventions." in text
    assert "Lohan’s attorney, Shawn Holley, spoke out about the move." in topic1["1_1ecbplus"].text
    assert "First Published: June 13, 2013 4:59 PM EDT" in topic1["1_1ecbplus"].text


@pytest.mark.parametrize(
    "tokens, expected",
    [
        ("I do n't know , `` he said '' .", 'I don\'t know, "he said".'),
        ("The Saints ' coach ( Sean Payton ) said ' no ' .", "The Saints' coach (Sean Payton) said 'no'."),
        ("Lohan ’ s lawyer : they ca n't", "Lohan’s lawyer: they can't"),
        ('He said " we won " and " they lost " .', 'He said "we won" and "they lost".'),
        ("a 15 - year - old in Columbus - which is", "a 15-year-old in Columbus - which is"),
        (
            "the U . S . deal at 4 : 40 p . m . cost $ 2 . 6 million",
            "the U.S. deal at 4:40 p.m. cost $2.6 million",
        ),
        ("Township - - where", "Township -- where"),
        ("girl . ``", 'girl."'),  # a closing quote written as ``
    ],
)
def test_detokenize_examples(tokens, expected):
    text, offsets = detokenize(tokens.split())
    assert text == expected
    assert len(offsets) == len(tokens.split())
    assert [text[a:b] for a, b in offsets] == [t if t not in ("``", "''") else '"' for t in tokens.split()]


def test_a_quotation_of_several_sentences_closes_in_a_later_one():
    # a quote opened in one sentence (here left on its word by the tokeniser) and closed in
    # the next: the closing mark goes with the words it closes, not before "said"
    first = '"As the threats evolve , scientists must act .'.split()
    second = 'Limits undermine science , " said Alan Thornhill .'.split()
    assert quote_left_open(first)
    text, _ = detokenize(second, quote_open=quote_left_open(first))
    assert text == 'Limits undermine science," said Alan Thornhill.'
    assert not quote_left_open(second, quote_open=True)
    # without the earlier sentence, the same quote opens
    assert detokenize(second)[0] == 'Limits undermine science, "said Alan Thornhill.'
    # a quote that starts a sentence opens a new paragraph of the quotation
    assert detokenize('" And we will win . "'.split(), quote_open=True)[0] == '"And we will win."'


def _raw_tokens(path: Path) -> dict[int, str]:
    """The token strings as the XML file has them, read independently of the reader."""
    surface = {"``": '"', "''": '"'}
    words = {int(t.get("t_id")): (t.text or "").strip() for t in ET.parse(path).getroot().iter("token")}
    return {t_id: surface.get(word, word) for t_id, word in words.items()}


def _assert_mentions_show_their_tokens(doc, path: Path) -> None:
    raw = _raw_tokens(path)
    for m in doc.mentions:
        words = [doc.text[slice(*doc.token_offsets[t])] for t in m.token_ids]
        assert words == [raw[t] for t in m.token_ids], (doc.doc_id, m)
        assert doc.text[m.start : m.end] == m.text
        assert m.text.startswith(words[0]) and m.text.endswith(words[-1])
        if list(m.token_ids) == list(range(m.token_ids[0], m.token_ids[-1] + 1)):
            assert "".join(m.text.split()) == "".join(words)  # contiguous: nothing else in the span


def test_mentions_map_onto_the_same_words(ecbplus_dir, topic1):
    doc = topic1["1_1ecbplus"]
    by_id = {m.m_id: m for m in doc.mentions}
    assert by_id[2].text == "Lindsay Lohan" and by_id[2].tag == "HUMAN_PART_PER" and by_id[2].kind == "HUMAN"
    assert by_id[2].instance_id == "HUM15732980283919140" and by_id[2].instance_name == "t1_lindsay_lohan"
    assert by_id[14].text == "Betty Ford" and by_id[14].kind == "LOC"
    kinds = {m.kind for m in doc.mentions}
    assert {"ACTION", "HUMAN", "LOC", "TIME"} <= kinds
    for d in iter_documents(ecbplus_dir, topics=[1, 2, 3, 4, 5]):
        assert d.mentions, d.doc_id
        _assert_mentions_show_their_tokens(d, ecbplus_dir / "ECB+" / str(d.topic) / f"{d.doc_id}.xml")
        for start, end in d.token_offsets.values():
            assert 0 <= start <= end <= len(d.text)


def test_cross_document_instances_link_mentions_across_documents(topic1):
    docs_by_instance: dict[str, set[str]] = {}
    for doc in topic1.values():
        for m in doc.mentions:
            if m.instance_id:
                docs_by_instance.setdefault(m.instance_id, set()).add(doc.doc_id)
    lohan = docs_by_instance["HUM15732980283919140"]
    assert len(lohan) > 10 and all(doc_id.endswith("ecbplus") for doc_id in lohan)


def test_annotated_sentences_only_restricts_mentions_not_text(ecbplus_dir, topic1):
    annotated = load_annotated_sentences(ecbplus_dir)
    assert annotated["1_10ecbplus"] == frozenset({1, 3})
    restricted = {d.doc_id: d for d in iter_documents(ecbplus_dir, topics=[1], annotated_sentences_only=True)}
    full, only = topic1["1_10ecbplus"], restricted["1_10ecbplus"]
    assert only.text == full.text and only.annotated_sentences == frozenset({1, 3})
    assert 0 < len(only.mentions) < len(full.mentions)
    assert {m.sentence for m in only.mentions} <= {1, 3}


def test_bad_files_raise_bad_document_and_are_skipped(tmp_path):
    topic = tmp_path / "ECB+" / "7"
    topic.mkdir(parents=True)
    (topic / "7_1ecb.xml").write_text("<Document><token t_id='1' sentence='0'", encoding="utf-8")
    (topic / "7_2ecb.xml").write_text("<Document><Markables/></Document>", encoding="utf-8")
    (topic / "7_3ecbplus.xml").write_text(
        '<Document><token t_id="1" sentence="0" number="0">http</token>'
        '<token t_id="2" sentence="1" number="0">Hello</token>'
        '<token t_id="3" sentence="1" number="1">.</token></Document>',
        encoding="utf-8",
    )
    (topic / "notes.xml").write_text("<x/>", encoding="utf-8")
    with pytest.raises(BadDocument, match="not readable XML"):
        read_document(topic / "7_1ecb.xml")
    with pytest.raises(BadDocument, match="no <token>"):
        read_document(topic / "7_2ecb.xml")
    docs = list(iter_documents(tmp_path))
    assert [(d.doc_id, d.url, d.text, d.mentions) for d in docs] == [("7_3ecbplus", "http", "Hello.", ())]
    with pytest.raises(EvalDataMissing):
        list(iter_documents(tmp_path, annotated_sentences_only=True))
    with pytest.raises(EvalDataMissing):
        list(iter_documents(tmp_path / "nowhere"))
