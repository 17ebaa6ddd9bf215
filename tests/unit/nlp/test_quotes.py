"""Quotes and reported speech: hand-written sentences for each form, the marks pairer, and the seeds."""

from __future__ import annotations

import pytest

from storyweave.nlp.pipeline import load_base
from storyweave.nlp.quotes import Quote, extract_quotes
from storyweave.nlp.quotes.marks import find_quote_marks

AJ = "000_186d926eac2fcf62.txt"
NBC = "002_7868c019a8f5e8bf.txt"


@pytest.fixture(scope="module")
def nlp():
    return load_base()


def quotes_of(nlp, text: str) -> list[Quote]:
    return extract_quotes(nlp(text))


def only(quotes: list[Quote], containing: str) -> Quote:
    found = [q for q in quotes if containing in q.text]
    assert len(found) == 1, [q.text for q in quotes]
    return found[0]


# -- quote marks ------------------------------------------------------------------
def test_marks_pair_curly_straight_and_single():
    text = 'He said “one two three” and "four five" and ‘six seven eight’ but it’s fine.'
    spans = [text[s.start : s.end] for s in find_quote_marks(text)]
    assert spans == ["one two three", "four five", "six seven eight"]


def test_marks_skip_apostrophes_and_short_single_quotes():
    text = "It’s the ’90s and the ‘fat cats’ won’t go."
    assert find_quote_marks(text) == []


def test_marks_run_over_paragraphs_when_next_paragraph_opens_with_a_mark():
    text = "“First part of it.\n\n“Second part here,” she said.\n\nNo “stray mark here\n\nNext paragraph."
    spans = [text[s.start : s.end] for s in find_quote_marks(text)]
    assert spans == ["First part of it.\n\n“Second part here,"]


def test_a_curly_quote_runs_on_to_its_closing_mark_a_paragraph_or_two_later():
    # text laid out one sentence per line: the quote opens in one line and closes two later
    text = ("“There was nothing we could do.\n\nEverybody was just standing there.\n\nShe was out cold.”\n\n"
            "He said “no way.\n\nThe next day it rained.\n\nThen “yes” came.")
    spans = [text[s.start : s.end] for s in find_quote_marks(text)]
    assert spans == [
        "There was nothing we could do.\n\nEverybody was just standing there.\n\nShe was out cold.", "yes",
    ]  # but a mark that another opening mark follows first is a stray


def test_a_straight_quote_runs_on_to_a_mark_that_can_only_close_it():
    # CNN's layout: the quote's last paragraph opens with no mark; its straight mark closes
    text = ('"But I am here to tell you this is a false choice.\n\nWith smart policies, we can grow."\n\n'
            'He said "no way.\n\nThe next day it rained.\n\nThen "yes" came.')
    spans = [text[s.start : s.end] for s in find_quote_marks(text)]
    assert spans == ["But I am here to tell you this is a false choice.\n\nWith smart policies, we can grow.", "yes"]


def test_a_quote_of_several_lines_after_an_attributed_one_is_the_same_speakers(nlp):
    text = ("“We are really just shocked,” said her nephew, Ravi Singh, 32, of Coney Island.\n\n"
            "“She was so nice.\n\nShe always takes care of everybody.”\n\nA police officer saw the car.")
    quote = only(quotes_of(nlp, text), "takes care of everybody")
    assert quote.speaker_entity == "Ravi Singh"


# -- direct quotes ---------------------------------------------------------------------
def test_quote_split_around_its_cue_is_one_quote(nlp):
    text = (
        "Resul Serdar reported from Kilis. “In just over a week,” Serdar said, “they have managed to take "
        "full control of the city.”"
    )
    quote = only(quotes_of(nlp, text), "In just over a week")
    assert "they have managed" in quote.text and len(quote.parts) == 2
    assert quote.speaker == "Serdar" and quote.speaker_entity == "Resul Serdar"
    assert quote.cue == "said" and quote.direct


def test_cue_before_a_colon(nlp):
    quote = only(quotes_of(nlp, "Serdar said: “The city has fallen to the opposition forces today.”"), "city")
    assert quote.speaker == "Serdar" and quote.direct and quote.cue == "said"


def test_cue_after_quote_with_told(nlp):
    text = "“Hama is the birthplace of the armed resistance against the party,” Pinfold told Al Jazeera."
    quote = only(quotes_of(nlp, text), "birthplace")
    assert (quote.speaker, quote.cue, quote.direct) == ("Pinfold", "told", True)


def test_inverted_cue_with_apposition(nlp):
    text = "“It was really surprising that they managed it,” said Samuel Ramani, an associate fellow at RUSI."
    quote = only(quotes_of(nlp, text), "surprising")
    assert quote.speaker.startswith("Samuel Ramani, an associate fellow")
    assert quote.speaker_entity == "Samuel Ramani"


def test_pronoun_after_quote_is_previous_speaker(nlp):
    text = (
        "“Hama is the birthplace of the resistance,” Robert Pinfold told Al Jazeera.\n\n"
        "The capture of Hama would also “open up the road to Homs,” he said."
    )
    quote = only(quotes_of(nlp, text), "open up the road")
    assert quote.speaker == "he" and quote.speaker_entity == "Robert Pinfold"


def test_he_after_a_sentence_about_someone_else_is_that_person(nlp):
    # CNN on the Endangered Species Act: the quote before is Wetzler's, but the sentence before
    # the pronoun is about Obama, and "he told department employees" continues with him
    text = (
        "\"The announcement will allow the act to do what it was intended,\" said Andrew Wetzler, director "
        "of the program.\n\nObama also helped celebrate the 160th anniversary of the Interior Department on "
        "Tuesday.\n\n\"Throughout our history, there's been a tension,\" he told department employees."
    )
    assert only(quotes_of(nlp, text), "Throughout our history").speaker_entity == "Obama"
    # but a person named earlier in the pronoun's own sentence comes first
    text = (
        "President Obama overturned a regulation that could have weakened the Endangered Species Act.\n\n"
        "Before former President George W. Bush left office, he passed legislation that would have allowed "
        "federal agencies to skip consultations."
    )
    assert only(quotes_of(nlp, text), "legislation").speaker_entity == "George W. Bush"


def test_he_or_she_is_not_a_previous_speaker_the_article_says_is_of_the_other_sex(nlp):
    text = (
        "Bernie Sanders said he would fight on. \"We will win,\" Sanders said. Hillary Clinton said she was "
        "confident. \"We will unite the party,\" Clinton said. \"He is wrong,\" Sanders said. Clinton was booed "
        "at Thursday night's debate when she said Sanders' attack was an attack on Obama."
    )
    quote = only(quotes_of(nlp, text), "attack on Obama")
    assert quote.speaker == "she" and quote.speaker_entity == "Hillary Clinton"
    # no evidence of anyone's sex and no person the sentence is about: the previous speaker
    text = (
        "\"We will win,\" Jordan Smith said. The crowd cheered when she said the attack was unfair."
    )
    assert only(quotes_of(nlp, text), "unfair").speaker_entity == "Jordan Smith"
    # a person the sentence is about comes before the previous speaker
    text = (
        "\"We will win,\" Jordan Smith said. Alex Brown was booed when she said the attack was unfair."
    )
    assert only(quotes_of(nlp, text), "unfair").speaker_entity == "Alex Brown"
    # a pronoun in the speaker's own quoted words or about another says nothing of the speaker
    text = (
        "Melania Trump tells supporters that \"he loves you.\" Dan Patrick said he was pleased. "
        "\"We are going to Nevada,\" Melania Trump said. She says her husband will win."
    )
    assert only(quotes_of(nlp, text), "her husband will win").speaker_entity == "Melania Trump"


def test_quote_continuing_after_cue_sentence_joins_the_quote(nlp):
    text = "“They clearly think we are weak,” Clinton said at the rally. “So they will keep advertising against me.”"
    quotes = quotes_of(nlp, text)
    quote = only(quotes, "clearly think")
    assert "keep advertising" in quote.text and quote.speaker == "Clinton"


def test_partial_quote_inside_reported_speech_is_one_indirect_quote(nlp):
    text = "The army said in a statement it was redeploying its forces “to preserve civilian lives” after clashes."
    quote = only(quotes_of(nlp, text), "redeploying")
    assert "to preserve civilian lives" in quote.text
    assert quote.direct is False and quote.speaker == "The army"


def test_nyt_doubled_apostrophe_quotes(nlp):
    text = "''It was a bad year for the business,'' Mr. Hutto said. ''We kept the doors open.''"
    quote = only(quotes_of(nlp, text), "bad year")
    assert "kept the doors open" in quote.text and quote.speaker == "Mr. Hutto" and quote.direct


def test_cue_inside_a_quote_is_not_an_attribution(nlp):
    text = "“Nobody expected that the city would fall so fast,” said Ramani, a fellow at RUSI."
    quotes = quotes_of(nlp, text)
    assert [q.cue for q in quotes] == ["said"]


def test_unattributed_pull_quote_is_dropped(nlp):
    assert (
        quotes_of(nlp, "The campaign ended.\n\n“A new beginning for all of us here”\n\nVoters went home.")
        == []
    )


def test_furniture_between_quote_paragraphs_does_not_split_a_speaker(nlp):
    text = (
        "“The offensive is going to be hard to stop,” Samuel Ramani told Al Jazeera.\n\nAdvertisement\n\n"
        "“If Homs is taken, Damascus is under serious threat.”"
    )
    quote = only(quotes_of(nlp, text), "offensive")
    assert "If Homs is taken" in quote.text and quote.speaker_entity == "Samuel Ramani"


def test_headline_name_and_colon(nlp):
    text = "Bernie Sanders: I am not interested in being vice president\n\nThe race went on."
    quote = only(quotes_of(nlp, text), "vice")
    assert (quote.speaker, quote.cue, quote.speaker_entity) == ("Bernie Sanders", ":", "Bernie Sanders")


def test_headline_source_read_as_a_noun_and_page_labels(nlp):
    quote = only(
        quotes_of(nlp, "Poll: Voters Trust The Mayor On Housing\n\nA new survey came out."), "Voters"
    )
    assert quote.speaker == "Poll" and quote.cue == ":"
    assert quotes_of(nlp, "Update: The bridge reopened to traffic on Monday morning.\n\nCars moved.") == []
    assert quotes_of(nlp, "Summary: MWEB has restored 83% of its capacity on SEACOM.\n\nIt took weeks.") == []
    # a topic before the colon is what the line is about
    text = "Kraft Shooting: Yvonne Hiller Charged With Two Counts Of Murder\n\nShe was held."
    assert [q for q in quotes_of(nlp, text) if q.cue == ":"] == []


def test_a_place_before_a_headline_colon_is_where_not_who():
    # the whole analysis, whose gazetteer knows Athens is a place (the bare model does not)
    from storyweave.nlp.analysis import AnalysisInput, analyze_texts

    text = "War-Zone Athens: Riots continue as police fire tear gas at protesters\n\nThe city burned."
    (analysis,) = analyze_texts([AnalysisInput("athens", text, None)])
    assert [q.text for q in analysis.quotes if q.cue == ":"] == []


def test_the_empty_it_of_a_passive_cue_names_no_source(nlp):
    text = ("Scientists urged the administration to act. On Friday, it was reported that the Interior "
            "Department sent a rule to the White House.")
    quote = only(quotes_of(nlp, text), "Interior Department")
    assert quote.speaker_entity is None


def test_a_description_with_a_name_is_the_name_and_a_lone_article_is_no_one(nlp):
    text = ("However, his sister Mahnefah Gray said he had common sense. "
            "The also said that Gray had been arrested four times.")
    quotes = quotes_of(nlp, text)
    assert only(quotes, "common sense").speaker_entity == "Mahnefah Gray"
    assert only(quotes, "arrested four times").speaker_entity is None


def test_a_surname_is_the_latest_person_named_in_full_with_it(nlp):
    text = ("The parents of Ramarley Graham, an unarmed teenager shot by police last year, were waiting. "
            "“It never seems to end,” said Frank Graham, Ramarley’s father. "
            "“The community has a right to be angry,” Graham said.")
    quotes = quotes_of(nlp, text)
    assert only(quotes, "never seems").speaker_entity == "Frank Graham"
    assert only(quotes, "right to be angry").speaker_entity == "Frank Graham"


def test_they_never_stands_for_a_document(nlp):
    text = ("Activists sent more than 70,000 petitions to officials urging them to cancel the rule. "
            "After a review, they said they had reached the conclusion that protections were necessary.")
    quote = only(quotes_of(nlp, text), "reached the conclusion")
    assert "petitions" not in (quote.speaker_entity or "")


# -- reported speech -----------------------------------------------------------------
def test_parenthetical_cue_inside_the_content(nlp):
    text = "Like his comments about the judge, Mr. Graham said, the attacks on the family were unacceptable."
    quote = only(quotes_of(nlp, text), "unacceptable")
    assert quote.speaker == "Mr. Graham" and "Like his comments" in quote.text and len(quote.parts) == 2


def test_speaker_of_participle_cue_is_the_main_subject(nlp):
    text = "When he returned, Obama began by saying that the country had changed."
    quote = only(quotes_of(nlp, text), "country had changed")
    assert quote.speaker == "Obama" and quote.cue == "saying"


def test_a_subject_the_parser_took_for_another_clauses_object_speaks(nlp):
    # the parser makes "officials" one more thing the town has, and "say" the town's verb
    text = ("The main town on Qeshm still has power, water and electricity connections and officials say "
            "they are sending relief goods such as tents to those who have lost their homes.")
    quote = only(quotes_of(nlp, text), "sending relief goods")
    assert quote.speaker == "officials" and quote.cue == "say"


def test_an_it_the_parser_lends_a_cue_is_no_speaker_when_a_person_says_it(nlp):
    # the parser hangs "added" on "takes", whose subject "it" says nothing
    text = ("Pence said in politics it takes time to develop those relationships but added, “I strongly support "
            "Paul Ryan, strongly endorse his re-election…we need Paul Ryan…to make America great again,” Pence said.")
    quote = only(quotes_of(nlp, text), "I strongly support Paul Ryan")
    assert quote.speaker == "Pence" and quote.cue == "added"


def test_reported_speech_with_that(nlp):
    text = (
        "Kremlin spokesperson Dmitry Peskov said on Thursday that Russia is assessing the situation in Syria."
    )
    quote = only(quotes_of(nlp, text), "Russia is assessing")
    assert quote.speaker == "Kremlin spokesperson Dmitry Peskov" and quote.speaker_entity == "Dmitry Peskov"
    assert quote.cue == "said" and not quote.direct


def test_reported_speech_cue_after_content(nlp):
    text = "Russia is assessing the situation in Syria, Kremlin spokesperson Dmitry Peskov said on Thursday."
    quote = only(quotes_of(nlp, text), "Russia is assessing")
    assert quote.speaker_entity == "Dmitry Peskov"


def test_a_cue_in_the_middle_attributes_the_clause_on_both_sides(nlp):
    # the parser hangs "said" on the noun after it, not on the clause's verb
    text = ("Resul Serdar reported from Kilis.\nThe opposition also took over the city’s military airport, "
            "Serdar said, “one of the largest in Syria” that has been used by government forces.")
    quote = only(quotes_of(nlp, text), "one of the largest")
    assert quote.text.startswith("The opposition also took over the city’s military airport")
    assert quote.speaker_entity == "Resul Serdar"


def test_coordinated_second_cue_is_its_own_quote(nlp):
    text = "Trump said the wall would be built quickly and told reporters that Mexico would pay for it."
    quotes = quotes_of(nlp, text)
    first, second = only(quotes, "wall would be built"), only(quotes, "Mexico would pay")
    assert first is not second and "told" not in first.text
    assert second.speaker == "Trump" and second.cue == "told"


def test_degenerate_texts_give_no_quotes(nlp):
    for text in ("", "   ", '"', "“unclosed quote here", ":", "Trump:", "''", "He said.", "according to"):
        assert quotes_of(nlp, text) == []


def test_warned_and_declared(nlp):
    quotes = quotes_of(
        nlp,
        "Abu Mohammed al-Julani declared that the rebels had full control over Hama. "
        "The minister warned that the city would be retaken within days.",
    )
    assert only(quotes, "full control").speaker_entity == "Abu Mohammed al-Julani"
    assert only(quotes, "retaken").cue == "warned"


def test_told_outlet_that(nlp):
    text = "Hassan Abdul-Ghani, senior commander of the forces, told NBC News that tanks had been used."
    quote = only(quotes_of(nlp, text), "tanks had been used")
    assert quote.speaker_entity == "Hassan Abdul-Ghani" and quote.cue == "told"


def test_according_to(nlp):
    text = "Helicopter gunships carried out aerial bombardments, according to the Syrian Observatory for Human Rights."
    quote = only(quotes_of(nlp, text), "Helicopter gunships")
    assert quote.cue == "according to" and quote.speaker == "the Syrian Observatory for Human Rights"
    assert quote.kind == "according"


def test_statement_of_an_organisation_speaks_for_it(nlp):
    text = "The Syrian Defense Ministry's statement said that the units had redeployed outside the city."
    quote = only(quotes_of(nlp, text), "redeployed")
    assert quote.speaker_entity == "Syrian Defense Ministry"


def test_beliefs_and_intentions_are_attributions_too(nlp):
    quotes = quotes_of(
        nlp, "Sanders wants to win the nomination. Polls show Clinton up by ten points in New York."
    )
    assert only(quotes, "win the nomination").kind == "intention"
    assert only(quotes, "Clinton up").speaker == "Polls"


def test_bare_speech_cue_without_a_quote_takes_its_nominal_reading(nlp):
    # "questioned" is a speech cue (it may own a direct quote) and a stance verb with an object
    quote = only(quotes_of(nlp, "The senator questioned the cost of the new bridge."), "cost")
    assert (quote.speaker, quote.cue, quote.kind) == ("The senator", "questioned", "stance")
    assert quote.text == "the cost of the new bridge"


def test_bare_speech_cue_still_owns_the_quote_next_to_it(nlp):
    quote = only(quotes_of(nlp, "“We will not back down,” the mayor told reporters."), "back down")
    assert (quote.cue, quote.kind, quote.direct) == ("told", "speech", True)


def test_speech_cue_with_a_nominal_content(nlp):
    quote = only(quotes_of(nlp, "Asked whether the deal was fair, most members said yes."), "yes")
    assert quote.cue == "said" and quote.speaker == "most members"


def test_noun_cues_with_possessive_and_clause_content(nlp):
    quotes = quotes_of(nlp, "The mayor's claim that crime had fallen by half drew laughter in the hall.")
    quote = only(quotes, "crime had fallen")
    assert (quote.cue, quote.kind, quote.speaker) == ("claim", "nominal", "The mayor's")
    assert quote.speaker_entity == "mayor"


def test_noun_cue_speaker_is_the_subject_of_its_clause(nlp):
    quote = only(quotes_of(nlp, "The governor avoided any criticism of the pipeline project."), "pipeline")
    assert quote.cue == "criticism" and quote.speaker == "The governor"
    assert quote.text == "the pipeline project"
    quote = only(
        quotes_of(nlp, "Despite his criticism of the pipeline, the governor met the builders."), "pipeline"
    )
    assert quote.speaker == "his"


def test_noun_describing_a_document_is_not_a_cue(nlp):
    assert quotes_of(nlp, "A statement posted on the website was removed on Friday.") == []


def test_adjective_cues_after_a_copula(nlp):
    quotes = quotes_of(nlp, "Many farmers are afraid that the drought will last another year.")
    quote = only(quotes, "drought will last")
    assert (quote.cue, quote.kind, quote.speaker) == ("afraid", "attitude", "Many farmers")
    quote = only(quotes_of(nlp, "The union has been critical of the new contract."), "contract")
    assert quote.cue == "critical" and quote.speaker == "The union"
    assert quotes_of(nlp, "It is clear that the drought will last another year.") == []


def test_passive_cue_with_a_by_agent(nlp):
    quote = only(quotes_of(nlp, "The budget plan was criticized by several governors."), "budget plan")
    assert quote.speaker == "several governors" and quote.cue == "criticized"


def test_fronted_poll_or_view_is_the_source_of_its_clause(nlp):
    quote = only(quotes_of(nlp, "In a new Gallup poll, the senator leads her rival by six points."), "leads")
    assert (quote.cue, quote.kind) == ("In", "according")
    assert quote.speaker == "a new Gallup poll"
    assert quotes_of(nlp, "The senator is surging in the polls this month.") == []


def test_participle_of_speech_speaks_for_its_noun(nlp):
    text = "Protesters carried banners saying that the vote had been rigged."
    quote = only(quotes_of(nlp, text), "vote had been rigged")
    assert quote.cue == "saying"
    assert not [q for q in quotes_of(nlp, "Armed groups opposing the government held the town.")]


def test_transcript_turns_quoted_paragraph_by_paragraph(nlp):
    text = (
        'Partial transcript as follows:\n\n"HOST: Will the senator attend the hearing tomorrow?\n\n'
        '"SMITH: She will not attend the hearing, and she has said so many times.\n\n'
        '"HOST: Thank you for joining us this morning."'
    )
    quotes = quotes_of(nlp, text)
    assert only(quotes, "attend the hearing tomorrow").speaker == "HOST"
    assert only(quotes, "She will not attend").speaker == "SMITH"
    assert only(quotes, "Thank you").speaker == "HOST"


def test_quote_signed_with_a_dash_and_a_name(nlp):
    text = "“The new bridge has changed my commute completely.” ― Maria Lopez\n“It is far too expensive.” ― Tom Reed"
    quotes = quotes_of(nlp, text)
    assert only(quotes, "commute").speaker == "Maria Lopez"
    assert only(quotes, "expensive").speaker == "Tom Reed"
    assert quotes_of(nlp, "“The bridge is open” — and traffic is moving again.") == []


def test_block_quote_after_a_colon_ending_the_paragraph(nlp):
    text = "The mayor spoke at length. She said:\n\n“We will rebuild the bridge before the winter comes.”"
    quote = only(quotes_of(nlp, text), "rebuild the bridge")
    assert quote.speaker == "She" and quote.cue == "said"


def test_cue_opening_the_sentence_after_a_question_quote(nlp):
    text = "“Who do they think they are?” Smith said of the council in March, when it raised the fares again."
    quote = only(quotes_of(nlp, text), "Who do they think")
    assert quote.speaker == "Smith" and quote.cue == "said"


def test_question_clause_parsed_as_an_adverbial_is_the_content_of_ask(nlp):
    quote = only(quotes_of(nlp, "Asked if he would run again, the mayor smiled."), "run again")
    assert quote.cue == "Asked" and quote.text == "if he would run again"


def test_partial_quote_inside_the_cues_other_reading_keeps_that_content(nlp):
    quote = only(quotes_of(nlp, "The governor promised to “end” the program by next summer."), "end")
    assert quote.text == "to “end” the program by next summer" and quote.kind == "intention"
    assert not quote.direct


def test_fronted_relative_pronoun_takes_what_follows_the_cue(nlp):
    text = "Reyes, whom the mayor dubbed “the little senator,” won the race."
    quote = only(quotes_of(nlp, text), "little senator")
    assert quote.text.startswith("whom … ") and quote.speaker == "the mayor"
    # a relative pronoun alone is no content
    assert quotes_of(nlp, "The county bought the old mill, which the governor had criticized.") == []


def test_infinitive_after_a_nominal_content_belongs_to_it(nlp):
    quote = only(
        quotes_of(nlp, "Senator Ruiz defended his call to raise the state minimum wage."), "his call"
    )
    assert quote.text == "his call to raise the state minimum wage"


def test_quote_continues_after_a_cue_sentence_with_initials(nlp):
    text = (
        "“Some courses are adapting, others are just not,” said Paul H. Chipok, a lawyer in Orlando. "
        "“It costs a lot of money to run a golf course.”\n\n"
        "“We will win this state,” Mayor Lopez told U.S. reporters at the rally. “Nobody should doubt it.”"
    )
    quotes = quotes_of(nlp, text)
    assert len(only(quotes, "Some courses").parts) == 2 and "golf course" in only(quotes, "Some courses").text
    assert "Nobody should doubt it" in only(quotes, "We will win").text


def test_quote_continues_after_a_cue_sentence_holding_a_title_in_marks(nlp):
    text = (
        "“Jobs, jobs, jobs,” Mayor Lopez said on “The Evening Show” last month when asked about her "
        "plans. “Nobody did it better than my husband.”"
    )
    assert "Nobody did it better" in only(quotes_of(nlp, text), "Jobs, jobs").text


def test_cue_opening_the_next_sentence_after_a_long_subject(nlp):
    text = (
        "“We are failing because we do not understand the anger of the voters in these towns.” The "
        "longtime mayor of the small town, Maria Lopez, said on Sunday after a long night."
    )
    quote = only(quotes_of(nlp, text), "We are failing")
    assert quote.cue == "said" and quote.speaker.endswith("Maria Lopez")


def test_verb_after_a_closing_mark_with_its_own_subject_is_the_cue(nlp):
    text = (
        "“It became clear to me during the talks that there might be a political result that adherence "
        "to the old rules achieved,” Ash wrote in the email."
    )
    quote = only(quotes_of(nlp, text), "It became clear")
    assert (quote.cue, quote.speaker) == ("wrote", "Ash")


def test_quote_introduced_by_a_colon_alone(nlp):
    text = (
        "In a radio interview later that day, Mayor Lopez went even further:\n\n"
        "“If the council votes no, it is the end of the project.”"
    )
    quote = only(quotes_of(nlp, text), "end of the project")
    assert (quote.cue, quote.speaker, quote.direct) == (":", "Mayor Lopez", True)


def test_speaker_of_a_cue_after_an_adjective_is_the_copulas_subject(nlp):
    quote = only(
        quotes_of(nlp, "Democratic voters are more likely to say the economy is improving."), "economy"
    )
    assert quote.speaker == "Democratic voters"


def test_titles_are_stripped_from_the_canonical_name(nlp):
    text = "President Bashar al-Assad said that the army would return to the city."
    quote = only(quotes_of(nlp, text), "army would return")
    assert quote.speaker_entity == "Bashar al-Assad"


def test_no_quote_in_plain_narrative(nlp):
    assert quotes_of(nlp, "Rebel forces entered the city of Hama on Thursday after heavy fighting.") == []


def test_component_sets_doc_extension(nlp):
    import spacy

    pipeline = spacy.blank("en")
    component = pipeline.add_pipe("storyweave_quotes")
    doc = component(nlp("The army said it was redeploying its forces."))
    assert [q.cue for q in doc._.quotes] == ["said"]


# -- the seed articles (raw text, furniture included) ------------------------------------
@pytest.fixture(scope="module")
def seed_quotes(nlp, seeds_dir):
    return {name: extract_quotes(nlp((seeds_dir / name).read_text(encoding="utf-8"))) for name in (AJ, NBC)}


@pytest.mark.parametrize(
    "article, containing, speaker, entity",
    [
        (AJ, "opposition forces entered Hama", "The Syrian army", "Syrian army"),
        (AJ, "to preserve civilian lives", "The army", "Syrian army"),
        (AJ, "full control over Hama", None, "Abu Mohammed al-Julani"),
        (AJ, "major development", "Al Jazeera’s Resul Serdar", "Resul Serdar"),
        (AJ, "In just over a week", "Serdar", "Resul Serdar"),
        (AJ, "one of the largest in Syria", "Serdar", "Resul Serdar"),
        (AJ, "breach the regime’s front lines", "Serdar", "Resul Serdar"),
        (AJ, "Some Iraqi fighters entered Syria", "Iraqi and Syrian sources", "Iraqi and Syrian sources"),
        (AJ, "We urge him", "Julani", "Abu Mohammed al-Julani"),
        (AJ, "birthplace of Sunni", "Pinfold", "Robert Geist Pinfold"),
        (AJ, "open up the road to Homs", "he", "Robert Geist Pinfold"),
        (AJ, "avoid major losses", None, "Samuel Ramani"),
        (AJ, "very hard for the Russians", "Ramani", "Samuel Ramani"),
        (AJ, "If Homs is taken", "Ramani", "Samuel Ramani"),  # after an "Advertisement" line
        (AJ, "Russia is assessing the situation", "Kremlin spokesperson Dmitry Peskov", "Dmitry Peskov"),
        (AJ, "closely monitoring", "Peskov", "Dmitry Peskov"),
        (NBC, "insurgents had gained access", None, None),
        (NBC, "tanks had been used", None, "Hassan Abdul-Ghani"),
        (
            NBC,
            "managed to penetrate several positions",
            "the Syrian Defense Ministry",
            "Syrian Defense Ministry",
        ),
        (NBC, "really surprising", None, "Samuel Ramani"),
        (NBC, "huge humiliation", None, "Samuel Ramani"),
        (NBC, "next target will be", None, "Charles Lister"),
        (NBC, "aerial bombardments with barrel bombs", "the Syrian Observatory for Human Rights", None),
        (NBC, "heavy Russian-led bombing", "Ramani from RUSI", "Samuel Ramani"),
        (NBC, "really unclear", "he", "Samuel Ramani"),
    ],
)
def test_seed_quotes_have_their_speakers(seed_quotes, article, containing, speaker, entity):
    quote = only(seed_quotes[article], containing)
    if speaker is not None:
        assert quote.speaker == speaker
    if entity is not None:
        assert quote.speaker_entity == entity


def test_seed_split_and_reported_forms(seed_quotes):
    aj, nbc = seed_quotes[AJ], seed_quotes[NBC]
    assert only(aj, "In just over a week").direct
    assert not only(aj, "to preserve civilian lives").direct  # partial quote inside reported speech
    both = only(nbc, "insurgents had gained access")
    assert both.speaker.startswith("Both the Syrian Defense Ministry and an official")
    ministry = only(nbc, "managed to penetrate several positions")
    assert "to safeguard the lives" in ministry.text  # "..., and that “...”" belongs to the same statement
    assert only(nbc, "aerial bombardments").cue == "according to"
    # the "said he said" typo in NBC: the quote and its continuation go to Ramani
    assert "Damascus is going to fall" in only(nbc, "really unclear").text
    # a quote about a quote is not a cue: "neither Damascus nor Moscow expected" stays inside Ramani's words
    assert not any(q.cue == "expected" for q in nbc)


def test_the_passive_subject_of_a_speech_verb_is_never_its_speaker(nlp):
    # "charged" is a speech cue ("he charged that ..."), but the one charged speaks of nothing
    quotes = quotes_of(nlp, "Subryan was charged with DWI, the DA said.")
    assert [(q.speaker, q.cue) for q in quotes] == [("the DA", "said")]
    assert quotes[0].text == "Subryan was charged with DWI"
    [active] = quotes_of(nlp, "He charged that the election was rigged.")
    assert active.speaker == "He" and active.cue == "charged"


def test_a_past_form_ending_a_headline_is_a_passive_not_a_cue(nlp):
    text = ("Woman Killed in Queens Hit-Run, Driver Charged\nRebels Take Hama, Army Says\n"
            "The mayor is corrupt, critics charged.")
    cues = {q.cue for q in quotes_of(nlp, text)}
    assert "Charged" not in cues
    assert "charged" in cues


def test_a_belief_cue_with_an_object_and_a_participle_states_no_belief(nlp):
    quotes = quotes_of(nlp, "Once, agents serving a subpoena found Gigante standing naked in the shower. "
                            "His act allowed him to escape trial for years. Investigators found that the brakes had failed.")
    assert not [q for q in quotes if q.kind == "cognition" and "escape trial" in q.text]
    assert [q for q in quotes if q.kind == "cognition" and "brakes had failed" in q.text]


def test_a_title_the_parser_made_the_subject_gives_way_to_the_name_after_it(nlp):
    quote = only(quotes_of(nlp, "The suspect fled the scene, said Sgt. Mourad Mourad of the 67th Precinct."), "fled")
    assert quote.speaker_entity == "Mourad Mourad"


def test_a_title_the_parser_hung_on_the_content_belongs_to_the_speaker(nlp):
    text = ("Officers found a gun in the vehicle matching the description of the one used in the "
            "shootings, Troy police Lt. Gerry Scherlinck said.")
    quote = only(quotes_of(nlp, text), "Officers found a gun")
    assert text[quote.start_char : quote.end_char].endswith("used in the shootings")
    assert quote.speaker == "Troy police Lt. Gerry Scherlinck" and quote.speaker_entity == "Gerry Scherlinck"
    inverted = only(quotes_of(nlp, "The victims' conditions were not known, said Troy police Lt. Gerry Scherlinck."),
                    "conditions")
    assert inverted.speaker == "Troy police Lt. Gerry Scherlinck"
