"""Read files into RawDocuments: one reader per format, folders walked recursively.

Loaders only read and decode; markup, markers and metadata in the text are the job of
`index.cleaning`. A problem with one input is yielded as a LoadError so the batch goes on.
"""

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from charset_normalizer import from_bytes
from pydantic import JsonValue
from pypdf import PdfReader

from index.models import RawDocument, SourceFormat

FORMAT_BY_SUFFIX: dict[str, SourceFormat] = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
    ".pdf": "pdf",
}
JSONL_FIELDS = ("id", "title", "date", "source", "url", "text")
_BINARY_SNIFF_BYTES = 8192


class LoadError(Exception):
    """One input that could not be read; `origin` names it, the message says why."""

    def __init__(self, origin: str, reason: str) -> None:
        super().__init__(reason)
        self.origin = origin
        self.reason = reason


def iter_input_files(paths: Iterable[Path]) -> Iterator[Path | LoadError]:
    """Files to load, in a stable order; folders are walked, skipping hidden entries."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                relative = child.relative_to(path)
                hidden = any(part.startswith(".") for part in relative.parts)
                if child.is_file() and not hidden and child.suffix.lower() in FORMAT_BY_SUFFIX:
                    yield child
        elif path.is_file():
            yield path
        elif path.exists():
            yield LoadError(str(path), "not a regular file")
        else:
            yield LoadError(str(path), "no such file or folder")


def load_file(path: Path, max_document_bytes: int) -> Iterator[RawDocument | LoadError]:
    """Every document in one file; JSONL files yield one item per line."""
    origin = str(path)
    fmt = FORMAT_BY_SUFFIX.get(path.suffix.lower())
    if fmt is None:
        supported = ", ".join(sorted(FORMAT_BY_SUFFIX))
        yield LoadError(origin, f"unsupported file type {path.suffix!r} (supported: {supported})")
        return
    try:
        if fmt == "jsonl":
            yield from _load_jsonl(path, max_document_bytes)
        elif fmt == "pdf":
            _check_size(path, max_document_bytes)
            yield _load_pdf(path)
        else:
            _check_size(path, max_document_bytes)
            text, warnings = decode_bytes(path.read_bytes(), origin)
            yield RawDocument(origin=origin, format=fmt, content=text, warnings=warnings)
    except LoadError as error:
        yield error
    except OSError as error:
        yield LoadError(origin, f"cannot read: {error.strerror or error}")


def _check_size(path: Path, max_bytes: int) -> None:
    size = path.stat().st_size
    if size > max_bytes:
        raise LoadError(str(path), f"file is {size} bytes, over the limit of {max_bytes}")


def decode_bytes(data: bytes, origin: str) -> tuple[str, tuple[str, ...]]:
    """UTF-8 text, or the best other encoding with a warning; binary data is refused."""
    if b"\x00" in data[:_BINARY_SNIFF_BYTES]:
        raise LoadError(origin, "binary content (NUL bytes), not a text document")
    try:
        return data.decode("utf-8-sig"), ()
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None:
        raise LoadError(origin, "not valid UTF-8 and no other text encoding fits")
    encoding = best.encoding
    # Short Latin texts fit several single-byte code pages equally well; like browsers,
    # prefer windows-1252, the usual one for English news, when it decodes the bytes.
    if encoding.startswith(("cp125", "latin", "iso8859")):
        try:
            return data.decode("cp1252"), ("not valid UTF-8; decoded as cp1252",)
        except UnicodeDecodeError:
            pass
    return str(best), (f"not valid UTF-8; decoded as {encoding}",)


def _load_pdf(path: Path) -> RawDocument:
    origin = str(path)
    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            raise LoadError(origin, "encrypted PDF")
        pages = [page.extract_text() or "" for page in reader.pages]
        title = reader.metadata.title if reader.metadata else None
    except LoadError:
        raise
    except Exception as error:  # pypdf raises many kinds on malformed files, not just its own
        reason = str(error) or type(error).__name__
        raise LoadError(origin, f"broken PDF: {reason}") from error
    content = "\n\n".join(page.strip() for page in pages if page.strip())
    if not content:
        raise LoadError(origin, "PDF has no extractable text (scanned images?)")
    return RawDocument(origin=origin, format="pdf", content=content, title=title or None)


def count_documents(path: Path) -> int:
    """How many items load_file(path) yields (documents or the reasons they cannot be read),
    without decoding or parsing them: one per JSONL record, one for any other file."""
    if FORMAT_BY_SUFFIX.get(path.suffix.lower()) != "jsonl":
        return 1
    try:
        with path.open("rb") as handle:
            return sum(1 for _ in _record_lines(handle))
    except OSError:
        return 1  # load_file reports the file as one failure


def _record_lines(handle: BinaryIO) -> Iterator[tuple[int, bytes]]:
    """(line number, line) for each JSONL line that holds a record: blank lines hold none."""
    for line_no, line in enumerate(handle, start=1):
        if line.strip():
            yield line_no, line


def _load_jsonl(path: Path, max_document_bytes: int) -> Iterator[RawDocument | LoadError]:
    with path.open("rb") as handle:
        for line_no, line in _record_lines(handle):
            origin = f"{path}:{line_no}"
            try:
                if len(line) > max_document_bytes:
                    raise LoadError(
                        origin,
                        f"record is {len(line)} bytes, over the limit of {max_document_bytes}",
                    )
                text, warnings = decode_bytes(line, origin)
                yield _jsonl_record(json.loads(text), origin, path.stem, line_no, warnings)
            except LoadError as error:
                yield error
            except json.JSONDecodeError as error:
                yield LoadError(origin, f"invalid JSON: {error.msg} at column {error.colno}")


def _jsonl_record(
    record: JsonValue, origin: str, stem: str, line_no: int, warnings: tuple[str, ...]
) -> RawDocument:
    if not isinstance(record, dict):
        raise LoadError(origin, "a JSONL record must be a JSON object")
    text = record.get("text")
    if not isinstance(text, str):
        raise LoadError(origin, "missing or non-string field 'text'")
    fields: dict[str, str | None] = {}
    for name in ("id", "title", "date", "source", "url"):
        value = record.get(name)
        if value is not None and not isinstance(value, str | int):
            raise LoadError(origin, f"field {name!r} must be a string")
        fields[name] = None if value is None else str(value)
    metadata = {key: value for key, value in record.items() if key not in JSONL_FIELDS}
    return RawDocument(
        origin=origin,
        format="jsonl",
        content=text,
        id=fields["id"] or f"{stem}-{line_no}",
        title=fields["title"],
        date=fields["date"],
        source=fields["source"],
        url=fields["url"],
        metadata=metadata,
        warnings=warnings,
    )
