"""Measure doc-hit@k of dense and BM25 retrieval for several chunk sizes on a gold set.

    python -m eval.chunking_sweep --corpus ../shared/eval/dev/corpus.jsonl \
        --qa ../shared/eval/dev/qa.jsonl --qa ../shared/eval/dev/qa_mission.jsonl

Each size gets a real index (the same loaders, chunker, embedder and store as
`citeqa index add`) in a temporary folder; documents published after a question's date are
left out, as the service will do.
"""

import datetime as dt
import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from eval.gold import GoldItem, load_gold
from index.embedding import embedder_for
from index.pipeline import Indexer
from index.settings import IndexSettings
from index.store import IndexStore, Snapshot

CANDIDATE_CHUNKS = 200

app = typer.Typer(add_completion=False)


def ranked_documents(
    chunk_ids: list[int],
    snapshot: Snapshot,
    dates: dict[str, dt.date | None],
    question_date: dt.date | None,
) -> list[str]:
    """Distinct document ids in the order of their best chunk, published by question_date."""
    ranked: list[str] = []
    for chunk in snapshot.chunks(chunk_ids):
        published = dates.get(chunk.doc_id)
        if question_date and published and published > question_date:
            continue
        if chunk.doc_id not in ranked:
            ranked.append(chunk.doc_id)
    return ranked


def doc_hit_at(
    items: list[GoldItem], search: Callable[[str], list[int]], snapshot: Snapshot, k: int
) -> float:
    dates = {summary.id: summary.date for summary in snapshot.documents()}
    hits = 0
    for item in items:
        ranked = ranked_documents(search(item.question), snapshot, dates, item.question_date)
        hits += bool(item.evidence_doc_ids & set(ranked[:k]))
    return hits / len(items)


def measure(settings: IndexSettings, corpus: Path, items: list[GoldItem], k: int) -> dict:
    """Index `corpus` with `settings` and score dense and BM25 retrieval on `items`."""
    store = IndexStore(settings)
    try:
        started = time.perf_counter()
        Indexer(store, settings, progress=False).add_paths([corpus])
        seconds = time.perf_counter() - started
        snapshot = store.snapshot()
        embedder = embedder_for(settings)

        def dense(question: str) -> list[int]:
            return snapshot.search_dense(embedder.embed_query(question), CANDIDATE_CHUNKS)[0]

        def lexical(question: str) -> list[int]:
            return snapshot.search_lexical(question, CANDIDATE_CHUNKS)[0]

        return {
            "chunk_size": settings.chunk_size,
            "chunk_overlap": settings.chunk_overlap,
            "chunks": snapshot.stats().chunks,
            "index_seconds": round(seconds, 1),
            f"dense_doc_hit@{k}": round(doc_hit_at(items, dense, snapshot, k), 4),
            f"bm25_doc_hit@{k}": round(doc_hit_at(items, lexical, snapshot, k), 4),
        }
    finally:
        store.close()


@app.command()
def main(
    corpus: Annotated[Path, typer.Option(help="Corpus file or folder.")],
    qa: Annotated[list[Path], typer.Option(help="Gold question file(s).")],
    sizes: Annotated[str, typer.Option(help="Comma-separated size:overlap pairs.")] = (
        "300:50,500:75,800:120,1100:160"
    ),
    k: int = 5,
    out: Annotated[Path | None, typer.Option(help="Write the figures here as JSON.")] = None,
) -> None:
    items = [item for path in qa for item in load_gold(path) if item.answerable]
    rows = []
    for pair in sizes.split(","):
        size, overlap = (int(part) for part in pair.split(":"))
        with tempfile.TemporaryDirectory() as folder:
            settings = IndexSettings(index_dir=Path(folder), chunk_size=size, chunk_overlap=overlap)
            row = measure(settings, corpus, items, k)
        rows.append(row)
        typer.echo(json.dumps(row))
    if out:
        out.write_text(json.dumps({"questions": len(items), "k": k, "rows": rows}, indent=2))


if __name__ == "__main__":
    app()
