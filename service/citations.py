"""Citations, verified against the stored text before any answer leaves citeqa."""

import itertools
from collections.abc import Callable

from index.models import Document
from service.models import Citation, DocumentRef, Finding


def join_names(names: list[str]) -> str:
    """ "A", "A and B", "A, B and C": how an answer lists names that stand apart."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


class CitationError(ValueError):
    """A finding whose offsets do not hold its text in the cited document."""


def verify(finding: Finding, document: Document | None) -> None:
    """Raise CitationError unless the answer and quote stand exactly where they say."""
    if document is None:
        raise CitationError(f"document {finding.passage.doc_id!r} is not in the index")
    text = document.text
    if not (
        0 <= finding.quote_start <= finding.answer_start
        and finding.answer_start < finding.answer_end <= finding.quote_end <= len(text)
    ):
        raise CitationError(f"answer span is not inside its quote in {document.id!r}")
    if _answer_text(finding, text) != finding.answer:
        raise CitationError(f"answer text differs from {document.id!r} at its offsets")
    if text[finding.quote_start : finding.quote_end] != finding.quote:
        raise CitationError(f"quote differs from {document.id!r} at its offsets")


def _answer_text(finding: Finding, text: str) -> str:
    parts = finding.answer_parts
    if not parts:
        return text[finding.answer_start : finding.answer_end]
    inside = all(finding.answer_start <= start < end <= finding.answer_end for start, end in parts)
    ordered = all(a[1] <= b[0] for a, b in itertools.pairwise(parts))
    if not (inside and ordered and parts[0][0] == finding.answer_start):
        raise CitationError("answer parts are not in order inside the answer span")
    return join_names([text[start:end] for start, end in parts])


def cite(finding: Finding, n: int, document: Document | None) -> Citation:
    """The numbered citation of a finding, after verifying it."""
    verify(finding, document)
    passage = finding.passage
    return Citation(
        **passage.model_dump(include=set(DocumentRef.model_fields)),
        n=n,
        chunk_id=passage.chunk_id,
        quote_start=finding.quote_start,
        quote_end=finding.quote_end,
        answer_start=finding.answer_start,
        answer_end=finding.answer_end,
        answer_parts=finding.answer_parts,
    )


def cite_all(
    findings: list[Finding], lookup: Callable[[str], Document | None]
) -> list[tuple[Finding, Citation]]:
    """Verified citations numbered from 1, leaving out the findings that fail verification."""
    documents: dict[str, Document | None] = {}
    cited: list[tuple[Finding, Citation]] = []
    for finding in findings:
        doc_id = finding.passage.doc_id
        if doc_id not in documents:
            documents[doc_id] = lookup(doc_id)
        try:
            cited.append((finding, cite(finding, len(cited) + 1, documents[doc_id])))
        except CitationError:
            continue
    return cited
