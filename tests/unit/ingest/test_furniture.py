"""The line-level furniture filter on hand-written texts and on the two seed articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyweave.ingest.furniture import filter_furniture

P1 = (
    "The city council voted on Tuesday to approve the new budget, which includes more money for "
    "schools and roads, after a long debate that lasted well into the night."
)
P2 = (
    "Members of the opposition said that the plan would raise taxes for most families, and they "
    "promised to challenge it at the next meeting of the council in January."
)
P3 = (
    "The mayor told reporters that she was pleased with the result and that the money would be spent "
    "carefully, with a report on every project published before the end of the year."
)


def _kinds(result) -> dict[str, str]:
    return {span.text: span.kind for span in result.removed}


def _removed_text(result) -> str:
    return "\n".join(span.text for span in result.removed)


def test_advertisement_between_paragraphs_is_removed_and_body_kept():
    result = filter_furniture(f"{P1}\n\nAdvertisement\n\n{P2}\n\n{P3}")
    assert "Advertisement" not in result.text
    assert result.text == f"{P1}\n\n{P2}\n\n{P3}"
    assert _kinds(result) == {"Advertisement": "advertisement"}


def test_photo_credit_and_its_caption_are_removed():
    text = (
        f"{P1}\n\nThe mayor speaks at City Hall on Tuesday\nPhoto: Jane Doe / Reuters\n\n{P2}\n\n"
        f"Council members during the vote.John Smith / AFP via Getty Images\n\n{P3}"
    )
    result = filter_furniture(text)
    assert "City Hall on Tuesday" not in result.text
    assert "Reuters" not in result.text and "Getty" not in result.text
    kinds = {span.kind for span in result.removed}
    assert {"caption", "credit"} <= kinds
    assert P1 in result.text and P2 in result.text and P3 in result.text


def test_subheading_between_body_paragraphs_stays():
    result = filter_furniture(f"{P1}\n\n{P2}\n\nWhy does the budget matter?\n\n{P3}")
    assert "Why does the budget matter?" in result.text
    assert result.removed == ()


def test_headline_and_standfirst_at_the_top_stay():
    text = f"Council approves budget\n\nA long night ends with a vote for schools and roads\n\n{P1}\n\n{P2}\n\n{P3}"
    result = filter_furniture(text)
    assert result.text.startswith("Council approves budget\n\nA long night ends")


def test_related_block_share_subscribe_and_login_are_removed():
    text = (
        f"{P1}\n\n{P2}\n\n{P3}\n\nShare this article\nFacebook\nTwitter\nEmail\n\n"
        "Sign up for our daily newsletter\n\nYou may also like...\n\n"
        "Ten things to know about the budget\n\nSchools wait for new money\n\n"
        "Log in\nForgot your password?"
    )
    result = filter_furniture(text)
    assert result.text == f"{P1}\n\n{P2}\n\n{P3}"
    kinds = {span.kind for span in result.removed}
    assert {"share", "subscribe", "related", "login"} <= kinds
    assert "Ten things to know about the budget" in _removed_text(result)


def test_navigation_menu_before_body_and_cookie_notice_are_removed():
    menu = "Home\nWorld\nPolitics\nBusiness\nSport\nCulture\nWeather\nLocal News"
    cookie = (
        "This website uses cookies to improve your experience while you navigate through the website, "
        "and by continuing to use it you accept our cookie policy."
    )
    result = filter_furniture(f"{menu}\n\n{P1}\n\n{P2}\n\n{P3}\n\n{cookie}\n\nPrivacy Policy\nTerms of Use")
    assert result.text == f"{P1}\n\n{P2}\n\n{P3}"
    kinds = {span.kind for span in result.removed}
    assert {"navigation", "cookie", "footer"} <= kinds


def test_comment_section_after_the_article_is_removed():
    comments = "\n\n".join(
        f"reader{i} says:\nNovember 19, 2019 at 6:3{i} am\nI think the council is wrong about this, and so do my neighbours."
        for i in range(5)
    )
    result = filter_furniture(f"{P1}\n\n{P2}\n\n{P3}\n\n12 Comments\n\n{comments}")
    assert result.text == f"{P1}\n\n{P2}\n\n{P3}"


def test_long_comments_after_a_comment_heading_do_not_replace_the_article():
    # The readers' comments are longer prose than the article; the heading below the
    # article still closes it.
    long_comment = " ".join([P2, P3])
    comments = "\n\n".join(f"Reader {i} on November 19, 2019 at 6:3{i} am said:\n\n{long_comment}" for i in range(4))
    result = filter_furniture(f"{P1}\n\n{P3}\n\nComments\n\n{comments}")
    assert result.text == f"{P1}\n\n{P3}"
    assert "comments" in {span.kind for span in result.removed}


def test_comments_button_above_the_article_does_not_hide_it():
    result = filter_furniture(f"Home\nWorld\n\nComments\n\n{P1}\n\n{P2}\n\n{P3}")
    assert result.text == f"{P1}\n\n{P2}\n\n{P3}"


def test_list_announced_by_a_colon_after_the_last_paragraph_stays():
    dates = "Nov. 3: Chicago, United Center\nNov. 5: Detroit, Little Caesars Arena\nNov. 8: Toronto, Scotiabank Arena"
    text = f"{P1}\n\n{P2}\n\nThe band will play these dates on the tour, with tickets on sale from Friday:\n\n{dates}"
    result = filter_furniture(f"{text}\n\nPrivacy Policy\nTerms of Use")
    assert result.text == text


def test_results_table_announced_by_a_colon_is_the_body_not_the_teasers():
    rows = "\n".join(f"{i} Driver Number{i} {5000 - 40 * i} {i % 3} {i % 2} {20 - i // 2}" for i in range(1, 41))
    teasers = "\n\n".join(
        f"» Column {i}\n\nClick the picture above to see how the drivers rank in round {i} of this season and who leads."
        for i in range(3)
    )
    text = f"These are the final standings of the championship after all of the 36 races this year:\n\nPos Driver Points Wins Poles Top5\n{rows}"
    result = filter_furniture(f"{teasers}\n\nHome\nNews\nSports\n\n{text}\n\nShare this article")
    assert result.text == text


def test_text_without_prose_is_kept_rather_than_emptied():
    scores = "GIRLS BASKETBALL\n\nPalm Bay d. Rockledge 70-44\n\nPalm Bay (1-0): Tolivert 25 points. Davis 17."
    result = filter_furniture(f"{scores}\n\nPrivacy Policy")
    assert result.text == scores


def test_japanese_paragraphs_count_as_body_text():
    body = "\n\n".join(
        [
            "先日、不正に改造したiPhoneを販売したとして、商標法違反の疑いで男性が逮捕されました。",
            "報道によると、今回販売されたのは、いわゆる脱獄したiPhoneで、機能制限が解除されていました。",
            "商標には、同じ商標が付された商品は同じ提供元のものであるという出所表示機能があります。",
        ]
    )
    menu = "HOME\nブログ\n事務所案内・アクセス\nよくあるご質問"
    result = filter_furniture(f"{menu}\n\n{body}\n\n{menu}")
    assert result.text == body


def test_clean_short_article_is_kept_whole():
    text = f"{P1}\n\nIt was close.\n\n{P2}"
    result = filter_furniture(text)
    assert result.text == text
    assert result.removed == ()


def test_empty_text_gives_empty_result():
    assert filter_furniture("  \n\n ").text == ""


# --- the seeds (PRODUCT.md: furniture removed, headline, standfirst and body kept) ---

ALJAZEERA = "000_186d926eac2fcf62.txt"
NBC = "002_7868c019a8f5e8bf.txt"


@pytest.fixture(scope="module")
def seeds(seeds_dir: Path):
    return {
        name: filter_furniture((seeds_dir / name).read_text(encoding="utf-8")) for name in (ALJAZEERA, NBC)
    }


def test_aljazeera_advertisements_removed_body_kept(seeds):
    result = seeds[ALJAZEERA]
    assert "Advertisement" not in result.text
    assert [span.kind for span in result.removed].count("advertisement") == 3
    assert result.text.startswith("Main opposition armed group says rebels have full control of Hama")
    assert "\n\nWhy is Hama significant?\n\n" in result.text
    assert "Opposition forces have captured the city of Hama in central Syria" in result.text
    assert "“If Homs is taken, Damascus is under serious threat.”" in result.text
    assert result.text.endswith("cope with the militants and eliminate this threat.”")


@pytest.mark.parametrize(
    "furniture",
    [
        "Armed anti-regime groups capture 20 more settlements in Syria's Hama",
        "Armed groups opposing Syria’s Bashar al-Assad regime, in the western province of Hama on Thursday.",
        "Military reinforcements being moved from Idlib to control Hama, Syria, on Wednesday.",
        "Ibrahim Hatib / Anadolu via Getty Images",
        "CONTACT US",
        "We're not around right now.",
        "Sending",
        "Log in with your credentials",
        "Forgot your details?",
    ],
)
def test_nbc_furniture_removed(seeds, furniture):
    result = seeds[NBC]
    assert furniture not in result.text
    assert furniture in _removed_text(result)


def test_nbc_body_kept(seeds):
    result = seeds[NBC]
    assert result.text.startswith(
        "Rebel forces entered the Syrian city of Hama and forced out government troops"
    )
    for sentence in (
        "NBC News was unable to independently confirm claims by either side",
        "“It was really surprising that they managed to make it into Aleppo,” said Samuel Ramani",
        "In a separate interview, Charles Lister, the director of the Syria program",
        "One feature of the battle for Hama — and the broader Syrian civil war",
        "restore authoritarian stability any time soon.”",
    ):
        assert sentence in result.text
