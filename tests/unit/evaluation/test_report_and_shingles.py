from storyweave.evaluation.report import Report, write_report
from storyweave.evaluation.shingles import aggregate, match


def test_shingle_match_perfect_partial_and_empty():
    gold = "one two three four five six seven eight"
    assert match(gold, gold).precision == 1.0
    half = match(gold, "one two three four five")
    assert half.precision == 1.0 and 0 < half.recall < 1
    assert match(gold, "").recall == 0.0
    scores = aggregate([match(gold, gold), half])
    assert 0 < scores.f1 < 1 and scores.documents == 2


def test_write_report_replaces_only_its_own_section(tmp_path):
    path = tmp_path / "BENCHMARKS.md"
    write_report(Report("a", "Table A", "storyweave eval a", ["x"], [[1.0]]), path)
    write_report(Report("b", "Table B", "storyweave eval b", ["y"], [[2]]), path)
    write_report(Report("a", "Table A", "storyweave eval a", ["x"], [[3.5]]), path)
    text = path.read_text()
    assert text.count("Table A") == 1 and "3.500" in text and "1.000" not in text
    assert text.index("Table A") < text.index("Table B")  # replaced in place, not appended
