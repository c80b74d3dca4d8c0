"""Question analysis: what kind of answer a question wants, its entities, terms and dates.

The type decides which spans can answer (people for who, dates for when, places for where,
numbers for how many, ...). Phrases such as "this week" or "last month" become a date range
when the question has a date, so that retrieval can prefer the documents of that time.
"""

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from index.lexical import tokenize


class QuestionType(StrEnum):
    WHO_MET_WHOM = "who-met-whom"
    WHO = "who"
    WHEN = "when"
    WHERE = "where"
    QUANTITY = "quantity"
    WHY = "why"
    HOW = "how"
    YES_NO = "yes-no"
    WHAT = "what"


# "call for" demands rather than meets. "Host", "receive", "greet" and "welcome" are left out
# here: "which Fox News host", "which show received nominations", "welcomed which guest to the
# premiere"; only who-questions read them as meetings.
_MEETING = (
    r"(meet|meets|met|meeting|talks?|talked|spoke|speak|speaks|calls?(?! for\b)|called(?! for\b)|"
    r"visit|visited|visits|sat down|negotiat\w*|discuss\w*)"
)
_RECEIVE = r"(receive|received|receives|host|hosted|hosts|greet|greeted|greets|welcomed?|welcomes)"
_PERSON_NOUN = (
    r"(person|people|official|officials|leader|leaders|minister|ministers|president|"
    r"senator|senators|governor|lawmaker|lawmakers|player|players|teammates?|delegation|"
    r"company|companies|firm|group|organi[sz]ation|team|party)"
)
_RULES: list[tuple[QuestionType, re.Pattern[str]]] = [
    (
        QuestionType.QUANTITY,
        re.compile(
            r"\bhow (many|much|long|far|old|big|large|high|often)\b|"
            # up to three modifiers: "what was the record high average price"
            r"\bwhat (?:was |is |were |are )?(?:the )?(?:(?!of\b)[\w-]+ ){0,3}?"
            r"(percentage|percent|share|number|amount|"
            r"proportion|sum|price|fine|magnitude|population|score|rate|cost|value|size|"
            r"height|speed|temperature)\b|"
            r"\b(which|what) (figure|total)\b",
            re.I,
        ),
    ),
    (
        QuestionType.WHEN,
        re.compile(
            r"\bwhen\b|\b(what|which) (date|day|year|month|time)\b|\bby what\b|"
            r"\buntil what\b|\bdeadline\b|\bwhat (is|was) the (date|deadline)\b|"
            # a blank to fill after "since": "... the most populous nation since at least:"
            r"\bsince(?: at least)?\s*:?\s*$",
            re.I,
        ),
    ),
    (
        QuestionType.WHERE,
        re.compile(
            r"\bwhere\b|\b(which|what)(\s+[\w-]+)?\s+(city|country|state|town|place|venue|region|"
            r"province|capital|county|island|location|stadium|port)\b",
            re.I,
        ),
    ),
    (
        QuestionType.WHY,
        re.compile(r"\bwhy\b|\bfor what reason\b|\bwhat (caused|prompted|led)\b", re.I),
    ),
    (QuestionType.HOW, re.compile(r"^\s*how\b", re.I)),
]
_WHO = re.compile(rf"\bwho(m|se)?\b|\b(which|what) {_PERSON_NOUN}\b", re.I)
# With a meeting verb, "which NOUN" asks for a party unless the noun is a place or a time.
_WHICH_NOUN = re.compile(
    r"\bwhich((?:\s+(?!did\b|was\b|were\b|is\b|are\b|had\b|has\b)[\w.'’-]+){1,5})", re.I
)
_PLACE_OR_TIME = re.compile(
    r"\b(city|country|state|town|place|venue|region|province|capital|county|island|location|"
    r"stadium|port|date|day|year|month|time|week)s?\b",
    re.I,
)
_MEET = re.compile(rf"\b{_MEETING}\b", re.I)
_MEET_OR_RECEIVE = re.compile(rf"\b({_MEETING}|{_RECEIVE})\b", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“‘'(]?[A-Z])")
# Titles and initials end in a full stop without ending the sentence ("Sen. Joe Manchin").
_ABBREVIATION = re.compile(
    r"(?:^|\s)(?:[A-Z]|(?:[A-Za-z]\.)+[A-Za-z]?|Sen|Rep|Gov|Gen|Lt|Col|Sgt|Capt|Dr|Mr|Mrs|Ms|"
    r"St|Mt|Jr|Sr|No|Prof|Rev|Hon|Pres|Sept?|Jan|Feb|Mar|Apr|Aug|Oct|Nov|Dec|vs|etc|"
    r"Bros|Inc|Corp|Co|Ltd)\.$"
)
_WHO_IS = re.compile(r"[Ww]ho (?:is|was|are|were) (?:[A-Z][\w.'’-]*\s*)+\?\s*$")
_WH_WORD = re.compile(r"\b(who|whom|whose|what|which|when|where|why|how)\b", re.I)
_YES_NO = re.compile(
    r"^\s*(is|are|was|were|do|does|did|has|have|had|can|could|will|would|should)\b", re.I
)
_RECENCY = re.compile(
    r"\b(this week|last week|this month|last month|this year|last year|recently|"
    r"this weekend|last weekend|yesterday|today|earlier this \w+)\b",
    re.I,
)


_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
]
# A season's first month, and the year it falls in counted from the season's year: winter
# 2023 may begin in December 2022, so it counts from there.
_SEASONS = {
    "spring": (3, 0),
    "summer": (6, 0),
    "fall": (9, 0),
    "autumn": (9, 0),
    "winter": (12, -1),
}
_NAMED_PERIOD = re.compile(
    rf"\b(?P<part>{'|'.join(_MONTHS)}|{'|'.join(_SEASONS)})\s+(?:\d{{1,2}}(?:st|nd|rd|th)?,?\s+)?"
    r"(?P<year>(?:19|20)\d\d)\b|\b(?:in|during|of|since)\s+(?:(?:early|mid|late)[- ])?"
    r"(?P<bare>(?:19|20)\d\d)\b",
    re.I,
)
# "Before being hired in November 2023, whom did he meet?": the event precedes the period.
_BEFORE = re.compile(r"\b(before|prior to|ahead of|until)\b", re.I)
_CLAUSE_START = re.compile(r"[,;:.?!]\s")


_PERSON_WORDS = re.compile(
    r"\b(who|whom|person|people|star|singer|actor|actress|player|politician|official|leader|"
    r"president|senator|governor|lawmaker|minister|judge|ceo|executive|coach|athlete|author|"
    r"rapper|artist|director|chef|host|journalist|king|queen|prince|princess|pope|candidate|"
    r"billionaire|founder|musician|comedian|quarterback|golfer|boxer|astronaut|scientist|"
    r"general|commander|spokes\w+|woman|man|monarch|republican|democrat|lawyer|attorney)s?\b",
    re.I,
)
_ORG_WORDS = re.compile(
    r"\b(company|companies|firm|team|group|organi[sz]ation|party|agency|network|airline|"
    r"automaker|retailer|brand|bank|club|university|school|band|union|court|league|"
    r"department|nonprofit|startup|manufacturer|carrier|studio|publisher|newspaper|channel|"
    r"restaurant|chain|store|app|platform)s?\b",
    re.I,
)
_WH_PHRASE_WORD = re.compile(r"\b(who|whom|whose|which|what)\b", re.I)
_WH_PHRASE = re.compile(rf"{_WH_PHRASE_WORD.pattern}((?:\s+[\w.'’-]+){{0,4}})", re.I)
# Where the kind a wh-phrase names ends: at the verb ("which country did King Charles
# visit") or after a possessor ("which state's governor" asks for the state).
_KIND_END = re.compile(
    r"(?<=['’]s)\s|\s(?=(?:did|does|do|is|was|are|were|has|have|had|will|would|can|could)\s)",
    re.I,
)


_ACRONYM = re.compile(r"\b(?:[A-Za-z]\.){2,}|\b[A-Z][A-Z0-9&]+\b")
_INITIALS_SKIP = ("of", "for", "and", "the", "de")
_CAPITALISED_RUN = re.compile(
    rf"\b[A-Z][\w'’-]*(?:\s+(?:(?:{'|'.join(_INITIALS_SKIP)})\s+)*[A-Z][\w'’-]*)+"
)


def acronyms(text: str) -> frozenset[str]:
    """The short forms a text uses or spells out: "US" and "U.S." as "US", "United States"
    and "Centers for Disease Control" as "US" and "CDC"."""
    used = {match.group().replace(".", "").upper() for match in _ACRONYM.finditer(text)}
    spelled = {initials(match.group()) for match in _CAPITALISED_RUN.finditer(text)}
    return frozenset(form for form in used | spelled if len(form) >= 2)


def initials(name: str) -> str:
    """ "United States" → "US", "Centers for Disease Control and Prevention" → "CDCP"."""
    words = [word for word in name.split() if word.lower() not in _INITIALS_SKIP]
    return "".join(word[0] for word in words).upper()


def short_form_in(name: str, known: frozenset[str]) -> bool:
    """Whether a name is one of the known short forms, or spells one out ("Centers for
    Disease Control and Prevention" for "CDC": a longer name may add words at its end)."""
    if not known:
        return False
    dotless = name.replace(".", "").upper()
    if dotless in known and (name.isupper() or "." in name):
        return True
    if len(name.split()) < 2:
        return False
    spelled = initials(name)
    return any(spelled == form or (len(form) >= 3 and spelled.startswith(form)) for form in known)


@dataclass(frozen=True)
class Period:
    """The days a question's evidence may be published in; no `end`: any day from `start` on."""

    start: dt.date
    end: dt.date | None = None

    def __str__(self) -> str:
        until = f"to {self.end.isoformat()}" if self.end else "on"
        return f"{self.start.isoformat()} {until}"


@dataclass(frozen=True)
class QuestionAnalysis:
    text: str
    type: QuestionType
    terms: tuple[str, ...] = ()
    date_range: tuple[dt.date, dt.date] | None = None
    reported_from: dt.date | None = None  # no document before it can tell the answer
    expects: str | None = None  # the entity label the wh-phrase asks for, when it says

    @property
    def period(self) -> Period | None:
        """The days the evidence must come from: the recency phrase's window ("this week"),
        starting no earlier than the period the question names ("in June 2023")."""
        starts = [self.date_range[0]] if self.date_range else []
        starts += [self.reported_from] if self.reported_from else []
        if not starts:
            return None
        return Period(max(starts), self.date_range[1] if self.date_range else None)


def classify(question: str) -> QuestionType:
    """The answer type a question asks for, from the wording of its asking part.

    The question word that comes first decides ("Who greeted her when she arrived?" asks
    who); a who-question about a meeting asks for the other parties.
    """
    question = asking_part(question)
    found = [
        (match.start(), kind) for kind, pattern in _RULES if (match := pattern.search(question))
    ]
    who = _WHO.search(question) or _party_question(question)
    if who and (not found or who.start() <= min(start for start, _ in found)):
        return QuestionType.WHO_MET_WHOM if _about_meeting(question, who) else QuestionType.WHO
    if found:
        return min(found, key=lambda item: item[0])[1]
    if _YES_NO.match(question):
        return QuestionType.YES_NO
    return QuestionType.WHAT


def asking_part(question: str) -> str:
    """The part of a question that asks, from its question word on (see `asking_start`)."""
    return question[asking_start(question) :]


def asking_start(question: str) -> int:
    """Where the asking part of a question starts.

    Quiz questions often open with context ("X made history this week when she became
    the first ... Which state does she represent?"); the context's words ("when", "deadline")
    do not say what is asked. The last sentence with a question word asks, from one word
    before that word on ("by what date", "for what reason"; "... a 30-day deadline to remove
    which app" asks which app). Without a question word ("Is ...?", "... since at least:")
    the last sentence is the asking part.
    """
    starts = _sentence_starts(question)
    for start in reversed(starts):
        wh_word = _WH_WORD.search(question, start)
        if wh_word is not None:
            return question.rfind(" ", start, max(wh_word.start() - 1, start)) + 1 or start
    return starts[-1]


def _sentence_starts(text: str) -> list[int]:
    starts = [0]
    for boundary in _SENTENCE_END.finditer(text):
        if not _ABBREVIATION.search(text, starts[-1], boundary.start()):
            starts.append(boundary.end())
    return starts


def asks_who_is(question: str) -> bool:
    """ "Who is Rustam Shah Mohmand?": a name, and nothing more, after "who is"; what is
    wanted is the name's description."""
    return bool(_WHO_IS.match(asking_part(question)))


def _about_meeting(question: str, who: re.Match[str]) -> bool:
    """Whether a who-question asks for a meeting's parties ("whom did she receive")."""
    if who.group(0).lower().startswith("who"):
        return bool(_MEET_OR_RECEIVE.search(question))
    return bool(_MEET.search(question))


def _party_question(question: str) -> re.Match[str] | None:
    """ "Which former coach visited ...": a which-question about a meeting, not a place or time."""
    match = _WHICH_NOUN.search(question)
    if match and _MEET.search(question) and not _PLACE_OR_TIME.search(match.group(1)):
        return match
    return None


def date_range(question: str, question_date: dt.date | None) -> tuple[dt.date, dt.date] | None:
    """The days a recency phrase in the question points at, counted from its date."""
    if question_date is None:
        return None
    match = _RECENCY.search(question)
    if not match:
        return None
    phrase = match.group(1).lower()
    day = question_date
    if phrase in {"today", "yesterday"}:
        return (day - dt.timedelta(days=1), day)
    if phrase in {"this week", "this weekend", "earlier this week"}:
        return (day - dt.timedelta(days=7), day)
    if phrase in {"last week", "last weekend"}:
        return (day - dt.timedelta(days=14), day)
    if phrase in {"this month", "earlier this month", "recently"}:
        return (day - dt.timedelta(days=31), day)
    if phrase == "last month":
        return (day - dt.timedelta(days=62), day)
    if phrase in {"this year", "earlier this year"}:
        return (dt.date(day.year, 1, 1), day)
    return (dt.date(day.year - 1, 1, 1), day)  # last year


def reported_from(
    question: str, kind: QuestionType, question_date: dt.date | None
) -> dt.date | None:
    """The first day of the earliest month, season or year the question places its event
    in ("during his June 2023 trip", "in early June 2022", "in 2022"): an article published
    before then cannot report that event, however well it matches (February's news of a
    postponed trip does not say whom he met in June).

    None for date questions, whose named period may hold the answer itself, announced long
    before ("When does daylight saving time end in 2023?"); for periods after the question's
    date (plans: "running for president in 2024"); and for periods a "before" leads to."""
    if kind is QuestionType.WHEN:
        return None
    starts = [
        _period_start(match)
        for match in _NAMED_PERIOD.finditer(question)
        if not _led_by_before(question, match.start())
    ]
    past = [start for start in starts if question_date is None or start <= question_date]
    return min(past, default=None)


def _period_start(match: re.Match[str]) -> dt.date:
    if match.group("bare"):
        return dt.date(int(match.group("bare")), 1, 1)
    year, part = int(match.group("year")), match.group("part").lower()
    if part in _SEASONS:
        month, years_back = _SEASONS[part]
        return dt.date(year + years_back, month, 1)
    return dt.date(year, _MONTHS.index(part) + 1, 1)


def _led_by_before(question: str, position: int) -> bool:
    """Whether "before" (or "prior to", "ahead of", "until") opens the clause up to `position`."""
    clause_start = max((m.end() for m in _CLAUSE_START.finditer(question, 0, position)), default=0)
    return bool(_BEFORE.search(question, clause_start, position))


def expected_label(question: str) -> str | None:
    """PERSON or ORG when the wh-phrase names the kind ("which singer", "which company")."""
    asking = asking_part(question)
    phrases = [
        phrase
        for word in _WH_PHRASE_WORD.finditer(asking)
        if (phrase := _WH_PHRASE.match(asking, word.start()))
    ]
    if not phrases:
        return None
    # After a comma a wh-word may open a relative clause ("A balloon, which Pentagon officials
    # said ..., was shot down off which state?"), or follow an opening ("In June, which two
    # attorneys ..."): one that does not is the asking one.
    plain = [m for m in phrases if not asking[: m.start()].rstrip().endswith(",")]
    phrase = _KIND_END.split((plain or phrases)[0].group(0), maxsplit=1)[0]
    if _ORG_WORDS.search(phrase):
        return "ORG"
    if _PERSON_WORDS.search(phrase):
        return "PERSON"
    return None


@lru_cache(maxsize=1024)
def analyze(question: str, question_date: dt.date | None = None) -> QuestionAnalysis:
    """The analysis of a question (cached: the answerer consults it more than once)."""
    kind = classify(question)
    return QuestionAnalysis(
        text=question,
        type=kind,
        terms=tuple(tokenize([question])[0]),
        date_range=date_range(question, question_date),
        reported_from=reported_from(question, kind, question_date),
        expects=expected_label(question),
    )
