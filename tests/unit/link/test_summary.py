"""The extractive story summary: whole published sentences, best-attested claims first."""

from __future__ import annotations

from storyweave.link.claims import ClaimGroup, ClaimMention
from storyweave.link.summary import summarise

TEXT = (
    "Rebels said on Thursday that they had taken the city after a day of fighting. "
    "Army units withdrew. "
    "The ministry said troops were redeployed outside the city to spare civilians."
)


def _group(gid: str, text: str, status: str, origins: int, start: int, kind: str = "event") -> ClaimGroup:
    mention = ClaimMention("a", "Outlet", start, start + len(text), text, None, "a", False)
    return ClaimGroup(gid, text, kind, status, origins, (), (mention,))


def _sentence_of(mention) -> str:
    # the sentence that holds the mention, as the link stage reads it from the article
    start = TEXT.rfind(". ", 0, mention.start)
    end = TEXT.find(". ", mention.start)
    return TEXT[start + 2 if start >= 0 else 0 : end + 1 if end >= 0 else len(TEXT)]


def test_summary_quotes_the_sentences_around_the_best_attested_claims():
    groups = [
        _group("g1", "troops were redeployed outside the city", "single-source", 1, TEXT.index("troops")),
        _group("g2", "they had taken the city", "corroborated", 2, TEXT.index("they had")),
        _group("g3", "an opinion", "corroborated", 3, 0, kind="opinion"),
    ]
    summary = summarise(groups, _sentence_of, sentences=2)
    assert summary == (
        "Rebels said on Thursday that they had taken the city after a day of fighting. "
        "The ministry said troops were redeployed outside the city to spare civilians."
    )


def test_a_sentence_too_short_to_read_alone_gives_way_to_the_claim_text():
    groups = [_group("g1", "army units withdrew", "corroborated", 2, TEXT.index("Army"))]
    assert summarise(groups, _sentence_of) == "Army units withdrew."
    assert summarise(groups) == "Army units withdrew."


def test_among_equally_attested_claims_the_lead_comes_first():
    groups = [
        _group("g1", "troops were redeployed outside the city", "corroborated", 2, TEXT.index("troops")),
        _group("g2", "they had taken the city", "corroborated", 2, TEXT.index("they had")),
    ]
    assert summarise(groups, _sentence_of, sentences=1) == (
        "Rebels said on Thursday that they had taken the city after a day of fighting.")


def test_the_sentence_quoted_is_the_one_the_claim_text_comes_from():
    # the group's first mention (by article) states another fact than the claim it shows
    other = ClaimMention("a", "Outlet", 0, 10, "Rebels said on Thursday", None, "a", False)
    shown = ClaimMention("b", "Outlet B", TEXT.index("troops"), TEXT.index("troops") + 39,
                         "troops were redeployed outside the city", None, "b", False)
    group = ClaimGroup("g", "troops were redeployed outside the city", "event", "corroborated", 2, (),
                       (other, shown))
    assert summarise([group], _sentence_of) == (
        "The ministry said troops were redeployed outside the city to spare civilians.")


def test_sentences_come_before_headlines():
    text = "Riots Erupt Following Death of Brooklyn Teen Killed By Police"
    headline = ClaimGroup("h", text, "event", "corroborated", 5, (),
                          (ClaimMention("h", "H", 0, len(text), text, None, "h", False),))
    body = _group("g", "they had taken the city", "corroborated", 2, TEXT.index("they had"))

    def sentence_of(mention):  # the headline's line, or the sentence of TEXT
        return text if mention.article_id == "h" else _sentence_of(mention)

    assert summarise([headline, body], sentence_of, sentences=1) == (
        "Rebels said on Thursday that they had taken the city after a day of fighting.")
    # with too few sentences, the headline still says what happened
    assert summarise([headline], sentence_of, sentences=1) == f"{text}."
