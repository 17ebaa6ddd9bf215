"""The package's shape: no import circles, and the store depends on records, not on the stages.

The import graph is read from the source by ``scripts/import_cycles.py`` (module-level and
function-level imports count, ``if TYPE_CHECKING:`` ones do not); nothing is imported.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "src" / "storyweave"

#: Circles allowed, each as its whole circle (so one that grows fails): none today.
ALLOWED_CIRCLES: set[frozenset[str]] = set()


def _load_script():
    spec = importlib.util.spec_from_file_location("import_cycles", REPO / "scripts" / "import_cycles.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)
    spec.loader.exec_module(module)
    return module


cycles = _load_script()


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    return cycles.import_graph(PACKAGE)


def test_no_import_circles_among_modules(graph):
    found = [c for c in cycles.circles(graph) if frozenset(c) not in ALLOWED_CIRCLES]
    listed = "; ".join(" ↔ ".join(c) for c in found)
    assert found == [], f"import circles (run scripts/import_cycles.py): {listed}"


def test_no_import_circles_among_top_level_packages(graph):
    assert cycles.circles(cycles.package_graph(graph)) == []


def test_api_and_web_do_not_import_each_other(graph):
    # storyweave.app puts them together; what they share lives in storyweave.serving
    packages = cycles.package_graph(graph)
    assert "storyweave.web" not in packages["storyweave.api"]
    assert "storyweave.api" not in packages["storyweave.web"]


def test_store_imports_nothing_from_the_stages(graph):
    stages = ("storyweave.nlp", "storyweave.link", "storyweave.ingest")
    found = sorted(
        f"{module} → {target}"
        for module, targets in graph.items()
        if module == "storyweave.store" or module.startswith("storyweave.store.")
        for target in targets
        if any(target == s or target.startswith(s + ".") for s in stages)
    )
    assert found == [], "store/ reads records (storyweave.records, storyweave.fingerprints), not stages: " + (
        ", ".join(found))


def test_the_graph_counts_function_level_imports_and_skips_type_checking_ones(tmp_path):
    pkg = tmp_path / "demo"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("from demo.sub.b import B\n")
    (pkg / "a.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "from demo.sub import b\n"
        "if TYPE_CHECKING:\n"
        "    from demo import c\n"
        "else:\n"
        "    import json\n"
    )
    (pkg / "sub" / "b.py").write_text("class B:\n    def run(self):\n        from ..a import x\n")
    (pkg / "c.py").write_text("import demo.sub.b\nfrom demo.sub.b import B\nfrom . import a\n")
    graph = cycles.import_graph(pkg)
    assert graph["demo.a"] == {"demo.sub.b"}  # the TYPE_CHECKING import of c is not an edge
    assert graph["demo.sub.b"] == {"demo.a"}  # a relative import inside a method is
    assert graph["demo.c"] == {"demo.sub.b", "demo.a"}
    assert graph["demo.sub"] == {"demo.sub.b"}
    assert cycles.circles(graph) == [["demo.a", "demo.sub.b"]]
    # between packages, demo.sub.b counts as demo.sub
    assert cycles.circles(cycles.package_graph(graph)) == [["demo.a", "demo.sub"]]


#: Modules outside ``store/`` allowed to import SQLAlchemy or Alembic, each with the reason: none today.
#: (``evaluation/`` is owned elsewhere and is clean too; add it here with a reason only if it must.)
SQL_OUTSIDE_STORE: dict[str, str] = {}


def _imports_sql(path: Path) -> list[str]:
    """The SQLAlchemy / Alembic imports of one source file (module- and function-level alike)."""
    import ast

    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [f"{name} (line {node.lineno})" for name in names if name.split(".")[0] in ("sqlalchemy", "alembic")]
    return found


def test_only_the_store_speaks_sql():
    store = PACKAGE / "store"
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if path.is_relative_to(store) or module in SQL_OUTSIDE_STORE:
            continue
        found += [f"{module}: {name}" for name in _imports_sql(path)]
    assert found == [], (
        "SQL lives in storyweave.store: move these queries into a store module and call it "
        "(or list the module in SQL_OUTSIDE_STORE with the reason): " + "; ".join(found)
    )
