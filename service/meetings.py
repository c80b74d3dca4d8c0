"""Who met whom: the parties of a meeting sentence, read off spaCy's dependency parse.

A meeting is a verb (meet, speak, call, visit, host, receive, hold talks, ...) or a noun
(talks, meeting, call) with two sides: the subject ("officials, led by X") and the object or
"with"/"between" phrase. The side the question does not name is the answer: every person,
organisation or group there, so "Who did Abdul Ghani Baradar meet?" gets
"Khawaja Muhammad Asif and Nadeem Anjum".
"""

from dataclasses import dataclass

from spacy.tokens import Span, Token

MEETING_VERBS = {
    "meet",
    "speak",
    "talk",
    "call",
    "phone",
    "visit",
    "host",
    "receive",
    "welcome",
    "negotiate",
    "confer",
    "sit",
    "join",
    "hold",
    "have",
    "greet",
    "consult",
    "discuss",
}
MEETING_NOUNS = {
    "talk",
    "talks",
    "meeting",
    "call",
    "conversation",
    "summit",
    "visit",
    "discussion",
    "negotiation",
}
PARTY_LABELS = {"PERSON", "ORG", "NORP", "GPE"}
# Nouns for people that stand for a party when no one is named ("Russian officials").
PEOPLE_NOUNS = {
    "official",
    "leader",
    "member",
    "minister",
    "lawmaker",
    "legislator",
    "executive",
    "representative",
    "delegation",
    "delegate",
    "counterpart",
    "envoy",
    "diplomat",
    "negotiator",
    "commander",
    "officer",
    "adviser",
    "advisor",
    "aide",
    "senator",
    "governor",
    "mayor",
    "chief",
    "teammate",
    "player",
    "survivor",
    "family",
    "student",
    "worker",
    "investigator",
    "prosecutor",
    "attorney",
    "lawyer",
}
_SUBJECTS = {"nsubj", "nsubjpass", "agent"}
_OBJECTS = {"dobj", "obj", "attr", "dative"}
_WITH = {"with", "between", "among", "alongside"}
# "along with X", "together with X": the "with" hangs off another preposition.
_WITH_LEADS = {"along", "together"}
# "two of Trump's attorneys", "both of them": the parties are inside the "of" phrase.
_QUANTIFIERS = {"both", "all", "some", "several", "many", "each", "few", "most"}


@dataclass(frozen=True)
class Side:
    heads: tuple[Token, ...]

    def parties(self, sentence: Span) -> list[Span]:
        """The named parties on this side, in text order, without nested descriptions."""
        found: dict[int, Span] = {}
        for head in self.heads:
            owned = [e for e in sentence.ents if e.label_ in PARTY_LABELS and _belongs(e, head)]
            owned += _joined_before(sentence, head)
            if head.pos_ == "PROPN" and not any(e.start <= head.i < e.end for e in owned):
                owned.append(_bare_name(head))  # a name the entity recogniser missed
            found.update((entity.start, entity) for entity in owned)
        named = [found[start] for start in sorted(found)]
        if not named:
            # "Members of Hamas met with Russian officials": people described, not named.
            return [
                Span(head.doc, head.i, head.i + 1, label="GROUP")
                for head in self.heads
                if head.pos_ == "NOUN" and head.lemma_.lower() in PEOPLE_NOUNS
            ]
        # "Disney's Bob Iger": the company describes the person, it is not another party.
        return [
            party
            for party in named
            if not any(_describes(party, other) for other in named if other.label_ == "PERSON")
        ]


def meeting_sides(sentence: Span) -> list[tuple[Side, Side]]:
    """(subject side, other side) of every meeting relation in a parsed sentence."""
    relations = []
    for token in sentence:
        if token.pos_ in {"VERB", "AUX"} and token.lemma_.lower() in MEETING_VERBS:
            subjects = _expand(
                [c for c in token.children if c.dep_ in _SUBJECTS and c.dep_ != "agent"]
                + [
                    pobj
                    for agent in token.children
                    if agent.dep_ == "agent"
                    for pobj in agent.children
                    if pobj.dep_ == "pobj"
                ]
            )
            others = _expand(
                [
                    c
                    for c in token.children
                    if c.dep_ in _OBJECTS and c.lemma_.lower() not in MEETING_NOUNS
                ]
                + _with_objects(token)
                + [
                    pobj
                    for obj in token.children
                    if obj.lemma_.lower() in MEETING_NOUNS
                    for pobj in _with_objects(obj)
                ]
            )
            if subjects or others:
                relations.append((Side(tuple(subjects)), Side(tuple(others))))
        elif (
            token.pos_ == "NOUN"
            and token.lemma_.lower() in MEETING_NOUNS
            and token.head.lemma_.lower() not in MEETING_VERBS
        ):
            between = _expand(_with_objects(token))
            if between:
                relations.append((Side(()), Side(tuple(between))))
    return relations


def _with_objects(token: Token) -> list[Token]:
    preps = [child for child in token.children if child.dep_ == "prep"]
    preps += [
        inner
        for lead in preps
        if lead.lower_ in _WITH_LEADS
        for inner in lead.children
        if inner.dep_ == "prep"
    ]
    return [
        pobj
        for prep in preps
        if prep.lower_ in _WITH
        for pobj in prep.children
        if pobj.dep_ == "pobj"
    ]


def _expand(heads: list[Token]) -> list[Token]:
    """Heads with their conjuncts, appositions and "led by" agents."""
    expanded: list[Token] = []
    queue = list(heads)
    while queue:
        head = queue.pop(0)
        if head in expanded:
            continue
        expanded.append(head)
        for child in head.children:
            if child.dep_ in {"conj", "appos"}:
                queue.append(child)
            elif child.dep_ == "acl" and child.lemma_.lower() in {"lead", "head", "include"}:
                queue += [
                    pobj
                    for agent in child.children
                    if agent.dep_ in {"agent", "prep"}
                    for pobj in agent.children
                    if pobj.dep_ == "pobj"
                ]
                queue += [obj for obj in child.children if obj.dep_ in _OBJECTS]
            elif child.dep_ == "prep" and (
                child.lower_ == "including" or (child.lower_ == "of" and _quantifies(head))
            ):
                queue += [pobj for pobj in child.children if pobj.dep_ == "pobj"]
            elif child.dep_ == "prep" and child.lower_ == "of" and head.pos_ == "NOUN":
                # "the first lady of Ukraine, Olena Zelenska": the parser hangs the name on
                # the last noun of the description.
                queue += [
                    appos
                    for pobj in child.children
                    if pobj.dep_ == "pobj"
                    for appos in pobj.children
                    if appos.dep_ == "appos"
                ]
        queue += _listed_after_colon(head)
    return expanded


def _quantifies(token: Token) -> bool:
    return token.pos_ == "NUM" or token.lower_ in _QUANTIFIERS


def _listed_after_colon(head: Token) -> list[Token]:
    """ "four media CEOs: Disney's Bob Iger, ...": the first name listed after the colon; its
    conjuncts follow through the usual expansion. The parser often hangs such lists elsewhere."""
    doc = head.doc
    if head.pos_ != "NOUN" or head.i + 2 >= len(doc) or doc[head.i + 1].text != ":":
        return []
    for entity in doc.ents:
        if entity.start > head.i + 1 and entity.label_ == "PERSON":
            return [entity.root]
    return []


def _describes(party: Span, person: Span) -> bool:
    """The party is a possessive or compound modifier of the person's name."""
    return (
        party.end <= person.start
        and party.root.dep_ in {"poss", "compound", "nmod"}
        and party.root.head.i in range(person.start, person.end)
    )


def _bare_name(head: Token) -> Span:
    """A proper noun with the proper nouns compounded before it ("Milo Hart")."""
    start = head.i
    while start > 0 and head.doc[start - 1].dep_ == "compound":
        if head.doc[start - 1].pos_ != "PROPN" or head.doc[start - 1].head.i != head.i:
            break
        start -= 1
    return Span(head.doc, start, head.i + 1, label="PERSON")


def _joined_before(sentence: Span, head: Token) -> list[Span]:
    """People the parser hung inside the description of the head's name although "and" joins
    them to it: in "director Henrik Dall and port operations chief Milo Strand" it makes Dall
    a modifier of "chief"."""
    subtree = {token.i for token in head.subtree}
    return [
        entity
        for entity in sentence.ents
        if entity.label_ == "PERSON"
        and entity.end <= head.i
        and all(token.i in subtree for token in entity)
        and any(
            token.dep_ == "cc" and token.head.i in range(entity.start, entity.end)
            for token in sentence.doc[entity.end : head.i]
        )
    ]


def _belongs(entity: Span, head: Token) -> bool:
    """The entity is the head itself or a name or modifier attached directly to it."""
    if entity.start <= head.i < entity.end:
        return True
    root = entity.root
    attached = root.head == head and root.dep_ in {"compound", "poss", "nmod", "npadvmod"}
    # A place or nationality modifying a party ("a California Republican") is not a party.
    return attached and entity.label_ in {"PERSON", "ORG"}


def answer_side(
    relations: list[tuple[Side, Side]], sentence: Span, question_words: set[str]
) -> list[Span]:
    """The parties the question does not name: the other side of the meeting, or else the
    unnamed partners on the named side ("X and Y held a call" when the question names X)."""
    for subjects, others in relations:
        sides = [subjects.parties(sentence), others.parties(sentence)]
        named = [[p for p in side if _named(p, question_words)] for side in sides]
        unnamed = [[p for p in side if not _named(p, question_words)] for side in sides]
        if named[0] and unnamed[1]:
            return unnamed[1]
        if named[1] and unnamed[0]:
            return unnamed[0]
        for index in (1, 0):
            if named[index] and unnamed[index]:
                return unnamed[index]
        if not named[0] and not named[1]:
            if unnamed[1]:
                return unnamed[1]
            if unnamed[0]:
                return unnamed[0]
    return []


def _named(party: Span, question_words: set[str]) -> bool:
    """Whether the question names this party (shares one of its longer words)."""
    return any(
        token.lower_ in question_words for token in party if token.is_alpha and len(token) > 2
    )
