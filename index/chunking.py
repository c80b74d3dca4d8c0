"""Split a document's text into overlapping, sentence-aligned chunks with exact offsets."""

from langchain_text_splitters import RecursiveCharacterTextSplitter

from index.models import TextSpan

# Paragraphs first, then lines, then sentence ends (also before a closing quote), then
# clause punctuation, then words. Separators stay at the end of their piece, so every chunk
# is a contiguous slice of the text and its offsets can be recovered exactly.
SENTENCE_AWARE_SEPARATORS = [
    r"\n\n+",
    r"\n",
    r"(?:(?<=[.!?])|(?<=[.!?][\"'”’)\]]))\s+",
    r"(?<=[;:,])\s+",
    r"\s+",
    "",
]


class Chunker:
    """Sentence-aware chunks of at most `size` characters, overlapping by about `overlap`."""

    def __init__(self, size: int, overlap: int) -> None:
        self.size = size
        self.overlap = overlap
        self._splitter = RecursiveCharacterTextSplitter(
            separators=SENTENCE_AWARE_SEPARATORS,
            is_separator_regex=True,
            keep_separator="end",
            chunk_size=size,
            chunk_overlap=overlap,
            strip_whitespace=True,
        )

    def split(self, text: str) -> list[TextSpan]:
        spans: list[TextSpan] = []
        for piece in self._splitter.split_text(text):
            start = self._locate(text, piece, spans[-1] if spans else None)
            span = TextSpan(start=start, end=start + len(piece), text=piece)
            if not spans or span.end > spans[-1].end:
                spans.append(span)
        return spans

    def _locate(self, text: str, piece: str, previous: TextSpan | None) -> int:
        """The offset of `piece`, the chunk that follows `previous`.

        The splitter carries at most `overlap` characters of a chunk into the next one and
        each chunk reaches past the previous one's end, so the search starts at the first
        offset that satisfies both. That finds the chunk itself even when its text also
        occurs earlier, as repeated paragraphs, pull quotes and lone "." lines do.
        """
        if previous is None:
            return self._find(text, piece, 0)
        earliest = max(previous.start, previous.end - self.overlap)
        start = text.find(piece, max(earliest, previous.end - len(piece) + 1))
        return start if start >= 0 else self._find(text, piece, earliest)

    @staticmethod
    def _find(text: str, piece: str, earliest: int) -> int:
        start = text.find(piece, earliest)
        if start < 0:
            raise RuntimeError(f"chunk is not a slice of the text: {piece[:60]!r}")
        return start
