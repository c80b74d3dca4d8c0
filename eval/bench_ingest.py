"""Ingestion, side by side: `citeqa index add` and the plain recipe (eval.bench_plain) over
the same first N documents of a JSONL corpus, each in its own process, measured whole
(imports and model loading included): seconds, chunks/s, MB/s and peak memory."""

import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from eval.bench_report import IngestFigures


@dataclass
class ProcessRun:
    stdout: str
    seconds: float
    peak_rss_mb: float


def first_documents(corpus: Path, count: int, into: Path) -> Path:
    """The first `count` records of a JSONL corpus, as a file of their own."""
    with corpus.open(encoding="utf-8") as source, into.open("w", encoding="utf-8") as target:
        written = 0
        for line in source:
            if written >= count:
                break
            if line.strip():
                target.write(line)
                written += 1
    return into


def run_measured(command: list[str], env: dict[str, str] | None = None) -> ProcessRun:
    """Run a command to its end; wall seconds and the peak RSS of that one process.

    os.wait4 gives the child's own resource usage, where RUSAGE_CHILDREN would mix in
    every child this process ever had."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if process.returncode not in (0, 1):  # 1: some inputs failed, the rest are indexed
            raise RuntimeError(f"{command[:4]} exited {process.returncode}: {err.read()[-2000:]}")
        return ProcessRun(out.read(), seconds, usage.ru_maxrss / 1024)


def python_module(module: str, *args: str) -> list[str]:
    return [sys.executable, "-m", module, *args]


def ingest_with_citeqa(corpus: Path, index_dir: Path) -> IngestFigures:
    add = ["index", "add", str(corpus), "--index-dir", str(index_dir), "--json"]
    run = run_measured(python_module("service.cli", *add))
    stats = json.loads(run.stdout)["index"]
    return _figures("citeqa index add", corpus, stats["documents"], stats["chunks"], run)


def ingest_with_plain_recipe(corpus: Path) -> IngestFigures:
    run = run_measured(python_module("eval.bench_plain", str(corpus)))
    counts = json.loads(run.stdout.strip().splitlines()[-1])
    return _figures(
        "plain: langchain 1000/200 + ST.encode + IndexFlatIP",
        corpus,
        counts["documents"],
        counts["chunks"],
        run,
    )


def _figures(
    recipe: str, corpus: Path, documents: int, chunks: int, run: ProcessRun
) -> IngestFigures:
    megabytes = corpus.stat().st_size / 1e6
    return IngestFigures(
        recipe=recipe,
        documents=documents,
        chunks=chunks,
        input_mb=round(megabytes, 2),
        seconds=round(run.seconds, 2),
        chunks_per_s=round(chunks / run.seconds, 2),
        mb_per_s=round(megabytes / run.seconds, 4),
        peak_rss_mb=round(run.peak_rss_mb, 1),
    )
