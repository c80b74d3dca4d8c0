"""Tune hybrid retrieval: doc-hit@1, doc-hit@5 and MRR@5 for fusion weights, RRF constants
and the recency raises.

    python -m eval.fusion_sweep --corpus ../shared/eval/dev/corpus.jsonl \
        --qa ../shared/eval/dev/qa.jsonl --qa ../shared/eval/dev/qa_mission.jsonl

    python -m eval.fusion_sweep ... --dense-weights 0.75 --rrf-ks 5 \
        --recency-boosts 0,0.5,1,1.5,2,3 --range-boosts 0,0.5,1

Uses the evaluation's cached index of the corpus (built by `citeqa eval` if missing) and
the service's Retriever, so the figures are those the service would get.
"""

import itertools
import json
from pathlib import Path
from typing import Annotated

import typer

from eval import metrics
from eval.gold import load_gold
from eval.runner import corpus_files, corpus_fingerprint, default_eval_index_dir, prepare_index
from index.embedding import embedder_for
from index.store import IndexStore
from service.retrieval import Retriever
from service.settings import Settings

app = typer.Typer(add_completion=False)


@app.command()
def main(
    corpus: Annotated[Path, typer.Option()],
    qa: Annotated[list[Path], typer.Option()],
    dense_weights: str = "0.5,0.75,1.0,1.25,1.5",
    rrf_ks: str = "10,30,60,100",
    recency_boosts: str = "0",
    range_boosts: str = "0",
    k: int = 5,
    out: Annotated[Path | None, typer.Option()] = None,
) -> None:
    items = [item for path in qa for item in load_gold(path) if item.answerable and item.evidence]
    files = corpus_files(corpus, exclude=qa)
    settings = Settings(index_dir=default_eval_index_dir(corpus_fingerprint(files, Settings())))
    prepare_index(files, settings, progress=False)
    store = IndexStore(settings)
    snapshot = store.snapshot()
    embedder = embedder_for(settings)
    vectors = {item.id: embedder.embed_query(item.question) for item in items}
    rows = []
    for weight, rrf_k, recency, in_range in itertools.product(
        _numbers(dense_weights),
        [int(x) for x in _numbers(rrf_ks)],
        _numbers(recency_boosts),
        _numbers(range_boosts),
    ):
        tuned = settings.model_copy(
            update={
                "dense_weight": weight,
                "rrf_k": rrf_k,
                "recency_boost": recency,
                "recency_range_boost": in_range,
            }
        )
        firsts, hits, ranks = [], [], []
        for item in items:
            retriever = Retriever(tuned, lambda _question, item=item: vectors[item.id])
            passages = retriever.retrieve(
                snapshot, item.question, question_date=item.question_date, top_k=k
            )
            doc_ids = [passage.doc_id for passage in passages]
            firsts.append(metrics.doc_hit_at_k(doc_ids, item.evidence_doc_ids, 1))
            hits.append(metrics.doc_hit_at_k(doc_ids, item.evidence_doc_ids, k))
            ranks.append(metrics.reciprocal_rank_at_k(doc_ids, item.evidence_doc_ids, k))
        row = {
            "dense_weight": weight,
            "lexical_weight": 1.0,
            "rrf_k": rrf_k,
            "recency_boost": recency,
            "recency_range_boost": in_range,
            "recency_half_life_days": settings.recency_half_life_days,
            "doc_hit@1": round(metrics.mean(firsts), 4),
            f"doc_hit@{k}": round(metrics.mean(hits), 4),
            f"mrr@{k}": round(metrics.mean(ranks), 4),
        }
        rows.append(row)
        typer.echo(json.dumps(row))
    store.close()
    if out:
        out.write_text(json.dumps({"questions": len(items), "rows": rows}, indent=2) + "\n")


def _numbers(values: str) -> list[float]:
    return [float(value) for value in values.split(",")]


if __name__ == "__main__":
    app()
