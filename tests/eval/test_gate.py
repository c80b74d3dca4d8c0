"""The CI gate: floors read from a TOML file, and the metrics on the wrong side of them."""

from pathlib import Path

import pytest

from eval.gate import CEILINGS, failures, read_floors
from eval.scoring import Summary

FLOORS = """
[demo]
contains = 0.6
citation_precision = 0.8
latency_p95_ms = 2500

[dev]
f1 = 0.3
"""


def summary(**overrides: object) -> Summary:
    values: dict[str, object] = {
        "questions": 10,
        "exact_match": 0.2,
        "f1": 0.3,
        "f1_ci": (0.2, 0.4),
        "contains": 0.6,
        "contains_ci": (0.5, 0.7),
        "date_accuracy": None,
        "date_questions": 0,
        "doc_hit": 0.9,
        "mrr": 0.8,
        "evidence_recall": 0.7,
        "citation_precision": 0.85,
        "citation_recall": 0.6,
        "unanswerable_accuracy": 0.5,
        "unanswerable_questions": 2,
        "false_refusal_rate": 0.1,
        "latency_p50_ms": 400.0,
        "latency_p95_ms": 900.0,
        "latency_max_ms": 1200.0,
    }
    values.update(overrides)
    return Summary(**values)


@pytest.fixture
def floors_file(tmp_path: Path) -> Path:
    path = tmp_path / "floors.toml"
    path.write_text(FLOORS)
    return path


def test_read_floors_returns_one_table_as_floats(floors_file):
    floors = read_floors(floors_file, "demo")
    assert floors == {"contains": 0.6, "citation_precision": 0.8, "latency_p95_ms": 2500.0}
    assert all(isinstance(value, float) for value in floors.values())
    assert read_floors(floors_file, "dev") == {"f1": 0.3}


def test_a_missing_table_names_the_tables_there_are(floors_file):
    with pytest.raises(KeyError, match=r"no \[ci\] table \(it has: demo, dev\)"):
        read_floors(floors_file, "ci")


def test_an_unknown_metric_is_named(tmp_path):
    path = tmp_path / "floors.toml"
    path.write_text("[demo]\ncontains = 0.5\naccuracy = 0.9\nzz_top = 1\n")
    with pytest.raises(KeyError, match=r"unknown metrics: accuracy, zz_top"):
        read_floors(path, "demo")


def test_a_floor_that_is_not_a_number_is_an_error(tmp_path):
    path = tmp_path / "floors.toml"
    path.write_text('[demo]\ncontains = "high"\n')
    with pytest.raises(ValueError):
        read_floors(path, "demo")


def test_met_floors_and_ceilings_report_nothing():
    floors = {"contains": 0.6, "citation_precision": 0.85, "false_refusal_rate": 0.1}
    assert failures(summary(), floors) == []  # equal to the bound is fine on both sides
    assert failures(summary(), {}) == []


def test_a_metric_below_its_floor_fails():
    problems = failures(summary(contains=0.55), {"contains": 0.6, "f1": 0.3})
    assert problems == ["contains: 0.550 is below its floor 0.6"]


def test_a_metric_above_its_ceiling_fails():
    floors = {"false_refusal_rate": 0.2, "latency_p95_ms": 800.0, "latency_p50_ms": 500.0}
    problems = failures(summary(false_refusal_rate=0.25), floors)
    assert problems == [
        "false_refusal_rate: 0.250 is above its ceiling 0.2",
        "latency_p95_ms: 900.000 is above its ceiling 800.0",
    ]


def test_a_ceiling_metric_is_not_treated_as_a_floor():
    # a low latency or refusal rate is good: it must not fail a "floor" of the same value
    assert "latency_max_ms" in CEILINGS
    good = summary(latency_max_ms=10.0, false_refusal_rate=0.0)
    assert failures(good, {"latency_max_ms": 1200.0, "false_refusal_rate": 0.1}) == []


def test_an_unmeasured_metric_is_reported():
    problems = failures(summary(date_accuracy=None), {"date_accuracy": 0.5})
    assert problems == ["date_accuracy: not measured on this set (floor 0.5)"]


def test_every_failing_metric_is_reported():
    floors = {"contains": 0.9, "doc_hit": 0.95, "latency_p95_ms": 100.0, "date_accuracy": 0.1}
    assert len(failures(summary(), floors)) == 4
