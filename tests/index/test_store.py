"""The store on a real folder: SQLite, FAISS and BM25 generations, readers and the writer."""

import datetime as dt

import faiss
import numpy as np
import pytest

from index import generations
from index.generations import CorruptIndexError, IndexLockedError
from index.models import IngestStatus
from index.settings import IndexSettings
from index.store import FAISS_FILE, IndexMismatchError, IndexStore


def faiss_ids(store: IndexStore, gen: int) -> set[int]:
    index = faiss.read_index(str(generations.generation_dir(store.root, gen) / FAISS_FILE))
    return set(faiss.vector_to_array(index.id_map).tolist())


def sqlite_chunk_ids(store: IndexStore, gen: int) -> set[int]:
    return {chunk_id for chunk_id, _ in store.database.iter_chunk_texts(gen)}


def test_an_empty_index_has_nothing_to_read(store):
    snapshot = store.snapshot()
    assert snapshot.generation == 0
    assert snapshot.documents() == []
    assert snapshot.search_lexical("minister", 5) == ([], [])
    assert snapshot.stats().chunks == 0


def test_written_documents_are_published_as_one_generation(store, kit):
    with store.writer() as writer:
        first = kit.document("a", date=dt.date(2023, 2, 22), source="Wire", metadata={"k": 1})
        assert kit.put(writer, first) is IngestStatus.ADDED
        assert kit.put(writer, kit.document("b"), seed=1) is IngestStatus.ADDED
        assert store.snapshot().generation == 0  # nothing visible before the block ends

    snapshot = store.snapshot()
    assert snapshot.generation == 1
    assert store.snapshot().document("a") == first
    assert [d.id for d in snapshot.documents()] == ["a", "b"]
    snapshot.verify()
    assert faiss_ids(store, 1) == sqlite_chunk_ids(store, 1)


def test_chunks_keep_exact_offsets_and_are_found_by_both_indexes(store, kit):
    document = kit.document("a")
    with store.writer() as writer:
        kit.put(writer, document)
    snapshot = store.snapshot()
    ids = sorted(sqlite_chunk_ids(store, 1))
    chunks = snapshot.chunks(ids)
    assert [c.seq for c in chunks] == list(range(len(ids)))
    assert all(document.text[c.start : c.end] == c.text for c in chunks)

    stored_vector = faiss.read_index(
        str(generations.generation_dir(store.root, 1) / FAISS_FILE)
    ).reconstruct(ids[0])
    assert snapshot.search_dense(stored_vector, 1)[0] == [ids[0]]
    lexical_ids, scores = snapshot.search_lexical("delegation capital", 3)
    assert set(lexical_ids) <= set(ids) and lexical_ids and scores[0] > 0


def test_adding_an_identical_document_changes_nothing(store, kit):
    with store.writer() as writer:
        kit.put(writer, kit.document("a"))
    before = sqlite_chunk_ids(store, 1)
    with store.writer() as writer:
        assert kit.put(writer, kit.document("a"), seed=5) is IngestStatus.UNCHANGED
    assert generations.read_current(store.root) == 1
    assert sqlite_chunk_ids(store, 1) == before


def test_new_content_replaces_chunks_and_old_readers_keep_their_view(store, kit):
    with store.writer() as writer:
        kit.put(writer, kit.document("a"))
        kit.put(writer, kit.document("b"))
    old_reader = store.snapshot()
    old_ids = sqlite_chunk_ids(store, 1)

    with store.writer() as writer:
        status = kit.put(writer, kit.document("a", "A new text about a port strike."), seed=9)
        assert status is IngestStatus.REPLACED

    new_ids = sqlite_chunk_ids(store, 2)
    assert store.snapshot().document("a").text == "A new text about a port strike."
    assert old_reader.document("a").text.startswith("Report a.")
    assert min(new_ids - old_ids) > max(old_ids)  # ids are never reused
    assert (old_ids & new_ids) == {
        c.id for c in old_reader.chunks(sorted(old_ids)) if c.doc_id == "b"
    }
    assert faiss_ids(store, 2) == new_ids
    store.snapshot().verify()


def test_remove_by_id(store, kit):
    with store.writer() as writer:
        kit.put(writer, kit.document("a"))
        kit.put(writer, kit.document("b"))
    with store.writer() as writer:
        assert writer.remove("a") is IngestStatus.REMOVED
        assert writer.remove("missing") is IngestStatus.NOT_FOUND
    snapshot = store.snapshot()
    assert snapshot.document("a") is None
    assert [d.id for d in snapshot.documents()] == ["b"]
    assert faiss_ids(store, 2) == sqlite_chunk_ids(store, 2)
    snapshot.verify()


def test_the_same_id_twice_in_one_batch_keeps_one_document(store, kit):
    with store.writer() as writer:
        kit.put(writer, kit.document("a", "First version."))
        assert kit.put(writer, kit.document("a", "Second version.")) is IngestStatus.REPLACED
    assert store.snapshot().document("a").text == "Second version."
    store.snapshot().verify()


def test_a_failing_writer_publishes_nothing_and_leaves_no_rows(store, kit):
    with store.writer() as writer:
        kit.put(writer, kit.document("a"))
    with pytest.raises(RuntimeError, match="boom"), store.writer() as writer:
        kit.put(writer, kit.document("b"))
        writer.remove("a")
        raise RuntimeError("boom")
    snapshot = store.snapshot()
    assert snapshot.generation == 1
    assert [d.id for d in snapshot.documents()] == ["a"]
    assert store.database.find_document("b", 2) is None  # the pending rows are gone
    snapshot.verify()


def test_old_generations_are_collected_but_readers_of_kept_ones_still_work(store, kit, settings):
    with store.writer() as writer:
        kit.put(writer, kit.document("a"))
    reader_of_gen_1 = store.snapshot()
    for version in range(2, 7):
        with store.writer() as writer:
            kit.put(writer, kit.document("a", f"Version {version} of the text."))
    names = sorted(p.name for p in store.root.iterdir() if p.name.startswith("gen-"))
    keep = settings.keep_generations
    assert names == [generations.generation_name(g) for g in range(7 - keep, 7)]
    oldest = store.database.get_document("a", 7 - keep)
    assert oldest is not None and oldest.text == f"Version {7 - keep} of the text."
    assert reader_of_gen_1.document("a") is None  # purged: no kept generation sees it


def test_an_index_built_with_another_model_is_refused(tmp_path, kit):
    first = IndexSettings(index_dir=tmp_path / "ix")
    store = IndexStore(first)
    with store.writer() as writer:
        kit.put(writer, kit.document("a"))
    store.close()

    other = IndexStore(first.model_copy(update={"embedding_model": "/models/another-model"}))
    with pytest.raises(IndexMismatchError, match="rebuild"):
        other.snapshot()
    with pytest.raises(IndexMismatchError, match="all-MiniLM-L6-v2"), other.writer():
        pass
    other.close()


def test_adding_with_other_chunking_settings_is_refused(settings, kit):
    store = IndexStore(settings)
    with store.writer() as writer:
        kit.put(writer, kit.document("a"))
    store.close()
    changed = IndexStore(settings.model_copy(update={"chunk_size": 500}))
    with pytest.raises(IndexMismatchError, match="chunked with size 200"), changed.writer() as w:
        kit.put(w, kit.document("b"))
    assert [d.id for d in changed.snapshot().documents()] == ["a"]
    changed.close()


def test_vectors_of_another_dimension_are_refused(store, kit):
    with store.writer() as writer:
        kit.put(writer, kit.document("a"))
    document = kit.document("b")
    spans = kit.chunker.split(document.text)
    with pytest.raises(IndexMismatchError, match="dimension"), store.writer() as writer:
        writer.put(document, None, spans, np.ones((len(spans), 8), dtype=np.float32))


def test_chunks_that_are_not_slices_of_the_text_are_refused(store, kit):
    document = kit.document("a")
    spans = kit.chunker.split(document.text)
    spans[0] = spans[0].model_copy(update={"start": spans[0].start + 1})
    with pytest.raises(ValueError, match="offsets"), store.writer() as writer:
        writer.put(document, None, spans, kit.vectors(len(spans)))
    assert store.snapshot().generation == 0


def test_a_second_writer_waits_then_gives_up_with_a_clear_error(settings):
    patient = settings.model_copy(update={"lock_timeout_s": 0.2})
    holder, waiter = IndexStore(settings), IndexStore(patient)
    with (
        holder.writer(),
        pytest.raises(IndexLockedError, match="another process"),
        waiter.writer(),
    ):
        pass
    with waiter.writer():  # free again once the first writer is done
        pass


def test_verify_detects_a_damaged_generation(store, kit):
    with store.writer() as writer:
        kit.put(writer, kit.document("a"))
    path = generations.generation_dir(store.root, 1) / FAISS_FILE
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(CorruptIndexError, match="does not match its manifest"):
        store.snapshot().verify()


def test_a_current_file_naming_no_generation_is_reported(store):
    (store.root / generations.CURRENT_FILE).write_text("garbage\n")
    with pytest.raises(CorruptIndexError, match="names no generation"):
        store.snapshot()


def test_an_index_of_the_other_backend_is_searched_with_a_warning_and_records_both(
    settings, kit, caplog
):
    torch_settings = settings.model_copy(update={"embedding_backend": "torch"})
    store = IndexStore(torch_settings)
    with store.writer() as writer:
        kit.put(writer, kit.document("a"))
    assert store.snapshot().stats().embedding_backend == "torch"
    store.close()

    int8 = IndexStore(settings.model_copy(update={"embedding_backend": "onnx-int8"}))
    with caplog.at_level("WARNING", logger="citeqa.index"):
        snapshot = int8.snapshot()
        int8.snapshot()
    assert [d.id for d in snapshot.documents()] == ["a"]
    warnings = [r.getMessage() for r in caplog.records if "torch backend" in r.getMessage()]
    assert len(warnings) == 1  # once per store, not per snapshot
    with int8.writer() as writer:
        kit.put(writer, kit.document("b"))
    assert int8.snapshot().stats().embedding_backend == "onnx-int8+torch"
    int8.close()


def test_a_generation_past_the_ivf_threshold_is_published_as_ivf_and_shrinks_back(settings, kit):
    store = IndexStore(settings.model_copy(update={"ivf_threshold": 1_000}))
    with store.writer() as writer:
        for n in range(400):
            kit.put(writer, kit.document(f"d{n}"), seed=n)
    snapshot = store.snapshot()
    assert snapshot.stats().chunks >= 1_000
    assert snapshot.vectors.kind.startswith("IndexIVFFlat")
    snapshot.verify()
    with store.writer() as writer:
        for n in range(300):
            writer.remove(f"d{n}")
    smaller = store.snapshot()
    assert smaller.stats().chunks < 1_000
    assert smaller.vectors.kind == "IndexFlatIP"
    smaller.verify()
    store.close()
