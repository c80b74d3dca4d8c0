"""Index generations on disk: folders written beside the live one, published by one rename.

    INDEX_DIR/CURRENT          name of the live generation ("gen-000042")
    INDEX_DIR/gen-000042/      faiss.index, bm25/, manifest.json
    INDEX_DIR/citeqa.sqlite    documents and chunks (see index.database)
    INDEX_DIR/write.lock       held by the one writer

A generation folder is complete before CURRENT names it, so a crash at any moment leaves
the last published generation loadable.
"""

import datetime as dt
import fcntl
import hashlib
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from pydantic import BaseModel

CURRENT_FILE = "CURRENT"
MANIFEST_FILE = "manifest.json"
LOCK_FILE = "write.lock"
FORMAT_VERSION = 1
_GENERATION_NAME = re.compile(r"^gen-(\d{6,})$")


class IndexLockedError(RuntimeError):
    pass


class CorruptIndexError(RuntimeError):
    pass


class EmbeddingInfo(BaseModel):
    model: str
    dimension: int
    # How the vectors were computed (index.embedding.Backend), "+"-joined when a generation
    # holds vectors of both; manifests written before backends existed were all torch.
    backend: str = "torch"


class ChunkingInfo(BaseModel):
    size: int
    overlap: int


class FileInfo(BaseModel):
    bytes: int
    sha256: str


class Manifest(BaseModel):
    format_version: int = FORMAT_VERSION
    generation: int
    created_at: dt.datetime
    embedding: EmbeddingInfo
    chunking: ChunkingInfo
    documents: int
    chunks: int
    files: dict[str, FileInfo]


def generation_name(gen: int) -> str:
    return f"gen-{gen:06d}"


def generation_dir(root: Path, gen: int) -> Path:
    return root / generation_name(gen)


def read_current(root: Path) -> int:
    """The live generation's number; 0 for an index that has never been written."""
    try:
        name = (root / CURRENT_FILE).read_text().strip()
    except FileNotFoundError:
        return 0
    match = _GENERATION_NAME.match(name)
    if not match:
        raise CorruptIndexError(f"{root / CURRENT_FILE} names no generation: {name!r}")
    return int(match.group(1))


def read_manifest(root: Path, gen: int) -> Manifest:
    path = generation_dir(root, gen) / MANIFEST_FILE
    try:
        return Manifest.model_validate_json(path.read_bytes())
    except (OSError, ValueError) as error:
        raise CorruptIndexError(f"cannot read {path}: {error}") from error


def write_generation(root: Path, gen: int, build: Callable[[Path], Manifest]) -> None:
    """Write generation `gen`, then publish it by renaming CURRENT.

    `build` writes the generation's files into the folder it is given and returns the
    manifest; the checksums of those files are filled in here.
    """
    final = generation_dir(root, gen)
    partial = final.with_name(final.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    manifest = build(partial)
    manifest.files = {
        str(path.relative_to(partial)): _file_info(path)
        for path in sorted(partial.rglob("*"))
        if path.is_file()
    }
    (partial / MANIFEST_FILE).write_text(manifest.model_dump_json(indent=2))
    _fsync_tree(partial)
    partial.rename(final)
    _fsync_path(root)
    _replace_file(root / CURRENT_FILE, generation_name(gen) + "\n")


def verify_files(root: Path, manifest: Manifest) -> None:
    """Raise CorruptIndexError unless every file matches the manifest's size and checksum."""
    folder = generation_dir(root, manifest.generation)
    for name, expected in manifest.files.items():
        path = folder / name
        if not path.is_file() or _file_info(path) != expected:
            raise CorruptIndexError(f"{path} does not match its manifest")


def remove_stale(root: Path, current: int, keep: int) -> None:
    """Delete unpublished generations and the published ones older than the last `keep`."""
    for path in root.iterdir():
        name = path.name.removesuffix(".partial")
        match = _GENERATION_NAME.match(name)
        if not match or not path.is_dir():
            continue
        gen = int(match.group(1))
        unpublished = path.name.endswith(".partial") or gen > current
        if unpublished or gen <= current - keep:
            shutil.rmtree(path, ignore_errors=True)


def oldest_kept(current: int, keep: int) -> int:
    return max(current - keep + 1, 0)


@contextmanager
def write_lock(root: Path, timeout_s: float) -> Iterator[None]:
    """Exclusive lock for the one writer; waits up to `timeout_s` for another to finish."""
    root.mkdir(parents=True, exist_ok=True)
    with (root / LOCK_FILE).open("a") as handle:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise IndexLockedError(
                        f"another process is writing to {root}; try again when it has finished"
                    ) from None
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def disk_bytes(root: Path) -> int:
    return sum(path.stat().st_size for path in root.rglob("*") if path.is_file())


def _file_info(path: Path) -> FileInfo:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return FileInfo(bytes=path.stat().st_size, sha256=digest.hexdigest())


def _replace_file(path: Path, content: str) -> None:
    temporary = path.with_name(path.name + ".tmp")
    with temporary.open("w") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    temporary.replace(path)
    _fsync_path(path.parent)


def _fsync_tree(folder: Path) -> None:
    for path in folder.rglob("*"):
        _fsync_path(path)
    _fsync_path(folder)


def _fsync_path(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
