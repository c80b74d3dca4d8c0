"""`citeqa index ...`: add, remove, list, show, stats and rebuild from the command line.

Exit codes: 0 success; 1 some inputs failed or ids were not found; 2 bad usage or settings;
3 the index cannot be used as it is (another model, locked, damaged).
"""

import json
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from pydantic import BaseModel, ValidationError

from index.generations import CorruptIndexError, IndexLockedError
from index.models import IngestResult, IngestStatus
from index.settings import IndexSettings
from index.store import IndexMismatchError, IndexStore

EXIT_INPUT_FAILED = 1
EXIT_USAGE = 2
EXIT_INDEX_UNUSABLE = 3

SettingsT = TypeVar("SettingsT", bound=IndexSettings)

app = typer.Typer(help="Build and inspect the document index.", no_args_is_help=True)

IndexDir = Annotated[
    Path | None,
    typer.Option(
        "--index-dir",
        help="Index folder (default: $CITEQA_INDEX_DIR, else ~/.local/share/citeqa/index).",
    ),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


def build_settings(kind: type[SettingsT], **values: Any) -> SettingsT:
    """Settings from the environment with the given values on top; exit 2 when invalid."""
    try:
        return kind(**{name: value for name, value in values.items() if value is not None})
    except ValidationError as error:
        fail(EXIT_USAGE, f"invalid settings: {error}")


def fail(code: int, message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


@contextmanager
def open_store(index_dir: Path | None) -> Iterator[IndexStore]:
    """The store, with index problems turned into a clear message and exit code 3."""
    store: IndexStore | None = None
    try:
        store = IndexStore(build_settings(IndexSettings, index_dir=index_dir))
        yield store
    except (IndexMismatchError, IndexLockedError, CorruptIndexError) as error:
        fail(EXIT_INDEX_UNUSABLE, str(error))
    except OSError as error:
        fail(EXIT_INDEX_UNUSABLE, f"cannot use the index folder: {error}")
    finally:
        if store is not None:
            store.close()


def print_json(value: BaseModel | list[BaseModel]) -> None:
    if isinstance(value, list):
        typer.echo(json.dumps([item.model_dump(mode="json") for item in value], indent=2))
    else:
        typer.echo(value.model_dump_json(indent=2))


@app.command()
def add(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to index.")],
    index_dir: IndexDir = None,
    as_json: AsJson = False,
) -> None:
    """Index files (.txt .md .html .jsonl .pdf) and folders, walked recursively."""
    from index.pipeline import Indexer  # loads the parsers and the model: only when adding

    with open_store(index_dir) as store:
        indexer = Indexer(store, store.settings, progress=sys.stderr.isatty())
        results = indexer.add_paths(paths)
        _report(results, as_json, lambda: store.snapshot().stats().model_dump())
    if any(result.status is IngestStatus.FAILED for result in results):
        raise typer.Exit(EXIT_INPUT_FAILED)


@app.command()
def remove(
    doc_ids: Annotated[list[str], typer.Argument(help="Ids of the documents to remove.")],
    index_dir: IndexDir = None,
    as_json: AsJson = False,
) -> None:
    """Remove documents by id."""
    from index.pipeline import Indexer

    with open_store(index_dir) as store:
        results = Indexer(store, store.settings, progress=False).remove(doc_ids)
        _report(results, as_json, lambda: store.snapshot().stats().model_dump())
    if any(result.status is IngestStatus.NOT_FOUND for result in results):
        raise typer.Exit(EXIT_INPUT_FAILED)


@app.command()
def rebuild(index_dir: IndexDir = None, as_json: AsJson = False) -> None:
    """Re-chunk and re-embed every stored document with the current settings."""
    from index.pipeline import Indexer

    with open_store(index_dir) as store:
        results = Indexer(store, store.settings, progress=sys.stderr.isatty()).rebuild()
        _report(results, as_json, lambda: store.snapshot().stats().model_dump())


@app.command("list")
def list_documents(index_dir: IndexDir = None, as_json: AsJson = False) -> None:
    """List the stored documents, newest first."""
    with open_store(index_dir) as store:
        documents = store.snapshot().documents()
    if as_json:
        print_json(documents)
        return
    for document in documents:
        date = document.date.isoformat() if document.date else "----------"
        typer.echo(f"{date}  {document.id}  {document.title}")


@app.command()
def show(
    doc_id: Annotated[str, typer.Argument(help="Id of the document.")],
    index_dir: IndexDir = None,
    as_json: AsJson = False,
) -> None:
    """Show a document's metadata and its stored (cleaned) text."""
    with open_store(index_dir) as store:
        document = store.snapshot().document(doc_id)
    if document is None:
        fail(EXIT_INPUT_FAILED, f"no document with id {doc_id!r}")
    if as_json:
        print_json(document)
        return
    for name in ("id", "title", "date", "source", "url"):
        typer.echo(f"{name}: {getattr(document, name) or '-'}")
    typer.echo("")
    typer.echo(document.text)


@app.command()
def stats(index_dir: IndexDir = None, as_json: AsJson = False) -> None:
    """Counts, model, chunking and size on disk of the live generation."""
    with open_store(index_dir) as store:
        figures = store.snapshot().stats()
    if as_json:
        print_json(figures)
        return
    for name, value in figures.model_dump().items():
        typer.echo(f"{name}: {value if value is not None else '-'}")


def _report(
    results: list[IngestResult], as_json: bool, stats: Callable[[], dict[str, Any]]
) -> None:
    if as_json:
        typer.echo(
            json.dumps(
                {"results": [r.model_dump(mode="json") for r in results], "index": stats()},
                indent=2,
            )
        )
        return
    for result in results:
        if result.status is IngestStatus.FAILED:
            typer.echo(f"failed     {result.origin}: {result.error}", err=True)
            continue
        chunks = f"  ({result.chunks} chunks)" if result.chunks else ""
        typer.echo(f"{result.status.value:<10} {result.id}{chunks}  [{result.origin}]")
        for warning in result.warnings:
            typer.echo(f"warning    {result.origin}: {warning}", err=True)
    counts = Counter(result.status.value for result in results)
    figures = stats()
    summary = ", ".join(f"{count} {status}" for status, count in sorted(counts.items()))
    typer.echo(
        f"{summary or 'nothing to do'}; index generation {figures['generation']}: "
        f"{figures['documents']} documents, {figures['chunks']} chunks"
    )
