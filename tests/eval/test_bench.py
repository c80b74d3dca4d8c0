"""Tests of `citeqa bench` (eval/bench*.py) with real components on the demo corpus.

Timings are never asserted: only that every part runs and reports what the issue asks for."""

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from eval.bench_report import HEADLINE_FIELDS, BenchReport, render_table
from eval.bench_retrieval import QUERIES, synthetic_data
from eval.embedding_check import agreement
from service.cli import app

PROJECT = Path(__file__).resolve().parents[2]
HEADLINE_KEYS = {*HEADLINE_FIELDS, "machine"}


@pytest.fixture(scope="module")
def ingest_and_retrieval_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One bench run of the ingestion and retrieval parts over the demo JSONL."""
    out = tmp_path_factory.mktemp("bench") / "latest.json"
    result = CliRunner().invoke(
        app,
        [
            "bench",
            "--part",
            "ingest",
            "--part",
            "retrieval",
            "--documents",
            "3",
            "--retrieval-sizes",
            "3000",
            "--scale-corpus",
            str(PROJECT / "examples" / "news" / "news.jsonl"),
            "--dev-corpus",
            str(PROJECT / "examples" / "news"),
            "--questions",
            str(PROJECT / "eval" / "gold" / "demo.jsonl"),
            "--name",
            "test-run",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    return out


def test_the_json_has_every_headline_key_and_validates(ingest_and_retrieval_run: Path) -> None:
    raw = json.loads(ingest_and_retrieval_run.read_text())
    assert raw.keys() >= HEADLINE_KEYS
    report = BenchReport.model_validate(raw)
    assert report.machine.cpus >= 1
    assert len(report.machine.load_at_start) == len(report.machine.load_at_end) == 3


def test_ingestion_compares_citeqa_with_the_plain_recipe(ingest_and_retrieval_run: Path) -> None:
    report = BenchReport.model_validate_json(ingest_and_retrieval_run.read_text())
    citeqa, plain = report.ingest
    assert citeqa.recipe == "citeqa index add"
    assert plain.recipe.startswith("plain")
    assert citeqa.documents == plain.documents == 3
    assert citeqa.chunks > 0 and plain.chunks > 0
    assert citeqa.peak_rss_mb > 0
    assert report.ingest_speedup == pytest.approx(
        citeqa.chunks_per_s / plain.chunks_per_s, rel=0.01
    )


def test_parts_not_run_are_null_and_retrieval_is_exact_below_the_threshold(
    ingest_and_retrieval_run: Path,
) -> None:
    report = BenchReport.model_validate_json(ingest_and_retrieval_run.read_text())
    assert report.ask == [] and report.ask_p50_ms is None and report.cold_start_s is None
    assert report.retrieval_1m_p50_ms is None  # no 1M run
    (retrieval,) = report.retrieval
    assert retrieval.chunks == 3000
    assert retrieval.index_type == "IndexFlatIP"
    assert retrieval.recall_at_10 == 1.0


def test_each_run_is_kept_in_the_history_and_the_table_shows_it(
    ingest_and_retrieval_run: Path,
) -> None:
    history = ingest_and_retrieval_run.parent / "history" / "test-run.json"
    assert history.read_text() == ingest_and_retrieval_run.read_text()
    table = render_table(BenchReport.model_validate_json(history.read_text()))
    assert "| citeqa index add | 3 |" in table
    assert "| retrieval_1m_p50_ms | not run |" in table


def test_synthetic_data_is_normalised_and_its_queries_are_new_points() -> None:
    vectors, queries = synthetic_data(1000)
    assert vectors.shape == (1000, 384) and queries.shape == (QUERIES, 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    assert (queries @ vectors.T).max() < 0.99


def test_agreement_reports_the_cosines_of_matching_rows() -> None:
    vectors, _ = synthetic_data(100)
    figures = agreement(vectors, vectors)
    assert figures["chunks"] == 100
    assert figures["min"] == pytest.approx(1, abs=1e-5)
    assert figures["share_at_least_0999"] == 1
    assert agreement(vectors, vectors[::-1])["mean"] < 0.9
