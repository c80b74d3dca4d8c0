"""Run a gold set through citeqa (in-process or over HTTP) and score every answer."""

import datetime as dt
import hashlib
import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from pydantic import BaseModel
from tqdm import tqdm

import index as index_package
from eval.gold import GoldItem
from eval.scoring import ItemScores, Summary, score_item, summarize, summarize_by_type
from index.embedding import effective_backend
from index.loaders import LoadError, iter_input_files
from index.models import Document, IngestStatus
from service.models import Answer, Question
from service.settings import Settings

CORPUS_MARKER = "eval-corpus.json"

Ask = Callable[[Question], Answer]
Lookup = Callable[[str], Document | None]


class EvalRecord(BaseModel):
    item: GoldItem
    answer: Answer | None
    error: str | None = None
    latency_ms: float
    scores: ItemScores


class RunInfo(BaseModel):
    corpus: str
    qa: list[str]
    target: str
    index_dir: str | None
    generation: int | None
    answerer: str | None
    settings: dict[str, object]
    started_at: dt.datetime
    seconds: float


class EvalResults(BaseModel):
    run: RunInfo
    summary: Summary
    by_type: dict[str, Summary]
    records: list[EvalRecord]


def corpus_files(corpus: Path, exclude: list[Path]) -> list[Path]:
    """The corpus's loadable files, leaving out the gold files that may sit beside them."""
    skip = {path.resolve() for path in exclude}
    files = []
    for path in iter_input_files([corpus]):
        if isinstance(path, LoadError):
            raise FileNotFoundError(f"{path.origin}: {path.reason}")
        if path.resolve() not in skip:
            files.append(path)
    return files


def corpus_fingerprint(files: list[Path], settings: Settings) -> str:
    """Identifies an index: the corpus bytes, the index settings and the indexing code."""
    digest = hashlib.sha256()
    backend = effective_backend(settings.embedding_model, settings.embedding_backend)
    for name in (
        settings.embedding_model,
        backend,
        str(settings.chunk_size),
        str(settings.chunk_overlap),
    ):
        digest.update(name.encode() + b"\0")
    for source in sorted(Path(index_package.__file__).parent.glob("*.py")):
        digest.update(source.read_bytes())
    for path in sorted(files):
        digest.update(path.name.encode() + b"\0")
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def default_eval_index_dir(fingerprint: str) -> Path:
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "citeqa" / "eval-index" / fingerprint[:16]


def prepare_index(files: list[Path], settings: Settings, progress: bool) -> int:
    """Index the corpus unless this folder already holds exactly it; returns failures."""
    from index.pipeline import Indexer
    from index.store import IndexStore

    fingerprint = corpus_fingerprint(files, settings)
    marker = settings.index_dir / CORPUS_MARKER
    if marker.is_file() and json.loads(marker.read_text()).get("fingerprint") == fingerprint:
        return 0
    store = IndexStore(settings)
    try:
        results = Indexer(store, settings, progress=progress).add_paths(files)
    finally:
        store.close()
    marker.write_text(json.dumps({"fingerprint": fingerprint, "files": [str(f) for f in files]}))
    return sum(result.status is IngestStatus.FAILED for result in results)


def http_client(url: str) -> tuple[Ask, Lookup]:
    """Ask and look documents up through a running citeqa service."""
    client = httpx.Client(base_url=url.rstrip("/"), timeout=60)

    def ask(question: Question) -> Answer:
        response = client.post("/v1/ask", json=question.model_dump(mode="json"))
        response.raise_for_status()
        return Answer.model_validate(response.json())

    def lookup(doc_id: str) -> Document | None:
        response = client.get(f"/v1/documents/{doc_id}")
        if response.status_code == 404:
            return None
        response.raise_for_status()
        return Document.model_validate(response.json())

    return ask, lookup


def question_for(item: GoldItem) -> Question:
    return Question(question=item.question, question_date=item.question_date)


def evaluate(items: list[GoldItem], ask: Ask, lookup: Lookup, progress: bool) -> list[EvalRecord]:
    records = []
    for item in tqdm(items, desc="questions", unit="q", disable=True if not progress else None):
        started = time.perf_counter()
        answer, error = None, None
        try:
            answer = ask(question_for(item))
        except Exception as failure:  # one failing question is recorded; the run goes on
            error = f"{type(failure).__name__}: {failure}"
        latency_ms = (time.perf_counter() - started) * 1000
        records.append(
            EvalRecord(
                item=item,
                answer=answer,
                error=error,
                latency_ms=round(latency_ms, 2),
                scores=score_item(item, answer, lookup),
            )
        )
    return records


def results_of(records: list[EvalRecord], run: RunInfo) -> EvalResults:
    items = [record.item for record in records]
    scores = [record.scores for record in records]
    latencies = [record.latency_ms for record in records]
    return EvalResults(
        run=run,
        summary=summarize(items, scores, latencies),
        by_type=summarize_by_type(items, scores, latencies),
        records=records,
    )
