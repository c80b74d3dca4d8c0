"""The `citeqa` command: one entry point for every part of citeqa."""

import datetime as dt
from typing import Annotated

import typer
from pydantic import ValidationError

from eval.bench import bench
from eval.cli import app as eval_app
from index.cli import EXIT_USAGE, AsJson, IndexDir, build_settings, fail, open_store
from index.cli import app as index_app
from index.embedding import keep_torch_out
from service.models import Answer, Question
from service.settings import Settings

app = typer.Typer(
    help="citeqa: answers from your documents, with citations you can check.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(index_app, name="index")
app.add_typer(eval_app, name="eval")


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="The question, in quotes.")],
    question_date: Annotated[
        dt.datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="Leave out documents published after it."),
    ] = None,
    top_k: Annotated[int | None, typer.Option(min=1, max=50, help="Passages to use.")] = None,
    index_dir: IndexDir = None,
    as_json: AsJson = False,
) -> None:
    """Answer a question from the indexed documents, with numbered citations."""
    from service.qa import QAService, QuestionError  # loads the model: only when asking

    settings = build_settings(Settings, index_dir=index_dir)
    try:
        request = Question(
            question=question,
            question_date=question_date.date() if question_date else None,
            top_k=top_k,
        )
    except ValidationError as error:
        fail(EXIT_USAGE, f"invalid question: {error}")
    with open_store(settings.index_dir) as store:
        try:
            answer = QAService(settings, store).ask(request)
        except QuestionError as error:
            fail(EXIT_USAGE, str(error))
    if as_json:
        typer.echo(answer.model_dump_json(indent=2))
    else:
        typer.echo(render_answer(answer))


@app.command()
def serve(
    host: Annotated[
        str | None, typer.Option(help="Address to listen on (default: $CITEQA_HOST, 127.0.0.1).")
    ] = None,
    port: Annotated[
        int | None,
        typer.Option(min=1, max=65535, help="Port (default: $CITEQA_PORT, 8000)."),
    ] = None,
    index_dir: IndexDir = None,
) -> None:
    """Serve the HTTP API (/v1, docs at /docs) and the chat page (/)."""
    import logging

    import uvicorn

    settings = build_settings(Settings, index_dir=index_dir, host=host, port=port)
    keep_torch_out(settings)  # before service.api imports spaCy: the int8 embedder needs no torch
    logging.basicConfig(level=logging.INFO, format="%(levelname)s:     %(name)s: %(message)s")
    from service.api import create_app  # loads the web stack and the models: only here

    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_level="info")


app.command()(bench)


def render_answer(answer: Answer) -> str:
    """The answer as a reader sees it in a terminal: answer, quote, numbered sources."""
    if answer.answer is None:
        lines = [f"Not found in the documents: {answer.reason}"]
        if answer.passages:
            lines.append("Closest passages:")
            lines += [
                f"  - {p.title} ({p.date or 'undated'}): {p.text[:160]}…"
                for p in answer.passages[:3]
            ]
        return "\n".join(lines)
    markers = " ".join(f"[{c.n}]" for c in answer.citations)
    lines = [f"{answer.answer} {markers}  (confidence {answer.confidence:.2f})"]
    if answer.normalized or answer.rule:
        lines.append(f"  = {answer.normalized or 'unresolved'} ({answer.rule})")
    if answer.quote and answer.quote != answer.answer:
        lines.append(f"  “{answer.quote}”")
    for citation in answer.citations:
        where = ", ".join(str(v) for v in (citation.source, citation.date) if v) or "undated"
        lines.append(
            f"[{citation.n}] {citation.title} — {where} — {citation.doc_id} "
            f"chars {citation.answer_start}–{citation.answer_end}"
        )
    for alternative in answer.alternatives:
        lines.append(
            f"Other source ({alternative.date or 'undated'}, {alternative.citation.doc_id}): "
            f"{alternative.answer}"
        )
    return "\n".join(lines)


if __name__ == "__main__":  # `python -m service.cli`: what the benchmark starts
    app()
