"""Choose the abstention threshold from a run made with threshold 0.

    CITEQA_ANSWER_THRESHOLD=0 citeqa eval --corpus ... --qa ... --out RUN
    python -m eval.calibrate RUN/results.json [--max-false-refusal 0.1]

Every answer carries its confidence, so the run shows what any threshold would have done:
a question is answered at threshold t exactly when its confidence is at least t. The chosen
threshold maximises mean contains-accuracy (abstaining is right on unanswerable questions)
among those whose false-refusal rate stays within the limit.
"""

import json
from pathlib import Path
from typing import Annotated

import typer
from pydantic import BaseModel

from eval.runner import EvalRecord, EvalResults

app = typer.Typer(add_completion=False)


class ThresholdFigures(BaseModel):
    threshold: float
    contains: float
    unanswerable_accuracy: float | None
    false_refusal_rate: float | None


def figures_at(records: list[EvalRecord], threshold: float) -> ThresholdFigures:
    answerable = [r for r in records if r.item.answerable]
    unanswerable = [r for r in records if not r.item.answerable]

    def answered(record: EvalRecord) -> bool:
        return (
            record.answer is not None
            and record.answer.confidence >= threshold
            and (record.answer.answer is not None)
        )

    correct = [
        (r.scores.contains if answered(r) else 0.0) if r.item.answerable else float(not answered(r))
        for r in records
    ]
    return ThresholdFigures(
        threshold=threshold,
        contains=sum(correct) / len(correct),
        unanswerable_accuracy=(
            sum(not answered(r) for r in unanswerable) / len(unanswerable) if unanswerable else None
        ),
        false_refusal_rate=(
            sum(not answered(r) for r in answerable) / len(answerable) if answerable else None
        ),
    )


@app.command()
def main(
    results: Annotated[list[Path], typer.Argument(help="results.json of runs with threshold 0.")],
    max_false_refusal: float = 0.1,
    step: float = 0.01,
) -> None:
    records = [
        record
        for path in results
        for record in EvalResults.model_validate_json(path.read_bytes()).records
    ]
    grid = [figures_at(records, round(i * step, 4)) for i in range(int(1 / step) + 1)]
    allowed = [f for f in grid if (f.false_refusal_rate or 0.0) <= max_false_refusal]
    best = max(allowed, key=lambda f: (f.contains, f.threshold))
    for figures in grid[:: max(1, int(0.05 / step))]:
        typer.echo(json.dumps(figures.model_dump()))
    typer.echo(f"chosen: {best.model_dump_json()}")


if __name__ == "__main__":
    app()
