"""Whether a candidate is the kind of thing the question names: "which sport" wants
"skateboarding", "which monarch" wants "King Felipe VI".

No entity label covers sports, viruses, condiments or monarchs, so the kind is compared by
meaning: the cosine of the embeddings of the question's wh-phrase and of the candidate.
"""

import threading
from collections import OrderedDict

import numpy as np
from spacy.tokens import Doc, Token

from index.embedding import Embedder

_WH_WORDS = {"which", "what", "whose"}
# After the wh-word, the phrase runs over the words that can make up a noun phrase.
_PHRASE_POS = {"ADJ", "ADV", "NOUN", "PROPN", "NUM", "PART", "PUNCT", "ADP"}
_JOINERS = {"of", "'s", "’s", "-"}
_CACHED_TEXTS = 4096


def wh_phrase(question: Doc, start: int = 0) -> str | None:
    """The noun phrase a which/what question asks for ("wildly popular show", "type of
    pet"), or what a how-many question counts ("people"); None when the wh-word stands
    alone ("What caused ..."). Wh-words before the character offset `start` (the context
    before the asking part) are not looked at."""
    for token in question:
        if token.idx < start:
            continue
        if token.lower_ not in _WH_WORDS and not _how_many(token):
            continue
        words = []
        for word in question[token.i + 1 :]:
            if word.pos_ not in _PHRASE_POS or (
                word.pos_ in {"ADP", "PART", "PUNCT"} and word.lower_ not in _JOINERS
            ):
                break
            words.append(word)
            if (
                word.pos_ in {"NOUN", "PROPN"}
                and word.head.pos_ not in {"NOUN", "PROPN"}
                and not _followed_by_of(word)
            ):
                break  # the phrase's head: the verb or preposition governs it
        while words and (words[-1].lower_ in _JOINERS or words[-1].pos_ == "ADV"):
            words.pop()
        if words and words[-1].pos_ in {"NOUN", "PROPN"}:
            return " ".join(word.text for word in words)
        return None
    return None


def _how_many(token: Token) -> bool:
    return token.lower_ in {"many", "much"} and token.i > 0 and token.nbor(-1).lower_ == "how"


def _followed_by_of(word: Token) -> bool:
    """ "type of pet", "head of state": the phrase goes on."""
    following = word.nbor(1) if word.i + 1 < len(word.doc) else None
    return following is not None and following.lower_ == "of"


class KindMatcher:
    """Cosine between a kind ("sport") and candidate texts, with candidate vectors cached:
    the same names come back question after question."""

    def __init__(self, embedder: Embedder) -> None:
        self._embedder = embedder
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def similarities(self, kind: str, texts: list[str]) -> list[float]:
        wanted = self._embedder.embed_query(kind)  # cached: kinds repeat too
        return [float(vector @ wanted) for vector in self._vectors_of(texts)]

    def _vectors_of(self, texts: list[str]) -> list[np.ndarray]:
        with self._lock:
            known = {text: self._vectors[text] for text in texts if text in self._vectors}
        missing = list(dict.fromkeys(text for text in texts if text not in known))
        if missing:
            known |= dict(zip(missing, self._embedder.embed(missing, False), strict=True))
        with self._lock:
            for text in dict.fromkeys(texts):
                self._vectors[text] = known[text]
                self._vectors.move_to_end(text)
            while len(self._vectors) > _CACHED_TEXTS:
                self._vectors.popitem(last=False)
        return [known[text] for text in texts]
