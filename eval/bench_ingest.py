"""Ingestion benchmark: `citeqa index add` on a corpus, in a child process, measured whole.

    python -m eval.bench_ingest --corpus ../shared/eval/dev/corpus.jsonl \
        --out eval/results/ingest_dev.json

Reports chunks/s, MB of input per second, documents, chunks, peak memory (max RSS of the
child) and the index size on disk. The index goes to a temporary folder.
"""

import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Annotated

import typer

from index.generations import disk_bytes

app = typer.Typer(add_completion=False)


def input_bytes(path: Path) -> int:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(file.stat().st_size for file in files)


@app.command()
def main(
    corpus: Annotated[Path, typer.Option(help="Corpus file or folder to index.")],
    out: Annotated[Path | None, typer.Option(help="Write the figures here as JSON.")] = None,
) -> None:
    citeqa = Path(sys.executable).with_name("citeqa")
    with tempfile.TemporaryDirectory() as folder:
        index_dir = Path(folder) / "index"
        started = time.perf_counter()
        completed = subprocess.run(
            [str(citeqa), "index", "add", str(corpus), "--index-dir", str(index_dir), "--json"],
            capture_output=True,
            text=True,
            check=False,
        )
        seconds = time.perf_counter() - started
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        if completed.returncode not in (0, 1):
            typer.echo(completed.stderr, err=True)
            raise typer.Exit(completed.returncode)
        report = json.loads(completed.stdout)
        size_on_disk = disk_bytes(index_dir)
    megabytes = input_bytes(corpus) / 1e6
    chunks = report["index"]["chunks"]
    figures = {
        "corpus": str(corpus),
        "documents": report["index"]["documents"],
        "chunks": chunks,
        "failed": sum(r["status"] == "failed" for r in report["results"]),
        "seconds": round(seconds, 1),
        "chunks_per_s": round(chunks / seconds, 1),
        "input_mb": round(megabytes, 2),
        "mb_per_s": round(megabytes / seconds, 4),
        "peak_rss_mb": round(peak_kib / 1024, 1),
        "index_disk_mb": round(size_on_disk / 1e6, 2),
        "chunk_size": report["index"]["chunk_size"],
        "chunk_overlap": report["index"]["chunk_overlap"],
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
    }
    typer.echo(json.dumps(figures, indent=2))
    if out:
        out.write_text(json.dumps(figures, indent=2) + "\n")


if __name__ == "__main__":
    app()
