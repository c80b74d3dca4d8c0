"""The indexing flow: load → clean → chunk → embed → store, reporting each input's outcome.

One call is one batch and one new generation: the inputs that fail are reported one by one
and the rest are published together; nothing already stored is lost when an input fails.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from index.chunking import Chunker
from index.cleaning import clean
from index.embedding import Embedder, embedder_for
from index.loaders import LoadError, iter_input_files, load_file
from index.models import Document, IngestResult, IngestStatus, RawDocument, TextSpan
from index.settings import IndexSettings
from index.store import IndexStore, Writer

# Chunks embedded together: large enough for efficient batches, small enough that memory
# stays flat however many documents a batch holds.
EMBED_GROUP_CHUNKS = 512
PROGRESS_DELAY_S = 3.0


@dataclass
class _Pending:
    document: Document
    origin: str | None
    warnings: list[str]
    spans: list[TextSpan] = field(default_factory=list)


# An input that was read and cleaned (document, where it came from, warnings), or a failure.
_Item = tuple[Document, str | None, list[str]] | IngestResult


class Indexer:
    """Adds, replaces, removes and rebuilds documents in one IndexStore."""

    def __init__(self, store: IndexStore, settings: IndexSettings, progress: bool = True) -> None:
        self.store = store
        self.settings = settings
        self.progress = progress
        self.chunker = Chunker(settings.chunk_size, settings.chunk_overlap)

    @property
    def embedder(self) -> Embedder:
        return embedder_for(self.settings)

    def add_paths(self, paths: Iterable[Path]) -> list[IngestResult]:
        """Index every supported file under `paths`."""
        return self.add(self._read_paths(paths))

    def add_documents(self, documents: Iterable[Document]) -> list[IngestResult]:
        """Index documents that arrive already cleaned (for example from the API)."""
        return self.add((document, None, []) for document in documents)

    def add_raw_documents(self, documents: Iterable[RawDocument | LoadError]) -> list[IngestResult]:
        """Index documents read elsewhere (for example JSON records sent to the API), cleaned
        exactly as files are; a LoadError is reported as that input's failure."""
        return self.add(self._clean(document) for document in documents)

    def add(self, items: Iterable[_Item]) -> list[IngestResult]:
        with self.store.writer() as writer:
            return self._ingest(writer, items)

    def remove(self, doc_ids: Iterable[str]) -> list[IngestResult]:
        with self.store.writer() as writer:
            return [
                IngestResult(origin=doc_id, id=doc_id, status=writer.remove(doc_id))
                for doc_id in doc_ids
            ]

    def rebuild(self) -> list[IngestResult]:
        """Re-chunk and re-embed every stored document with the current settings."""
        with self.store.writer(rebuild=True) as writer:
            documents = writer.documents_to_rebuild()
            return self._ingest(writer, ((document, None, []) for document in documents))

    def _ingest(self, writer: Writer, items: Iterable[_Item]) -> list[IngestResult]:
        results: list[IngestResult] = []
        seen: dict[str, str] = {}
        group: list[_Pending] = []
        for item in self._progress(items, "indexing", "doc"):
            if isinstance(item, IngestResult):
                results.append(item)
                continue
            document, origin, warnings = item
            origin_name = origin or document.id
            if document.id in seen:
                results.append(
                    _failed(
                        origin_name,
                        f"duplicate id {document.id!r} in this batch "
                        f"(first seen in {seen[document.id]}); the first one is kept",
                        document.id,
                    )
                )
                continue
            seen[document.id] = origin_name
            if writer.status(document) is IngestStatus.UNCHANGED:
                results.append(
                    IngestResult(
                        origin=origin_name,
                        id=document.id,
                        status=IngestStatus.UNCHANGED,
                        warnings=warnings,
                    )
                )
                continue
            group.append(_Pending(document, origin, warnings, self.chunker.split(document.text)))
            if sum(len(pending.spans) for pending in group) >= EMBED_GROUP_CHUNKS:
                results.extend(self._store_group(writer, group))
                group = []
        results.extend(self._store_group(writer, group))
        return results

    def _store_group(self, writer: Writer, group: list[_Pending]) -> list[IngestResult]:
        if not group:
            return []
        texts = [span.text for pending in group for span in pending.spans]
        vectors = self.embedder.embed(texts, progress=self.progress and len(group) > 1)
        results = []
        offset = 0
        for pending in group:
            count = len(pending.spans)
            status = writer.put(
                pending.document, pending.origin, pending.spans, vectors[offset : offset + count]
            )
            offset += count
            results.append(
                IngestResult(
                    origin=pending.origin or pending.document.id,
                    id=pending.document.id,
                    status=status,
                    warnings=pending.warnings,
                    chunks=count,
                )
            )
        return results

    def _read_paths(self, paths: Iterable[Path]) -> Iterator[_Item]:
        for path in iter_input_files(paths):
            if isinstance(path, LoadError):
                yield _failed(path.origin, path.reason)
                continue
            for loaded in load_file(path, self.settings.max_document_bytes):
                yield self._clean(loaded)

    def _clean(self, loaded: RawDocument | LoadError) -> _Item:
        if isinstance(loaded, LoadError):
            return _failed(loaded.origin, loaded.reason)
        try:
            document, warnings = clean(loaded)
        except LoadError as error:
            return _failed(error.origin, error.reason, loaded.id)
        except Exception as error:  # a parser failing on one input must not stop the batch
            return _failed(loaded.origin, f"cannot clean: {type(error).__name__}: {error}")
        return document, loaded.origin, warnings

    def _progress(self, items: Iterable, description: str, unit: str) -> Iterable:
        return tqdm(
            items,
            desc=description,
            unit=unit,
            delay=PROGRESS_DELAY_S,
            disable=True if not self.progress else None,
        )


def _failed(origin: str, reason: str, doc_id: str | None = None) -> IngestResult:
    return IngestResult(origin=origin, id=doc_id, status=IngestStatus.FAILED, error=reason)
