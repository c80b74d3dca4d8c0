"""Sentence spans of a text, with offsets: spaCy's rule-based sentencizer, loaded once."""

import re
from functools import cache

import spacy
from spacy.language import Language

_PARAGRAPH_BREAK = re.compile(r"\n+")


@cache
def _sentencizer() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every sentence, trimmed of white space; line breaks end sentences."""
    spans: list[tuple[int, int]] = []
    for sentence in _sentencizer()(text).sents:
        offset = sentence.start_char
        for part in _PARAGRAPH_BREAK.split(sentence.text):
            stripped = part.strip()
            if stripped:
                start = text.index(stripped, offset)
                spans.append((start, start + len(stripped)))
                offset = start + len(stripped)
    return spans
