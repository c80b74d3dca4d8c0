"""Request and response bodies of the API that are not already citeqa's own models.

Answers are `service.models.Answer`, documents `index.models.Document`/`DocumentSummary`,
per-document outcomes `index.models.IngestResult`: the API returns them as they are.
"""

import datetime as dt
import hashlib
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from index.models import DocumentSummary, IndexStats, IngestResult, RawDocument, check_document_id


class DocumentIn(BaseModel):
    """A document sent as JSON; its text is cleaned like a file's before it is stored."""

    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(
        default=None,
        description="Kept if given (1-200 characters, no slash); else derived from the text.",
    )
    title: str | None = Field(default=None, description="Else the first sentence.")
    date: dt.date | None = Field(default=None, description="Publication date.")
    source: str | None = None
    url: str | None = None
    text: str = Field(min_length=1)

    @field_validator("id")
    @classmethod
    def _valid_id(cls, value: str | None) -> str | None:
        return None if value is None else check_document_id(value)

    def raw(self, position: int) -> RawDocument:
        """As a loader would have read it; JSON records are cleaned like JSONL records."""
        return RawDocument(
            origin=f"documents[{position}]",
            format="jsonl",
            content=self.text,
            id=self.id or self.derived_id(),
            title=self.title,
            date=self.date.isoformat() if self.date else None,
            source=self.source,
            url=self.url,
        )

    def derived_id(self) -> str:
        # From the text, so that sending the same document twice leaves it unchanged.
        return "doc-" + hashlib.sha256(self.text.encode()).hexdigest()[:16]


class DocumentBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    documents: list[DocumentIn] = Field(min_length=1)


class IngestResponse(BaseModel):
    """One result per input document (or per file that could not be read), in order."""

    results: list[IngestResult]
    generation: int = Field(description="The index generation that now holds the changes.")


class RemoveResponse(BaseModel):
    id: str
    status: Literal["removed"] = "removed"
    generation: int


class DocumentPage(BaseModel):
    documents: list[DocumentSummary]
    total: int = Field(description="Documents matching the filters, over all pages.")
    limit: int
    offset: int
    generation: int


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class Readiness(BaseModel):
    status: Literal["ready"] = "ready"
    generation: int


class ServiceStats(BaseModel):
    index: IndexStats
    answerer: str | None = Field(description="The answerer in use; null while loading.")
    ready: bool
    writes: Literal["api key", "loopback only"] = Field(
        description="Who may add and remove documents."
    )
