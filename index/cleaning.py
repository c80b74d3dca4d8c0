"""Turn a RawDocument into a Document: canonical clean text, title, publication date.

The cleaned text is what citeqa stores and what every offset refers to, so every rule that
changes text lives here, and the evaluation cleans gold quotes with `clean_fragment` to match.
"""

import datetime as dt
import html
import itertools
import re
import unicodedata
from pathlib import Path
from typing import Any

import frontmatter
import trafilatura
from bs4 import BeautifulSoup
from markdown_it import MarkdownIt
from markdown_it.token import Token

from index.loaders import LoadError
from index.models import Document, RawDocument, check_document_id

TITLE_MAX_CHARS = 120

_INLINE_TAG = re.compile(
    r"</?(?:a|abbr|b|big|blockquote|br|cite|code|div|em|font|h[1-6]|hr|i|img|li|mark|ol|p|q|"
    r"s|small|span|strong|sub|sup|table|td|th|tr|u|ul)\b[^<>]*>",
    re.IGNORECASE,
)
_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_LINE_BREAK_TAG = re.compile(r"<br\s*/?>", re.IGNORECASE)
_BLOCK_END_TAG = re.compile(r"</(?:p|div|li|blockquote|h[1-6]|tr|table)\s*>", re.IGNORECASE)
_PAGE_FURNITURE = [
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "iframe",
    "svg",
    "button",
]
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_SPACES = re.compile(r"[^\S\n\u2028\u2029]+")
_LINE_BREAKS = re.compile(r"[\u2028\u2029]")
_SPACE_AROUND_NEWLINE = re.compile(r" ?\n ?")
_MANY_NEWLINES = re.compile(r"\n{3,}")
_DATE_MARKER = re.compile(r"^date (\d{4}-\d{2}-\d{2})(?: |\n|$)")
_DATELINE = re.compile(
    r"^(?:published|posted|updated|dated)(?: on)?[:\s]+(?P<date>.{6,40}?)"
    r"(?:\s+(?:by|—|–|-|\|)\s+(?P<source>.{2,80}))?$",
    re.IGNORECASE,
)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_SENTENCE_END = re.compile(r"[.!?:;][\"'”’)\]]?$")
# A sentence end is punctuation before a capitalised word; short pieces ("U.S.") go on.
_FIRST_SENTENCE = re.compile(r"^(.{20,}?[.!?][\"'”’)]?)(?=\s+[A-Z0-9\"'“‘(]|$)")


def clean(raw: RawDocument) -> tuple[Document, list[str]]:
    """Cleaned Document for a RawDocument, with warnings; LoadError when nothing is left."""
    extract = _EXTRACTORS[raw.format]
    text, found = extract(raw.content)
    text, marker_date = _strip_date_marker(text)
    if not text:
        raise LoadError(raw.origin, "no text left after cleaning")
    dateline = _find_dateline(text)
    date_text = raw.date or found.get("date") or marker_date or dateline.get("date")
    date = parse_publication_date(date_text) if date_text else None
    warnings = list(raw.warnings)
    if date_text and date is None:
        warnings.append(f"publication date {date_text!r} not understood; stored without a date")
    try:
        document = Document(
            id=check_document_id(raw.id or found.get("id") or Path(raw.origin).stem),
            title=_first_text(raw.title, found.get("title")) or headline_from_text(text),
            date=date,
            source=_first_text(raw.source, found.get("source"), dateline.get("source")),
            url=_first_text(raw.url, found.get("url")),
            text=text,
            metadata={**found.get("metadata", {}), **raw.metadata, "format": raw.format},
        )
    except ValueError as error:
        raise LoadError(raw.origin, str(error)) from error
    return document, warnings


def clean_fragment(text: str) -> str:
    """Clean a piece of plain text exactly as a plain-text document's body is cleaned."""
    return normalize_whitespace(strip_inline_markup(text))


def normalize_whitespace(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = _LINE_BREAKS.sub("\n", _INVISIBLE.sub("", text))
    text = _SPACE_AROUND_NEWLINE.sub("\n", _SPACES.sub(" ", text))
    return _MANY_NEWLINES.sub("\n\n", text).strip()


def strip_inline_markup(text: str) -> str:
    """Remove HTML tags that appear inside plain text and decode entities.

    Only tags with known HTML names are removed, by pattern rather than by an HTML parser:
    a parser would also take a stray "<" in the prose ("if x<y and <i>z</i>") for markup
    and drop the words after it. Whole pages go through trafilatura instead.
    """
    if _INLINE_TAG.search(text):
        text = _LINE_BREAK_TAG.sub("\n", text)
        text = _BLOCK_END_TAG.sub("\n\n", text)
        text = _INLINE_TAG.sub("", text)
    if _ENTITY.search(text):
        text = html.unescape(text)
    return text


def headline_from_text(text: str) -> str:
    """A title for an untitled document: its first sentence, cut short at a word."""
    first_line = text.split("\n", 1)[0].strip()
    match = _FIRST_SENTENCE.match(first_line)
    headline = match.group(1) if match else first_line
    if len(headline) <= TITLE_MAX_CHARS:
        return headline
    cut = headline[: TITLE_MAX_CHARS - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(",;:-\u2013\u2014 ") + "…"


def parse_publication_date(value: str) -> dt.date | None:
    """An ISO date from metadata text ("2025-06-03T09:00:00Z", "June 3, 2025"), else None."""
    value = value.strip()
    if _ISO_DATE.match(value):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    import dateparser  # slow to import; most dates are ISO and never need it

    parsed = dateparser.parse(
        value,
        languages=["en"],
        settings={"STRICT_PARSING": True, "REQUIRE_PARTS": ["day", "month", "year"]},
    )
    return parsed.date() if parsed else None


def _first_text(*values: Any) -> str | None:
    for value in values:
        if isinstance(value, str) and value.strip():
            return normalize_whitespace(value)
    return None


def _strip_date_marker(text: str) -> tuple[str, str | None]:
    """Remove a leading `date YYYY-MM-DD` marker; the rest of its line stays in the text."""
    match = _DATE_MARKER.match(text)
    if not match:
        return text, None
    return text[match.end() :].lstrip(), match.group(1)


def _find_dateline(text: str) -> dict[str, str]:
    """Date and source of a "Published 4 November 2025 by The Times" line near the top."""
    for line in text.split("\n", 4)[:4]:
        match = _DATELINE.match(line.strip())
        if match and parse_publication_date(match.group("date")) is not None:
            return {key: value for key, value in match.groupdict().items() if value}
    return {}


def _extract_plain(content: str) -> tuple[str, dict[str, Any]]:
    return clean_fragment(content), {}


def _extract_pdf(content: str) -> tuple[str, dict[str, Any]]:
    pages = content.split("\n\n")
    return clean_fragment("\n\n".join(unwrap_lines(page) for page in pages)), {}


def unwrap_lines(page: str) -> str:
    """Join the lines a PDF wrapped inside sentences; keep short lines and sentence ends.

    A break is a wrap when the next line goes on in lower case, or when the line is nearly
    as long as the page's longest and does not end a sentence.
    """
    lines = [line.strip() for line in page.split("\n")]
    widest = max((len(line) for line in lines), default=0)
    joined = lines[0] if lines else ""
    for previous, line in itertools.pairwise(lines):
        continues = line[:1].islower()
        full = len(previous) >= 0.7 * widest and not _SENTENCE_END.search(previous)
        if continues and previous.endswith("-") and previous[-2:-1].isalpha():
            joined = joined[:-1] + line
        elif continues or full:
            joined += " " + line
        else:
            joined += "\n" + line
    return joined


def _extract_html(content: str) -> tuple[str, dict[str, Any]]:
    extracted = trafilatura.bare_extraction(
        content, with_metadata=True, favor_recall=True, include_comments=False, include_tables=True
    )
    if extracted is None or not (extracted.text or "").strip():
        return _page_text_without_furniture(content), {}
    found = {
        "title": extracted.title,
        "date": extracted.date,
        "source": extracted.sitename,
        "url": extracted.url,
        "metadata": {"author": extracted.author} if extracted.author else {},
    }
    return normalize_whitespace(extracted.text), found


def _page_text_without_furniture(content: str) -> str:
    """The text of a page trafilatura found no article in, without menus and scripts."""
    soup = BeautifulSoup(content, "lxml")
    for element in soup.find_all(_PAGE_FURNITURE):
        element.decompose()
    body = soup.body or soup
    return normalize_whitespace(body.get_text("\n"))


def _extract_markdown(content: str) -> tuple[str, dict[str, Any]]:
    post = frontmatter.loads(content)
    tokens = MarkdownIt("commonmark").enable("table").parse(post.content)
    blocks: list[str] = []
    title: str | None = None
    for index, token in enumerate(tokens):
        if token.type == "inline":
            text = _inline_text(token.children or [])
            is_h1 = index > 0 and tokens[index - 1].tag == "h1"
            if is_h1 and title is None:
                title = text
            blocks.append(text)
        elif token.type in ("fence", "code_block"):
            blocks.append(token.content)
        elif token.type == "html_block":
            blocks.append(strip_inline_markup(token.content))
    meta = {key: value for key, value in post.metadata.items()}
    found: dict[str, Any] = {
        "title": meta.pop("title", None) or title,
        "date": _date_string(meta.pop("date", None)),
        "source": meta.pop("source", None),
        "url": meta.pop("url", None),
        "id": meta.pop("id", None),
        "metadata": {key: _json_safe(value) for key, value in meta.items()},
    }
    return normalize_whitespace("\n\n".join(blocks)), found


def _inline_text(children: list[Token]) -> str:
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "image":
            parts.append(child.content)
    return "".join(parts)


def _date_string(value: Any) -> str | None:
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value) if value is not None else None


def _json_safe(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_json_safe(item) for item in value]
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


_EXTRACTORS = {
    "txt": _extract_plain,
    "jsonl": _extract_plain,
    "pdf": _extract_pdf,
    "html": _extract_html,
    "md": _extract_markdown,
}
