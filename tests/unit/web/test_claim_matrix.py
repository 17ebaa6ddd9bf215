"""The "all claims" matrix rows: a column per outlet for a few outlets, one chip cell for many."""

from __future__ import annotations

from storyweave.web.pages import MATRIX_OUTLET_COLUMNS, ClaimFilter, claim_matrix, matrix_page


def claim(cid: str, outlets: list[str]) -> dict:
    return {"id": cid, "status": "corroborated", "text": cid, "mentions": [{"outlet": o} for o in outlets]}


def test_few_outlets_get_a_column_each():
    rows = claim_matrix([claim("c", ["AJ", "NBC", "NBC"])], ["AJ", "BBC", "NBC"], 0, 10)
    assert str(rows[0]["cells"]) == ('<td class="yes">✓</td><td class="no">·</td>'
                                     '<td class="yes">✓<span class="small">×2</span></td>')


def test_many_outlets_share_one_escaped_reported_by_cell():
    outlets = ["<b>Gazette</b>"] + [f"outlet {i}" for i in range(MATRIX_OUTLET_COLUMNS)]
    page = matrix_page([claim("c", ["<b>Gazette</b>", "outlet 1", "outlet 1"])], outlets, 0)
    assert page["compact"] and page["matrix_columns"] == 4
    cells = str(page["matrix"][0]["cells"])
    assert cells.startswith('<td class="reported-by">') and cells.count('class="chip"') == 2
    assert "<b>" not in cells and "&lt;b&gt;Gazette&lt;/b&gt;" in cells
    # the outlet with more sentences first
    assert cells.index("outlet 1") < cells.index("Gazette")


def test_show_more_keeps_the_filter():
    claims = [claim(f"c{i}", ["AJ"]) for i in range(120)]
    page = matrix_page(claims, ["AJ"], 50, ClaimFilter(status="single-source", outlet="Al Jazeera", alone=True,
                                                       words="a & b"))
    assert page["more"] and page["next_offset"] == 100
    assert page["next_query"] == "offset=100&status=single-source&outlet=Al+Jazeera&alone=1&q=a+%26+b"
