"""`citeqa eval` as CI runs it: the installed console script in a subprocess.

One full run of the demo gold set (63 questions) is shared by the module; the other runs
reuse its index with a few questions only, to keep the module's runtime modest.
"""

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from eval.gold import load_gold
from eval.runner import CORPUS_MARKER, EvalResults
from index import generations
from index.store import IndexStore
from service.citations import join_names
from service.settings import Settings

CITEQA = Path(sys.executable).with_name("citeqa")
REPO = Path(__file__).resolve().parents[2]
DEMO_GOLD = REPO / "eval" / "gold" / "demo.jsonl"
DEMO_QUESTIONS = 63
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def citeqa(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CITEQA_")}
    environment["XDG_CACHE_HOME"] = str(cwd / "cache")  # never the user's cache
    return subprocess.run(
        [str(CITEQA), *map(str, args)],
        capture_output=True,
        text=True,
        env=environment,
        cwd=cwd,
        timeout=900,
    )


@dataclass
class FirstRun:
    result: subprocess.CompletedProcess
    folder: Path
    out: Path
    index_dir: Path
    marker_mtime_ns: int


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory, demo_dir: Path) -> FirstRun:
    folder = tmp_path_factory.mktemp("eval-cli")
    out, index_dir = folder / "out", folder / "index"
    result = citeqa(
        "eval", "--corpus", demo_dir, "--qa", DEMO_GOLD, "--out", out, "--index-dir", index_dir,
        cwd=folder,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    marker = index_dir / CORPUS_MARKER
    return FirstRun(result, folder, out, index_dir, marker.stat().st_mtime_ns)


@pytest.fixture(scope="module")
def few_questions(first_run: FirstRun) -> Path:
    """Three answerable questions and one unanswerable one of the demo gold set."""
    items = load_gold(DEMO_GOLD)
    chosen = [*items[:3], next(item for item in items if not item.answerable)]
    path = first_run.folder / "few.jsonl"
    path.write_text("".join(item.model_dump_json() + "\n" for item in chosen))
    return path


def write_floors(folder: Path, body: str) -> Path:
    path = folder / f"floors-{abs(hash(body))}.toml"
    path.write_text(body)
    return path


def test_a_run_writes_results_for_every_question(first_run):
    results = EvalResults.model_validate_json((first_run.out / "results.json").read_bytes())
    assert len(results.records) == DEMO_QUESTIONS
    assert results.summary.questions == DEMO_QUESTIONS
    assert [r.item.id for r in results.records] == [i.id for i in load_gold(DEMO_GOLD)]
    assert [r.error for r in results.records if r.error] == []
    assert results.run.generation == 1
    assert results.run.target == "in-process"
    assert results.run.answerer == "typed"
    assert Path(results.run.index_dir) == first_run.index_dir
    assert "unanswerable" in results.by_type
    assert f"{DEMO_QUESTIONS} questions: F1" in first_run.result.stdout


def test_every_citation_in_the_results_holds_its_answer(first_run):
    results = EvalResults.model_validate_json((first_run.out / "results.json").read_bytes())
    store = IndexStore(Settings(index_dir=first_run.index_dir))
    try:
        snapshot = store.snapshot()
        answered = [r.answer for r in results.records if r.answer and r.answer.answer]
        assert answered
        for answer in answered:
            citation = answer.citations[0]
            text = snapshot.document(citation.doc_id).text
            parts = citation.answer_parts or [(citation.answer_start, citation.answer_end)]
            # A meeting's parties stand apart in the text: the answer lists them.
            assert join_names([text[start:end] for start, end in parts]) == answer.answer
            assert text[citation.quote_start : citation.quote_end] == answer.quote
    finally:
        store.close()


def test_a_run_writes_a_report_and_png_charts(first_run):
    report = (first_run.out / "report.md").read_text()
    assert report.startswith("# citeqa evaluation: demo.jsonl")
    assert "| set | n |" in report and "| all | 63 |" in report
    for name in ("accuracy_by_type.png", "latency.png"):
        data = (first_run.out / name).read_bytes()
        assert data[:8] == PNG_MAGIC, name
        assert name in report


def test_a_second_run_reuses_the_index_and_meets_its_floors(first_run, few_questions):
    """Same corpus, same --index-dir: not indexed again. (It also runs lexical retrieval only,
    which must show in the results.)"""
    floors = write_floors(first_run.folder, "[demo]\ncontains = 0.0\nfalse_refusal_rate = 1.0\n")
    out = first_run.folder / "second"
    marker = first_run.index_dir / CORPUS_MARKER
    fingerprint = json.loads(marker.read_text())["fingerprint"]
    result = citeqa(
        "eval", "--corpus", REPO / "examples" / "news", "--qa", few_questions, "--out", out,
        "--index-dir", first_run.index_dir, "--floors", floors, "--gate", "demo",
        "--retrieval", "lexical", cwd=first_run.folder,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "gate [demo]: all 2 floors met" in result.stdout
    results = EvalResults.model_validate_json((out / "results.json").read_bytes())
    assert len(results.records) == 4
    assert results.run.generation == 1
    assert marker.stat().st_mtime_ns == first_run.marker_mtime_ns  # not indexed again
    assert json.loads(marker.read_text())["fingerprint"] == fingerprint
    assert generations.read_current(first_run.index_dir) == 1
    assert results.run.target == "in-process (lexical retrieval)"
    passages = [p for r in results.records if r.answer for p in r.answer.passages]
    assert passages and all(p.scores.dense is None for p in passages)


def test_compare_of_a_run_with_itself_shows_zero_deltas(first_run):
    results = first_run.out / "results.json"
    result = citeqa("eval", "compare", results, results, cwd=first_run.folder)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"{DEMO_QUESTIONS} questions in both runs")
    table = [line for line in result.stdout.splitlines() if line.startswith("| ")]
    metric_rows = table[1:]  # after the header
    assert {row.split("|")[1].strip() for row in metric_rows} >= {"contains", "f1", "latency_ms"}
    for row in metric_rows:
        cells = [cell.strip() for cell in row.split("|")[1:-1]]
        assert cells[4] == "+0.000", row
        assert cells[5] == "+0.000 … +0.000", row
    assert "## 0 questions now right" in result.stdout
    assert "## 0 questions now wrong" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--corpus", "CORPUS"], "needs --corpus and --qa"),
        (["--qa", "GOLD"], "needs --corpus and --qa"),
        (["--corpus", "CORPUS", "--qa", "GOLD", "--gate", "demo"], "--floors and --gate go"),
        (["--corpus", "CORPUS", "--qa", "GOLD", "--retrieval", "bm42"], "--retrieval must be"),
    ],
)
def test_incomplete_options_exit_2(tmp_path, demo_dir, args, message):
    args = [{"CORPUS": str(demo_dir), "GOLD": str(DEMO_GOLD)}.get(a, a) for a in args]
    result = citeqa("eval", *args, cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert not (tmp_path / "eval-runs").exists()


def test_a_gold_file_inside_the_corpus_folder_is_not_indexed(tmp_path, demo_dir, few_questions):
    """A fresh index of a corpus folder holding the gold file. To spare a model load, the same
    run carries an impossible floor: the gate must fail it with exit code 4."""
    corpus = tmp_path / "corpus"
    shutil.copytree(demo_dir, corpus)
    gold = corpus / "gold.jsonl"
    shutil.copy(few_questions, gold)
    index_dir = tmp_path / "index"
    result = citeqa(
        "eval", "--corpus", corpus, "--qa", gold, "--out", tmp_path / "out",
        "--index-dir", index_dir, "--floors", write_floors(tmp_path, "[demo]\ncontains = 1.01\n"),
        "--gate", "demo", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 4, result.stderr
    assert "below floor [demo] contains:" in result.stderr
    assert "below its floor 1.01" in result.stderr
    assert "failed to load" not in result.stderr
    results = EvalResults.model_validate_json((tmp_path / "out" / "results.json").read_bytes())
    assert len(results.records) == 4  # written before the gate
    marker = json.loads((index_dir / CORPUS_MARKER).read_text())
    assert len(marker["files"]) == 10
    assert all(Path(name).name != "gold.jsonl" for name in marker["files"])
    store = IndexStore(Settings(index_dir=index_dir))
    try:
        assert store.snapshot().stats().documents == 13
    finally:
        store.close()
