"""Tests of index/embedding.py with the real packaged model (loaded once for the module)."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from index import embedding
from index.embedding import (
    PACKAGED_MODELS,
    Embedder,
    ModelNotFoundError,
    effective_backend,
    get_embedder,
    resolve_model_path,
)

MODEL = "sentence-transformers/all-MiniLM-L6-v2"
DIMENSION = 384


@pytest.fixture(scope="module", params=["torch", "onnx-int8"])
def embedder(request: pytest.FixtureRequest) -> Embedder:
    return get_embedder(MODEL, backend=request.param)


def _cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))


def test_embeddings_have_one_normalised_float32_row_per_text(embedder: Embedder) -> None:
    vectors = embedder.embed(["The ferry left at dawn.", "Rates rose.", "Ein Satz."])
    assert embedder.dimension == DIMENSION
    assert vectors.shape == (3, DIMENSION)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_similar_sentences_score_higher_than_unrelated_ones(embedder: Embedder) -> None:
    cat, rug, rates = embedder.embed(
        [
            "The cat sat on the mat.",
            "A cat was sitting on a rug.",
            "The central bank raised interest rates sharply.",
        ]
    )
    assert _cosine(cat, rug) > _cosine(cat, rates) + 0.3
    assert _cosine(rug, cat) > _cosine(rug, rates) + 0.3


def test_batches_larger_than_one_step_keep_their_order(
    embedder: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(embedder, "batch_size", 2)
    monkeypatch.setattr(embedding, "TEXTS_PER_STEP", 16)
    texts = [f"Ferry number {n} left the harbour." for n in range(18)]
    together = embedder.embed(texts, progress=False)
    alone = embedder.embed([texts[17]], progress=False)[0]
    np.testing.assert_allclose(together[17], alone, atol=1e-5)
    assert not np.allclose(together[16], together[17])


def test_empty_list_gives_an_empty_matrix(embedder: Embedder) -> None:
    vectors = embedder.embed([])
    assert vectors.shape == (0, DIMENSION)
    assert vectors.dtype == np.float32


def test_query_embedding_is_one_vector_equal_to_the_batch_row(embedder: Embedder) -> None:
    query = embedder.embed_query("When will the ferries run?")
    assert query.shape == (DIMENSION,)
    row = embedder.embed(["When will the ferries run?", "Something else."])[0]
    np.testing.assert_allclose(query, row, atol=1e-5)


def test_get_embedder_returns_the_same_instance(embedder: Embedder) -> None:
    assert get_embedder(MODEL, backend=embedder.backend) is embedder


def test_int8_vectors_agree_with_fp32_ones() -> None:
    texts = [
        "Finance Minister Mara Ostrenko received the delegation at the ministry on Tuesday.",
        "The budget must be signed by 5 November.",
        "Ferries will not run until the storm has passed, the harbour master said.",
        "Short.",
    ]
    fp32 = get_embedder(MODEL, backend="torch").embed(texts, progress=False)
    int8 = get_embedder(MODEL, backend="onnx-int8").embed(texts, progress=False)
    cosines = np.einsum("ij,ij->i", fp32, int8)
    assert cosines.min() >= 0.995
    assert cosines.mean() >= 0.999
    assert get_embedder(MODEL, backend="onnx-int8").backend == "onnx-int8"


def test_texts_longer_than_the_model_reads_are_cut_as_sentence_transformers_cuts_them() -> None:
    long_text = " ".join(["The council met again to discuss the harbour."] * 80)
    fp32 = get_embedder(MODEL, backend="torch").embed_query(long_text)
    int8 = get_embedder(MODEL, backend="onnx-int8").embed_query(long_text)
    assert float(fp32 @ int8) >= 0.995


def test_a_model_without_an_int8_export_runs_with_torch(tmp_path: Path) -> None:
    assert effective_backend(MODEL, "onnx-int8") == "onnx-int8"
    assert effective_backend(str(tmp_path), "onnx-int8") == "torch"
    assert effective_backend(MODEL, "torch") == "torch"


def test_packaged_name_resolves_to_a_model_folder() -> None:
    folder = resolve_model_path(MODEL)
    assert MODEL in PACKAGED_MODELS
    assert folder.is_dir()
    assert (folder / "config.json").is_file() or (folder / "modules.json").is_file()


def test_unknown_name_raises_model_not_found() -> None:
    with pytest.raises(ModelNotFoundError, match="no-such/model"):
        resolve_model_path("no-such/model")


def test_folder_without_a_model_raises_model_not_found(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError):
        resolve_model_path(str(tmp_path))


@pytest.mark.parametrize("marker", ["config.json", "modules.json"])
def test_model_folder_path_resolves_to_itself(tmp_path: Path, marker: str) -> None:
    (tmp_path / marker).write_text("{}")
    assert resolve_model_path(str(tmp_path)) == tmp_path


def test_a_repeated_query_is_embedded_once_and_shared_read_only(embedder: Embedder) -> None:
    first = embedder.embed_query("Who opened the new bridge?")
    assert embedder.embed_query("Who opened the new bridge?") is first
    assert not first.flags.writeable
    assert embedder.embed_query("Who closed the old bridge?") is not first


KEEP_TORCH_OUT = """
import sys
from index.embedding import keep_torch_out
from index.settings import IndexSettings
keep_torch_out(IndexSettings(embedding_backend=sys.argv[1]))
import spacy
spacy.blank("en")
print(sys.modules.get("torch") is not None)
"""


@pytest.mark.parametrize(("backend", "torch_loaded"), [("onnx-int8", "False"), ("torch", "True")])
def test_torch_stays_out_of_a_process_whose_embedder_does_not_need_it(backend, torch_loaded):
    # In a child process: this one has imported torch already.
    result = subprocess.run(
        [sys.executable, "-c", KEEP_TORCH_OUT, backend],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == torch_loaded
