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
        search_from = 0
        for piece in self._splitter.split_text(text):
            # Each chunk starts after the previous one's start; the first match from there
            # is the chunk itself (or an identical slice, which has the same text).
            start = text.find(piece, search_from)
            if start < 0:
                raise RuntimeError(f"chunk is not a slice of the text: {piece[:60]!r}")
            spans.append(TextSpan(start=start, end=start + len(piece), text=piece))
            search_from = start + 1
        return spans
