"""Gold question sets (the formats of ../shared/eval/README.md), read into typed items."""

import datetime as dt
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field


class Evidence(BaseModel):
    doc_id: str
    quote: str


class GoldItem(BaseModel):
    """One question with every acceptable answer; no answers means the right reply is none."""

    model_config = ConfigDict(extra="allow")

    id: str
    question: str
    answers: list[str]
    evidence: list[Evidence] = Field(default_factory=list)
    type: str
    question_date: dt.date | None = None
    normalized_date: dt.date | None = None
    doc_date: dt.date | None = None

    @property
    def answerable(self) -> bool:
        return bool(self.answers)

    @property
    def evidence_doc_ids(self) -> set[str]:
        return {evidence.doc_id for evidence in self.evidence}


def load_gold(path: Path) -> list[GoldItem]:
    items = []
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                items.append(GoldItem.model_validate_json(line))
            except ValueError as error:
                raise ValueError(f"{path}:{line_no}: {error}") from error
    return items
