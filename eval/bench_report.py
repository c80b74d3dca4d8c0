"""What `citeqa bench` reports: typed figures, the JSON file and the terminal table."""

import datetime as dt
import os
import platform
from pathlib import Path

import psutil
from pydantic import BaseModel, Field

# The figures the issue asks for first, in the order the table shows them.
HEADLINE_FIELDS = (
    "ingest_speedup",
    "ingest_chunks_per_s",
    "ask_p50_ms",
    "ask_p95_ms",
    "retrieval_1m_p50_ms",
    "retrieval_1m_recall_at_10",
    "cold_start_s",
)


class Machine(BaseModel):
    cpus: int
    memory_gib: float
    python: str
    platform: str
    processor: str
    # The 1, 5 and 15 minute load averages when the run started and ended: a busy machine
    # makes every figure worse, so a reader must be able to tell.
    load_at_start: list[float]
    load_at_end: list[float] = Field(default_factory=list)


class IngestFigures(BaseModel):
    """One way of indexing the same documents, measured over its whole process."""

    recipe: str
    documents: int
    chunks: int
    input_mb: float
    seconds: float
    chunks_per_s: float
    mb_per_s: float
    peak_rss_mb: float


class AskFigures(BaseModel):
    """/v1/ask under `clients` concurrent clients, each sending its requests one by one."""

    index: str
    clients: int
    requests: int
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    answers_per_s: float


class RetrievalFigures(BaseModel):
    """Dense search over `chunks` vectors with the index type chosen for that size."""

    chunks: int
    noise: float  # of the synthetic clusters (eval.bench_retrieval.NOISE)
    index_type: str
    build_s: float
    p50_ms: float
    p95_ms: float
    recall_at_10: float
    memory_mb_per_million: float


class BenchReport(BaseModel):
    name: str
    started_at: dt.datetime
    seconds: float = 0.0
    smoke: bool
    documents: int
    embedding_backend: str
    machine: Machine
    ingest: list[IngestFigures] = Field(default_factory=list)
    ask: list[AskFigures] = Field(default_factory=list)
    retrieval: list[RetrievalFigures] = Field(default_factory=list)
    cold_start_runs_s: list[float] = Field(default_factory=list)
    # The headline figures the issue asks for, None for a part that was not run.
    ingest_speedup: float | None = None
    ingest_chunks_per_s: float | None = None
    ask_p50_ms: float | None = None
    ask_p95_ms: float | None = None
    retrieval_1m_p50_ms: float | None = None
    retrieval_1m_recall_at_10: float | None = None
    cold_start_s: float | None = None


def load_averages() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


def describe_machine() -> Machine:
    return Machine(
        cpus=os.cpu_count() or 0,
        memory_gib=round(psutil.virtual_memory().total / 2**30, 1),
        python=platform.python_version(),
        platform=platform.platform(),
        processor=_cpu_model(),
        load_at_start=load_averages(),
    )


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def render_table(report: BenchReport) -> str:
    """The report as markdown tables, for the terminal and the README alike."""
    machine = report.machine
    lines = [
        f"citeqa bench `{report.name}` ({'smoke, ' if report.smoke else ''}"
        f"{report.documents} documents, {report.embedding_backend} embedder) on "
        f"{machine.cpus} CPUs ({machine.processor}), load {_load(machine.load_at_start)} → "
        f"{_load(machine.load_at_end)}, {report.seconds:.0f} s",
        "",
        "| ingestion | docs | chunks | MB | s | chunks/s | MB/s | peak RSS MB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {f.recipe} | {f.documents} | {f.chunks} | {f.input_mb:.1f} | {f.seconds:.1f} | "
        f"{f.chunks_per_s:.1f} | {f.mb_per_s:.3f} | {f.peak_rss_mb:.0f} |"
        for f in report.ingest
    ]
    lines += [
        "",
        "| /v1/ask | clients | requests | errors | p50 ms | p95 ms | p99 ms | answers/s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {f.index} | {f.clients} | {f.requests} | {f.errors} | {f.p50_ms:.0f} | "
        f"{f.p95_ms:.0f} | {f.p99_ms:.0f} | {f.answers_per_s:.1f} |"
        for f in report.ask
    ]
    lines += [
        "",
        "| retrieval | noise | index | build s | p50 ms | p95 ms | recall@10 | MB per 1M chunks |",
        "|---:|---:|---|---:|---:|---:|---:|---:|",
    ]
    lines += [
        f"| {f.chunks:,} | {f.noise} | {f.index_type} | {f.build_s:.1f} | {f.p50_ms:.2f} | "
        f"{f.p95_ms:.2f} | {f.recall_at_10:.3f} | {f.memory_mb_per_million:.0f} |"
        for f in report.retrieval
    ]
    lines += ["", "| headline | value |", "|---|---:|"]
    headline = report.model_dump(include=set(HEADLINE_FIELDS))
    lines += [f"| {key} | {_value(value)} |" for key, value in headline.items()]
    return "\n".join(lines)


def _load(values: list[float]) -> str:
    return "/".join(f"{value:.1f}" for value in values) or "?"


def _value(value: float | None) -> str:
    return "not run" if value is None else f"{value:.3f}"
