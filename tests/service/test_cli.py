"""`citeqa ask` as a user runs it: the installed console script in a subprocess."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from service.models import Answer

CITEQA = Path(sys.executable).with_name("citeqa")
METRO_QUESTION = "When will Line 3 of the Tessary metro reopen?"


def ask(index_dir: Path, *args: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CITEQA_")}
    return subprocess.run(
        [str(CITEQA), "ask", *args, "--index-dir", str(index_dir)],
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
    )


def test_json_output_is_an_answer_with_a_verified_citation(demo_index_dir, snapshot):
    result = ask(demo_index_dir, METRO_QUESTION, "--json")
    assert result.returncode == 0, result.stderr
    answer = Answer.model_validate_json(result.stdout)
    assert answer.question == METRO_QUESTION
    assert answer.generation == 1
    assert answer.answer is not None
    citation = answer.citations[0]
    assert citation.doc_id == "tessary-metro-reopening"
    text = snapshot.document(citation.doc_id).text
    assert text[citation.answer_start : citation.answer_end] == answer.answer


def test_plain_output_numbers_its_citations(demo_index_dir):
    result = ask(demo_index_dir, METRO_QUESTION, "--top-k", "3")
    assert result.returncode == 0, result.stderr
    first_line, *rest = result.stdout.splitlines()
    assert "[1]" in first_line and "confidence" in first_line
    source_line = next(line for line in rest if line.startswith("[1] "))
    assert "tessary-metro-reopening" in source_line
    assert "Tessary Evening Post" in source_line and "2026-02-11" in source_line


def test_a_question_date_before_every_article_is_not_found(demo_index_dir):
    result = ask(demo_index_dir, METRO_QUESTION, "--question-date", "2000-01-01")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Not found in the documents")
    assert "[1]" not in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("--question-date", "2025-13-01"),
        ("--question-date", "yesterday"),
        ("--top-k", "0"),
    ],
)
def test_bad_options_exit_2(demo_index_dir, args):
    result = ask(demo_index_dir, METRO_QUESTION, *args)
    assert result.returncode == 2
    assert result.stdout == ""
