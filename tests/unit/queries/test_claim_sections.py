"""The reader's view of a story's claims (key claims, what only each outlet reports, the rest),
and which quotes "who said what" keeps. Hand-built claims in ``stories._claims``'s shape."""

from __future__ import annotations

from storyweave.queries.sections import KEY, claim_sections, filter_claims, hidden_claims, is_key
from storyweave.queries.stories import is_statement, origin_summary


def claim(cid: str, status: str, outlets: list[str], score: float = 0.5, text: str = "") -> dict:
    return {"id": cid, "status": status, "score": score, "text": text or f"claim {cid}",
            "mentions": [{"outlet": o, "text": f"sentence of {cid} in {o}"} for o in outlets]}


def test_key_claims_are_corroborated_contested_or_relayed_by_several_outlets():
    assert is_key(claim("a", "corroborated", ["AJ", "NBC"]))
    assert is_key(claim("b", "contested", ["AJ", "NBC"]))
    # two outlets relaying one origin: single-source, but not something only one outlet reports
    assert is_key(claim("c", "single-source", ["AJ", "NBC"]))
    # one outlet quoting two independent speakers: corroborated within it
    assert is_key(claim("d", "corroborated", ["AJ", "AJ"]))
    assert not is_key(claim("e", "single-source", ["AJ", "AJ"]))
    assert not is_key(claim("f", "single-source", [None]))


def test_sections_lead_with_key_claims_then_each_outlet_by_check_worthiness():
    claims = [claim("k1", "corroborated", ["AJ", "NBC"]), claim("k2", "single-source", ["AJ", "NBC"]),
              claim("a1", "single-source", ["AJ"], 0.5), claim("a2", "single-source", ["AJ"], 0.9),
              claim("n1", "single-source", ["NBC"], 0.7), claim("u1", "single-source", [None], 0.2)]
    sections = claim_sections(claims, {"AJ": 1, "NBC": 2, "Quiet Times": 1})
    assert [c["id"] for c in sections["key"]] == ["k1", "k2"] and sections["key_total"] == 2
    by_outlet = {o["outlet"]: o for o in sections["outlets"]}
    # more articles first, then by name; an outlet with nothing of its own still listed, unnamed last
    assert [o["outlet"] for o in sections["outlets"]] == ["NBC", "AJ", "Quiet Times", "unknown"]
    assert [c["id"] for c in by_outlet["AJ"]["claims"]] == ["a2", "a1"]  # most check-worthy first
    assert by_outlet["Quiet Times"] == {"outlet": "Quiet Times", "articles": 1, "claims": [], "total": 0}
    assert (sections["shown"], sections["total"], sections["hidden"]) == (6, 6, 0)


def test_a_wide_story_shows_tens_of_rows_and_counts_the_rest():
    outlets = [f"outlet {i:02d}" for i in range(13)]
    claims = [claim(f"k{i}", "corroborated", outlets[:3]) for i in range(40)]
    claims += [claim(f"{o}-{j}", "single-source", [o], score=j / 10) for o in outlets for j in range(10)]
    sections = claim_sections(claims, dict.fromkeys(outlets, 1))
    assert len(sections["key"]) == 20 and sections["key_total"] == 40
    # 13 outlets share the rows: two each, not eight each
    assert {len(o["claims"]) for o in sections["outlets"]} == {2}
    assert {o["total"] for o in sections["outlets"]} == {10}
    assert sections["shown"] == 20 + 26 and sections["hidden"] == len(claims) - 46
    assert sections["outlets"][0]["claims"][0]["score"] == 0.9
    rest = hidden_claims(claims, sections)
    assert len(rest) == sections["hidden"] and not {c["id"] for c in rest} & {c["id"] for c in sections["key"]}


def test_two_outlets_get_more_rows_each_but_never_more_than_eight():
    claims = [claim(f"a{j}", "single-source", ["AJ"]) for j in range(20)]
    sections = claim_sections(claims, {"AJ": 1, "NBC": 1})
    assert len(sections["outlets"][0]["claims"]) == 8 and sections["hidden"] == 12


def test_filter_by_status_outlet_alone_and_words():
    claims = [claim("k1", "corroborated", ["AJ", "NBC"], text="Rebels took Hama"),
              claim("k2", "single-source", ["AJ", "NBC"], text="The army redeployed"),
              claim("a1", "single-source", ["AJ"], text="The airport fell"),
              claim("c1", "contested", ["AJ", "NBC"], text="Aleppo's rank")]
    ids = lambda found: [c["id"] for c in found]  # noqa: E731
    assert ids(filter_claims(claims, status="contested")) == ["c1"]
    assert ids(filter_claims(claims, status=KEY)) == ["k1", "k2", "c1"]
    assert ids(filter_claims(claims, outlet="AJ", status="single-source")) == ["k2", "a1"]
    assert ids(filter_claims(claims, outlet="AJ", alone=True)) == ["a1"]
    assert ids(filter_claims(claims, words="HAMA rebels")) == ["k1"]
    assert ids(filter_claims(claims, words="sentence of a1")) == ["a1"]  # the sentences count too
    assert ids(filter_claims(claims)) == ["k1", "k2", "a1", "c1"]


def test_origin_summary_says_outlets_and_origins_plainly():
    assert origin_summary(2, 1, [{"key": "m", "label": "Syrian military (statement)"}]) == \
        "2 outlets · 1 origin: Syrian military (statement)"
    assert origin_summary(1, 1, []) == "1 outlet · 1 origin"
    # two statements by the police: two origins, one name
    labels = [{"key": "p1", "label": "police (statement)"}, {"key": "p2", "label": "police (statement)"},
              {"key": "n", "label": "NYPD"}]
    assert origin_summary(3, 3, labels) == "3 outlets · 3 origins: police (statement), NYPD"


def test_who_said_what_keeps_statements_and_beliefs_only():
    assert is_statement("speech", "said", "Samuel Ramani", "NBC News")
    assert is_statement("according", "according to", "Syrian Observatory", "NBC News")
    assert is_statement("cognition", "believes", "Charles Lister", "NBC News")
    assert is_statement("passive_agent", "was announced by", "the ministry", "Al Jazeera")
    assert is_statement("nominal", "statement", "the ministry", "Al Jazeera")
    assert is_statement("nominal", "accusations", "the ministry", "Al Jazeera")  # plural of a speech noun
    # attitudes, intentions, impressions and evidence verbs are not statements
    assert not is_statement("stance", "focused", "Russia", "Al Jazeera")
    assert not is_statement("evidence", "confirm", "NBC News", "NBC News")
    assert not is_statement("impression", "appears", None, "Al Jazeera")
    assert not is_statement("intention", "plans", "the council", "Al Jazeera")
    assert not is_statement("nominal", "plans", "the council", "Al Jazeera")
    assert not is_statement("nominal", "fears", "residents", "Al Jazeera")
    # an outlet is a speaker in its own article only when it says something
    assert is_statement("speech", "said", "NBC News", "NBC News")
    assert not is_statement("cognition", "understands", "NBC News", "nbc news")
    assert is_statement("cognition", "understands", "NBC News", "Al Jazeera")
    # reported words too few to state anything are no statement; the speaker's own words are
    assert not is_statement("speech", "pleaded", "Louis Gigante", "AP", "his deception")
    assert not is_statement("nominal", "claim", None, "AP", "mental illness")
    assert is_statement("speech", "called", "the mayor", "AP", "a disgrace", direct=True)
    assert is_statement("speech", "said", "the mayor", "AP", "the city would rebuild")


def test_a_pronoun_speaker_the_article_leaves_unresolved_is_unattributed():
    from types import SimpleNamespace

    from storyweave.queries.stories import _who_said_what

    def row(speaker, entity, text):
        return SimpleNamespace(article_id="a1", kind="speech", cue="said", speaker=speaker, speaker_entity=entity,
                               text=text, direct=False, start=0, end=10)

    groups = _who_said_what([row("he", None, "the plan would be reviewed next month"),
                             row("Obama", "Barack Obama", "the rules would be restored")], {"a1": "CNN"}, {})
    assert [g["speaker"] for g in groups] == ["Barack Obama", "unattributed"]


def test_one_person_quoted_by_several_outlets_is_one_speaker():
    from types import SimpleNamespace

    from storyweave.queries.stories import _who_said_what

    def row(article, entity, text):
        return SimpleNamespace(article_id=article, kind="speech", cue="said", speaker=entity, speaker_entity=entity,
                               text=text, direct=False, start=0, end=10)

    rows = [row("a1", "Barack Obama", "the rules would be restored"),
            row("a2", "Obama", "science would be respected again"),  # linked to the story's Barack Obama
            row("a3", "Salazar", "the regulation would be rolled back"),  # a surname, not linked
            row("a4", "Ken Salazar", "the species would be protected"),
            row("a4", "Smith", "the plan was sound"),  # two Smiths in full: left as it is
            row("a5", "Anna Smith", "the plan was late"), row("a5", "John Smith", "the plan was fine")]
    groups = _who_said_what(rows, {a: "X" for a in ("a1", "a2", "a3", "a4", "a5")},
                            {("a2", "Obama"): "Barack Obama"})
    by_speaker = {g["speaker"]: [q["article"] for q in g["quotes"]] for g in groups}
    assert by_speaker["Barack Obama"] == ["a1", "a2"]
    assert sorted(by_speaker["Ken Salazar"]) == ["a3", "a4"] and "Salazar" not in by_speaker
    assert {"Smith", "Anna Smith", "John Smith"} <= set(by_speaker)


def test_a_speaker_written_in_two_cases_is_one_speaker():
    from types import SimpleNamespace

    from storyweave.queries.stories import _who_said_what

    def row(article, speaker, text):
        return SimpleNamespace(article_id=article, kind="speech", cue="said", speaker=speaker, speaker_entity=speaker,
                               text=text, direct=False, start=0, end=10)

    groups = _who_said_what([row("a1", "police", "they had located the suspect on Interstate 75"),
                             row("a2", "police", "the shotgun held buckshot"),
                             row("a3", "Police", "the suspect had been fired last Thursday")],
                            {"a1": "USA Today", "a2": "The Age", "a3": "Fox News"}, {})
    assert [(g["speaker"], len(g["quotes"])) for g in groups] == [("police", 3)]
