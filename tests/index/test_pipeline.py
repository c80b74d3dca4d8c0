"""The whole indexing flow with the real model: seeds and demo corpus, bad input, rebuild."""

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest
from reportlab.pdfgen import canvas

from eval.gold import load_gold
from index.cleaning import clean_fragment
from index.embedding import get_embedder, resolve_model_path
from index.models import IngestStatus
from index.pipeline import Indexer
from index.settings import IndexSettings
from index.store import IndexMismatchError, IndexStore

TAG = re.compile(r"<[A-Za-z/!][^<>]*>")
ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-f]+|[a-z]+);", re.IGNORECASE)
DEMO_DATES = {
    "jl-harbour-strike": dt.date(2025, 3, 11),
    "amsel-dockworkers-deadline": dt.date(2025, 3, 12),
    "veloria-port-talks": dt.date(2025, 6, 3),
    "calveth-flood-relief": dt.date(2025, 9, 12),
    "veloria-budget-vote": dt.date(2025, 11, 4),
    "tessary-metro-reopening": dt.date(2026, 2, 11),
    "brask-court-dredging": None,
}


@pytest.fixture(scope="module")
def indexed(tmp_path_factory, shared_dir, demo_dir):
    """Seeds (their .txt files) and the demo corpus in one real index."""
    settings = IndexSettings(index_dir=tmp_path_factory.mktemp("pipeline") / "index")
    store = IndexStore(settings)
    seeds = sorted((shared_dir / "seeds").glob("*.txt"))
    results = Indexer(store, settings, progress=False).add_paths([*seeds, demo_dir])
    yield store, results
    store.close()


def test_every_input_is_added_with_its_id_and_date(indexed, demo_dir):
    store, results = indexed
    assert {r.status for r in results} == {IngestStatus.ADDED}
    ids = {r.id for r in results}
    assert {"003_71795307b9b8237d", "000_c7e32cd3f910385c"} <= ids
    assert len(ids) == 15 and all(r.chunks > 0 for r in results)
    snapshot = store.snapshot()
    assert snapshot.document("003_71795307b9b8237d").date == dt.date(2023, 2, 22)
    assert snapshot.document("000_c7e32cd3f910385c").date is None
    for doc_id, date in DEMO_DATES.items():
        assert snapshot.document(doc_id).date == date, doc_id
    assert snapshot.document("003_71795307b9b8237d").text.startswith("There has been")
    snapshot.verify()


def test_stored_text_has_no_markup_and_chunks_slice_it_exactly(indexed):
    store, _ = indexed
    snapshot = store.snapshot()
    by_doc: dict[str, list] = {}
    for chunk in snapshot.chunks(
        [chunk_id for chunk_id, _ in store.database.iter_chunk_texts(snapshot.generation)]
    ):
        by_doc.setdefault(chunk.doc_id, []).append(chunk)
    assert len(by_doc) == 15
    for doc_id, chunks in by_doc.items():
        text = snapshot.document(doc_id).text
        assert not TAG.search(text), doc_id
        assert not ENTITY.search(text), doc_id
        assert all(text[c.start : c.end] == c.text for c in chunks), doc_id


def test_gold_quotes_are_substrings_of_the_stored_text(indexed, shared_dir):
    store, _ = indexed
    snapshot = store.snapshot()
    gold = [
        *load_gold(Path(__file__).resolve().parents[2] / "eval" / "gold" / "demo.jsonl"),
        *load_gold(shared_dir / "seeds" / "qa.jsonl"),
    ]
    quotes = [(e.doc_id, e.quote) for item in gold for e in item.evidence]
    assert len(quotes) > 60
    for doc_id, quote in quotes:
        assert clean_fragment(quote) in snapshot.document(doc_id).text, (doc_id, quote)


def test_dense_search_finds_the_document_a_question_is_about(indexed):
    store, _ = indexed
    snapshot = store.snapshot()
    query = get_embedder(store.settings.embedding_model).embed_query(
        "Which opposition leader did the finance minister receive to agree budget changes?"
    )
    chunk_ids, scores = snapshot.search_dense(query, 3)
    assert snapshot.chunks(chunk_ids[:1])[0].doc_id == "veloria-budget-vote"
    assert scores == sorted(scores, reverse=True)


def test_adding_the_same_files_again_changes_nothing(indexed, shared_dir, demo_dir):
    store, _ = indexed
    generation = store.snapshot().generation
    seeds = sorted((shared_dir / "seeds").glob("*.txt"))
    again = Indexer(store, store.settings, progress=False).add_paths([*seeds, demo_dir])
    assert {r.status for r in again} == {IngestStatus.UNCHANGED}
    assert store.snapshot().generation == generation


@pytest.fixture
def small_index(tmp_path) -> tuple[IndexStore, Indexer]:
    settings = IndexSettings(index_dir=tmp_path / "index", max_document_bytes=3000)
    store = IndexStore(settings)
    yield store, Indexer(store, settings, progress=False)
    store.close()


def test_a_changed_file_replaces_its_document(small_index, tmp_path):
    store, indexer = small_index
    path = tmp_path / "story.txt"
    path.write_text(" date 2024-05-06 Ministers met in Port Amsel.\n\nThey agreed a deal.")
    assert indexer.add_paths([path])[0].status is IngestStatus.ADDED
    path.write_text(" date 2024-05-07 Ministers met in Port Amsel.\n\nTalks failed.")
    assert indexer.add_paths([path])[0].status is IngestStatus.REPLACED
    document = store.snapshot().document("story")
    assert document.date == dt.date(2024, 5, 7)
    assert document.text == "Ministers met in Port Amsel.\n\nTalks failed."


def write_bad_inputs(folder: Path) -> None:
    folder.mkdir()
    (folder / "good.txt").write_text("A good story about a harbour strike in Port Amsel.")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02 not text" * 10)
    (folder / "empty.md").write_text("   \n\n")
    (folder / "big.txt").write_text("word " * 1000)
    (folder / "latin.txt").write_bytes("Caf\xe9 owners in S\xe3o Paulo protested.".encode("cp1252"))
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj<<>>\nthis is not a pdf")
    (folder / "broken.html").write_text("<html><body><div></div></body></html>")
    records = [
        json.dumps({"id": "rec-1", "text": "First record text.", "date": "2024-01-02"}),
        '{"id": "rec-2", "text": "unterminated',
        json.dumps({"id": "rec-3", "title": "No text"}),
        json.dumps({"id": "bad/id", "text": "Slash in the id."}),
    ]
    (folder / "records.jsonl").write_text("\n".join(records) + "\n")
    pdf = canvas.Canvas(str(folder / "scan.pdf"))
    pdf.showPage()  # a page with no text, like a scanned image
    pdf.save()


def test_bad_inputs_are_reported_one_by_one_and_the_rest_is_indexed(small_index, tmp_path):
    store, indexer = small_index
    keep = tmp_path / "keep.txt"
    keep.write_text("An earlier story that must survive.")
    indexer.add_paths([keep])

    write_bad_inputs(tmp_path / "batch")
    missing = tmp_path / "missing.txt"
    unsupported = tmp_path / "notes.docx"
    unsupported.write_bytes(b"PK")
    results = indexer.add_paths([tmp_path / "batch", missing, unsupported])
    errors = {Path(r.origin).name: r.error for r in results if r.status is IngestStatus.FAILED}
    expected = {
        "binary.txt": "binary",
        "empty.md": "no text",
        "big.txt": "over the limit",
        "broken.pdf": "PDF",
        "broken.html": "no text",
        "records.jsonl:2": "invalid JSON",
        "records.jsonl:3": "'text'",
        "records.jsonl:4": "invalid document id",
        "scan.pdf": "no extractable text",
        "missing.txt": "no such file",
        "notes.docx": "unsupported file type",
    }
    assert set(errors) == set(expected)
    for name, reason in expected.items():
        assert reason in errors[name], (name, errors[name])

    added = {r.id: r for r in results if r.status is IngestStatus.ADDED}
    assert set(added) == {"good", "latin", "rec-1"}
    assert added["latin"].warnings == ["not valid UTF-8; decoded as cp1252"]
    snapshot = store.snapshot()
    assert snapshot.document("latin").text == "Café owners in São Paulo protested."
    assert snapshot.document("keep") is not None  # nothing stored before was lost
    snapshot.verify()


def test_removed_documents_leave_both_indexes(small_index, tmp_path):
    store, indexer = small_index
    path = tmp_path / "harbour.txt"
    path.write_text("Dockworkers in Port Amsel set a strike deadline over pay.")
    indexer.add_paths([path])
    results = indexer.remove(["harbour", "never-there"])
    assert [r.status for r in results] == [IngestStatus.REMOVED, IngestStatus.NOT_FOUND]
    snapshot = store.snapshot()
    assert snapshot.search_lexical("dockworkers strike", 5) == ([], [])
    assert snapshot.stats().chunks == 0


def tiny_model(folder: Path) -> Path:
    """A small, randomly initialised sentence-transformers model saved on disk (no hub)."""
    from sentence_transformers import SentenceTransformer, models
    from transformers import AutoTokenizer, BertConfig, BertModel

    base = resolve_model_path("sentence-transformers/all-MiniLM-L6-v2")
    tokenizer = AutoTokenizer.from_pretrained(str(base))
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
    )
    BertModel(config).save_pretrained(folder / "hf")
    tokenizer.save_pretrained(folder / "hf")
    word = models.Transformer(str(folder / "hf"))
    pooling = models.Pooling(word.get_embedding_dimension())
    SentenceTransformer(modules=[word, pooling]).save(str(folder / "model"))
    return folder / "model"


def test_rebuild_re_embeds_every_document_with_a_new_model(small_index, tmp_path, demo_dir):
    store, indexer = small_index
    shutil.copy(demo_dir / "veloria-budget-vote.pdf", tmp_path / "budget.pdf")
    indexer.add_paths([tmp_path / "budget.pdf", demo_dir / "news.jsonl"])
    before = store.snapshot().documents()

    model = tiny_model(tmp_path / "tiny")
    settings = store.settings.model_copy(update={"embedding_model": str(model)})
    other = IndexStore(settings)
    with pytest.raises(IndexMismatchError, match="index rebuild"):
        other.snapshot()
    results = Indexer(other, settings, progress=False).rebuild()
    assert {r.status for r in results} == {IngestStatus.REPLACED}
    snapshot = other.snapshot()
    assert snapshot.stats().dimension == 32
    assert snapshot.documents() == before
    snapshot.verify()
    with pytest.raises(IndexMismatchError):
        store.snapshot()  # the old settings no longer fit the index
    other.close()
