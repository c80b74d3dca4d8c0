"""What makes a typed candidate the answer: the signals the answer ranker weighs.

Each candidate span (service.extraction) gets a vector of FEATURES: how relevant its
sentence is, whether it is the kind of thing the question asks for, where it stands in the
sentence's grammar relative to the question's words, and whether other sentences agree. The
weights that combine them are learned on ../shared/eval/dev by `python -m eval.answer_ranker`
and stored in answer_weights.json beside this module.
"""

import datetime as dt
import json
import math
import re
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from pathlib import Path

from spacy.tokens import Span, Token
from wordfreq import zipf_frequency

from service.answer_kind import wh_phrase
from service.extraction import (
    Candidate,
    calendar_like,
    fits_type,
    follows_deadline_word,
    parse,
)
from service.question import (
    QuestionAnalysis,
    QuestionType,
    acronyms,
    analyze,
    asking_start,
    asks_who_is,
)

FEATURES: tuple[str, ...] = (
    "score",
    "gap",
    "top",
    "passage_prior",
    "lead",
    "expected",
    "unexpected",
    "nationality",
    "phrase",
    "parties",
    "proximity",
    "shares_head",
    "same_role",
    "subject",
    "wh_noun",
    "agreement",
    "question_overlap",
    "length",
    "phrase_length",
    "quoted",
    "resolved_day",
    "not_calendar",
    "deadline_word",
    "speech_cue",
    "place_preposition",
    "possessive",
    "kind_similarity",
    "deadline_ahead",
    "deadline_behind",
    "fits_type",
    "mentions",
    "kind_overlap",
    "trimmed",
    "apposition",
    "same_slot",
    "rarity",
    "phrase_agreement",
    "names_covered",
    "titled",
    "kind_titled",
    "same_subject",
    "subject_covered",
)
WEIGHTS_FILE = Path(__file__).with_name("answer_weights.json")

_WORD = re.compile(r"\w+")
# The day something was said or is to be announced is rarely the day asked about.
_SPEECH_CUE = re.compile(
    r"\b(said|says|say|announced|announces|announce|told|tell|reported|report|added|"
    r"confirmed|confirm)\s+(on\s+)?$",
    re.I,
)
_PLACE_PREPOSITION = re.compile(r"\b(in|at|near|outside|inside|to|from)\s+(the\s+)?$", re.I)
_DEADLINE_QUESTION = re.compile(
    r"\b(deadline|by what|until|till|due|expire|must|have to|had to|scheduled|set to|expected to|"
    r"begin|start|"
    r"take effect|reopen|open)\w*\b",
    re.IGNORECASE,
)
# Roles by meaning, not position: the subject of a passive is what is acted on ("Who was
# appointed?" asks for whom someone appointed).
_ROLES = {"nsubj": "actor", "nsubjpass": "acted on", "dobj": "acted on", "pobj": "acted on"}
# Types whose which-phrase names a kind of thing; "what date" and "how many" say nothing more.
_KIND_TYPES = {QuestionType.WHAT, QuestionType.WHO, QuestionType.WHERE, QuestionType.WHO_MET_WHOM}
_QUOTES = "\"“”‘’'"


@dataclass(frozen=True)
class QuestionView:
    """What the features need to know of the question, computed once per question."""

    analysis: QuestionAnalysis
    words: frozenset[str]
    lemmas: frozenset[str]
    wh_noun: str | None
    wh_role: str | None
    kind: str | None  # the wh-phrase: "wildly popular show", "type of pet"
    kind_words: frozenset[str]
    deadline: bool
    acronyms: frozenset[str]  # short forms it says or spells out: "US", "CDC"
    asks_who_is: bool  # "Who is Rustam Shah Mohmand?": a description is wanted
    slot: tuple[str, str] | None  # where the wh-phrase stands: ("sale", "of")
    names: frozenset[str]  # the proper nouns of its asking part, lower-cased
    nouns: frozenset[str]  # lemmas of its common nouns: "defense minister", not "President Biden"
    subject: frozenset[str]  # words of the subject the wh-phrase is said of: "nancy", "pelosi"

    @cached_property
    def own_words(self) -> frozenset[str]:
        """The question's words outside its wh-phrase: what the answer is said about."""
        return self.words - self.kind_words


@dataclass(frozen=True)
class SentenceView:
    """A searched sentence: its text, standing among the others, and place in its document."""

    text: str
    score: float
    best_score: float
    rank: int
    passage_rank: int
    start_in_document: int
    published: dt.date | None = None

    @cached_property
    def words(self) -> frozenset[str]:
        """Its words, lower-cased: read once for all of its candidates."""
        return frozenset(word.lower() for word in _WORD.findall(self.text))


@lru_cache(maxsize=1024)
def question_view(question: str) -> QuestionView:
    analysis = analyze(question)
    doc = parse(question)
    wh_noun, wh_role, slot, subject = None, None, None, frozenset[str]()
    asking = asking_start(question)
    for token in doc:
        if token.idx < asking:
            continue
        if token.lower_ in {"which", "what", "whose"} and token.dep_ == "det":
            wh_noun, wh_role = token.head.lemma_.lower(), _ROLES.get(token.head.dep_)
            slot, subject = _slot(token.head), _clause_subject(token.head)
            break
        if token.lower_ in {"who", "whom", "what", "which"}:
            wh_role, slot, subject = _ROLES.get(token.dep_), _slot(token), _clause_subject(token)
            break
        if token.lower_ in {"when", "where"}:
            subject = _clause_subject(token)
            break
    phrase = wh_phrase(doc, asking)
    kind_words = frozenset(word.lower() for word in _WORD.findall(phrase or ""))
    return QuestionView(
        analysis=analysis,
        words=frozenset(word.lower() for word in _WORD.findall(question)),
        lemmas=frozenset(t.lemma_.lower() for t in doc if t.is_alpha and not t.is_stop),
        wh_noun=wh_noun,
        wh_role=wh_role,
        kind=phrase if analysis.type in _KIND_TYPES else None,
        kind_words=kind_words,
        deadline=analysis.type is QuestionType.WHEN and bool(_DEADLINE_QUESTION.search(question)),
        acronyms=acronyms(question),
        asks_who_is=asks_who_is(question),
        slot=slot,
        names=frozenset(
            token.lower_
            for token in doc
            if token.idx >= asking and token.pos_ == "PROPN" and token.is_alpha
        ),
        nouns=frozenset(token.lemma_.lower() for token in doc if token.pos_ == "NOUN"),
        # The parser may take "Which Brazilian president" for a pronoun and a subject.
        subject=subject - kind_words,
    )


def features(
    question: QuestionView,
    sentence: SentenceView,
    candidate: Candidate,
    shared_positions: list[int],
    agreement: int,
    kind_similarity: float = 0.0,
    mentions: int = 0,
) -> list[float]:
    """The candidate's FEATURES, in order."""
    span = _span(sentence.text, candidate)
    words = [word.lower() for word in _WORD.findall(candidate.text)]
    before = sentence.text[max(0, candidate.start - 24) : candidate.start]
    after = sentence.text[candidate.end : candidate.end + 2]
    head = _governor(span.root) if span is not None else None
    is_date = question.analysis.type is QuestionType.WHEN
    days_after = _days_after(candidate, sentence) if question.deadline else 0
    values = {
        "score": sentence.score,
        "gap": sentence.score - sentence.best_score,
        "top": float(sentence.rank == 0),
        "passage_prior": 1.0 / sentence.passage_rank,
        "lead": float(sentence.start_in_document < 400),
        "expected": float(question.analysis.expects == candidate.label),
        "unexpected": float(
            question.analysis.expects is not None
            and candidate.label not in {question.analysis.expects, "PARTIES", "DATE", "TIME"}
        ),
        "nationality": float(candidate.label == "NORP"),
        "phrase": float(candidate.label == "PHRASE"),
        "parties": float(candidate.label == "PARTIES"),
        "proximity": _proximity(shared_positions, candidate),
        "shares_head": float(
            span is not None
            and head is not None
            and head.i not in range(span.start, span.end)
            and head.lemma_.lower() in question.lemmas
        ),
        "same_role": float(
            span is not None
            and question.wh_role is not None
            and _ROLES.get(span.root.dep_) == question.wh_role
        ),
        # Subjects are often the answer, but not when the question asks what is acted on
        # ("Who was appointed keeper?" is not answered by "the trust appointed ...").
        "subject": float(
            span is not None
            and span.root.dep_ in {"nsubj", "nsubjpass"}
            and question.wh_role != "acted on"
        ),
        "wh_noun": float(
            question.wh_noun is not None
            and span is not None
            and (
                any(t.lemma_.lower() == question.wh_noun for t in span)
                or (head is not None and head.lemma_.lower() == question.wh_noun)
            )
        ),
        # Common nouns of the story repeat in every sentence ("prices", "the agency"); a
        # name said again and again is more likely the one asked for.
        "agreement": math.log(agreement) * (candidate.label != "PHRASE"),
        "phrase_agreement": math.log(agreement) * (candidate.label == "PHRASE"),
        # Words of the wh-phrase are welcome in the answer ("Tony Awards" for "which awards
        # show"); the question's other words are what the answer is said about.
        "question_overlap": (
            sum(_said_in(word, question.own_words) for word in words) / len(words) if words else 0.0
        ),
        "kind_overlap": float(any(word in question.kind_words for word in words)),
        # Long names are rarely better names ("Buchanan County" for "which state"), but a
        # longer phrase often is the fuller answer.
        "length": min(len(words), 12) / 12 * (candidate.label != "PHRASE"),
        "phrase_length": min(len(words), 12) / 12 * (candidate.label == "PHRASE"),
        "quoted": float(
            (candidate.start > 0 and sentence.text[candidate.start - 1] in _QUOTES)
            or candidate.text[:1] in _QUOTES
        ),
        "resolved_day": float(is_date and candidate.resolved and calendar_like(candidate.text)),
        "not_calendar": float(is_date and not calendar_like(candidate.text)),
        "deadline_word": float(
            question.deadline and follows_deadline_word(sentence.text, candidate.start)
        ),
        "speech_cue": float(is_date and bool(_SPEECH_CUE.search(before))),
        "place_preposition": float(
            question.analysis.type is QuestionType.WHERE
            and bool(_PLACE_PREPOSITION.search(before[-16:]))
        ),
        "possessive": float(after in {"'s", "’s"}),
        "kind_similarity": kind_similarity,
        # A deadline or a scheduled start is mostly still ahead when the article is written.
        "deadline_ahead": float(days_after > 0),
        "deadline_behind": float(days_after < 0),
        "fits_type": float(fits_type(question.analysis.type, candidate.label)),
        "mentions": math.log1p(mentions),
        "trimmed": float(candidate.trimmed),
        "apposition": float(span is not None and _in_apposition(span, question.lemmas)),
        "rarity": _rarity(words) if candidate.label == "PHRASE" else 0.0,
        # "When was Pelosi in Kyiv, before Jill Biden's trip?": a sentence on Jill Biden's
        # trip names fewer of the question's names than the one on Pelosi's.
        "names_covered": _share_named(question.names, sentence.words),
        # "opposition leader Konrad Beck" for "which opposition leader": titled as the kind
        # asked for; "Defense Minister Asif" for "Which country did the defense minister
        # visit?" is titled as the one the question is about, but answers "Who is
        # Pakistan's defense minister?", where no wh-phrase names a kind.
        "titled": float(span is not None and _titled(span, question.nouns - question.kind_words)),
        "kind_titled": float(span is not None and _titled(span, question.kind_words)),
        "same_slot": float(
            span is not None and question.slot is not None and _slot(span.root) == question.slot
        ),
        # "On what date was Pelosi in Kyiv, before Jill Biden's trip?": "last Saturday" in
        # "Pelosi was there last Saturday" is said of Pelosi, "Sunday" in "Jill Biden made
        # a visit on Sunday" of Jill Biden.
        "same_subject": float(
            span is not None and bool(question.subject & _clause_subject(span.root))
        ),
        # The sentence names what the question is about, wherever it stands in it.
        "subject_covered": _share_named(question.subject, sentence.words),
    }
    return [values[name] for name in FEATURES]


def _share_named(names: frozenset[str], words: frozenset[str]) -> float:
    return len(names & words) / len(names) if names else 0.0


def _rarity(words: list[str]) -> float:
    """How rare in English the phrase's rarest word is (0 common ... 1 unheard of): an
    answer names something specific ("monkeypox", "mustard"), not "the agency" or "prices".
    Frequencies from wordfreq's English word lists. Only phrases are weighed so: a name's
    rarity says how exotic it is, not whether it answers."""
    zipf = min((zipf_frequency(word, "en") for word in words if not word.isdigit()), default=None)
    return 0.0 if zipf is None else max(0.0, 1 - zipf / 7)


def _titled(span: Span, nouns: frozenset[str]) -> bool:
    """Whether the question's common nouns stand as the candidate's title: "Defense Minister
    Khawaja Muhammad Asif" for "Who is Pakistan's defense minister?". A title inside a name
    the question says ("President Joe Biden") describes that person, not the answer."""
    return any(
        word.lemma_.lower() in nouns or word.lower_ in nouns
        for child in span.root.children
        if child.dep_ in {"compound", "amod"} and child.i < span.start
        for word in child.subtree
    )


def _in_apposition(span: Span, lemmas: frozenset[str]) -> bool:
    """Whether the candidate and words of the question stand in apposition: "Rustam Shah
    Mohmand, a former ambassador" for "Who is Rustam Shah Mohmand?", "Nadeem Anjum, head of
    the ISI" for "Who heads the ISI?". A name's description is what who-is questions ask."""
    root = span.root
    described = (
        root.head if root.dep_ == "appos" else None,
        *(child for child in root.children if child.dep_ == "appos"),
    )
    return any(
        word is not None and word.lemma_.lower() in lemmas
        for token in described
        if token is not None
        for word in (token, *token.children)
    )


def _said_in(word: str, words: frozenset[str]) -> bool:
    """Whether the question has the word or a form of it: "finals" for "final", "Chinese"
    for "China", "Ukrainian" for "Ukraine" (all but the last letter or two in common)."""
    if word in words:
        return True
    return len(word) >= 4 and any(
        len(other) >= 4 and _common_start(word, other) >= min(len(word), len(other)) - 1
        for other in words
    )


def _common_start(a: str, b: str) -> int:
    return next(
        (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )


def _days_after(candidate: Candidate, sentence: SentenceView) -> int:
    """Days from the article's publication to the candidate's date (0 when either is unknown)."""
    if candidate.normalized is None or sentence.published is None:
        return 0
    try:
        day = dt.date.fromisoformat(candidate.normalized[:10])
    except ValueError:
        return 0
    return (day - sentence.published).days


def _governor(token: Token) -> Token:
    """The word a phrase (by its root) is an argument of, looking through prepositions
    ("met in Tallinn")."""
    head = token.head
    while head.pos_ == "ADP" and head.head.i != head.i:
        head = head.head
    return head


def _clause_subject(token: Token) -> frozenset[str]:
    """The content words of the subject of the clause a phrase stands in, unless the phrase
    is (in) that subject: the first verb up from the phrase that has a subject."""
    clause = token
    while clause.head.i != clause.i:
        clause = clause.head
        subjects = [c for c in clause.children if c.dep_ in {"nsubj", "nsubjpass"}]
        if clause.pos_ in {"VERB", "AUX"} and subjects:
            words = [word for subject in subjects for word in subject.subtree]
            if token in words:
                return frozenset()
            return frozenset(word.lower_ for word in words if word.is_alpha and not word.is_stop)
    return frozenset()


def _slot(token: Token) -> tuple[str, str] | None:
    """Where a phrase stands in its sentence: the word it is an argument of and the
    preposition between. "the sale of which team" and "the sale of the Denver Broncos" both
    stand at ("sale", "of"); a name inside a longer noun ("monkeypox" in "the monkeypox
    outbreak") stands where that noun does."""
    while token.dep_ == "compound" and token.head.i != token.i:
        token = token.head
    if token.head.i == token.i:
        return None
    preposition = token.head.lower_ if token.head.pos_ == "ADP" else ""
    return _governor(token).lemma_.lower(), preposition


def _span(sentence: str, candidate: Candidate) -> Span | None:
    return parse(sentence).char_span(candidate.start, candidate.end, alignment_mode="expand")


def _proximity(shared_positions: list[int], candidate: Candidate) -> float:
    if not shared_positions:
        return 0.0
    distance = min(abs(p - candidate.start) for p in shared_positions)
    return max(0.0, 1 - distance / 120)


@dataclass(frozen=True)
class Weights:
    """A linear answer ranker: the learned weight of each feature, and a bias."""

    weights: dict[str, float]
    bias: float

    def score(self, values: list[float]) -> float:
        """The log-odds that the candidate is the answer."""
        return self.bias + sum(
            self.weights.get(name, 0.0) * value
            for name, value in zip(FEATURES, values, strict=True)
        )


def family(kind: QuestionType) -> str:
    """Which weights rank a question's candidates: dates weigh other signals (is it a day,
    after a deadline word, still ahead?) than names and phrases do, and the parties of a
    meeting other signals again (the meeting relation, all the names together). Which/what/
    where questions name a kind of thing and are searched deeper (SEARCH_DEPTH), so their
    candidates come from further down than those of who and how-many questions."""
    if kind is QuestionType.WHEN:
        return "date"
    if kind is QuestionType.WHO_MET_WHOM:
        return "meeting"
    if kind is QuestionType.QUANTITY:
        return "count"
    return "thing" if kind in {QuestionType.WHAT, QuestionType.WHERE} else "entity"


FAMILIES = ("date", "meeting", "thing", "entity", "count")


@cache
def load_weights(kind: QuestionType = QuestionType.WHAT, path: Path = WEIGHTS_FILE) -> Weights:
    """The weights learned for the family of questions of this type."""
    stored = json.loads(path.read_text())["families"][family(kind)]
    return Weights(weights=stored["weights"], bias=stored["bias"])
