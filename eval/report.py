"""report.md with tables and PNG charts (matplotlib) for one evaluation run."""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no screen
import matplotlib.pyplot as plt

from eval.runner import EvalResults
from eval.scoring import Summary

METRIC_COLUMNS = [
    ("n", "questions"),
    ("EM", "exact_match"),
    ("F1", "f1"),
    ("contains", "contains"),
    ("date acc", "date_accuracy"),
    ("doc-hit@5", "doc_hit"),
    ("MRR@5", "mrr"),
    ("evidence@5", "evidence_recall"),
    ("cite P", "citation_precision"),
    ("cite R", "citation_recall"),
    ("unans. acc", "unanswerable_accuracy"),
    ("false refusal", "false_refusal_rate"),
    ("p50 ms", "latency_p50_ms"),
    ("p95 ms", "latency_p95_ms"),
]


def _cell(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}" if value <= 1 else f"{value:.0f}"
    return str(value)


def summary_table(rows: dict[str, Summary]) -> str:
    header = "| set | " + " | ".join(name for name, _ in METRIC_COLUMNS) + " |"
    rule = "|---" * (len(METRIC_COLUMNS) + 1) + "|"
    lines = [header, rule]
    for name, summary in rows.items():
        cells = [_cell(getattr(summary, field)) for _, field in METRIC_COLUMNS]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def accuracy_chart(results: EvalResults, path: Path) -> None:
    kinds = list(results.by_type)
    values = [results.by_type[k].contains for k in kinds]
    low = [v - results.by_type[k].contains_ci[0] for k, v in zip(kinds, values, strict=True)]
    high = [results.by_type[k].contains_ci[1] - v for k, v in zip(kinds, values, strict=True)]
    figure, axes = plt.subplots(figsize=(max(5, 1.1 * len(kinds)), 3.6))
    axes.bar(kinds, values, yerr=[low, high], capsize=4, color="#4c72b0")
    axes.set_ylim(0, 1)
    axes.set_ylabel("contains-accuracy (95% CI)")
    axes.set_title("Accuracy per question type")
    axes.tick_params(axis="x", rotation=30)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def latency_chart(results: EvalResults, path: Path) -> None:
    latencies = [record.latency_ms for record in results.records]
    figure, axes = plt.subplots(figsize=(5, 3.2))
    axes.hist(latencies, bins=30, color="#55a868")
    axes.axvline(results.summary.latency_p95_ms, color="black", linestyle="--", label="p95")
    axes.set_xlabel("latency per question (ms)")
    axes.set_ylabel("questions")
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


def write_report(results: EvalResults, folder: Path) -> Path:
    """Write report.md and its charts into `folder`; returns the report's path."""
    accuracy_chart(results, folder / "accuracy_by_type.png")
    latency_chart(results, folder / "latency.png")
    run = results.run
    summary = results.summary
    failed = [r for r in results.records if r.error]
    lines = [
        f"# citeqa evaluation: {', '.join(Path(q).name for q in run.qa)}",
        "",
        f"- corpus: `{run.corpus}`; target: {run.target}; answerer: {run.answerer}; "
        f"index generation {run.generation}",
        f"- {summary.questions} questions in {run.seconds:.1f} s, "
        f"started {run.started_at:%Y-%m-%d %H:%M} UTC",
        f"- F1 {summary.f1:.3f} (95% CI {summary.f1_ci[0]:.3f}–{summary.f1_ci[1]:.3f}); "
        f"contains-accuracy {summary.contains:.3f} "
        f"(95% CI {summary.contains_ci[0]:.3f}–{summary.contains_ci[1]:.3f})",
        f"- questions that failed with an error: {len(failed)}",
        "",
        "## Overall and per question type",
        "",
        summary_table({"all": summary, **results.by_type}),
        "",
        "Unanswerable items score 1 on EM, F1 and contains exactly when citeqa abstains. "
        "Citation precision counts every citation of every answer given; citation recall "
        "is the share of answerable questions with a correct citation.",
        "",
        "![accuracy per type](accuracy_by_type.png) ![latency](latency.png)",
        "",
    ]
    if failed:
        lines += ["## Errors", ""] + [f"- {r.item.id}: {r.error}" for r in failed[:20]] + [""]
    path = folder / "report.md"
    path.write_text("\n".join(lines))
    return path
