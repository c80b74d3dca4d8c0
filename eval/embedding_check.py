"""Do the int8 ONNX embeddings agree with fp32? Cosine of every chunk of an index, both ways.

    python -m eval.embedding_check --index-dir ~/.cache/citeqa/eval-index/<fp32 dev index>

Reads the chunk texts and their stored vectors from an index built with the torch (fp32)
backend, embeds the texts again with the other backend and prints the cosine between the
two vectors of each chunk: mean, minimum and percentiles, as JSON. No chunk is embedded
with fp32 again, so the check costs one int8 pass over the index.
"""

import json
from pathlib import Path
from typing import Annotated

import numpy as np
import typer

from index import generations
from index.embedding import Backend, get_embedder
from index.settings import IndexSettings
from index.store import FAISS_FILE, IndexStore
from index.vectors import VectorIndex

app = typer.Typer(add_completion=False)


def agreement(stored: np.ndarray, recomputed: np.ndarray) -> dict[str, float]:
    """Cosine between matching rows of two matrices of normalised vectors."""
    cosines = np.einsum("ij,ij->i", stored, recomputed)
    return {
        "chunks": len(cosines),
        "mean": round(float(cosines.mean()), 5),
        "min": round(float(cosines.min()), 5),
        "p01": round(float(np.percentile(cosines, 1)), 5),
        "p50": round(float(np.percentile(cosines, 50)), 5),
        "share_at_least_0999": round(float((cosines >= 0.999).mean()), 4),
    }


@app.command()
def main(
    index_dir: Annotated[Path, typer.Option(help="An index built with the torch backend.")],
    against: Annotated[str, typer.Option(help="The backend to compare with.")] = "onnx-int8",
    limit: Annotated[int | None, typer.Option(help="Check only the first N chunks.")] = None,
) -> None:
    store = IndexStore(IndexSettings(index_dir=index_dir))
    try:
        manifest = generations.read_manifest(index_dir, generations.read_current(index_dir))
        rows = list(store.database.iter_chunk_texts(manifest.generation))[:limit]
        folder = generations.generation_dir(index_dir, manifest.generation)
        stored = VectorIndex.load(folder / FAISS_FILE).vectors_of([i for i, _ in rows])
    finally:
        store.close()
    backend: Backend = "onnx-int8" if against == "onnx-int8" else "torch"
    embedder = get_embedder(manifest.embedding.model, 64, backend)
    recomputed = embedder.embed([text for _, text in rows])
    figures = {
        "index_backend": manifest.embedding.backend,
        "against": embedder.backend,
        **agreement(stored, recomputed),
    }
    typer.echo(json.dumps(figures, indent=2))


if __name__ == "__main__":
    app()
