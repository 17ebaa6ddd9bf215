"""The pinned floors of the CI accuracy gates, read from one file: ``baseline.toml``.

Each table of ``baseline.toml`` is one gate: the ``storyweave eval`` command (and subset)
whose report it checks, and what that report's ``metrics`` must reach:

- ``floors``: ``metric >= floor``;
- ``ceilings``: ``metric <= ceiling``;
- ``margins``: ``metric >= other + by`` (``strict = true``: ``>``), two figures of the same run
  (storyweave against plain trafilatura, stance against the majority-class baseline);
- ``optional``: metrics a report may leave out (contested precision when nothing is contested);
  their floor applies only when they are there. Any other metric the gate names must be in the
  report, so a misspelt or renamed metric fails the gate rather than passing it.

The gates in ``tests/eval/`` read their floors and subsets only from here
(``tests/unit/evaluation/test_baseline.py`` checks both ways), so a floor is raised in one place,
next to the figure it sits under.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from storyweave.errors import ConfigError
from storyweave.evaluation.report import Report
from storyweave.rulefiles import RuleSource, read_toml, rule_path

BASELINE = rule_path("storyweave.evaluation", "baseline.toml")
_KEYS = frozenset({"command", "dataset", "limit", "floors", "ceilings", "margins", "optional"})


@dataclass(frozen=True)
class Margin:
    """``metric`` must exceed the figure ``over`` of the same report by ``by`` (``strict``: more than)."""

    over: str
    by: float = 0.0
    strict: bool = False


@dataclass(frozen=True)
class Gate:
    """One CI gate: the eval command and subset it runs, and the figures its report must reach."""

    name: str
    command: str
    dataset: str | None = None
    limit: int | None = None
    floors: Mapping[str, float] = field(default_factory=dict)
    ceilings: Mapping[str, float] = field(default_factory=dict)
    margins: Mapping[str, Margin] = field(default_factory=dict)
    optional: frozenset[str] = frozenset()

    def thresholds(self) -> list[str]:
        """Every threshold of the gate, as ``kind.metric`` (``floors.f1``, ``margins.macro_f1``)."""
        return [f"{kind}.{metric}" for kind in ("floors", "ceilings", "margins") for metric in getattr(self, kind)]

    def misses(self, metrics: Mapping[str, float]) -> list[str]:
        """What ``metrics`` fails of this gate, each in words; empty when the gate is met."""
        out = []

        def value(metric: str) -> float | None:
            if metric not in metrics or metrics[metric] is None:
                if metric not in self.optional:
                    out.append(f"{metric}: not in the report (the gate {self.name!r} needs it)")
                return None
            return float(metrics[metric])

        for metric, floor in self.floors.items():
            got = value(metric)
            if got is not None and got < floor:
                out.append(f"{metric} {got:.4f} is under its floor {floor}")
        for metric, ceiling in self.ceilings.items():
            got = value(metric)
            if got is not None and got > ceiling:
                out.append(f"{metric} {got:.4f} is over its ceiling {ceiling}")
        for metric, margin in self.margins.items():
            got, other = value(metric), value(margin.over)
            if got is None or other is None:
                continue
            short = got <= other + margin.by if margin.strict else got < other + margin.by
            if short:
                need = "more than" if margin.strict else "at least"
                out.append(f"{metric} {got:.4f} is not {need} {margin.over} {other:.4f} + {margin.by}")
        return out

    def check(self, report: Report) -> None:
        """Raise ``AssertionError`` naming every miss (and the report) unless ``report`` meets the gate."""
        missed = self.misses(report.metrics)
        if missed:
            raise AssertionError(
                f"gate {self.name!r} ({self.command}): " + "; ".join(missed) + "\n" + report.to_markdown()
            )


def load_baseline(path: RuleSource = BASELINE) -> dict[str, Gate]:
    """Every gate of the baseline file, by name."""
    data = read_toml(path)
    return {name: _gate(path, name, table) for name, table in data.items()}


def gate(name: str, path: RuleSource = BASELINE) -> Gate:
    """The gate ``name`` of the baseline file; a ``ConfigError`` names the gates there are."""
    gates = load_baseline(path)
    if name not in gates:
        raise ConfigError(f"{path} has no gate {name!r}; its gates are: {', '.join(sorted(gates))}")
    return gates[name]


def _gate(path: RuleSource, name: str, table: object) -> Gate:
    def bad(why: str) -> ConfigError:
        return ConfigError(f"{path}: gate [{name}] {why}")

    if not isinstance(table, dict):
        raise bad("is not a table")
    unknown = set(table) - _KEYS
    if unknown:
        raise bad(f"has unknown keys {sorted(unknown)}; allowed: {sorted(_KEYS)}")
    if not isinstance(table.get("command"), str):
        raise bad("needs command = \"storyweave eval ...\" (what measured its figures)")
    limit = table.get("limit")
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 1):
        raise bad(f"limit must be a positive whole number, not {limit!r}")
    numbers = {}
    for kind in ("floors", "ceilings"):
        values = table.get(kind, {})
        if not isinstance(values, dict) or not all(_is_number(v) for v in values.values()):
            raise bad(f"{kind} must map metric names to numbers")
        numbers[kind] = MappingProxyType({k: float(v) for k, v in values.items()})
    margins = {}
    for metric, spec in table.get("margins", {}).items():
        if not isinstance(spec, dict) or not isinstance(spec.get("over"), str) or set(spec) - {"over", "by", "strict"}:
            raise bad(f"margins.{metric} must be {{ over = \"metric\", by = number, strict = bool }}")
        if not _is_number(spec.get("by", 0.0)) or not isinstance(spec.get("strict", False), bool):
            raise bad(f"margins.{metric}: by must be a number and strict true or false")
        margins[metric] = Margin(spec["over"], float(spec.get("by", 0.0)), spec.get("strict", False))
    optional = table.get("optional", [])
    if not isinstance(optional, list) or not all(isinstance(m, str) for m in optional):
        raise bad("optional must be a list of metric names")
    if not (numbers["floors"] or numbers["ceilings"] or margins):
        raise bad("sets no floor, ceiling or margin")
    return Gate(
        name=name,
        command=table["command"],
        dataset=table.get("dataset"),
        limit=limit,
        floors=numbers["floors"],
        ceilings=numbers["ceilings"],
        margins=MappingProxyType(margins),
        optional=frozenset(optional),
    )


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
