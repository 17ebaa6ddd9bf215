"""The shipped claim matcher: its file, its decisions on clear cases, and that the training
script reproduces it."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from storyweave.evaluation.claims import decide_pair, texts_as_articles
from storyweave.link.claims.features import FEATURES
from storyweave.link.claims.matcher import MODEL_FILE, load_matcher

REPO = Path(__file__).resolve().parents[3]
SHIPPED = REPO / "src" / "storyweave" / "link" / "models" / MODEL_FILE


def test_the_shipped_model_matches_the_features_the_code_computes():
    matcher = load_matcher()
    assert matcher.features == FEATURES
    assert len(matcher.coef) == len(FEATURES) == len(matcher.mean) == len(matcher.scale)
    assert 0 < matcher.join_threshold < matcher.threshold < matcher.contest_threshold < 1
    assert SHIPPED.stat().st_size < 8_000  # numbers only: no pickled objects, no vocabulary


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("The convicted sex offender pulled a gun on two prison guards and fled on foot.",
         "The convicted child molester overpowered two prison guards and escaped on foot.", True),
        ("Heavyweight champion Wladimir Klitschko stopped Tony Thompson in the sixth round in Bern.",
         "Klitschko beat Thompson in the sixth round of their title fight in Bern on Saturday.", True),
        ("The fire destroyed a large section of the supermarket roof.",
         "The supermarket chain employs 30,000 people in 300 shops across the country.", False),
        ("Microsoft released a temporary fix for the Internet Explorer flaw.",
         "The company's shares closed two percent higher on Friday in New York.", False),
    ],
)
def test_clear_cases(a, b, same):
    matcher = load_matcher()
    first, second = texts_as_articles([a, b])
    assert (decide_pair(first, second, matcher).p >= matcher.threshold) is same


def _training_script():
    spec = importlib.util.spec_from_file_location("train_claim_matcher", REPO / "scripts" / "train_claim_matcher.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_no_training_pair_comes_from_an_evaluation_or_held_back_topic(tmp_path):
    from storyweave.evaluation.claims_data import ESF_TOPICS

    script = _training_script()
    assert not any(script.trainable(t) for t in ESF_TOPICS | set(range(36, 46)))
    assert script.trainable(4) and script.trainable(35)
    labelled = script.read_labels()  # the shipped labels: stops on a pair it must not train on
    assert sum(map(len, labelled.values())) > 2000
    leaked = tmp_path / "pairs.jsonl"
    leaked.write_text(json.dumps({"id": "x", "story": "3-ecbplus", "label": "same"}) + "\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="topic 3"):
        script.read_labels(leaked)


@pytest.mark.evaldata
@pytest.mark.slow
def test_the_training_script_reproduces_the_shipped_model(tmp_path, evaldata_dir):
    out = tmp_path / "matcher.json"
    subprocess.run([sys.executable, str(REPO / "scripts" / "train_claim_matcher.py"), "--evaldata",
                    str(evaldata_dir), "--out", str(out)], check=True, capture_output=True, timeout=900)
    trained, shipped = json.loads(out.read_text()), json.loads(SHIPPED.read_text())
    assert trained["features"] == shipped["features"]
    assert trained["threshold"] == shipped["threshold"]
    for name in ("coef", "mean", "scale"):
        assert trained[name] == pytest.approx(shipped[name], abs=1e-3), name
