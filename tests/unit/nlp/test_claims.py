"""The ``storyweave_claims`` component: complete claim units on written sentences and the seeds."""

from __future__ import annotations

import json

import pytest

from storyweave.nlp.claims.parts import load_claim_rules, number_value
from storyweave.nlp.pipeline import load_analyzer, make_doc


@pytest.fixture(scope="module")
def nlp():
    return load_analyzer()


def claims_of(nlp, text, published="2024-12-05"):
    return list(nlp(make_doc(nlp, text, published))._.claims)


def texts(claims):
    return [c.text for c in claims]


def test_a_compound_sentence_is_one_unit_per_main_clause(nlp):
    claims = claims_of(nlp, "Rebels entered the city on Thursday, and the army withdrew its units to the south.")
    assert texts(claims) == ["Rebels entered the city on Thursday", "the army withdrew its units to the south."]
    assert claims[1].display.startswith("The army withdrew")  # readable alone: capitalised


def test_a_sentence_cut_from_a_longer_quotation_shows_as_a_quotation(nlp):
    text = ("Raj Chohan died at the hospital.\n\n“We are shocked,” said her nephew, Ravi Singh.\n\n"
            "“She was so nice.\n\nShe always takes care of everybody.”")
    displays = [c.display for c in claims_of(nlp, text)]
    assert "“She always takes care of everybody.”" in displays
    # "her" of "said her nephew, Ravi Singh" opens the speaker's phrase: it is not the speaker
    assert not any("[Ravi Singh's]" in d for d in displays), displays


def test_a_unit_opening_with_a_quotation_mark_opens_in_capitals(nlp):
    claims = claims_of(nlp, "“it also does not mean Assad will restore stability soon,” Ramani said on Thursday.")
    assert claims[0].display.startswith("“It also does not mean")


def test_an_adverb_opening_a_sentence_stays_with_the_word_it_modifies(nlp):
    # "So far" is no conjunction "so" to strip: the unit would read "far, the Indian Navy ..."
    claims = claims_of(nlp, "So far, the Indian Navy has confiscated 14 rifles from pirates.")
    assert texts(claims) == ["So far, the Indian Navy has confiscated 14 rifles from pirates."]
    assert texts(claims_of(nlp, "So the police arrested him on Monday.")) == ["the police arrested him on Monday."]


def test_a_claim_knows_the_named_actor_its_main_verb_is_about(nlp):
    (offer,) = claims_of(nlp, "The Orioles have offered Mark Teixeira a seven-year deal worth $140 million.")
    assert len(offer.actors) == 1 and "orioles" in offer.actors[0]
    (untagged,) = claims_of(nlp, "The Nationals have offered Mark Teixeira an eight-year contract.")
    assert untagged.actors == ("name:nationals",)  # a proper noun the recogniser did not tag
    (reported,) = claims_of(nlp, "Officials said Derek Lowe is seeking a five-year deal.")
    assert any("lowe" in k for k in reported.actors)  # the reported clause's subject, not the speaker's
    (unnamed,) = claims_of(nlp, "It was destroyed by the fire on Sunday.")
    assert unnamed.actors == ()
    (briton,) = claims_of(nlp, "A Briton has fallen 2,000ft to his death on a mountain in New Zealand.")
    assert briton.actors == ()  # a nationality describes someone another outlet names
    (placed,) = claims_of(nlp, "Chris Ivory was placed on injured reserve on Tuesday.")
    assert placed.actors == ()  # what was done to him: no agent named
    (nickname,) = claims_of(nlp, "Mafia 'Oddfather,' Vincent 'Chin' Gigante, dies in U.S. prison at 77.")
    assert any("gigante" in k for k in nickname.actors)  # the apposition names him
    (quoted,) = claims_of(nlp, "“Defendant has been consistently feigning insanity for many years,” the judge wrote.")
    assert not any(k.startswith("name:") for k in quoted.actors)  # a quotation's first word, capitalised


def test_a_claim_keeps_its_bare_main_clause_to_compare_on_its_own(nlp):
    (claim,) = claims_of(nlp, "Robert Buckley, 32, who had been living and working in Christchurch, fell about "
                              "2,000 feet while climbing to a hut on Saturday.")
    (main,) = claim.views
    assert main.text == "Robert Buckley fell about 2,000 feet"  # no relative or adverbial clause, no apposition
    assert any(n.value == 2000 for n in main.numbers) and "christchurch" not in main.lemmas
    assert claim.start <= main.start < main.end <= claim.end
    (plain,) = claims_of(nlp, "The army withdrew its units from the city on Thursday.")
    assert plain.views == ()  # nothing to cut: the unit is its own main clause
    (said,) = claims_of(nlp, "Samuel Ramani, who has written on the war since 2015, said the army, which lost "
                             "the city in a week of fighting, was redeploying its forces to the south.")
    assert all("written" not in v.text for v in said.views)  # the speaker's description is no part of the claim


def test_a_claim_and_its_views_survive_the_store_row():
    from storyweave.store.analysis import claim_row
    from storyweave.store.claims_io import claim_from_row

    nlp = load_analyzer()
    (claim,) = claims_of(nlp, "Robert Buckley, 32, who had been living in Christchurch, fell about 2,000 feet.")
    assert claim.views
    assert claim_from_row(claim_row("a1", 0, claim)) == claim


def test_relative_clauses_infinitives_and_participles_stay_inside_their_sentence(nlp):
    text = "The army, which had held the city for years, was forced to withdraw, leaving its heavy weapons behind."
    claims = claims_of(nlp, text)
    assert texts(claims) == [text]


def test_coordinated_verbs_of_one_subject_are_one_unit(nlp):
    claims = claims_of(nlp, "The inmate overpowered two guards, handcuffed them and stole their weapons.")
    assert len(claims) == 1


def test_a_clause_too_short_to_stand_alone_stays_with_the_next(nlp):
    text = ("His wife survived, but another inmate who tried to break up the attack also suffered stab "
            "wounds, and Comeaux was convicted of additional assault charges.")
    assert texts(claims_of(nlp, text)) == [
        "His wife survived, but another inmate who tried to break up the attack also suffered stab wounds",
        "Comeaux was convicted of additional assault charges.",
    ]


@pytest.mark.parametrize("text", [
    "The actress re-hired longtime attorney Shawn Holley to handle her case.",
    "At the end of July, an armed man carried out a robbery at a diamond exhibition at the Carlton Hotel.",
])
def test_a_sentence_whose_past_tense_verb_the_parser_misread_is_still_a_claim(nlp, text):
    # the small model tags "re-hired" and "carried" here as participles: no finite verb
    assert texts(claims_of(nlp, text)) == [text]


def test_a_participle_phrase_is_still_no_claim(nlp):
    assert claims_of(nlp, "Last updated at 5pm on Friday.\nPictured above: the damaged warehouse.") == []


def test_fragments_are_no_claims(nlp):
    text = ("Why is Hama significant?\nTo withdraw from the city.\nHe investigates.\nNov. 30, 2009\n"
            "December 22nd, 2008 8:55 am\nAdvertisement")
    assert claims_of(nlp, text) == []


def test_reported_speech_stays_with_its_cue_and_names_its_source(nlp):
    claims = claims_of(nlp, "The Syrian army said in a statement that rebels had entered Hama and its units withdrew.")
    assert len(claims) == 1
    claim = claims[0]
    assert claim.attributed_to and "army" in claim.attributed_to.lower()
    assert "said" not in claim.content and "rebels had entered Hama" in claim.content


def test_the_outlet_asserts_what_no_source_holds(nlp):
    [claim] = claims_of(nlp, "Opposition forces captured the city of Hama on Thursday.")
    assert claim.attributed_to is None and claim.kind == "event"
    assert claim.dates == ("2024-12-05",)


def test_speech_in_a_relative_clause_attributes_only_itself(nlp):
    # the voters said how they would vote; that the poll counts them is the outlet's statement
    [claim] = claims_of(nlp, "The new poll takes into account both Democrats and independent voters who said "
                             "they would vote in the Democratic primary.")
    assert claim.attributed_to is None
    [claim] = claims_of(nlp, "The deal was negotiated over 13 days with help from Labor Secretary Thomas Perez, "
                             "who said he expects it to be finalized soon.")
    assert claim.attributed_to is None
    # a speaker described by a relative clause is still the speaker
    [claim] = claims_of(nlp, "Mr. Guerrero, a Republican who described himself as a religious Catholic, said he "
                             "recoiled when Mr. Trump began attacking Heidi Cruz.")
    assert claim.attributed_to and "Guerrero" in claim.attributed_to


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Opposition forces captured the city of Hama on Thursday.", "event"),
        ("The attack killed 12 people and wounded 40 others.", "number"),
        ("Hama has stayed in government hands throughout the war.", "state"),
        ("Prince William will visit the United Kingdom on 13 July.", "announcement"),
        ("The government plans to raise taxes next year.", "announcement"),
        ("If Homs is taken, Damascus is under serious threat.", "prediction"),
        ("The offensive could prove pivotal in the war.", "prediction"),
        ("\u201cI think it is going to be very hard for the Russians,\u201d Ramani said.", "opinion"),
    ],
)
def test_kinds(nlp, text, kind):
    [claim] = claims_of(nlp, text)
    assert claim.kind == kind, (text, claim.kind)


def test_pronouns_and_the_city_are_resolved_in_the_display_text(nlp):
    text = ("Arcade Joseph Comeaux Jr. escaped from custody in Texas on Monday.\n"
            "He initially was imprisoned in 1979 in Huntsville.\n"
            "Rebels entered Hama on Thursday. The city has never before been in rebel hands.")
    claims = claims_of(nlp, text)
    displays = [c.display for c in claims]
    assert "[Arcade Joseph Comeaux Jr.] initially was imprisoned in 1979 in Huntsville." in displays
    assert "[Hama] has never before been in rebel hands." in displays
    city = next(c for c in claims if c.display.startswith("[Hama]"))
    assert city.text.startswith("The city") and "gpe:hama" in city.entities


def test_a_pronoun_names_only_the_one_person_it_can_mean(nlp):
    text = ("Mrs. Jane Carter met Mr. Tom Price in Leeds on Monday.\n"
            "She said the factory would close in March.\n"
            "He said the union would appeal the decision.\n"
            "Police arrested John Smith on Friday. Reporters spoke to one man who says he called the police.\n"
            "Wladimir Klitschko knocked down Tony Thompson in Bern. He was too unsteady to continue.")
    displays = [c.display for c in claims_of(nlp, text)]
    assert "[Jane Carter] said the factory would close in March." in displays  # "she": the woman
    assert "[Tom Price] said the union would appeal the decision." in displays  # "he": the man
    assert not any("[John Smith] called" in d for d in displays)  # "he" is the man, not the suspect
    assert not any("[Tony Thompson] was too unsteady" in d or "[Wladimir Klitschko] was too" in d
                   for d in displays)  # two men fit: no guess


def test_a_subject_pronoun_never_means_a_name_its_own_clause_holds(nlp):
    # the small model reads the sentence-initial "Trump" as an organisation: Kim is the only
    # person named, and still not who "he" is
    text = "He has spoken by phone with Kim 20 times. Trump said he has not spoken with Kim."
    assert not any("[Kim] has not spoken" in c.display for c in claims_of(nlp, text))


def test_a_pronoun_repeated_in_a_sentence_keeps_the_main_subject(nlp):
    # the small model tags "Magnum" and "Betty Ford" as people, named between the two pronouns
    text = ("Yvonne Hiller, 43, was escorted out of the plant. "
            "She returned with a. 357 Magnum that she legally owned and kept under the seat of her car.")
    displays = [c.display for c in claims_of(nlp, text)]
    assert not any("[Magnum]" in d for d in displays), displays
    # named once: the second "she" is the same woman, and the reader knows it by then
    assert any(d.startswith("[Yvonne Hiller] returned") and "that she legally owned" in d for d in displays), displays


def test_a_pronoun_names_a_person_once_in_a_unit(nlp):
    text = ("Hillary Clinton spoke in Ohio on Monday. Clinton has taken a confusing stance on the minimum wage, "
            "but she has said that she supports a $12 wage nationally.")
    displays = [c.display for c in claims_of(nlp, text)]
    assert "Clinton has taken a confusing stance on the minimum wage, but she has said that she supports" \
        " a $12 wage nationally." in displays, displays


def test_a_short_sentence_is_a_claim_only_when_its_pronoun_names_someone(nlp):
    displays = [c.display for c in claims_of(nlp, "Mrs. Jane Carter met Mr. Tom Price. He was 75.")]
    assert "[Tom Price] was 75." in displays
    assert [c.display for c in claims_of(nlp, "The talks went on. He was 75.")] == ["The talks went on."]


def test_a_unit_that_only_says_who_said_it_is_no_claim(nlp):
    text = "She died at the scene. About 7 p.m., police said. Subryan denied the charges in court."
    assert texts(claims_of(nlp, text)) == ["She died at the scene.", "Subryan denied the charges in court."]


def test_a_name_that_only_qualifies_a_thing_is_no_antecedent(nlp):
    # the small model tags "Sikh" in "a Sikh tradition" a person
    text = ("Chohan had moved away, her friend said.\nAs part of a Sikh tradition, she had been visiting to "
            "greet Singh’s daughter-in-law, he explained.")
    assert not any("[Sikh]" in c.display for c in claims_of(nlp, text))


def test_a_quote_that_opens_the_unit_keeps_its_opening_mark(nlp):
    claims = claims_of(nlp, '"We will rebuild this city together, street by street," the mayor said on Monday.')
    assert claims[0].text.startswith('"We will rebuild')
    claims = claims_of(nlp, "“It is over for the regime,” the rebel commander told reporters on Friday.")
    assert claims[0].text.startswith("“It is over")


def test_pieces_the_parser_broke_off_a_line_are_put_back(nlp):
    # the small parser ends "sentences" after "Mob", "boss" and "Vincent" here
    text = (
        "He was known for faking mental illness to beat raps updated 12/19/2005 2:48:40 PM ET\n\n"
        'Mob boss Vincent "The Chin" Gigante, the powerful Mafioso who avoided jail for decades by '
        "wandering the streets in a bathrobe, died Monday in prison, officials said."
    )
    claims = claims_of(nlp, text)
    assert any(c.text.startswith('Mob boss Vincent "The Chin" Gigante') for c in claims), texts(claims)
    assert not any(c.text.startswith("PM ET") for c in claims)
    # an infinitive is never a unit of its own, even where the parser coordinates it
    assert not any(c.text.startswith("to beat") for c in claims), texts(claims)


def test_a_denial_counts_in_the_main_clause_only(nlp):
    assert claims_of(nlp, "Mr. LaRue denied that he was Deep Throat, the source of the Watergate reporters.")[0].denied
    assert claims_of(nlp, "LaRue discounted rumors that he was Deep Throat, the source of the reporters.")[0].denied
    claims = claims_of(nlp, "Denying he was a gangster, Gigante would wander the streets of Greenwich Village in a bathrobe.")
    assert not claims[0].denied
    # a denial verb in the passive tells what befell someone
    assert not claims_of(nlp, "Mr. LaCalamita, 38, had been dismissed last week, the police said.")[0].denied
    # a falsity word used as a verb judges nothing
    claims = claims_of(nlp, "In 2003, he pleaded guilty to obstructing justice by misleading doctors about his mental state.")
    assert not claims[0].denied
    # a headline's parse is too poor to tell its clauses apart: a denial anywhere in it counts
    assert claims_of(nlp, "Egypt, PA deny report that Sisi offered Abbas land in Sinai for Palestinian state")[0].denied


def test_hedges_and_negation(nlp):
    [hedged] = claims_of(nlp, "Damascus was likely redeploying its forces to avoid urban combat.")
    assert hedged.hedged and "likely" in hedged.hedges
    [main] = claims_of(nlp, "Rebels entered Hama, in a development that may have significant consequences.")
    assert not main.hedges  # the hedge sits in a clause about the development, not on the entry
    [negated] = claims_of(nlp, "The rebels did not enter the city of Hama.")
    assert negated.negated
    [denied] = claims_of(nlp, "The army denied that rebels had entered the city of Hama.")
    assert denied.denied and not denied.negated


def test_numbers_count_a_thing_under_a_governing_word(nlp):
    [claim] = claims_of(nlp, "The earthquake killed at least 10 people in five villages.")
    counts = {(n.unit, n.governor, n.value) for n in claim.numbers}
    assert ("people", "kill", 10.0) in counts


def test_a_list_of_numbers_is_not_cut_before_its_last_item(nlp):
    # the parser made "11 on Windows XP ..." a clause of its own; a unit never starts mid-list
    claims = claims_of(nlp, "The Fix It tool released by Microsoft can be used for IE6, 7, 8, 9, 10, and 11 on "
                            "Windows XP, Vista, 7, 8, and 8.1, both Preview and RTM. 32-and 64-bit versions of the "
                            "operating systems are all included in the security advisory.")
    assert not any(c.text.startswith("11") for c in claims)
    assert claims and claims[0].text.startswith("The Fix It tool")


def test_an_elliptical_sentence_stays_with_the_sentence_it_completes(nlp):
    # "Nor is Windows Server 2012." means nothing alone: its predicate is the sentence before
    texts = [c.text for c in claims_of(nlp, "Windows 8 is not affected by the flaw. Nor is Windows Server 2012. "
                                            "Microsoft said a patch would follow.")]
    assert texts[0] == "Windows 8 is not affected by the flaw. Nor is Windows Server 2012."
    # even where it is a paragraph of its own; the row reads as one line
    [first, _] = claims_of(nlp, "Windows 8 is not affected by the flaw.\n\nNor is Windows Server 2012.\n\n"
                                "Microsoft said a patch would follow.")
    assert first.display == "Windows 8 is not affected by the flaw. Nor is Windows Server 2012."
    # so does an elliptical clause ("and so were ..."); "Neither was charged" says all it says
    texts = [c.text for c in claims_of(nlp, "Police arrested Jones on Friday, and so were the two men with her. "
                                            "Neither was charged with a crime, police said.")]
    assert texts == ["Police arrested Jones on Friday, and so were the two men with her.",
                     "Neither was charged with a crime, police said."]


def test_a_difference_is_no_count(nlp):
    # "five rounds sooner" measures a difference: it does not contradict "went 11 rounds"
    [claim] = claims_of(nlp, "Klitschko finished the fight five rounds sooner than in their first fight.")
    assert not claim.numbers
    [claim] = claims_of(nlp, "The bout went 11 rounds before the Ukrainian emerged triumphant.")
    assert [(n.unit, n.value) for n in claim.numbers] == [("round", 11.0)]


def test_rankings_name_what_they_rank(nlp):
    claims = claims_of(nlp, "Rebels took control of Syria\u2019s second-largest city, Aleppo, last week.")
    ranks = [r for c in claims for r in c.ranks]
    assert ranks and ranks[0].name == "Aleppo" and ranks[0].ordinal == 2 and ranks[0].dimension == "size"


def test_scoped_hedges_cover_the_attributed_claims_before_them(nlp):
    text = ("The army said rebels had entered Hama on Thursday.\n"
            "NBC News was unable to independently confirm claims by either side.")
    doc = nlp(make_doc(nlp, text, "2024-12-05"))
    [claim] = doc._.claims
    assert claim.hedged and claim.scope_hedges and not claim.hedges
    assert doc._.claim_hedges


def test_whole_sentences_keep_fragments_for_evaluation(nlp):
    from storyweave.nlp.claims import extract_claims

    doc = nlp(make_doc(nlp, "Isis leader injured in airstrike", None))
    assert doc._.claims == ()
    claims, _ = extract_claims(doc, whole_sentences=True)
    assert [c.text for c in claims] == ["Isis leader injured in airstrike"]


def test_number_words():
    rules = load_claim_rules()
    assert number_value("1,200", rules) == 1200.0
    assert number_value("two hundred", rules) == 200.0
    assert number_value("hundreds", rules) == 100.0


@pytest.mark.evaldata
def test_seed_claims_are_complete_and_readable(nlp, seeds_dir):
    meta = json.loads((seeds_dir / "metadata.json").read_text(encoding="utf-8"))
    fragments, total = 0, 0
    for name, info in meta.items():
        text = (seeds_dir / name).read_text(encoding="utf-8")
        for claim in claims_of(nlp, text, info.get("published")):
            total += 1
            fragments += len(claim.text.split()) <= 3 or not any(ch.isalpha() for ch in claim.text)
            assert claim.text == text[claim.start : claim.end]
    assert total >= 40 and fragments == 0
