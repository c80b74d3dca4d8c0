"""The index store: readers see one published generation, the one writer prepares the next.

Readers take a Snapshot and keep it until they finish. The writer (one at a time, under a
file lock) writes rows tagged with the next generation into SQLite, updates a copy of the
FAISS index, rebuilds BM25 and publishes the generation by one rename (index.generations).
"""

import datetime as dt
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path

import numpy as np

from index import generations
from index.database import DATABASE_FILE, Database, DocumentSelection
from index.embedding import effective_backend
from index.generations import ChunkingInfo, EmbeddingInfo, Manifest
from index.lexical import LexicalIndex
from index.models import Chunk, Document, DocumentSummary, IndexStats, IngestStatus, TextSpan
from index.settings import IndexSettings
from index.vectors import IndexLayout, VectorIndex

FAISS_FILE = "faiss.index"
BM25_FOLDER = "bm25"

logger = logging.getLogger("citeqa.index")


class IndexMismatchError(RuntimeError):
    """The index was built with another embedding model or chunking than the settings say."""


class Snapshot:
    """A read-only view of one generation; its FAISS and BM25 files load on first use."""

    def __init__(self, root: Path, database: Database, manifest: Manifest | None) -> None:
        self.root = root
        self.manifest = manifest
        self.generation = manifest.generation if manifest else 0
        self._database = database

    @cached_property
    def vectors(self) -> VectorIndex | None:
        if self.manifest is None:
            return None
        # Mapped, not read: a reader starts at once and pages in only what searches touch.
        return VectorIndex.load(self._folder / FAISS_FILE, mmap=True)

    @cached_property
    def lexical(self) -> LexicalIndex | None:
        if self.manifest is None:
            return None
        return LexicalIndex.load(self._folder / BM25_FOLDER)

    @property
    def _folder(self) -> Path:
        return generations.generation_dir(self.root, self.generation)

    def search_dense(self, query_vector: np.ndarray, k: int) -> tuple[list[int], list[float]]:
        return self.vectors.search(query_vector, k) if self.vectors else ([], [])

    def search_lexical(self, query: str, k: int) -> tuple[list[int], list[float]]:
        return self.lexical.search(query, k) if self.lexical else ([], [])

    def chunks(self, chunk_ids: list[int]) -> list[Chunk]:
        return self._database.get_chunks(chunk_ids, self.generation)

    def summaries(self, doc_ids: list[str]) -> dict[str, DocumentSummary]:
        return self._database.get_summaries(doc_ids, self.generation)

    def document(self, doc_id: str) -> Document | None:
        return self._database.get_document(doc_id, self.generation)

    def documents(
        self, limit: int | None = None, offset: int = 0, selection: DocumentSelection | None = None
    ) -> list[DocumentSummary]:
        """Summaries, newest first; `selection` narrows them by date and source."""
        return self._database.list_documents(self.generation, limit, offset, selection)

    def count_documents(self, selection: DocumentSelection | None = None) -> int:
        return self._database.count_documents(self.generation, selection)

    def stats(self) -> IndexStats:
        documents, chunks = self._database.count(self.generation)
        manifest = self.manifest
        return IndexStats(
            generation=self.generation,
            documents=documents,
            chunks=chunks,
            embedding_model=manifest.embedding.model if manifest else None,
            embedding_backend=manifest.embedding.backend if manifest else None,
            dimension=manifest.embedding.dimension if manifest else None,
            chunk_size=manifest.chunking.size if manifest else None,
            chunk_overlap=manifest.chunking.overlap if manifest else None,
            disk_bytes=generations.disk_bytes(self.root),
            index_dir=str(self.root),
        )

    def verify(self) -> None:
        """Raise CorruptIndexError unless files, FAISS and SQLite agree with the manifest."""
        if self.manifest is None:
            return
        generations.verify_files(self.root, self.manifest)
        documents, chunks = self._database.count(self.generation)
        sizes = {
            "documents": (documents, self.manifest.documents),
            "chunks": (chunks, self.manifest.chunks),
            "vectors": (self.vectors.size if self.vectors else 0, self.manifest.chunks),
            "bm25 rows": (self.lexical.size if self.lexical else 0, self.manifest.chunks),
        }
        for what, (found, expected) in sizes.items():
            if found != expected:
                raise generations.CorruptIndexError(
                    f"generation {self.generation}: {found} {what}, manifest says {expected}"
                )


class Writer:
    """Changes for the next generation; published when the `IndexStore.writer` block ends."""

    def __init__(self, store: "IndexStore", base: Manifest | None, rebuild: bool) -> None:
        self._store = store
        self._base = base
        self._rebuild = rebuild
        self.generation = (base.generation if base else 0) + 1
        self.changed = False
        self._vectors: VectorIndex | None = None

    def status(self, document: Document) -> IngestStatus:
        """What `put` would do with this document: added, replaced or unchanged."""
        stored = self._store.database.find_document(document.id, self.generation)
        if stored is None:
            return IngestStatus.ADDED
        if stored.content_hash == document.content_hash() and not self._rebuild:
            return IngestStatus.UNCHANGED
        return IngestStatus.REPLACED

    def put(
        self, document: Document, origin: str | None, spans: list[TextSpan], vectors: np.ndarray
    ) -> IngestStatus:
        """Store a document with its chunks and their vectors, replacing one with its id."""
        self._check_chunking()
        if any(document.text[s.start : s.end] != s.text for s in spans):
            raise ValueError(f"chunk offsets do not match the text of {document.id!r}")
        database = self._store.database
        status = self.status(document)
        if status is IngestStatus.UNCHANGED:
            return status
        stored = database.find_document(document.id, self.generation)
        index = self._vector_index(vectors.shape[1])
        with database.transaction() as connection:
            if stored is not None:
                database.remove_document(connection, stored, self.generation)
            chunk_ids = database.insert_document(
                connection, document, origin, spans, self.generation
            )
        if stored is not None:
            self._remove_vectors(stored.chunk_ids)
        index.add(vectors, chunk_ids)
        self.changed = True
        return status

    def remove(self, doc_id: str) -> IngestStatus:
        database = self._store.database
        stored = database.find_document(doc_id, self.generation)
        if stored is None:
            return IngestStatus.NOT_FOUND
        with database.transaction() as connection:
            database.remove_document(connection, stored, self.generation)
        self._remove_vectors(stored.chunk_ids)
        self.changed = True
        return IngestStatus.REMOVED

    def _remove_vectors(self, chunk_ids: list[int]) -> None:
        if self._vectors is None:
            if self._base is None or self._rebuild:
                return  # no vector of these chunks was ever loaded or added
            self._vector_index(self._base.embedding.dimension)
        self._vectors.remove(chunk_ids)

    def documents_to_rebuild(self) -> Iterator[Document]:
        """Every document of the base generation, for re-chunking and re-embedding."""
        database = self._store.database
        base = self.generation - 1
        for doc_id in database.live_document_ids(base):
            document = database.get_document(doc_id, base)
            if document is not None:
                yield document

    def _check_chunking(self) -> None:
        settings = self._store.settings
        base = self._base
        if base is None or self._rebuild:
            return
        if (base.chunking.size, base.chunking.overlap) != (
            settings.chunk_size,
            settings.chunk_overlap,
        ):
            raise IndexMismatchError(
                f"the index at {self._store.root} was chunked with size {base.chunking.size} "
                f"and overlap {base.chunking.overlap}, but the settings say "
                f"{settings.chunk_size} and {settings.chunk_overlap}: run "
                "`citeqa index rebuild` to re-chunk it, or use the index's settings"
            )

    def _vector_index(self, dimension: int) -> VectorIndex:
        if self._vectors is None:
            if self._base is not None and not self._rebuild:
                folder = generations.generation_dir(self._store.root, self._base.generation)
                self._vectors = VectorIndex.load(folder / FAISS_FILE)
            else:
                self._vectors = VectorIndex.empty(dimension)
        if self._vectors.dimension != dimension:
            raise IndexMismatchError(
                f"vectors of dimension {dimension} for an index of dimension "
                f"{self._vectors.dimension}: rebuild the index with `citeqa index rebuild`"
            )
        return self._vectors

    def _backends(self) -> str:
        """The backends whose vectors the new generation holds."""
        settings = self._store.settings
        used = {effective_backend(settings.embedding_model, settings.embedding_backend)}
        if self._base is not None and not self._rebuild:
            used.update(self._base.embedding.backend.split("+"))
        return "+".join(sorted(used))

    def publish(self) -> None:
        if not self.changed:
            return
        generations.write_generation(self._store.root, self.generation, self._build)

    def _build(self, folder: Path) -> Manifest:
        settings = self._store.settings
        database = self._store.database
        vectors = self._vectors
        if vectors is None:  # only removals of documents an empty index never had
            vectors = VectorIndex.empty(self._base.embedding.dimension if self._base else 0)
        vectors = vectors.laid_out(IndexLayout(settings.ivf_threshold, settings.ivf_nprobe))
        vectors.save(folder / FAISS_FILE)
        rows = list(database.iter_chunk_texts(self.generation))
        lexical = LexicalIndex.build([i for i, _ in rows], [t for _, t in rows])
        lexical.save(folder / BM25_FOLDER)
        documents, chunks = database.count(self.generation)
        if vectors.size != chunks:
            raise generations.CorruptIndexError(
                f"{vectors.size} vectors for {chunks} chunks in generation {self.generation}"
            )
        return Manifest(
            generation=self.generation,
            created_at=dt.datetime.now(dt.UTC),
            embedding=EmbeddingInfo(
                model=settings.embedding_model,
                dimension=vectors.dimension,
                backend=self._backends(),
            ),
            chunking=ChunkingInfo(size=settings.chunk_size, overlap=settings.chunk_overlap),
            documents=documents,
            chunks=chunks,
            files={},
        )


class IndexStore:
    """An index folder: SQLite rows plus published generations of FAISS and BM25 files."""

    def __init__(self, settings: IndexSettings) -> None:
        self.settings = settings
        self.root = settings.index_dir
        self.root.mkdir(parents=True, exist_ok=True)
        self.database = Database(self.root / DATABASE_FILE)
        self._noted_backends: set[str] = set()

    def close(self) -> None:
        self.database.close()

    def snapshot(self) -> Snapshot:
        """The published generation, checked against the settings' embedding model."""
        gen = generations.read_current(self.root)
        manifest = generations.read_manifest(self.root, gen) if gen else None
        if manifest is not None:
            self._check_model(manifest)
        return Snapshot(self.root, self.database, manifest)

    @contextmanager
    def writer(self, rebuild: bool = False) -> Iterator[Writer]:
        """The one writer; what it did is published when the block ends without error."""
        with generations.write_lock(self.root, self.settings.lock_timeout_s):
            base_gen = generations.read_current(self.root)
            self._recover(base_gen)
            base = generations.read_manifest(self.root, base_gen) if base_gen else None
            if base is not None and not rebuild:
                self._check_model(base)
            writer = Writer(self, base, rebuild)
            try:
                yield writer
                writer.publish()
            except BaseException:
                # Read CURRENT again: the failure may have come after the switch.
                self._recover(generations.read_current(self.root))
                raise
            if writer.changed:
                self._collect_garbage(writer.generation)

    def _recover(self, published: int) -> None:
        """Undo whatever an interrupted writer left beyond the published generation."""
        self.database.roll_back_after(published)
        generations.remove_stale(self.root, published, self.settings.keep_generations)

    def _collect_garbage(self, published: int) -> None:
        keep = self.settings.keep_generations
        generations.remove_stale(self.root, published, keep)
        self.database.purge_removed(generations.oldest_kept(published, keep))

    def _check_model(self, manifest: Manifest) -> None:
        self._note_other_backend(manifest.embedding.backend)
        built_with = manifest.embedding.model
        if built_with != self.settings.embedding_model:
            raise IndexMismatchError(
                f"the index at {self.root} was built with embedding model {built_with!r} "
                f"({manifest.embedding.dimension} dimensions), but the settings use "
                f"{self.settings.embedding_model!r}: run `citeqa index rebuild` to re-embed "
                f"it, or set CITEQA_EMBEDDING_MODEL={built_with}"
            )

    def _note_other_backend(self, built_with: str) -> None:
        """Say so, once, when the index's vectors come from another backend than queries will.

        The backends run the same model and their vectors agree to a cosine of 0.999
        (eval/embedding_check.py), so such an index is searched, not refused."""
        settings = self.settings
        backend = effective_backend(settings.embedding_model, settings.embedding_backend)
        if built_with != backend and built_with not in self._noted_backends:
            self._noted_backends.add(built_with)
            logger.warning(
                "the index at %s holds vectors computed with the %s backend and is searched "
                "with %s: they agree to cosine 0.999; `citeqa index rebuild` re-embeds it",
                self.root,
                built_with,
                backend,
            )
