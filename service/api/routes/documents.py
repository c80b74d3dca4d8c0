"""/v1/documents: add (JSON or file upload), list, show and remove documents.

Every write goes through the Indexer, which holds the store's write lock and publishes one new
generation per request; readers keep answering from the generation they started with.
"""

import datetime as dt
import re
import shutil
import tempfile
from pathlib import Path, PurePosixPath
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from index import generations
from index.database import DocumentSelection
from index.loaders import LoadError, count_documents
from index.models import Document, IngestResult, IngestStatus, RawDocument
from index.pipeline import Indexer
from service.api.deps import IndexerDep, RuntimeDep, SettingsDep, SnapshotDep, WriteAccess
from service.api.errors import ApiError, error_responses
from service.api.runtime import Runtime
from service.api.schemas import DocumentBatch, DocumentPage, IngestResponse, RemoveResponse
from service.settings import Settings

router = APIRouter(prefix="/v1/documents", tags=["documents"])

UPLOAD_FIELD = "files"
JSON_BODY_SCHEMA = "DocumentBatch"
# Names of uploaded files keep letters, digits and a few marks: the document id comes from
# the name, but no client-given character ever reaches a path unchecked.
_UNSAFE_NAME_CHARACTERS = re.compile(r"[^\w.\- ]+")

ADD_REQUEST_BODY: dict[str, Any] = {
    "required": True,
    "content": {
        "application/json": {"schema": {"$ref": f"#/components/schemas/{JSON_BODY_SCHEMA}"}},
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {
                    UPLOAD_FIELD: {
                        "type": "array",
                        "items": {"type": "string", "format": "binary"},
                        "description": "Files of any format the indexer reads: "
                        ".txt .md .html .htm .pdf .jsonl",
                    }
                },
                "required": [UPLOAD_FIELD],
            }
        },
    },
}


@router.post(
    "",
    summary="Add documents (JSON or files)",
    response_model=IngestResponse,
    dependencies=[WriteAccess],
    openapi_extra={"requestBody": ADD_REQUEST_BODY},
    responses=error_responses(401, 403, 413, 415, 422, 503),
)
async def add_documents(
    request: Request, indexer: IndexerDep, settings: SettingsDep, runtime: RuntimeDep
) -> IngestResponse:
    """Add or replace documents, sent as JSON `{"documents": [...]}` or uploaded as files.

    Each input gets its own result (added, unchanged, replaced or failed with the reason);
    the others are stored all the same, in one new index generation."""
    media_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media_type == "application/json":
        results = await _add_json(await request.body(), indexer, settings)
    elif media_type == "multipart/form-data":
        results = await _add_uploads(request, indexer, settings)
    else:
        raise ApiError(
            415,
            "unsupported_media_type",
            "send documents as application/json or as multipart/form-data file uploads",
        )
    return IngestResponse(results=results, generation=_published(runtime))


@router.get(
    "", summary="List documents", response_model=DocumentPage, responses=error_responses(422)
)
def list_documents(
    snapshot: SnapshotDep,
    settings: SettingsDep,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    source: Annotated[list[str] | None, Query(description="Repeat for several sources.")] = None,
    limit: Annotated[int | None, Query(ge=1, description="Page size (capped by settings).")] = None,
    offset: Annotated[int, Query(ge=0, le=2**62)] = 0,
) -> DocumentPage:
    """Stored documents without their text, newest first, a page at a time."""
    if date_from and date_to and date_from > date_to:
        raise ApiError(422, "validation_error", "date_from is after date_to")
    page_size = min(limit or settings.page_size, settings.max_page_size)
    selection = DocumentSelection(date_from, date_to, tuple(source or ()))
    return DocumentPage(
        documents=snapshot.documents(page_size, offset, selection),
        total=snapshot.count_documents(selection),
        limit=page_size,
        offset=offset,
        generation=snapshot.generation,
    )


@router.get(
    "/{doc_id}",
    summary="Get a document and its stored text",
    response_model=Document,
    responses=error_responses(404),
)
def get_document(doc_id: str, snapshot: SnapshotDep) -> Document:
    """A document's metadata and its full stored text, which citation offsets refer to."""
    document = snapshot.document(doc_id)
    if document is None:
        raise _no_document(doc_id)
    return document


@router.delete(
    "/{doc_id}",
    summary="Remove a document",
    response_model=RemoveResponse,
    dependencies=[WriteAccess],
    responses=error_responses(401, 403, 404, 503),
)
async def remove_document(doc_id: str, indexer: IndexerDep, runtime: RuntimeDep) -> RemoveResponse:
    """Remove a document; questions already being answered still see it."""
    [result] = await run_in_threadpool(indexer.remove, [doc_id])
    if result.status is IngestStatus.NOT_FOUND:
        raise _no_document(doc_id)
    return RemoveResponse(id=doc_id, generation=_published(runtime))


def _no_document(doc_id: str) -> ApiError:
    return ApiError(404, "not_found", f"no document with id {doc_id!r}")


def _published(runtime: Runtime) -> int:
    return generations.read_current(runtime.store.root)


async def _add_json(body: bytes, indexer: Indexer, settings: Settings) -> list[IngestResult]:
    batch = DocumentBatch.model_validate_json(body)
    _check_count(len(batch.documents), settings)
    inputs: list[RawDocument | LoadError] = []
    for position, document in enumerate(batch.documents):
        raw = document.raw(position)
        size = len(document.text.encode())
        if size > settings.max_document_bytes:
            limit = settings.max_document_bytes
            inputs.append(LoadError(raw.origin, f"text is {size} bytes, over the limit of {limit}"))
        else:
            inputs.append(raw)
    results = await run_in_threadpool(indexer.add_raw_documents, inputs)
    origins = [raw.origin for raw in inputs]
    return sorted(results, key=lambda result: origins.index(result.origin))


async def _add_uploads(
    request: Request, indexer: Indexer, settings: Settings
) -> list[IngestResult]:
    async with request.form(max_fields=10) as form:
        uploads = [value for value in form.getlist(UPLOAD_FIELD) if isinstance(value, UploadFile)]
        if not uploads:
            raise ApiError(422, "validation_error", f"no file in the form field {UPLOAD_FIELD!r}")
        with tempfile.TemporaryDirectory(prefix="citeqa-upload-") as folder:
            saved = [
                await run_in_threadpool(_save_upload, upload, Path(folder), position)
                for position, upload in enumerate(uploads)
            ]
            paths = [path for path, _ in saved]
            # Counted on the saved files, before anything is indexed: a refusal stores nothing.
            documents = await run_in_threadpool(lambda: sum(map(count_documents, paths)))
            _check_count(documents, settings, "each file counts as one, each JSONL record as one")
            results = await run_in_threadpool(indexer.add_paths, paths)
    return [_named_as_sent(result, saved) for result in _in_input_order(results, saved)]


def _check_count(count: int, settings: Settings, how_counted: str | None = None) -> None:
    limit = settings.max_documents_per_request
    if count > limit:
        counted = f" ({how_counted})" if how_counted else ""
        raise ApiError(
            413,
            "too_many_documents",
            f"the request holds {count} documents{counted}, more than the limit of {limit} "
            "documents per request (CITEQA_MAX_DOCUMENTS_PER_REQUEST)",
        )


def _save_upload(upload: UploadFile, folder: Path, position: int) -> tuple[Path, str]:
    """Copy an upload into its own folder under a safe name; returns (path, name as sent)."""
    sent_name = upload.filename or f"upload-{position}"
    target = folder / str(position) / safe_file_name(sent_name, position)
    target.parent.mkdir()
    with target.open("wb") as handle:
        shutil.copyfileobj(upload.file, handle)
    return target, sent_name


def safe_file_name(sent_name: str, position: int) -> str:
    """The last part of a client's file name with only safe characters, suffix kept."""
    name = PurePosixPath(sent_name.replace("\\", "/")).name
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    stem = _UNSAFE_NAME_CHARACTERS.sub("_", stem).strip(" ._")[:200] or f"upload-{position}"
    suffix = _UNSAFE_NAME_CHARACTERS.sub("", suffix)[:16].lower()
    return f"{stem}.{suffix}" if suffix else stem


def _in_input_order(
    results: list[IngestResult], saved: list[tuple[Path, str]]
) -> list[IngestResult]:
    # The indexer reports failures as it meets them and stored documents by batch.
    return sorted(results, key=lambda result: _saved_position(result, saved))


def _named_as_sent(result: IngestResult, saved: list[tuple[Path, str]]) -> IngestResult:
    """The result with its origin as the client named the file (not our temporary path)."""
    position = _saved_position(result, saved)
    if position == len(saved):
        return result
    path, sent_name = saved[position]
    origin = sent_name + result.origin.removeprefix(str(path))
    return result.model_copy(update={"origin": origin})


def _saved_position(result: IngestResult, saved: list[tuple[Path, str]]) -> int:
    """Which upload a result is about (len(saved) if none): its origin is the path, or
    path:line for a JSONL record."""
    for position, (path, _) in enumerate(saved):
        if result.origin == str(path) or result.origin.startswith(f"{path}:"):
            return position
    return len(saved)
