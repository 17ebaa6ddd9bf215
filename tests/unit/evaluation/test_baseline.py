"""The CI floors live in one file (``storyweave/evaluation/baseline.toml``) and only there.

Both ways: every gate of the file is run by a gate test in ``tests/eval/``, and no gate test
keeps a threshold of its own (a number it compares a figure with, or a module-level number).
Every metric a gate names must be in its report (``Gate.misses``), so a floor cannot sit unused.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from storyweave.errors import ConfigError
from storyweave.evaluation.baseline import BASELINE, Gate, Margin, gate, load_baseline

REPO = Path(__file__).resolve().parents[3]
GATE_TESTS = sorted((REPO / "tests" / "eval").glob("test_*_gate.py"))


def _trees() -> dict[str, ast.Module]:
    return {path.name: ast.parse(path.read_text(encoding="utf-8")) for path in GATE_TESTS}


def _is_number(node: ast.AST) -> bool:
    if isinstance(node, ast.UnaryOp):
        node = node.operand
    return isinstance(node, ast.Constant) and type(node.value) in (int, float)


def test_there_are_gate_tests_and_gates():
    assert len(GATE_TESTS) >= 9
    assert len(load_baseline()) >= 15


def test_every_gate_of_the_baseline_is_run_by_a_gate_test_and_every_name_they_use_is_there():
    gates = set(load_baseline())
    named = {
        node.value
        for tree in _trees().values()
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in gates
    }
    assert gates - named == set(), "gates in baseline.toml that no tests/eval gate runs"
    for name, tree in _trees().items():
        for call in ast.walk(tree):
            if isinstance(call, ast.Call) and getattr(call.func, "id", None) == "gate" and call.args:
                arg = call.args[0]
                if isinstance(arg, ast.Constant):
                    assert arg.value in gates, f"{name}: gate({arg.value!r}) is not in baseline.toml"


def test_every_gate_test_reads_its_gate_from_the_baseline():
    for name, tree in _trees().items():
        tests = [f for f in tree.body if isinstance(f, ast.FunctionDef) and f.name.startswith("test_")]
        assert tests, f"{name} holds no test"
        for function in tests:
            calls = {getattr(c.func, "id", None) for c in ast.walk(function) if isinstance(c, ast.Call)}
            checks = {getattr(c.func, "attr", None) for c in ast.walk(function) if isinstance(c, ast.Call)}
            assert "gate" in calls and "check" in checks, (
                f"{name}::{function.name} must take its gate from baseline.toml (gate(...)) and check it"
            )


def test_no_gate_test_keeps_a_threshold_of_its_own():
    found = []
    for name, tree in _trees().items():
        indices = {id(n.slice) for n in ast.walk(tree) if isinstance(n, ast.Subscript)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Compare):
                for operand in (node.left, *node.comparators):
                    for inner in ast.walk(operand):
                        if _is_number(inner) and id(inner) not in indices:
                            found.append(f"{name}:{node.lineno} compares with {ast.unparse(inner)}")
        for statement in tree.body:
            value = getattr(statement, "value", None) if isinstance(statement, (ast.Assign, ast.AnnAssign)) else None
            if value is not None and any(_is_number(n) for n in ast.walk(value)):
                found.append(f"{name}:{statement.lineno} keeps a number: {ast.unparse(statement)}")
    assert found == [], "thresholds belong in storyweave/evaluation/baseline.toml"


def test_every_threshold_in_the_file_says_what_it_sits_under():
    lines = BASELINE.read_text(encoding="utf-8").splitlines()
    missing = []
    for n, line in enumerate(lines):
        if re.match(r"(floors|ceilings|margins)\.", line):
            above = []
            k = n - 1
            while k >= 0 and lines[k].startswith("#"):
                above.append(lines[k])
                k -= 1
            if "measured" not in line and not any("measured" in c for c in above):
                missing.append(line)
    assert missing == [], "each threshold needs a comment giving the figure measured"


def test_every_gate_names_the_eval_command_and_subset_it_runs():
    import typer.main

    from storyweave.cli import app

    evals = typer.main.get_command(app).commands["eval"].commands
    for name, g in load_baseline().items():
        words = g.command.split()
        assert words[:2] == ["storyweave", "eval"] and words[2] in evals, f"{name}: {g.command}"
        if g.limit is None:
            assert "--limit" not in words, name
        else:
            assert f"--limit {g.limit}" in g.command, name
        if g.dataset is not None and words[2] != "quotes":
            assert g.dataset in words, name
    assert gate("quotes-dev").command.endswith(f"--split {gate('quotes-dev').dataset} --limit 15")


# -- what a gate checks ------------------------------------------------------------------------
GATE = Gate(
    name="example",
    command="storyweave eval example",
    floors={"f1": 0.8, "rare": 0.5},
    ceilings={"fragments": 0.0},
    margins={"f1": Margin("baseline_f1", 0.1), "acc": Margin("baseline_acc", 0.0, strict=True)},
    optional=frozenset({"rare"}),
)
MET = {"f1": 0.85, "fragments": 0.0, "baseline_f1": 0.75, "acc": 0.6, "baseline_acc": 0.5}


def test_a_report_that_reaches_every_threshold_meets_the_gate():
    assert GATE.misses(MET) == []
    assert GATE.misses({**MET, "f1": 0.8, "baseline_f1": 0.7}) == []  # floors and margins are inclusive


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"f1": 0.79, "baseline_f1": 0.6}, "f1 0.7900 is under its floor 0.8"),
        ({"rare": 0.4}, "rare 0.4000 is under its floor 0.5"),
        ({"fragments": 0.01}, "fragments 0.0100 is over its ceiling 0.0"),
        ({"baseline_f1": 0.76}, "f1 0.8500 is not at least baseline_f1 0.7600 + 0.1"),
        ({"acc": 0.5}, "acc 0.5000 is not more than baseline_acc 0.5000 + 0.0"),
        ({"fragments": None}, "fragments: not in the report"),
    ],
)
def test_each_kind_of_threshold_fails_the_gate(change, words):
    missed = GATE.misses({**MET, **change})
    assert len(missed) == 1 and words in missed[0]


def test_a_missing_metric_fails_unless_it_is_optional():
    assert GATE.misses({k: v for k, v in MET.items() if k != "baseline_acc"}) == [
        "baseline_acc: not in the report (the gate 'example' needs it)"
    ]
    assert GATE.misses({**MET, "rare": None}) == []


def test_check_names_the_gate_and_shows_the_report():
    from storyweave.evaluation.report import Report

    report = Report("eval-example", "Example", "storyweave eval example", ["metric"], [["f1"]], metrics=MET)
    GATE.check(report)
    report.metrics = {**MET, "f1": 0.5}
    with pytest.raises(AssertionError, match=r"gate 'example' \(storyweave eval example\): f1 0.5000 is under"):
        GATE.check(report)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('[g]\ncommand = "storyweave eval x"\nfloor.f1 = 0.5\n', "unknown keys"),
        ('[g]\nfloors.f1 = 0.5\n', "needs command"),
        ('[g]\ncommand = "storyweave eval x"\nfloors.f1 = "high"\n', "map metric names to numbers"),
        ('[g]\ncommand = "storyweave eval x"\nlimit = 0\nfloors.f1 = 0.5\n', "positive whole number"),
        ('[g]\ncommand = "storyweave eval x"\nmargins.f1 = { by = 0.1 }\n', "margins.f1 must be"),
        ('[g]\ncommand = "storyweave eval x"\n', "sets no floor"),
        ('[g\n', "not valid TOML"),
    ],
)
def test_a_broken_baseline_file_says_what_is_wrong(tmp_path, text, words):
    path = tmp_path / "baseline.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=words):
        load_baseline(path)


def test_an_unknown_gate_lists_the_ones_there_are():
    with pytest.raises(ConfigError, match="places-lgl"):
        gate("places-everywhere")
