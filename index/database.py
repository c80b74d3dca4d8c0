"""SQLite rows for documents and chunks, each row visible to a range of index generations.

A row records the generation that added it and the one that removed it. A reader of
generation g sees exactly the rows with added_gen <= g < removed_gen, so SQLite and the FAISS
and BM25 files of that generation always agree, while a writer prepares generation g + 1.
"""

import datetime as dt
import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from index.models import Chunk, Document, DocumentSummary, TextSpan

DATABASE_FILE = "citeqa.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    key INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    title TEXT NOT NULL,
    date TEXT,
    source TEXT,
    url TEXT,
    text TEXT NOT NULL,
    metadata TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    origin TEXT,
    added_gen INTEGER NOT NULL,
    removed_gen INTEGER
);
CREATE UNIQUE INDEX IF NOT EXISTS documents_live_id ON documents(id) WHERE removed_gen IS NULL;
CREATE INDEX IF NOT EXISTS documents_id ON documents(id);
CREATE INDEX IF NOT EXISTS documents_added ON documents(added_gen);
CREATE INDEX IF NOT EXISTS documents_removed ON documents(removed_gen);
CREATE TABLE IF NOT EXISTS chunks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_key INTEGER NOT NULL REFERENCES documents(key) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_key);
"""

_VISIBLE = "d.added_gen <= :gen AND (d.removed_gen IS NULL OR d.removed_gen > :gen)"
_DOCUMENT_COLUMNS = "d.id, d.title, d.date, d.source, d.url"


@dataclass(frozen=True)
class DocumentSelection:
    """Which documents a listing shows: publication dates (inclusive) and sources."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sources: tuple[str, ...] = ()


def _selection_sql(selection: DocumentSelection) -> tuple[str, dict[str, object]]:
    """SQL conditions (each starting with AND) and their named parameters."""
    conditions, parameters = [], {}
    if selection.date_from is not None:
        conditions.append("d.date >= :date_from")
        parameters["date_from"] = selection.date_from.isoformat()
    if selection.date_to is not None:
        conditions.append("d.date <= :date_to")
        parameters["date_to"] = selection.date_to.isoformat()
    if selection.sources:
        names = {f"source_{i}": source for i, source in enumerate(selection.sources)}
        conditions.append(f"d.source IN ({', '.join(':' + name for name in names)})")
        parameters.update(names)
    return "".join(f" AND {condition}" for condition in conditions), parameters


@dataclass(frozen=True)
class StoredDocument:
    key: int
    id: str
    content_hash: str
    added_gen: int
    chunk_ids: list[int]


class Database:
    """One connection per thread; writes go through `transaction()`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._connection().executescript(_SCHEMA)

    def _connection(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            connection.row_factory = sqlite3.Row
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute("PRAGMA foreign_keys=ON")
            self._local.connection = connection
        return connection

    def close(self) -> None:
        connection = getattr(self._local, "connection", None)
        if connection is not None:
            connection.close()
            self._local.connection = None

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        connection = self._connection()
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield connection
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")

    # Reads, as of one generation

    def find_document(self, doc_id: str, gen: int) -> StoredDocument | None:
        row = self._visible_row(doc_id, gen, "d.key, d.id, d.content_hash, d.added_gen")
        if row is None:
            return None
        chunk_ids = [
            r[0]
            for r in self._connection().execute(
                "SELECT id FROM chunks WHERE doc_key = ? ORDER BY seq", (row["key"],)
            )
        ]
        return StoredDocument(
            row["key"], row["id"], row["content_hash"], row["added_gen"], chunk_ids
        )

    def get_document(self, doc_id: str, gen: int) -> Document | None:
        row = self._visible_row(doc_id, gen, f"{_DOCUMENT_COLUMNS}, d.text, d.metadata")
        if row is None:
            return None
        return Document(**{**dict(row), "metadata": json.loads(row["metadata"])})

    def _visible_row(self, doc_id: str, gen: int, columns: str) -> sqlite3.Row | None:
        """The columns of the one row of `doc_id` that generation `gen` sees, if any."""
        return (
            self._connection()
            .execute(
                f"SELECT {columns} FROM documents d WHERE d.id = :id AND {_VISIBLE}",
                {"id": doc_id, "gen": gen},
            )
            .fetchone()
        )

    def list_documents(
        self,
        gen: int,
        limit: int | None = None,
        offset: int = 0,
        selection: DocumentSelection | None = None,
    ) -> list[DocumentSummary]:
        where, parameters = _selection_sql(selection or DocumentSelection())
        rows = self._connection().execute(
            f"SELECT {_DOCUMENT_COLUMNS} FROM documents d WHERE {_VISIBLE}{where} "
            "ORDER BY d.date IS NULL, d.date DESC, d.id LIMIT :limit OFFSET :offset",
            {"gen": gen, "limit": -1 if limit is None else limit, "offset": offset, **parameters},
        )
        return [DocumentSummary(**dict(row)) for row in rows]

    def count_documents(self, gen: int, selection: DocumentSelection | None = None) -> int:
        """How many documents `list_documents` would return without a limit."""
        where, parameters = _selection_sql(selection or DocumentSelection())
        return (
            self._connection()
            .execute(
                f"SELECT COUNT(*) FROM documents d WHERE {_VISIBLE}{where}",
                {"gen": gen, **parameters},
            )
            .fetchone()[0]
        )

    def get_chunks(self, chunk_ids: list[int], gen: int) -> list[Chunk]:
        """The visible chunks among `chunk_ids`, in the order asked."""
        if not chunk_ids:
            return []
        placeholders = ",".join("?" * len(chunk_ids))
        rows = self._connection().execute(
            f"SELECT c.id, c.seq, c.start, c.end, c.text, d.id AS doc_id "
            f"FROM chunks c JOIN documents d ON d.key = c.doc_key "
            f"WHERE c.id IN ({placeholders}) AND "
            f"d.added_gen <= ? AND (d.removed_gen IS NULL OR d.removed_gen > ?)",
            [*chunk_ids, gen, gen],
        )
        by_id = {row["id"]: Chunk(**dict(row)) for row in rows}
        return [by_id[i] for i in chunk_ids if i in by_id]

    def get_summaries(self, doc_ids: list[str], gen: int) -> dict[str, DocumentSummary]:
        """Metadata (no text) of the visible documents among `doc_ids`."""
        if not doc_ids:
            return {}
        placeholders = ",".join("?" * len(doc_ids))
        rows = self._connection().execute(
            f"SELECT {_DOCUMENT_COLUMNS} FROM documents d WHERE d.id IN ({placeholders}) AND "
            f"d.added_gen <= ? AND (d.removed_gen IS NULL OR d.removed_gen > ?)",
            [*doc_ids, gen, gen],
        )
        return {row["id"]: DocumentSummary(**dict(row)) for row in rows}

    def iter_chunk_texts(self, gen: int) -> Iterator[tuple[int, str]]:
        rows = self._connection().execute(
            f"SELECT c.id, c.text FROM chunks c JOIN documents d ON d.key = c.doc_key "
            f"WHERE {_VISIBLE} ORDER BY c.id",
            {"gen": gen},
        )
        for row in rows:
            yield row[0], row[1]

    def count(self, gen: int) -> tuple[int, int]:
        """(documents, chunks) visible at `gen`."""
        connection = self._connection()
        documents = connection.execute(
            f"SELECT COUNT(*) FROM documents d WHERE {_VISIBLE}", {"gen": gen}
        ).fetchone()[0]
        chunks = connection.execute(
            f"SELECT COUNT(*) FROM chunks c JOIN documents d ON d.key = c.doc_key WHERE {_VISIBLE}",
            {"gen": gen},
        ).fetchone()[0]
        return documents, chunks

    def live_document_ids(self, gen: int) -> list[str]:
        rows = self._connection().execute(
            f"SELECT d.id FROM documents d WHERE {_VISIBLE} ORDER BY d.key", {"gen": gen}
        )
        return [row[0] for row in rows]

    # Writes, for the pending generation `gen`

    def insert_document(
        self,
        connection: sqlite3.Connection,
        document: Document,
        origin: str | None,
        spans: list[TextSpan],
        gen: int,
    ) -> list[int]:
        """Insert a document and its chunks as added in `gen`; returns the new chunk ids."""
        cursor = connection.execute(
            "INSERT INTO documents (id, title, date, source, url, text, metadata, content_hash, "
            "origin, added_gen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                document.id,
                document.title,
                document.date.isoformat() if document.date else None,
                document.source,
                document.url,
                document.text,
                json.dumps(document.metadata, ensure_ascii=False),
                document.content_hash(),
                origin,
                gen,
            ),
        )
        doc_key = cursor.lastrowid
        chunk_ids = []
        for seq, span in enumerate(spans):
            cursor = connection.execute(
                "INSERT INTO chunks (doc_key, seq, start, end, text) VALUES (?, ?, ?, ?, ?)",
                (doc_key, seq, span.start, span.end, span.text),
            )
            chunk_ids.append(int(cursor.lastrowid))
        return chunk_ids

    def remove_document(
        self, connection: sqlite3.Connection, stored: StoredDocument, gen: int
    ) -> None:
        """Hide a document from `gen` on; a row that `gen` itself added is deleted outright."""
        if stored.added_gen >= gen:
            connection.execute("DELETE FROM documents WHERE key = ?", (stored.key,))
        else:
            connection.execute(
                "UPDATE documents SET removed_gen = ? WHERE key = ?", (gen, stored.key)
            )

    def roll_back_after(self, gen: int) -> None:
        """Undo every change of generations after `gen` (an interrupted writer's)."""
        with self.transaction() as connection:
            connection.execute("DELETE FROM documents WHERE added_gen > ?", (gen,))
            connection.execute(
                "UPDATE documents SET removed_gen = NULL WHERE removed_gen > ?", (gen,)
            )

    def purge_removed(self, up_to_gen: int) -> None:
        """Delete rows that no generation from `up_to_gen` on can see."""
        with self.transaction() as connection:
            connection.execute("DELETE FROM documents WHERE removed_gen <= ?", (up_to_gen,))
