"""The PolNeAR quote scorer (``storyweave.evaluation.quotes``) on a hand-written brat file."""

from __future__ import annotations

TEXT = "“We will win,” Smith said. Jones thinks the plan failed, aides said."
ANN = """\
T1\tContent 0 14\t“We will win,”
T2\tSource 15 20\tSmith
T3\tCue 21 25\tsaid
T4\tAttribution 21 25\tsaid
E1\tAttribution:T4 Content:T1 Cue:T3 Source:T2
T5\tContent 40 48;49 55\tthe plan failed
T6\tSource 27 32\tJones
T7\tCue 33 39\tthinks
E2\tAttribution-no-source:T7 Content:T5 Cue:T7 Source:T6
T8\tDiscard 0 3\tWe
"""


def test_parse_brat_reads_discontinuous_spans_and_skips_other_labels():
    from storyweave.evaluation.quotes import parse_brat

    gold = parse_brat(ANN)
    assert [g.content for g in gold] == [((0, 14),), ((40, 48), (49, 55))]
    assert gold[0].source == ((15, 20),) and gold[1].cue == ((33, 39),)


def test_score_matches_one_to_one_by_gold_token_overlap():
    from storyweave.evaluation.quotes import Article, Counts, parse_brat, score_article
    from storyweave.nlp.quotes import Quote

    article = Article("x", TEXT, parse_brat(ANN))
    right = Quote("We will win", 1, 13, "Smith", 15, 20, "Smith", "said", 21, 25, True, parts=((1, 13),))
    # "plan" is one of the second gold's three tokens: a match at 0.3, not at 0.8; wrong speaker and cue
    short = Quote("plan", 44, 48, "aides", 57, 62, None, "said", 63, 67, False, parts=((44, 48),))
    counts = Counts()
    score_article(article, [right, short], counts)
    assert (counts.gold, counts.predicted) == (2, 2)
    assert counts.matched == {0.3: 2, 0.8: 1}
    assert (counts.speaker_right, counts.with_source, counts.cue_right, counts.with_cue) == (1, 2, 1, 2)


def test_agreement_scores_annotators_against_each_other_and_the_extractor_against_each():
    from storyweave.evaluation.quotes import Article, parse_brat, score_agreement
    from storyweave.nlp.quotes import Quote

    both = parse_brat(ANN)
    first_only = both[:1]  # the second annotator missed "Jones thinks ..."
    article = Article("x", TEXT, both, annotators=(both, first_only))
    right = Quote("We will win", 1, 13, "Smith", 15, 20, "Smith", "said", 21, 25, True, parts=((1, 13),))
    humans, extractor = score_agreement([article], {"x": [right]})
    # annotator 1 as gold: 1 of 2 found, 1 predicted; annotator 2 as gold: 1 of 1 found, 2 predicted
    assert (humans.gold, humans.predicted, humans.matched[0.3]) == (3, 3, 2)
    assert (humans.speaker_right, humans.with_source) == (2, 2)
    # the extractor's one quote against each annotator in turn
    assert (extractor.gold, extractor.predicted, extractor.matched[0.3]) == (3, 2, 2)
