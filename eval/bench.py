"""`citeqa bench`: how fast citeqa is on this machine, every part in one run.

Ingestion (citeqa against the plain recipe, over the first N documents of the scale
corpus), /v1/ask under 1, 4 and 16 clients on the dev index and on that N-document index,
dense retrieval at 100k and 1M synthetic chunks, and cold start. Prints a table and writes
the figures as JSON (eval/bench/latest.json, and a copy under eval/bench/history/).
"""

import datetime as dt
import shutil
import statistics
import tempfile
import time
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from eval.bench_report import BenchReport
    from service.models import Question

from index.cli import EXIT_USAGE, build_settings, fail
from service.settings import Settings

PROJECT = Path(__file__).resolve().parent.parent
SHARED_EVAL = PROJECT.parent / "shared" / "eval"
BENCH_FOLDER = PROJECT / "eval" / "bench"


class Part(StrEnum):
    INGEST = "ingest"
    ASK = "ask"
    RETRIEVAL = "retrieval"
    COLD = "cold"


def _sizes(text: str) -> list[int]:
    return [int(value) for value in text.split(",") if value.strip()]


def bench(
    documents: Annotated[
        int, typer.Option("--documents", "-n", min=1, help="First N documents of the scale corpus.")
    ] = 2000,
    plain_documents: Annotated[
        int,
        typer.Option(
            min=1,
            help="First documents indexed by the plain recipe (its rate is measured on these; "
            "all N would take it about 17 minutes on 2 cores).",
        ),
    ] = 500,
    parts: Annotated[
        list[Part] | None, typer.Option("--part", help="Run only these parts (repeatable).")
    ] = None,
    smoke: Annotated[
        bool,
        typer.Option(help="Tiny run for CI: 10 documents, the demo index, few requests, 10k."),
    ] = False,
    requests: Annotated[
        int, typer.Option(min=1, help="Requests per concurrency level and index.")
    ] = 96,
    clients: Annotated[str, typer.Option(help="Concurrency levels, comma-separated.")] = "1,4,16",
    retrieval_sizes: Annotated[
        str, typer.Option(help="Synthetic index sizes, comma-separated.")
    ] = "100000,1000000",
    retrieval_noise: Annotated[
        float, typer.Option(min=0.0, help="Spread of the synthetic clusters (harder when higher).")
    ] = 1.0,
    cold_starts: Annotated[int, typer.Option(min=1, help="Cold starts to take the median of.")] = 3,
    scale_corpus: Annotated[Path, typer.Option(help="JSONL corpus for ingestion.")] = SHARED_EVAL
    / "scale"
    / "corpus.jsonl",
    dev_corpus: Annotated[Path, typer.Option(help="Corpus of the dev index.")] = SHARED_EVAL
    / "dev"
    / "corpus.jsonl",
    questions: Annotated[
        Path, typer.Option(help="Gold file whose questions are asked.")
    ] = SHARED_EVAL / "dev" / "qa.jsonl",
    name: Annotated[
        str | None, typer.Option(help="Name of the run (default: date and time).")
    ] = None,
    out: Annotated[Path, typer.Option(help="JSON output.")] = BENCH_FOLDER / "latest.json",
) -> None:
    """Measure ingestion, answers under load, retrieval at scale and cold start."""
    # Imported here: `citeqa serve` and the other commands start without the bench's stack.
    from eval import bench_retrieval
    from eval.bench_report import BenchReport, describe_machine, load_averages, render_table
    from eval.gold import load_gold
    from service.models import Question

    if smoke:
        documents, requests, cold_starts = min(documents, 10), min(requests, 8), 1
        retrieval_sizes, clients = "10000", "1,4"
        dev_corpus = PROJECT / "examples" / "news"
    chosen = set(parts or Part)
    for path in (scale_corpus, dev_corpus, questions):
        if not path.exists():
            fail(EXIT_USAGE, f"{path} does not exist")
    settings = build_settings(Settings)
    started = time.perf_counter()
    report = BenchReport(
        name=name or f"{dt.datetime.now():%Y%m%d-%H%M%S}",
        started_at=dt.datetime.now(dt.UTC),
        smoke=smoke,
        documents=documents,
        embedding_backend=settings.embedding_backend,
        machine=describe_machine(),
    )
    asked = [
        Question(question=i.question, question_date=i.question_date) for i in load_gold(questions)
    ]
    with tempfile.TemporaryDirectory(prefix="citeqa-bench-") as work:
        scale_index = Path(work) / "scale-index"
        if Part.INGEST in chosen or Part.ASK in chosen:
            _bench_ingest(
                report,
                scale_corpus,
                (documents, min(plain_documents, documents)),
                Path(work),
                scale_index,
                Part.INGEST in chosen,
            )
        if Part.ASK in chosen or Part.COLD in chosen:
            dev_index = _dev_index(dev_corpus, settings)
            _bench_serving(
                report,
                dev_index,
                scale_index,
                asked,
                chosen,
                requests,
                _sizes(clients),
                cold_starts,
            )
    if Part.RETRIEVAL in chosen:
        for size in _sizes(retrieval_sizes):
            typer.echo(f"retrieval over {size:,} synthetic chunks…", err=True)
            report.retrieval.append(bench_retrieval.measure_retrieval(size, retrieval_noise))
    _headline(report)
    report.seconds = round(time.perf_counter() - started, 1)
    report.machine.load_at_end = load_averages()
    typer.echo(render_table(report))
    _write(report, out)


def _bench_ingest(
    report: "BenchReport",
    corpus: Path,
    documents: tuple[int, int],
    work: Path,
    scale_index: Path,
    compare: bool,
) -> None:
    """citeqa over the first N documents, the plain recipe over the first of those."""
    from eval import bench_ingest

    citeqa_documents, plain_documents = documents
    sample = bench_ingest.first_documents(corpus, citeqa_documents, work / "sample.jsonl")
    typer.echo(f"ingestion of {citeqa_documents} documents with citeqa…", err=True)
    report.ingest.append(bench_ingest.ingest_with_citeqa(sample, scale_index))
    if compare:
        typer.echo(f"ingestion of {plain_documents} documents with the plain recipe…", err=True)
        plain = bench_ingest.first_documents(sample, plain_documents, work / "plain.jsonl")
        report.ingest.append(bench_ingest.ingest_with_plain_recipe(plain))


def _dev_index(corpus: Path, settings: Settings) -> Path:
    """The dev corpus's index, built once and reused from the cache `citeqa eval` uses."""
    from eval.runner import corpus_files, corpus_fingerprint, default_eval_index_dir, prepare_index

    files = corpus_files(corpus, exclude=[])
    index_dir = default_eval_index_dir(corpus_fingerprint(files, settings))
    typer.echo(f"dev index at {index_dir}…", err=True)
    prepare_index(files, settings.model_copy(update={"index_dir": index_dir}), progress=False)
    return index_dir


def _bench_serving(
    report: "BenchReport",
    dev_index: Path,
    scale_index: Path,
    questions: list["Question"],
    chosen: set[Part],
    requests: int,
    levels: list[int],
    cold_starts: int,
) -> None:
    from eval import bench_ask

    if Part.ASK in chosen:
        for index_name, index_dir in (
            ("dev", dev_index),
            (f"scale-{report.documents}", scale_index),
        ):
            with bench_ask.serving(index_dir) as server:
                if index_name == "dev" and Part.COLD in chosen:  # a cold start like the others
                    report.cold_start_runs_s.append(round(server.cold_start_s, 3))
                for level in levels:
                    typer.echo(f"/v1/ask on {index_name} with {level} clients…", err=True)
                    report.ask.append(
                        bench_ask.measure_load(server.url, index_name, questions, level, requests)
                    )
    while Part.COLD in chosen and len(report.cold_start_runs_s) < cold_starts:
        typer.echo(f"cold start {len(report.cold_start_runs_s) + 1}/{cold_starts}…", err=True)
        report.cold_start_runs_s.append(bench_ask.measure_cold_start(dev_index))


def _headline(report: "BenchReport") -> None:
    by_recipe = {figures.recipe.split(":")[0].split()[0]: figures for figures in report.ingest}
    if "citeqa" in by_recipe:
        report.ingest_chunks_per_s = by_recipe["citeqa"].chunks_per_s
        if "plain" in by_recipe:
            report.ingest_speedup = round(
                by_recipe["citeqa"].chunks_per_s / by_recipe["plain"].chunks_per_s, 3
            )
    single = [f for f in report.ask if f.index == "dev" and f.clients == 1]
    if single:
        report.ask_p50_ms, report.ask_p95_ms = single[0].p50_ms, single[0].p95_ms
    million = [f for f in report.retrieval if f.chunks == 1_000_000]
    if million:
        report.retrieval_1m_p50_ms = million[0].p50_ms
        report.retrieval_1m_recall_at_10 = million[0].recall_at_10
    if report.cold_start_runs_s:
        report.cold_start_s = round(statistics.median(report.cold_start_runs_s), 3)


def _write(report: "BenchReport", out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report.model_dump_json(indent=2) + "\n")
    history = out.parent / "history" / f"{report.name}.json"
    history.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(out, history)
    typer.echo(f"figures: {out} (and {history})", err=True)
