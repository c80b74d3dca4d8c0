"""`citeqa index ...` as a user runs it: the installed console script in a subprocess."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

CITEQA = Path(sys.executable).with_name("citeqa")


def citeqa(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environment = {**os.environ, **(env or {})}
    return subprocess.run(
        [str(CITEQA), *args], capture_output=True, text=True, env=environment, timeout=600
    )


@pytest.fixture(scope="module")
def demo_index(tmp_path_factory, demo_dir) -> Path:
    index_dir = tmp_path_factory.mktemp("cli") / "index"
    result = citeqa("index", "add", str(demo_dir), "--index-dir", str(index_dir), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert {r["status"] for r in report["results"]} == {"added"}
    assert report["index"]["documents"] == 13
    return index_dir


def test_list_prints_every_document_as_json(demo_index):
    result = citeqa("index", "list", "--index-dir", str(demo_index), "--json")
    assert result.returncode == 0
    documents = json.loads(result.stdout)
    assert len(documents) == 13
    assert set(documents[0]) == {"id", "title", "date", "source", "url"}
    budget = next(d for d in documents if d["id"] == "veloria-budget-vote")
    assert budget["date"] == "2025-11-04"
    assert budget["source"] == "The Veloria Times"


def test_show_prints_metadata_and_stored_text(demo_index):
    result = citeqa("index", "show", "veloria-port-talks", "--index-dir", str(demo_index), "--json")
    document = json.loads(result.stdout)
    assert document["date"] == "2025-06-03"
    assert document["url"].startswith("https://example.")
    assert "<" not in document["text"] and "&amp;" not in document["text"]
    plain = citeqa("index", "show", "veloria-port-talks", "--index-dir", str(demo_index))
    assert plain.returncode == 0 and "date: 2025-06-03" in plain.stdout


def test_show_of_an_unknown_id_fails_with_a_message(demo_index):
    result = citeqa("index", "show", "no-such-doc", "--index-dir", str(demo_index))
    assert result.returncode == 1
    assert "no document with id 'no-such-doc'" in result.stderr


def test_stats_reports_counts_model_and_chunking(demo_index):
    result = citeqa("index", "stats", "--json", env={"CITEQA_INDEX_DIR": str(demo_index)})
    stats = json.loads(result.stdout)
    assert stats["documents"] == 13 and stats["chunks"] >= 13
    assert stats["embedding_model"] == "sentence-transformers/all-MiniLM-L6-v2"
    assert stats["dimension"] == 384 and stats["disk_bytes"] > 0


def test_another_model_is_refused_with_advice_to_rebuild(demo_index):
    result = citeqa(
        "index",
        "list",
        "--index-dir",
        str(demo_index),
        env={"CITEQA_EMBEDDING_MODEL": "/models/other"},
    )
    assert result.returncode == 3
    assert "citeqa index rebuild" in result.stderr


def test_invalid_settings_are_a_usage_error(demo_index):
    result = citeqa(
        "index", "stats", "--index-dir", str(demo_index), env={"CITEQA_CHUNK_SIZE": "big"}
    )
    assert result.returncode == 2
    assert "chunk_size" in result.stderr


def test_add_reports_failures_and_exits_non_zero(tmp_path):
    good = tmp_path / "good.md"
    good.write_text("# Harbour deal\n\nThe port authority agreed a deal on Friday.")
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"id": "x", "text": \n')
    index_dir = tmp_path / "index"
    result = citeqa("index", "add", str(good), str(broken), "--index-dir", str(index_dir))
    assert result.returncode == 1
    assert "added" in result.stdout and "good" in result.stdout
    assert f"failed     {broken}:1: invalid JSON" in result.stderr

    removed = citeqa("index", "remove", "good", "nothing", "--index-dir", str(index_dir))
    assert removed.returncode == 1
    assert "removed" in removed.stdout and "not_found" in removed.stdout
    listed = citeqa("index", "list", "--index-dir", str(index_dir), "--json")
    assert json.loads(listed.stdout) == []
