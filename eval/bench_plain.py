"""The plain recipe a user would write without citeqa, run as its own process by the bench.

    python -m eval.bench_plain CORPUS.jsonl

langchain's RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200), then
SentenceTransformer.encode of the same model and faiss.IndexFlatIP.add, all with their
default settings; prints {"documents": N, "chunks": M} as JSON.
"""

import json
import sys
from pathlib import Path

import faiss
from langchain_text_splitters import RecursiveCharacterTextSplitter
from sentence_transformers import SentenceTransformer

from index.embedding import resolve_model_path

MODEL = "sentence-transformers/all-MiniLM-L6-v2"


def main(corpus: Path) -> None:
    texts = [json.loads(line)["text"] for line in corpus.open(encoding="utf-8") if line.strip()]
    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    chunks = [chunk for text in texts for chunk in splitter.split_text(text)]
    model = SentenceTransformer(str(resolve_model_path(MODEL)), device="cpu")
    vectors = model.encode(chunks, normalize_embeddings=True)
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(vectors)
    print(json.dumps({"documents": len(texts), "chunks": int(index.ntotal)}))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
