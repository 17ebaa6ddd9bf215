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


def test_the_storys_past_and_a_sentence_already_quoted_give_way_to_the_news():
    text = ("An earthquake killed ten people on Qeshm island on Sunday. "
            "In 2003, a quake killed more than 26,000 people in Bam, and one killed 612 in Zarand in February. "
            "A quake hit Zarand in February, killing 612 people. "
            "Office buildings were evacuated in Dubai and across the Gulf.")

    def sentence_of(mention):
        start = text.rfind(". ", 0, mention.start)
        end = text.find(". ", mention.start)
        return text[start + 2 if start >= 0 else 0 : end + 1 if end >= 0 else len(text)]

    def mention(words):
        start = text.index(words)
        return ClaimMention("a", "Outlet", start, start + len(words), words, None, "a", False)

    def group(gid, origins, *words):
        return ClaimGroup(gid, words[0], "event", "corroborated", origins, (), tuple(mention(w) for w in words))

    bam = group("g1", 4, "a quake killed more than 26,000 people in Bam")
    zarand = group("g2", 3, "A quake hit Zarand in February, killing 612 people", "one killed 612 in Zarand in February")
    news = group("g3", 2, "An earthquake killed ten people on Qeshm island on Sunday")
    dubai = group("g4", 2, "Office buildings were evacuated in Dubai and across the Gulf")
    past = {m.start for g in (bam, zarand) for m in g.mentions}
    summary = summarise([bam, zarand, news, dubai], sentence_of, sentences=3, background=lambda m: m.start in past)
    # the news first, then the past once: the Bam sentence already tells of the Zarand quake
    assert summary == ("An earthquake killed ten people on Qeshm island on Sunday. "
                       "Office buildings were evacuated in Dubai and across the Gulf. "
                       "In 2003, a quake killed more than 26,000 people in Bam, and one killed 612 in Zarand in February.")
    # without telling the past: most corroborated first, and Zarand still not twice
    assert summarise([bam, zarand, news, dubai], sentence_of, sentences=3) == (
        "In 2003, a quake killed more than 26,000 people in Bam, and one killed 612 in Zarand in February. "
        "An earthquake killed ten people on Qeshm island on Sunday. "
        "Office buildings were evacuated in Dubai and across the Gulf.")


def test_a_claim_dated_well_before_its_article_is_background():
    from types import SimpleNamespace

    from storyweave.link.summary import background_claims

    def claim(start, *dates):
        return SimpleNamespace(start=start, dates=dates)

    article = SimpleNamespace(article_id="a", published="2005-11-28T10:00:00Z", claims=(
        claim(0, "2003-12"), claim(10, "2005-02", "2003"), claim(20, "2005-11-27"), claim(30), claim(40, "P3Y"),
        claim(50, "2003", "2005-11-27")))
    undated = SimpleNamespace(article_id="b", published=None, claims=(claim(0, "2003"),))
    assert background_claims([article, undated]) == {("a", 0), ("a", 10)}
