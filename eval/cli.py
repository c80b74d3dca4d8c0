"""`citeqa eval`: score citeqa on a gold set; `citeqa eval compare A B` compares two runs."""

import datetime as dt
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from eval.runner import EvalResults
from index.cli import EXIT_USAGE, build_settings, fail
from service.retrieval import DENSE_ONLY, HYBRID, LEXICAL_ONLY
from service.settings import Settings

EXIT_BELOW_FLOOR = 4

app = typer.Typer(
    help="Score citeqa against gold question sets.",
    invoke_without_command=True,
    no_args_is_help=False,
)


@app.callback()
def run(
    ctx: typer.Context,
    corpus: Annotated[Path | None, typer.Option(help="Corpus file (JSONL) or folder.")] = None,
    qa: Annotated[list[Path] | None, typer.Option(help="Gold question file(s), JSONL.")] = None,
    index_dir: Annotated[
        Path | None, typer.Option(help="Index folder (default: a cache folder per corpus).")
    ] = None,
    url: Annotated[
        str | None, typer.Option(help="Ask a running service, e.g. http://127.0.0.1:8000.")
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Folder for results.json and report.md.")] = None,
    floors: Annotated[Path | None, typer.Option(help="floors.toml for the CI gate.")] = None,
    retrieval: Annotated[
        str, typer.Option(help="hybrid, dense or lexical (in-process only).")
    ] = "hybrid",
    gate_name: Annotated[
        str | None, typer.Option("--gate", help="Table of the floors file to enforce.")
    ] = None,
) -> None:
    """Index the corpus (or reuse its index), ask every question, score and report."""
    # Imported here: every other `citeqa` command (serve above all) starts without them.
    from eval.gold import load_gold
    from eval.runner import (
        RunInfo,
        corpus_files,
        corpus_fingerprint,
        default_eval_index_dir,
        evaluate,
        http_client,
        prepare_index,
        results_of,
    )

    if ctx.invoked_subcommand is not None:
        return
    if corpus is None or not qa:
        fail(EXIT_USAGE, "citeqa eval needs --corpus and --qa (or the `compare` command)")
    modes = {"hybrid": HYBRID, "dense": DENSE_ONLY, "lexical": LEXICAL_ONLY}
    if retrieval not in modes:
        fail(EXIT_USAGE, f"--retrieval must be one of {', '.join(modes)}")
    if (floors is None) != (gate_name is None):
        fail(EXIT_USAGE, "--floors and --gate go together")
    progress = sys.stderr.isatty()
    try:
        items = [item for path in qa for item in load_gold(path)]
        files = corpus_files(corpus, exclude=qa)
    except (OSError, ValueError) as error:
        fail(EXIT_USAGE, str(error))
    started_at, started = dt.datetime.now(dt.UTC), time.perf_counter()
    settings, generation, answerer = build_settings(Settings), None, None
    if url:
        ask, lookup = http_client(url)
        target = url
    else:
        from index.store import IndexStore
        from service.qa import QAService

        chosen_dir = index_dir or default_eval_index_dir(corpus_fingerprint(files, settings))
        settings = build_settings(Settings, index_dir=chosen_dir)
        failed = prepare_index(files, settings, progress)
        if failed:
            typer.echo(f"warning: {failed} corpus inputs failed to load", err=True)
        service = QAService(settings, IndexStore(settings))
        snapshot = service.snapshot()
        mode = modes[retrieval]
        ask, lookup, target = (lambda q: service.ask(q, mode)), snapshot.document, "in-process"
        generation, answerer = snapshot.generation, service.answerer.name
    records = evaluate(items, ask, lookup, progress)
    run_info = RunInfo(
        corpus=str(corpus),
        qa=[str(path) for path in qa],
        target=target if retrieval == "hybrid" else f"{target} ({retrieval} retrieval)",
        index_dir=str(settings.index_dir) if not url else None,
        generation=generation,
        answerer=answerer,
        settings=settings.model_dump(mode="json", exclude={"index_dir"}),
        started_at=started_at,
        seconds=time.perf_counter() - started,
    )
    results = results_of(records, run_info)
    folder = out or Path("eval-runs") / f"{qa[0].stem}-{started_at:%Y%m%d-%H%M%S}"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "results.json").write_text(results.model_dump_json(indent=1))
    from eval.report import write_report  # matplotlib: only once there is a report to draw

    report = write_report(results, folder)
    s = results.summary
    typer.echo(
        f"{s.questions} questions: F1 {s.f1:.3f}, contains {s.contains:.3f}, "
        f"doc-hit@5 {s.doc_hit if s.doc_hit is not None else float('nan'):.3f}, "
        f"p95 {s.latency_p95_ms:.0f} ms; report: {report}"
    )
    if floors is not None:
        _enforce(floors, gate_name, results)


def _enforce(floors: Path, gate_name: str, results: "EvalResults") -> None:
    from eval import gate

    try:
        bounds = gate.read_floors(floors, gate_name)
    except (OSError, KeyError, ValueError) as error:
        fail(EXIT_USAGE, str(error))
    problems = gate.failures(results.summary, bounds)
    if problems:
        for problem in problems:
            typer.echo(f"below floor [{gate_name}] {problem}", err=True)
        raise typer.Exit(EXIT_BELOW_FLOOR)
    typer.echo(f"gate [{gate_name}]: all {len(bounds)} floors met")


@app.command("compare")
def compare_runs(
    a: Annotated[Path, typer.Argument(help="results.json of the first run.")],
    b: Annotated[Path, typer.Argument(help="results.json of the second run.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Per-metric differences (B - A) with 95% intervals, and the questions that flipped."""
    from eval.compare import compare, render
    from eval.runner import EvalResults

    try:
        first = EvalResults.model_validate_json(a.read_bytes())
        second = EvalResults.model_validate_json(b.read_bytes())
    except (OSError, ValueError) as error:
        fail(EXIT_USAGE, f"cannot read results: {error}")
    comparison = compare(first, second)
    typer.echo(comparison.model_dump_json(indent=2) if as_json else render(comparison))
