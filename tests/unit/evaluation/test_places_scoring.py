"""The geoparsing scorer on hand-built gold and predictions: misses, demonyms, median and AUC."""

from __future__ import annotations

import math

import pytest

from storyweave.evaluation.places import (
    MISS_KM,
    ErrorSummary,
    GoldArticle,
    GoldToponym,
    accuracy_at,
    end_to_end_outcomes,
    error_auc,
    median_km,
    resolution_outcomes,
    score_places,
)
from storyweave.nlp.places import Place

#: "Rebels left Aleppo for Homs. Syrian troops followed." with gold points
TEXT = "Rebels left Aleppo for Homs. Syrian troops followed."
ALEPPO = GoldToponym(12, 18, "Aleppo", 36.20, 37.16, 170063)
HOMS = GoldToponym(23, 27, "Homs", 34.73, 36.72, 169577)
SYRIAN = GoldToponym(29, 35, "Syrian", 35.0, 38.0, 163843)
NO_POINT = GoldToponym(0, 6, "Rebels", None, None, None)
ARTICLE = GoldArticle("a", TEXT, [NO_POINT, ALEPPO, HOMS, SYRIAN])


def is_demonym(phrase: str) -> bool:
    return phrase == "Syrian"


def place(gold: GoldToponym, lat: float, lon: float, source: str = "ner", gid: int = 0) -> Place:
    return Place(
        text=TEXT[gold.start : gold.end], start_char=gold.start, end_char=gold.end, name=gold.phrase,
        geonameid=gid, lat=lat, lon=lon, country_code="SY", kind="city", population=0, source=source,
    )


def test_accuracy_median_and_mean_on_known_lists():
    errors = [0.0, 100.0, 161.0, 500.0, MISS_KM]
    assert accuracy_at(errors) == pytest.approx(3 / 5)  # 161 km itself is within
    assert median_km(errors) == 161.0
    assert median_km([10.0, 30.0]) == 20.0
    summary = ErrorSummary.of(errors)
    assert summary.n == 5 and summary.mean_km == pytest.approx(sum(errors) / 5)
    assert ErrorSummary.of([]) == ErrorSummary(0, 0.0, 0.0, 0.0, 0.0)


def test_auc_is_0_for_exact_points_1_for_misses_and_known_in_between():
    assert error_auc([0.0, 0.0, 0.0]) == 0.0
    assert error_auc([MISS_KM] * 4) == pytest.approx(1.0)
    assert error_auc([0.0, MISS_KM]) == pytest.approx(0.5)  # a straight line from 0 to 1
    # sorted first: the order the errors come in does not matter
    assert error_auc([MISS_KM, 0.0, 0.0]) == pytest.approx(0.25)
    assert error_auc([100.0]) == pytest.approx(math.log(101) / math.log(20040))
    # errors beyond the largest possible one are held at it, so the AUC stays within 0..1
    assert error_auc([0.0, 50_000.0]) == pytest.approx(0.5)
    assert error_auc([]) == 0.0


def test_auc_rewards_smaller_errors():
    assert error_auc([0.0, 10.0, 100.0]) < error_auc([0.0, 10.0, 1000.0]) < error_auc([0.0, 10.0, MISS_KM])


def test_an_unrecognised_gold_toponym_is_a_miss_at_half_the_earth():
    predicted = [place(ALEPPO, 36.21, 37.15)]  # Homs and Syrian not found
    outcomes = end_to_end_outcomes(ARTICLE, predicted, is_demonym)
    assert len(outcomes) == 3  # the gold toponym without a point is not scored for distance
    aleppo, homs, syrian = outcomes
    assert aleppo.placed and aleppo.error_km < 5
    assert (homs.placed, homs.error_km) == (False, MISS_KM)
    assert (syrian.placed, syrian.demonym) == (False, True)


def test_a_predicted_demonym_counts_for_a_demonym_gold_span_only():
    syrian = place(SYRIAN, 34.8, 38.9, source="demonym")  # Syria's point, ~90 km from the gold one
    over_homs = Place("Homs", 23, 27, "Syria", 163843, 34.8, 38.9, "SY", "country", 0, "demonym")
    outcomes = end_to_end_outcomes(ARTICLE, [syrian, over_homs], is_demonym)
    by_phrase = dict(zip(["Aleppo", "Homs", "Syrian"], outcomes))
    assert by_phrase["Syrian"].placed and by_phrase["Syrian"].error_km < 161
    assert not by_phrase["Homs"].placed  # a demonym is no reading of a place name


def test_the_prediction_overlapping_most_is_taken():
    part = Place("Ho", 23, 25, "Ho", 1, 6.6, 0.47, "GH", "city", 0, "ner")  # 2 of the 4 characters
    homs = place(HOMS, 34.73, 36.72)
    (_, got, _) = end_to_end_outcomes(ARTICLE, [part, homs], is_demonym)
    assert got.error_km < 1


def test_resolution_none_is_a_miss_and_must_line_up_with_the_gold():
    resolved = [place(ALEPPO, 36.20, 37.16), None, place(SYRIAN, 35.0, 38.0, source="demonym")]
    outcomes = resolution_outcomes(ARTICLE, resolved, is_demonym)
    assert [o.placed for o in outcomes] == [True, False, True]
    assert outcomes[1].error_km == MISS_KM
    with pytest.raises(ValueError):
        resolution_outcomes(ARTICLE, resolved[:2], is_demonym)


def test_score_places_rows_with_and_without_demonyms():
    far_homs = place(HOMS, 40.0, 36.72, gid=1)  # ~590 km north
    predicted = [place(ALEPPO, 36.20, 37.16, gid=170063), far_homs, place(NO_POINT, 0.0, 0.0)]
    resolved = [place(ALEPPO, 36.20, 37.16), place(HOMS, 34.73, 36.72), None]
    score = score_places([ARTICLE], [predicted], [resolved], is_demonym)
    m = score.metrics()
    # end to end over Aleppo, Homs and Syrian: only Aleppo within 161 km; Syrian not recognised
    assert m["acc161"] == pytest.approx(1 / 3)
    assert m["acc161_without_demonyms"] == pytest.approx(1 / 2)
    assert m["recognised_acc161"] == pytest.approx(1 / 2)  # Aleppo and Homs recognised
    assert m["median_error_km"] == pytest.approx(score.end_to_end[1].error_km)
    errors = [o.error_km for o in score.end_to_end]
    assert errors[2] == MISS_KM and m["mean_error_km"] == pytest.approx(sum(errors) / 3)
    assert 0 < m["auc"] < 1 and m["auc_without_demonyms"] < m["auc"]
    # resolution: Syrian had no reading
    assert m["resolution_acc161"] == pytest.approx(2 / 3)
    assert m["resolution_acc161_without_demonyms"] == 1.0
    assert m["resolution_median_error_km"] < 1
    assert score.misses("end_to_end") == (1, 1)  # Syrian not recognised, Homs too far
    assert score.misses("resolution") == (1, 0)
    # recognition: 3 of the 4 gold spans found ("Rebels" has no point but is a gold toponym)
    assert m["recall_with_demonyms"] == pytest.approx(3 / 4) and m["recall"] == pytest.approx(3 / 3)
    assert m["precision"] == 1.0
    assert m["id_accuracy"] == pytest.approx(1 / 2)  # Aleppo's id right, Homs's wrong
    assert score.demonym_gold == 1


def test_read_corpus_moves_drifted_gold_spans_onto_their_phrase(tmp_path):
    from storyweave.evaluation.places import read_corpus

    text = "Flights from Toronto to Edmonton resumed in Alberta on Monday."
    xml = f"""<articles><article docid="1"><text>{text}</text><toponyms>
    <toponym><start>11</start><end>18</end><phrase>Toronto</phrase>
      <gaztag geonameid="6167865"><lat>43.7</lat><lon>-79.4</lon></gaztag></toponym>
    <toponym><start>{text.index("Alberta") - 12}</start><end>{text.index("Alberta") - 5}</end><phrase>Alberta</phrase>
      <gaztag geonameid="5883102"><lat>52.3</lat><lon>-117.5</lon></gaztag></toponym>
    <toponym><start>0</start><end>8</end><phrase>Winnipeg</phrase></toponym>
    </toponyms></article></articles>"""
    path = tmp_path / "corpus.xml"
    path.write_text(xml, encoding="utf-8")
    (article,) = read_corpus(path)
    toronto, alberta, absent = article.toponyms
    assert text[toronto.start : toronto.end] == "Toronto"  # 2 characters off
    assert text[alberta.start : alberta.end] == "Alberta"  # 12 characters off
    assert (absent.start, absent.end, absent.located) == (0, 8, False)  # nowhere near: left as it is
    assert [g.phrase for g in article.located()] == ["Toronto", "Alberta"]
