"""Generation folders, CURRENT, manifests and the writer's lock on a real folder."""

import datetime as dt
import json
import threading
import time

import pytest

from index import generations
from index.generations import (
    ChunkingInfo,
    CorruptIndexError,
    EmbeddingInfo,
    IndexLockedError,
    Manifest,
)


def build_into(gen: int, payload: str = "data"):
    def build(folder):
        (folder / "vectors.bin").write_text(payload)
        (folder / "sub").mkdir()
        (folder / "sub" / "rows.npy").write_text(payload * 2)
        return Manifest(
            generation=gen,
            created_at=dt.datetime.now(dt.UTC),
            embedding=EmbeddingInfo(model="m", dimension=4),
            chunking=ChunkingInfo(size=100, overlap=10),
            documents=1,
            chunks=2,
            files={},
        )

    return build


def test_a_new_folder_has_generation_zero(tmp_path):
    assert generations.read_current(tmp_path) == 0


def test_write_generation_publishes_a_complete_folder_with_checksums(tmp_path):
    generations.write_generation(tmp_path, 1, build_into(1))
    assert (tmp_path / "CURRENT").read_text() == "gen-000001\n"
    assert generations.read_current(tmp_path) == 1
    manifest = generations.read_manifest(tmp_path, 1)
    assert set(manifest.files) == {"vectors.bin", "sub/rows.npy"}
    assert manifest.files["vectors.bin"].bytes == 4
    generations.verify_files(tmp_path, manifest)
    assert not list(tmp_path.glob("*.partial"))


def test_a_failing_build_leaves_the_published_generation_alone(tmp_path):
    generations.write_generation(tmp_path, 1, build_into(1))

    def broken(folder):
        (folder / "half").write_text("x")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        generations.write_generation(tmp_path, 2, broken)
    assert generations.read_current(tmp_path) == 1
    generations.remove_stale(tmp_path, 1, keep=3)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["CURRENT", "gen-000001"]


def test_remove_stale_keeps_the_last_generations_and_drops_unpublished_ones(tmp_path):
    for gen in range(1, 6):
        generations.write_generation(tmp_path, gen, build_into(gen))
    (tmp_path / "gen-000006").mkdir()  # written, never published
    (tmp_path / "gen-000007.partial").mkdir()
    generations.remove_stale(tmp_path, 5, keep=2)
    assert sorted(p.name for p in tmp_path.glob("gen-*")) == ["gen-000004", "gen-000005"]
    assert generations.oldest_kept(5, 2) == 4


def test_a_damaged_manifest_is_reported(tmp_path):
    generations.write_generation(tmp_path, 1, build_into(1))
    path = tmp_path / "gen-000001" / "manifest.json"
    data = json.loads(path.read_text())
    del data["embedding"]
    path.write_text(json.dumps(data))
    with pytest.raises(CorruptIndexError, match="cannot read"):
        generations.read_manifest(tmp_path, 1)


def test_a_changed_file_fails_verification(tmp_path):
    generations.write_generation(tmp_path, 1, build_into(1))
    (tmp_path / "gen-000001" / "vectors.bin").write_text("DATA")
    with pytest.raises(CorruptIndexError, match=r"vectors\.bin"):
        generations.verify_files(tmp_path, generations.read_manifest(tmp_path, 1))


def test_the_write_lock_admits_one_writer_at_a_time(tmp_path):
    order: list[str] = []

    def second_writer():
        with generations.write_lock(tmp_path, timeout_s=5):
            order.append("second")

    with generations.write_lock(tmp_path, timeout_s=1):
        thread = threading.Thread(target=second_writer)
        thread.start()
        time.sleep(0.3)
        order.append("first done")
    thread.join()
    assert order == ["first done", "second"]


def test_the_write_lock_gives_up_after_its_timeout(tmp_path):
    with generations.write_lock(tmp_path, timeout_s=1):
        started = time.monotonic()
        with pytest.raises(IndexLockedError), generations.write_lock(tmp_path, timeout_s=0.3):
            pass
        assert time.monotonic() - started >= 0.3
