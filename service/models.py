"""The types of a question and its cited answer; the API returns `Answer` as it is."""

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Filters(BaseModel):
    """Which documents may answer: publication dates, sources, ids (all optional)."""

    model_config = ConfigDict(extra="forbid")

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    sources: list[str] | None = Field(default=None, max_length=100)
    doc_ids: list[str] | None = Field(default=None, max_length=1000)

    @model_validator(mode="after")
    def _ordered_dates(self) -> "Filters":
        if self.date_from and self.date_to and self.date_from > self.date_to:
            raise ValueError("date_from is after date_to")
        return self


class Question(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1)
    question_date: dt.date | None = Field(
        default=None, description="Documents published after this date are left out."
    )
    filters: Filters = Field(default_factory=Filters)
    top_k: int | None = Field(default=None, ge=1, le=50)


class PassageScores(BaseModel):
    dense: float | None = Field(default=None, description="Cosine similarity, if dense found it.")
    lexical: float | None = Field(default=None, description="BM25 score, if BM25 found it.")
    fused: float = Field(description="Reciprocal rank fusion of both rankings.")


class DocumentRef(BaseModel):
    """Which document a passage or citation comes from, as a reader sees it."""

    doc_id: str
    title: str
    date: dt.date | None = None
    source: str | None = None
    url: str | None = None


class Passage(DocumentRef):
    """A retrieved chunk with its document's metadata: text == document.text[start:end]."""

    chunk_id: int
    start: int
    end: int
    text: str
    scores: PassageScores


class Citation(DocumentRef):
    """Where an answer stands: offsets into the cited document's stored text."""

    n: int = Field(ge=1, description="The marker number, [n] in the text.")
    chunk_id: int
    quote_start: int = Field(ge=0)
    quote_end: int = Field(ge=0)
    answer_start: int = Field(ge=0)
    answer_end: int = Field(ge=0)
    answer_parts: list[tuple[int, int]] = Field(
        default_factory=list,
        description=(
            'When the answer joins names that stand apart in the text ("X and Y" from '
            '"met X on Tuesday, along with Y"), where each name stands; empty otherwise.'
        ),
    )


class Alternative(BaseModel):
    """Another answer found in another document, with its citation and publication date."""

    answer: str
    normalized: str | None = None
    rule: str | None = None
    quote: str
    date: dt.date | None = None
    citation: Citation


class Answer(BaseModel):
    """A short answer with the sentence it comes from and verified citations, or none."""

    question: str
    answer: str | None = Field(description="Null when citeqa abstains.")
    normalized: str | None = Field(default=None, description="ISO date or number, if any.")
    rule: str | None = Field(
        default=None, description="How `normalized` was obtained, or why it could not be."
    )
    confidence: float = Field(ge=0, le=1)
    quote: str | None = Field(default=None, description="The supporting sentence.")
    citations: list[Citation] = Field(default_factory=list)
    passages: list[Passage] = Field(default_factory=list)
    alternatives: list[Alternative] = Field(default_factory=list)
    reason: str | None = Field(default=None, description="Why citeqa abstained, if it did.")
    answerer: str = Field(description="Which answerer produced this.")
    generation: int = Field(description="The index generation the answer was read from.")


class Finding(BaseModel):
    """An answer an answerer found, located in a document; citations are built from it."""

    answer: str
    normalized: str | None = None
    rule: str | None = None
    quote: str
    passage: Passage
    quote_start: int = Field(ge=0, description="Offsets into the document's stored text.")
    quote_end: int = Field(ge=0)
    answer_start: int = Field(ge=0)
    answer_end: int = Field(ge=0)
    answer_parts: list[tuple[int, int]] = Field(default_factory=list)
    score: float
