"""The types that cross the index's module boundaries."""

import datetime as dt
import hashlib
import json
import re
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue, field_validator

SourceFormat = Literal["txt", "md", "html", "jsonl", "pdf"]

# Ids appear in URLs (/v1/documents/{id}) and file names: no slashes, no control characters.
_ID_PATTERN = re.compile(r"^[^\s/\\\x00-\x1f\x7f][^/\\\x00-\x1f\x7f]{0,199}$")


def check_document_id(value: str) -> str:
    value = value.strip()
    if not _ID_PATTERN.match(value):
        raise ValueError(
            f"invalid document id {value!r}: 1-200 characters, no slash, backslash or "
            "control character"
        )
    return value


class RawDocument(BaseModel):
    """What a loader read from a file or a JSONL record, before cleaning."""

    model_config = ConfigDict(frozen=True)

    origin: str = Field(description="Where it came from: a path, or path:line for JSONL.")
    format: SourceFormat
    content: str = Field(description="Raw content: markup and markers not yet removed.")
    id: str | None = None
    title: str | None = None
    date: str | None = None
    source: str | None = None
    url: str | None = None
    metadata: dict[str, JsonValue] = Field(default_factory=dict)
    warnings: tuple[str, ...] = ()


class Document(BaseModel):
    """A cleaned document. `text` is canonical: every offset in citeqa refers to it."""

    model_config = ConfigDict(frozen=True)

    id: str
    title: str
    date: dt.date | None = None
    source: str | None = None
    url: str | None = None
    text: str = Field(min_length=1)
    metadata: dict[str, JsonValue] = Field(default_factory=dict)

    @field_validator("id")
    @classmethod
    def _valid_id(cls, value: str) -> str:
        return check_document_id(value)

    def content_hash(self) -> str:
        """Hash of everything stored for the document; equal hashes mean nothing to update."""
        payload = self.model_dump(mode="json")
        encoded = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
        return hashlib.sha256(encoded).hexdigest()


class DocumentSummary(BaseModel):
    """A document without its text, as listed."""

    id: str
    title: str
    date: dt.date | None = None
    source: str | None = None
    url: str | None = None


class TextSpan(BaseModel):
    """A span of a document's text: text == document.text[start:end]."""

    model_config = ConfigDict(frozen=True)

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str


class Chunk(TextSpan):
    """A stored chunk; `id` is stable for the chunk's lifetime and never reused."""

    id: int
    doc_id: str
    seq: int = Field(ge=0, description="Position of the chunk within its document.")


class IngestStatus(StrEnum):
    ADDED = "added"
    UNCHANGED = "unchanged"
    REPLACED = "replaced"
    REMOVED = "removed"
    NOT_FOUND = "not_found"
    FAILED = "failed"


class IngestResult(BaseModel):
    """What happened to one input: a document, a file that failed, or a removal."""

    origin: str
    id: str | None = None
    status: IngestStatus
    error: str | None = None
    warnings: list[str] = Field(default_factory=list)
    chunks: int = 0


class IndexStats(BaseModel):
    generation: int
    documents: int
    chunks: int
    embedding_model: str | None
    embedding_backend: str | None = None
    dimension: int | None
    chunk_size: int | None
    chunk_overlap: int | None
    disk_bytes: int
    index_dir: str
