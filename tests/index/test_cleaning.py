"""Tests of index/cleaning.py: canonical text, title, date and source of each format."""

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from index.cleaning import (
    TITLE_MAX_CHARS,
    clean,
    clean_fragment,
    headline_from_text,
    normalize_whitespace,
    parse_publication_date,
    unwrap_lines,
)
from index.loaders import LoadError, iter_input_files, load_file
from index.models import Document, RawDocument, SourceFormat

MAX_BYTES = 10_000_000
REPO = Path(__file__).resolve().parents[2]
GOLD_DEMO = REPO / "eval" / "gold" / "demo.jsonl"
EXAMPLES_README = REPO / "examples" / "README.md"

ARTICLE_HTML = """<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Ferry timetable approved | The Lowen Gazette</title>
<meta property="article:published_time" content="2024-05-06T08:00:00Z">
<meta property="og:site_name" content="The Lowen Gazette">
<meta property="og:title" content="Harbour board approves new ferry timetable">
<link rel="canonical" href="https://example.com/gazette/2024/05/06/ferry">
<style>body { color: red; } .stylerule { display: none; }</style>
<script>var trackingScriptCode = "do-not-index";</script>
</head><body>
<nav><a href="/">Home</a> | <a href="/news">Newsdesk menu</a></nav>
<article>
<h1>Harbour board approves new ferry timetable</h1>
<p>The harbour board voted on Tuesday to approve a new <a href="https://example.com/f">ferry
timetable</a> for the <em>summer</em> season, officials said in a statement.</p>
<p>Ferries will run every 20 minutes between Lowen &amp; Brask from June, the board&#8217;s
chair said, adding that fares would stay the same for commuters and visitors.</p>
<p>The change follows months of complaints from commuters about crowded morning crossings
and late evening departures.</p>
</article>
<footer><p>Subscribe to our newsletter footer text.</p></footer>
</body></html>"""

FRONT_MATTER_MD = """---
title: Tunnel repairs finished ahead of schedule
date: 2026-02-11
source: Tessary Evening Post
url: https://example.com/tessary/tunnel
author: Ines Varga
tags: [transport, metro]
---

# Tunnel repairs finished

Crews **replaced** the signalling cables, the [transport authority](https://example.com/ta)
said, and the `line-3` service will resume on Thursday.
"""

PLAIN_MD = """# Calveth pledges relief funds

*Published 2025-09-12 by The Northern Ledger*

Calveth's cabinet approved a relief package of 85 million florins on Thursday.
"""


def _raw(content: str, fmt: SourceFormat = "txt", **fields: object) -> RawDocument:
    return RawDocument(origin=f"/news/story-1.{fmt}", format=fmt, content=content, **fields)


def _clean(content: str, fmt: SourceFormat = "txt", **fields: object) -> Document:
    document, _ = clean(_raw(content, fmt, **fields))
    return document


def _clean_folder(folder: Path) -> dict[str, Document]:
    documents = {}
    for path in iter_input_files([folder]):
        assert isinstance(path, Path), path
        for raw in load_file(path, MAX_BYTES):
            assert isinstance(raw, RawDocument), raw
            document, _ = clean(raw)
            documents[document.id] = document
    return documents


def _quotes(gold: Path) -> list[tuple[str, str]]:
    """(doc_id, quote) for every evidence quote of a gold file."""
    pairs = []
    for line in gold.read_text(encoding="utf-8").splitlines():
        for evidence in json.loads(line)["evidence"]:
            pairs.append((evidence["doc_id"], evidence["quote"]))
    return pairs


# --- HTML ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def html_document() -> Document:
    return _clean(ARTICLE_HTML, "html")


def test_html_metadata_comes_from_the_head(html_document: Document) -> None:
    assert html_document.title == "Harbour board approves new ferry timetable"
    assert html_document.date == dt.date(2024, 5, 6)
    assert html_document.source == "The Lowen Gazette"
    assert html_document.url == "https://example.com/gazette/2024/05/06/ferry"
    assert html_document.id == "story-1"
    assert html_document.metadata["format"] == "html"


def test_html_boilerplate_is_removed(html_document: Document) -> None:
    for boilerplate in ("Newsdesk menu", "footer text", "trackingScriptCode", "stylerule"):
        assert boilerplate not in html_document.text


def test_html_inline_markup_is_kept_as_text(html_document: Document) -> None:
    text = html_document.text
    assert "to approve a new ferry timetable for the summer season, officials said" in text
    assert "<" not in text
    assert ">" not in text


def test_html_entities_are_decoded(html_document: Document) -> None:
    assert "between Lowen & Brask from June, the board’s chair said" in html_document.text
    assert "&amp;" not in html_document.text
    assert "&#8217;" not in html_document.text


def test_html_title_falls_back_to_the_title_tag_then_h1() -> None:
    body = "<p>" + "The board met on Tuesday to approve the plan for the ferries. " * 3 + "</p>"
    with_title = f"<html><head><title>Ferry plan approved</title></head><body>{body}</body></html>"
    with_h1 = f"<html><body><article><h1>Board backs ferries</h1>{body}</article></body></html>"
    assert _clean(with_title, "html").title == "Ferry plan approved"
    assert _clean(with_h1, "html").title == "Board backs ferries"


# --- Markdown ------------------------------------------------------------------------


def test_markdown_front_matter_gives_the_metadata() -> None:
    document = _clean(FRONT_MATTER_MD, "md")
    assert document.title == "Tunnel repairs finished ahead of schedule"
    assert document.date == dt.date(2026, 2, 11)
    assert document.source == "Tessary Evening Post"
    assert document.url == "https://example.com/tessary/tunnel"
    assert document.metadata == {
        "author": "Ines Varga",
        "tags": ["transport", "metro"],
        "format": "md",
    }
    assert "title:" not in document.text
    assert "---" not in document.text


def test_markdown_syntax_is_removed_from_the_text() -> None:
    text = _clean(FRONT_MATTER_MD, "md").text
    assert "Crews replaced the signalling cables, the transport authority\nsaid" in text
    assert "the line-3 service will resume on Thursday." in text
    for syntax in ("**", "](", "[", "`", "# "):
        assert syntax not in text


def test_markdown_without_front_matter_uses_heading_and_dateline() -> None:
    document = _clean(PLAIN_MD, "md")
    assert document.title == "Calveth pledges relief funds"
    assert document.date == dt.date(2025, 9, 12)
    assert document.source == "The Northern Ledger"
    assert "*" not in document.text
    assert document.text.startswith("Calveth pledges relief funds\n\n")


# --- plain text ----------------------------------------------------------------------


def test_date_marker_is_removed_and_parsed() -> None:
    document = _clean(
        " date 2025-03-12 The union threatens a walkout over pay.\n\nTalks resume Monday."
    )
    assert document.date == dt.date(2025, 3, 12)
    assert document.text.split("\n")[0] == "The union threatens a walkout over pay."
    assert "date 2025" not in document.text


def test_inline_html_in_plain_text_is_removed_mid_sentence() -> None:
    content = (
        'Recent attacks in <a href="https://example.com/x" target="_blank">Lowen</a> – '
        "including several at <i>ferry terminals</i> – have prompted new talks."
    )
    document = _clean(content)
    assert document.text == (
        "Recent attacks in Lowen – including several at ferry terminals – have prompted new talks."
    )
    assert "  " not in document.text


def test_comparison_signs_in_plain_text_stay() -> None:
    text = "The rule says a < b and c > d for every berth."
    assert _clean(text).text == text


def test_plain_text_entities_are_decoded() -> None:
    assert _clean("Fish &amp; chips cost &pound;4 at the quay.").text == (
        "Fish & chips cost £4 at the quay."
    )


def test_record_fields_are_used_as_given() -> None:
    document = _clean(
        "The mine permit was paused.",
        "jsonl",
        id="jl-mine",
        title="Permit paused",
        date="2026-08-14",
        source="Mirren Valley Herald",
        url="https://example.org/mine",
        metadata={"section": "Environment"},
    )
    assert (document.id, document.title, document.date) == (
        "jl-mine",
        "Permit paused",
        dt.date(2026, 8, 14),
    )
    assert document.source == "Mirren Valley Herald"
    assert document.url == "https://example.org/mine"
    assert document.metadata == {"section": "Environment", "format": "jsonl"}
    assert document.text == "The mine permit was paused."


def test_untitled_document_takes_its_first_sentence_as_title() -> None:
    document = _clean("The ferry left at dawn. It reached Brask by noon.")
    assert document.title == "The ferry left at dawn."


def test_long_first_sentence_is_cut_at_a_word_with_an_ellipsis() -> None:
    sentence = " ".join(f"word{n}" for n in range(60)) + " ends here."
    title = _clean(sentence + " Second sentence.").title
    assert len(title) <= TITLE_MAX_CHARS
    assert title.endswith("…")
    stem = title.removesuffix("…")
    assert sentence.startswith(stem + " ")
    assert len(stem) > TITLE_MAX_CHARS - 10


def test_title_of_a_first_line_without_spaces_is_at_most_the_limit() -> None:
    assert len(headline_from_text("x" * 300)) <= TITLE_MAX_CHARS


def test_title_is_not_cut_at_an_abbreviation() -> None:
    title = headline_from_text("U.S. officials met their Pakistani counterparts on Monday.")
    assert title == "U.S. officials met their Pakistani counterparts on Monday."


def test_unparseable_date_is_dropped_with_a_warning() -> None:
    document, warnings = clean(_raw("The ferry left at dawn.", date="sometime soonish"))
    assert document.date is None
    assert len(warnings) == 1
    assert "sometime soonish" in warnings[0]


def test_loader_warnings_are_passed_on() -> None:
    _, warnings = clean(_raw("Text.", warnings=("not valid UTF-8; decoded as cp1252",)))
    assert warnings == ["not valid UTF-8; decoded as cp1252"]


@pytest.mark.parametrize("content", ["", "  \n\t ", "<p> </p><br>", " date 2025-01-02 "])
def test_nothing_left_after_cleaning_is_a_load_error(content: str) -> None:
    with pytest.raises(LoadError, match="no text left"):
        clean(_raw(content))


def test_invalid_id_is_a_load_error() -> None:
    with pytest.raises(LoadError, match="invalid document id") as error:
        clean(_raw("Text.", "jsonl", id="bad/id"))
    assert error.value.origin == "/news/story-1.jsonl"


def test_sentence_starting_like_a_dateline_is_not_a_dateline() -> None:
    document, warnings = clean(
        _raw("Updated guidance was issued by the health ministry on Monday.\n\nMore.")
    )
    assert document.source is None
    assert warnings == []


@pytest.mark.parametrize(
    ("line", "date", "source"),
    [
        (
            "Published 4 November 2025 by The Veloria Times",
            dt.date(2025, 11, 4),
            "The Veloria Times",
        ),
        ("Published: June 3, 2025 | Daily Wire", dt.date(2025, 6, 3), "Daily Wire"),
        ("Posted on 2025-03-12", dt.date(2025, 3, 12), None),
    ],
)
def test_dateline_gives_date_and_source(line: str, date: dt.date, source: str | None) -> None:
    document = _clean(f"Budget passes\n{line}\n\nThe parliament passed the budget.")
    assert (document.date, document.source) == (date, source)


# --- helpers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("one\r\ntwo\rthree", "one\ntwo\nthree"),
        ("tab\there", "tab here"),
        ("no\u00a0break", "no break"),
        ("zero\u200bwidth\u00adsoft\ufeff", "zerowidthsoft"),
        ("a\n\n\n\n\nb", "a\n\nb"),
        ("trailing   \nspaces  ", "trailing\nspaces"),
        ("  many   inner    spaces ", "many inner spaces"),
        ("line\u2028separator", "line\nseparator"),
        ("cafe\u0301", "café"),
    ],
)
def test_normalize_whitespace(raw: str, expected: str) -> None:
    assert normalize_whitespace(raw) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-06-03T09:00:00Z", dt.date(2025, 6, 3)),
        ("2025-06-03", dt.date(2025, 6, 3)),
        ("June 3, 2025", dt.date(2025, 6, 3)),
        ("3 June 2025", dt.date(2025, 6, 3)),
        ("  2025-06-03  ", dt.date(2025, 6, 3)),
        ("not a date", None),
        ("2025-13-45", None),
        ("June 2025", None),
    ],
)
def test_parse_publication_date(value: str, expected: dt.date | None) -> None:
    assert parse_publication_date(value) == expected


def test_clean_fragment_removes_markup_like_a_document_body() -> None:
    assert clean_fragment('held <a href="x">talks</a>  with\n the <b>board</b>') == (
        "held talks with\nthe board"
    )


def test_less_than_before_a_letter_survives_inline_markup() -> None:
    assert clean_fragment("If x<y and <i>z</i> holds") == "If x<y and z holds"


PDF_PAGE = """The finance committee met on Monday to discuss the budget and the
timetable for the vote, which is expected next week after the con-
tinued debate in the chamber over tax rates and spending plans.
Budget at a glance
Spending rises by 4 percent. Taxes on fuel stay the same this year.
A second paragraph starts here and it is long enough that it wraps
to the next line."""


def test_unwrap_lines_joins_wrapped_lines_and_keeps_breaks() -> None:
    assert unwrap_lines(PDF_PAGE).split("\n") == [
        "The finance committee met on Monday to discuss the budget and the timetable for the "
        "vote, which is expected next week after the continued debate in the chamber over tax "
        "rates and spending plans.",
        "Budget at a glance",
        "Spending rises by 4 percent. Taxes on fuel stay the same this year.",
        "A second paragraph starts here and it is long enough that it wraps to the next line.",
    ]


def test_unwrap_lines_keeps_a_hyphen_between_a_digit_and_a_line() -> None:
    assert unwrap_lines("Route 12-\nbound ferries") == "Route 12- bound ferries"


def test_pdf_text_is_unwrapped_page_by_page() -> None:
    content = "First page line that wraps\ninto the next one.\n\nSecond page."
    assert (
        _clean(content, "pdf").text
        == "First page line that wraps into the next one.\n\nSecond page."
    )


# --- the seed articles ---------------------------------------------------------------


@pytest.fixture(scope="module")
def seeds_dir(shared_dir: Path) -> Path:
    seeds = shared_dir / "seeds"
    if not seeds.is_dir():
        pytest.skip(f"seed articles not found at {seeds}")
    return seeds


@pytest.fixture(scope="module")
def seed_documents(seeds_dir: Path) -> dict[str, Document]:
    documents = {}
    for path in sorted(seeds_dir.glob("*.txt")):
        (raw,) = load_file(path, MAX_BYTES)
        assert isinstance(raw, RawDocument), raw
        documents[path.stem] = clean(raw)[0]
    return documents


def test_seed_with_date_marker(seed_documents: dict[str, Document]) -> None:
    document = seed_documents["003_71795307b9b8237d"]
    assert document.date == dt.date(2023, 2, 22)
    assert document.text.startswith("There has been a dramatic increase")
    assert "date 2023" not in document.text


def test_seed_with_inline_markup(seed_documents: dict[str, Document]) -> None:
    document = seed_documents["000_c7e32cd3f910385c"]
    assert document.date is None
    assert re.search(r"<[a-zA-Z/]", document.text) is None
    assert "Recent terrorist attacks in Pakistan – including several at mosques" in document.text
    assert "  " not in document.text


def test_seed_quotes_are_found_in_the_cleaned_text(
    seeds_dir: Path, seed_documents: dict[str, Document]
) -> None:
    quotes = _quotes(seeds_dir / "qa.jsonl")
    assert len(quotes) >= 30
    missing = [
        (doc_id, quote[:60])
        for doc_id, quote in quotes
        if clean_fragment(quote) not in seed_documents[doc_id].text
    ]
    assert missing == []


# --- the demo corpus -----------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_documents(demo_dir: Path) -> dict[str, Document]:
    return _clean_folder(demo_dir)


def _readme_dates() -> dict[str, dt.date | None]:
    """doc id -> publication date from the table in examples/README.md."""
    dates: dict[str, dt.date | None] = {}
    for line in EXAMPLES_README.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 5 and re.fullmatch(r"\d{4}-\d{2}-\d{2}|unknown", cells[3]):
            dates[cells[0]] = None if cells[3] == "unknown" else dt.date.fromisoformat(cells[3])
    return dates


def test_demo_quotes_are_found_in_the_cleaned_text(demo_documents: dict[str, Document]) -> None:
    quotes = _quotes(GOLD_DEMO)
    assert len(quotes) >= 50
    missing = [
        (doc_id, quote[:60])
        for doc_id, quote in quotes
        if clean_fragment(quote) not in demo_documents[doc_id].text
    ]
    assert missing == []


def test_demo_documents_have_the_dates_in_the_readme(
    demo_documents: dict[str, Document],
) -> None:
    expected = _readme_dates()
    assert len(expected) == 13
    assert expected["brask-court-dredging"] is None
    assert {doc_id: document.date for doc_id, document in demo_documents.items()} == expected
