"""The CI quality gate: metric floors per gold set, read from eval/floors.toml."""

import tomllib
from pathlib import Path

from eval.scoring import Summary

# Metrics where lower is better: their floor is a ceiling.
CEILINGS = {"false_refusal_rate", "latency_p50_ms", "latency_p95_ms", "latency_max_ms"}


def read_floors(path: Path, gate: str) -> dict[str, float]:
    tables = tomllib.loads(path.read_text())
    if gate not in tables:
        raise KeyError(f"{path} has no [{gate}] table (it has: {', '.join(tables)})")
    floors = tables[gate]
    unknown = set(floors) - set(Summary.model_fields)
    if unknown:
        raise KeyError(f"[{gate}] in {path} names unknown metrics: {', '.join(sorted(unknown))}")
    return {name: float(value) for name, value in floors.items()}


def failures(summary: Summary, floors: dict[str, float]) -> list[str]:
    """A line for every metric on the wrong side of its floor (or ceiling)."""
    problems = []
    for name, bound in floors.items():
        value = getattr(summary, name)
        if value is None:
            problems.append(f"{name}: not measured on this set (floor {bound})")
        elif name in CEILINGS and value > bound:
            problems.append(f"{name}: {value:.3f} is above its ceiling {bound}")
        elif name not in CEILINGS and value < bound:
            problems.append(f"{name}: {value:.3f} is below its floor {bound}")
    return problems
