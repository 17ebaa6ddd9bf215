#!/usr/bin/env python3
"""List the import circles among storyweave's modules, read from the source (nothing is imported).

An edge ``a → b`` means module ``a`` imports module ``b``, at module level or inside a function:
both run, sooner or later. Imports under ``if TYPE_CHECKING:`` never run and do not count, nor
does the implicit import of a parent package (``storyweave.nlp`` when importing
``storyweave.nlp.dates``): a package's ``__init__`` re-exporting its modules is no circle.
A circle is a strongly connected component of more than one module (or a module importing itself).

Usage: ``.venv/bin/python scripts/import_cycles.py [--root src/storyweave] [--packages]``
(``--packages`` also lists circles between top-level packages: ``api`` ↔ ``web``).
Exit status 1 when there is a circle among the modules. ``tests/unit/test_architecture.py``
runs the same functions.
"""

from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path
from typing import Iterable, Iterator

ROOT = Path(__file__).resolve().parents[1] / "src" / "storyweave"


def module_files(root: Path = ROOT) -> dict[str, Path]:
    """Every module of the package under ``root``, by dotted name (a package by its ``__init__``)."""
    modules = {}
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement in ``tree`` outside ``if TYPE_CHECKING:`` blocks (their ``else`` counts)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
            continue
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))


def _resolve(package: str, node: ast.ImportFrom) -> str:
    """The absolute module a (possibly relative) ``from`` import inside ``package`` names."""
    if not node.level:
        return node.module or ""
    parts = package.split(".")
    base = parts[: len(parts) - node.level + 1]
    return ".".join(base + ([node.module] if node.module else []))


def imported_modules(module: str, path: Path, known: Iterable[str]) -> set[str]:
    """The modules of ``known`` that ``module`` (read from ``path``) imports."""
    known = set(known)
    is_package = path.name == "__init__.py"
    package = module if is_package else module.rpartition(".")[0]
    found = set()
    for node in _imports(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            base = _resolve(package, node)
            # ``from a.b import c`` imports the module a.b.c when there is one, else a name of a.b
            targets = [base + "." + alias.name if base + "." + alias.name in known else base
                       for alias in node.names]
        for target in targets:
            # ``import a.b.c`` where only a.b is ours (a name inside it) counts as a.b
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != module:
                found.add(target)
    return found


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    """Module → the package's modules it imports."""
    files = module_files(root)
    return {module: imported_modules(module, path, files) for module, path in files.items()}


def package_graph(graph: dict[str, set[str]], depth: int = 2) -> dict[str, set[str]]:
    """The same edges between packages ``depth`` names deep (``storyweave.api``); edges inside one dropped."""

    def top(module: str) -> str:
        return ".".join(module.split(".")[:depth])

    out: dict[str, set[str]] = {}
    for module, targets in graph.items():
        out.setdefault(top(module), set()).update(top(t) for t in targets if top(t) != top(module))
    return out


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one node, each sorted (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.get(start, ()))))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return sorted(found)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT,
                        help="the package directory (default: %(default)s)")
    parser.add_argument("--packages", action="store_true",
                        help="also list circles between top-level packages")
    args = parser.parse_args(argv)
    graph = import_graph(args.root)
    found = circles(graph)
    for component in found:
        print("module circle:", " ↔ ".join(component))
    if args.packages:
        for component in circles(package_graph(graph)):
            print("package circle:", " ↔ ".join(component))
    if not found:
        print(f"no module circles among {len(graph)} modules")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
