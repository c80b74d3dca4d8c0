"""Tests of index/loaders.py: folder walks, one reader per format, errors as LoadError."""

import json
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reportlab.pdfgen import canvas

from index.loaders import LoadError, count_documents, decode_bytes, iter_input_files, load_file
from index.models import RawDocument

MAX_BYTES = 1_000_000
ARTICLE = "The harbour board met on Tuesday.\n\nFerries will run every 20 minutes from June."


def _write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def _write_jsonl(path: Path, lines: list[str]) -> Path:
    return _write(path, "\n".join(lines) + "\n")


def _write_pdf(path: Path, lines: list[str], title: str | None = None, **options: object) -> Path:
    pdf = canvas.Canvas(str(path), **options)
    if title:
        pdf.setTitle(title)
    if lines:
        for number, line in enumerate(lines):
            pdf.drawString(72, 780 - 14 * number, line)
    else:
        pdf.rect(100, 100, 200, 200, fill=1)
    pdf.showPage()
    pdf.save()
    return path


def _load(path: Path, max_bytes: int = MAX_BYTES) -> list[RawDocument | LoadError]:
    return list(load_file(path, max_bytes))


def _load_one(path: Path, max_bytes: int = MAX_BYTES) -> RawDocument:
    (item,) = _load(path, max_bytes)
    assert isinstance(item, RawDocument), item
    return item


def _load_error(path: Path, max_bytes: int = MAX_BYTES) -> LoadError:
    (item,) = _load(path, max_bytes)
    assert isinstance(item, LoadError), item
    assert item.origin == str(path)
    return item


# --- iter_input_files ------------------------------------------------------------------


def test_folders_are_walked_recursively_in_a_stable_order(tmp_path: Path) -> None:
    for name in ["b.txt", "a.md", "sub/c.html", "sub/deeper/d.jsonl", "sub/deeper/e.pdf"]:
        _write(tmp_path / name, "x")
    found = list(iter_input_files([tmp_path]))
    assert found == [
        tmp_path / "a.md",
        tmp_path / "b.txt",
        tmp_path / "sub" / "c.html",
        tmp_path / "sub" / "deeper" / "d.jsonl",
        tmp_path / "sub" / "deeper" / "e.pdf",
    ]


def test_hidden_files_and_folders_are_skipped(tmp_path: Path) -> None:
    for name in [".hidden.txt", ".git/notes.txt", "sub/.draft.md", "sub/.cache/old.html"]:
        _write(tmp_path / name, "x")
    kept = _write(tmp_path / "sub" / "kept.txt", "x")
    assert list(iter_input_files([tmp_path])) == [kept]


def test_unsupported_suffixes_are_skipped_in_folders(tmp_path: Path) -> None:
    for name in ["photo.png", "notes.docx", "README", "data.json"]:
        _write(tmp_path / name, "x")
    kept = [_write(tmp_path / "story.HTM", "x"), _write(tmp_path / "story.TXT", "x")]
    assert list(iter_input_files([tmp_path])) == kept


def test_a_hidden_folder_given_explicitly_is_walked(tmp_path: Path) -> None:
    story = _write(tmp_path / ".inbox" / "story.txt", "x")
    assert list(iter_input_files([tmp_path / ".inbox"])) == [story]


def test_files_given_explicitly_are_yielded_in_the_given_order(tmp_path: Path) -> None:
    second = _write(tmp_path / "b.txt", "x")
    first = _write(tmp_path / "notes.docx", "x")
    assert list(iter_input_files([second, first])) == [second, first]


def test_missing_path_is_a_load_error(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    (error,) = iter_input_files([missing])
    assert isinstance(error, LoadError)
    assert error.origin == str(missing)
    assert "no such file" in error.reason


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_special_file_is_a_load_error(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    (error,) = iter_input_files([fifo])
    assert isinstance(error, LoadError)
    assert "not a regular file" in error.reason


# --- text formats ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("suffix", "fmt"),
    [(".txt", "txt"), (".text", "txt"), (".md", "md"), (".markdown", "md"), (".TXT", "txt")],
)
def test_text_files_are_read_as_they_are(tmp_path: Path, suffix: str, fmt: str) -> None:
    path = _write(tmp_path / f"story{suffix}", ARTICLE + "\n**bold** stays\n")
    raw = _load_one(path)
    assert raw.format == fmt
    assert raw.content == ARTICLE + "\n**bold** stays\n"
    assert raw.origin == str(path)
    assert raw.warnings == ()
    assert raw.id is None


@pytest.mark.parametrize("suffix", [".html", ".htm"])
def test_html_is_read_with_its_markup(tmp_path: Path, suffix: str) -> None:
    page = "<html><body><p>Ferries &amp; <b>trains</b></p></body></html>"
    raw = _load_one(_write(tmp_path / f"page{suffix}", page))
    assert (raw.format, raw.content) == ("html", page)


def test_utf8_bom_is_stripped(tmp_path: Path) -> None:
    path = _write(tmp_path / "bom.txt", "\ufeffThe ferry left at dawn.".encode())
    assert _load_one(path).content == "The ferry left at dawn."


def test_binary_content_is_a_load_error(tmp_path: Path) -> None:
    path = _write(tmp_path / "blob.txt", b"text\x00\x01\x02 more text")
    assert "binary" in _load_error(path).reason


def test_non_utf8_text_is_decoded_with_a_warning(tmp_path: Path) -> None:
    text = "The caf\xe9 reopened on Monday. \u201cIt is good news,\u201d the owner said. " * 4
    path = _write(tmp_path / "cp1252.txt", text.encode("cp1252"))
    raw = _load_one(path)
    assert raw.content == text
    (warning,) = raw.warnings
    assert re.fullmatch(r"not valid UTF-8; decoded as [\w-]+", warning), warning


def test_western_european_text_is_decoded_as_cp1252(tmp_path: Path) -> None:
    text = "The caf\xe9 served a na\xefve r\xe9sum\xe9 of the week\u2019s events. " * 5
    raw = _load_one(_write(tmp_path / "cp1252.txt", text.encode("cp1252")))
    assert raw.content == text


def test_decode_bytes_names_the_origin_of_binary_data() -> None:
    with pytest.raises(LoadError) as error:
        decode_bytes(b"\x00\x00\x00\x00", "upload:3")
    assert error.value.origin == "upload:3"


def test_unsupported_file_named_explicitly_is_a_load_error(tmp_path: Path) -> None:
    path = _write(tmp_path / "notes.docx", "x")
    reason = _load_error(path).reason
    assert "unsupported file type '.docx'" in reason
    assert ".txt" in reason


def test_oversized_file_is_a_load_error_naming_the_limit(tmp_path: Path) -> None:
    path = _write(tmp_path / "big.txt", "x" * 101)
    reason = _load_error(path, max_bytes=100).reason
    assert reason == "file is 101 bytes, over the limit of 100"


def test_file_at_the_limit_is_read(tmp_path: Path) -> None:
    path = _write(tmp_path / "exact.txt", "x" * 100)
    assert _load_one(path, max_bytes=100).content == "x" * 100


# --- JSONL -----------------------------------------------------------------------------


def _record(**fields: object) -> str:
    return json.dumps(fields, ensure_ascii=False)


def test_jsonl_yields_one_document_per_record(tmp_path: Path) -> None:
    path = _write_jsonl(
        tmp_path / "news.jsonl",
        [
            _record(id="a-1", title="First", date="2025-03-11", text="One.", section="Port"),
            _record(id="a-2", source="The Courier", url="https://example.com/2", text="Two."),
            _record(id=42, text="Three.", tags=["x", "y"], extra={"k": 1}),
        ],
    )
    first, second, third = _load(path)
    assert isinstance(first, RawDocument)
    assert isinstance(second, RawDocument)
    assert isinstance(third, RawDocument)
    assert (first.id, first.title, first.date, first.content) == (
        "a-1",
        "First",
        "2025-03-11",
        "One.",
    )
    assert first.metadata == {"section": "Port"}
    assert (second.source, second.url, second.title) == (
        "The Courier",
        "https://example.com/2",
        None,
    )
    assert second.metadata == {}
    assert third.id == "42"
    assert third.metadata == {"tags": ["x", "y"], "extra": {"k": 1}}
    assert [raw.origin for raw in (first, second, third)] == [f"{path}:{n}" for n in (1, 2, 3)]
    assert {raw.format for raw in (first, second, third)} == {"jsonl"}


def test_jsonl_broken_line_is_reported_and_the_others_load(tmp_path: Path) -> None:
    path = _write_jsonl(
        tmp_path / "news.jsonl",
        [
            _record(id="ok-1", text="One."),
            '{"id": "broken", "text": ',
            _record(id="ok-3", text="Three."),
        ],
    )
    first, error, third = _load(path)
    assert isinstance(error, LoadError)
    assert error.origin == f"{path}:2"
    assert "invalid JSON" in error.reason
    assert isinstance(first, RawDocument)
    assert isinstance(third, RawDocument)
    assert [first.id, third.id] == ["ok-1", "ok-3"]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (_record(id="x", title="No text"), "missing or non-string field 'text'"),
        (_record(id="x", text=["a", "list"]), "missing or non-string field 'text'"),
        ("[1, 2, 3]", "must be a JSON object"),
        ('"just a string"', "must be a JSON object"),
        (_record(title={"nested": True}, text="T."), "field 'title' must be a string"),
    ],
)
def test_jsonl_invalid_records_are_load_errors(tmp_path: Path, line: str, message: str) -> None:
    path = _write_jsonl(tmp_path / "news.jsonl", [_record(text="Fine."), line])
    fine, error = _load(path)
    assert isinstance(fine, RawDocument)
    assert isinstance(error, LoadError)
    assert error.origin == f"{path}:2"
    assert message in error.reason


def test_jsonl_id_defaults_to_stem_and_line_and_blank_lines_are_skipped(tmp_path: Path) -> None:
    path = _write_jsonl(
        tmp_path / "wire.jsonl",
        [
            "",
            _record(text="One."),
            "   ",
            _record(id="", text="Two."),
            _record(id="named", text="3"),
        ],
    )
    documents = _load(path)
    assert all(isinstance(raw, RawDocument) for raw in documents), documents
    assert [raw.id for raw in documents if isinstance(raw, RawDocument)] == [
        "wire-2",
        "wire-4",
        "named",
    ]


def test_jsonl_oversized_record_names_the_limit(tmp_path: Path) -> None:
    small = _record(id="small", text="Short.")
    big = _record(id="big", text="x" * 500)
    path = _write_jsonl(tmp_path / "news.jsonl", [small, big])
    ok, error = _load(path, max_bytes=200)
    assert isinstance(ok, RawDocument)
    assert ok.id == "small"
    assert isinstance(error, LoadError)
    assert error.origin == f"{path}:2"
    assert re.fullmatch(r"record is \d+ bytes, over the limit of 200", error.reason)


def test_jsonl_with_bom_and_non_utf8_line(tmp_path: Path) -> None:
    first = ("\ufeff" + _record(id="bom", text="One.") + "\n").encode()
    second = _record(id="latin", text="The caf\xe9 reopened on Monday, its owners said.") + "\n"
    path = _write(tmp_path / "news.jsonl", first + second.encode("cp1252"))
    bom, latin = _load(path)
    assert isinstance(bom, RawDocument)
    assert isinstance(latin, RawDocument)
    assert (bom.id, bom.warnings) == ("bom", ())
    assert latin.content == "The café reopened on Monday, its owners said."
    assert latin.warnings and "not valid UTF-8" in latin.warnings[0]


_JSONL_LINES = st.sampled_from(
    [_record(text="A story."), "", "   ", "\t", "{broken", '"not an object"', "\ufeff", "\x00"]
)


@given(lines=st.lists(_JSONL_LINES, max_size=12), final_newline=st.booleans())
@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
def test_count_documents_is_what_load_file_yields_for_jsonl(
    tmp_path: Path, lines: list[str], final_newline: bool
) -> None:
    path = _write(tmp_path / "wire.jsonl", "\n".join(lines) + ("\n" if final_newline else ""))
    assert count_documents(path) == len(_load(path))


@pytest.mark.parametrize("name", ["story.txt", "story.md", "story.html", "broken.pdf", "a.exe"])
def test_count_documents_is_one_for_a_file_of_any_other_kind(tmp_path: Path, name: str) -> None:
    path = _write(tmp_path / name, ARTICLE)
    assert count_documents(path) == len(_load(path)) == 1


# --- PDF -------------------------------------------------------------------------------

PDF_LINES = [
    "Veloria parliament passes the 2026 budget after a late compromise on",
    "fuel taxes, the speaker said on Tuesday.",
]


@pytest.fixture
def valid_pdf(tmp_path: Path) -> Path:
    return _write_pdf(tmp_path / "budget.pdf", PDF_LINES, title="Budget passes")


def test_pdf_text_and_title_are_extracted(valid_pdf: Path) -> None:
    raw = _load_one(valid_pdf)
    assert raw.format == "pdf"
    assert raw.title == "Budget passes"
    assert raw.content.split("\n") == PDF_LINES


def test_pdf_pages_are_separated_by_a_blank_line(tmp_path: Path) -> None:
    path = tmp_path / "two-pages.pdf"
    pdf = canvas.Canvas(str(path))
    for text in ("First page text.", "Second page text."):
        pdf.drawString(72, 780, text)
        pdf.showPage()
    pdf.save()
    assert _load_one(path).content == "First page text.\n\nSecond page text."


@pytest.mark.parametrize("keep", [0.5, 0.1, 0.0])
def test_truncated_pdf_is_a_load_error(valid_pdf: Path, keep: float) -> None:
    data = valid_pdf.read_bytes()
    valid_pdf.write_bytes(data[: int(len(data) * keep)])
    assert _load_error(valid_pdf).reason.startswith("broken PDF")


def test_file_that_is_not_a_pdf_is_a_load_error(tmp_path: Path) -> None:
    path = _write(tmp_path / "fake.pdf", "This is a plain text file with a .pdf name.")
    assert _load_error(path).reason.startswith("broken PDF")


def test_pdf_with_an_unknown_stream_filter_is_a_load_error(valid_pdf: Path) -> None:
    data = valid_pdf.read_bytes()
    assert b"/ASCII85Decode" in data
    valid_pdf.write_bytes(data.replace(b"/ASCII85Decode", b"/Bogus85Decode"))
    assert "PDF" in _load_error(valid_pdf).reason


def test_pdf_without_text_is_a_load_error(tmp_path: Path) -> None:
    path = _write_pdf(tmp_path / "scan.pdf", [])
    assert "no extractable text" in _load_error(path).reason


def test_encrypted_pdf_is_a_load_error(tmp_path: Path) -> None:
    path = _write_pdf(tmp_path / "locked.pdf", PDF_LINES, encrypt="secret")
    assert _load_error(path).reason == "encrypted PDF"


def test_oversized_pdf_is_a_load_error_naming_the_limit(valid_pdf: Path) -> None:
    size = valid_pdf.stat().st_size
    reason = _load_error(valid_pdf, max_bytes=size - 1).reason
    assert reason == f"file is {size} bytes, over the limit of {size - 1}"
