"""Learn the typed answerer's candidate weights from gold question sets.

    python -m eval.answer_ranker --corpus ../shared/eval/dev/corpus.jsonl \
        --qa ../shared/eval/dev/qa.jsonl --qa ../shared/eval/dev/qa_mission.jsonl

Every question is retrieved and its sentences ranked exactly as `citeqa ask` does; every
typed candidate of the searched sentences becomes a row of service.candidate_features, labelled
by whether it is a gold answer (token F1 at least 0.5, or the gold date). A logistic regression
learns the weights. Grouped cross-validation reports the token F1 the learned ranker reaches on
questions it was not trained on, beside ranking by sentence score alone; the weights fitted
on all questions go to service/answer_weights.json.
"""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from sklearn.linear_model import LogisticRegression
from tqdm import tqdm

from eval import metrics
from eval.gold import GoldItem, load_gold
from eval.runner import corpus_files, corpus_fingerprint, default_eval_index_dir, prepare_index
from service.candidate_features import FAMILIES, FEATURES, WEIGHTS_FILE, family, question_view
from service.qa import QAService
from service.settings import Settings
from service.typed_answerer import TypedAnswerer

app = typer.Typer(add_completion=False)
REGULARISATION = 1.0


@dataclass
class QuestionRows:
    item_id: str
    features: np.ndarray  # one row per candidate
    f1: np.ndarray  # each candidate's token F1 against the gold answers
    labels: np.ndarray
    fallback_f1: float  # the best sentence's F1, the answer when there is no candidate
    family: str  # which weights rank it (service.candidate_features.family)
    gold_set: str = ""  # the file the question comes from
    weight: float = 1.0  # each gold set counts as much as the others, whatever its size


def candidate_rows(service: QAService, item: GoldItem) -> QuestionRows:
    snapshot = service.snapshot()
    passages = service.retriever.retrieve(snapshot, item.question, question_date=item.question_date)
    passages, _ = service.evidence(snapshot, item.question, passages, item.question_date)
    answerer = service.answerer
    assert isinstance(answerer, TypedAnswerer)
    sentences, scores = answerer.rank(item.question, passages)
    found = answerer.scored_candidates(item.question, sentences, scores)
    f1 = np.array([metrics.token_f1(c.candidate.text, item.answers) for c in found])
    gold_date = getattr(item, "normalized_date", None)
    same_day = np.array([bool(gold_date) and c.candidate.normalized == gold_date for c in found])
    return QuestionRows(
        item_id=item.id,
        features=np.array([c.features for c in found]).reshape(len(found), len(FEATURES)),
        f1=f1,
        labels=(f1 >= 0.5) | same_day if len(found) else np.zeros(0, dtype=bool),
        fallback_f1=metrics.token_f1(sentences[0].text, item.answers) if sentences else 0.0,
        family=family(question_view(item.question).analysis.type),
    )


def chosen_f1(questions: list[QuestionRows], score) -> float:
    """Mean token F1 (each set weighted equally) when each question answers with its
    best-scored candidate."""
    total = 0.0
    for question in questions:
        if len(question.f1):
            f1 = question.f1[int(np.argmax(score(question.features)))]
        else:
            f1 = question.fallback_f1
        total += f1 * question.weight
    return total / sum(question.weight for question in questions)


def fit(questions: list[QuestionRows]) -> LogisticRegression:
    rows = [q for q in questions if len(q.f1)]
    model = LogisticRegression(C=REGULARISATION, max_iter=5000)
    model.fit(
        np.vstack([q.features for q in rows]),
        np.concatenate([q.labels for q in rows]),
        sample_weight=np.concatenate([np.full(len(q.f1), q.weight) for q in rows]),
    )
    return model


def fit_families(questions: list[QuestionRows]) -> dict[str, LogisticRegression]:
    """One model per family of questions."""
    return {name: fit([q for q in questions if q.family == name]) for name in FAMILIES}


def cross_validated_f1(questions: list[QuestionRows], folds: int) -> dict[str, float]:
    """Token F1 of the candidate chosen for each question by models fitted without it: over
    all questions (each set weighted equally), and for each gold set on its own."""
    order = np.random.default_rng(0).permutation(len(questions))
    chosen = np.zeros(len(questions))
    for fold in np.array_split(order, folds):
        held_out = set(fold.tolist())
        models = fit_families([q for i, q in enumerate(questions) if i not in held_out])
        for i in fold:
            question = questions[i]
            chosen[i] = chosen_f1([question], models[question.family].decision_function)
    weights = np.array([q.weight for q in questions])
    figures = {"all": round(float(np.average(chosen, weights=weights)), 4)}
    for name in dict.fromkeys(q.gold_set for q in questions):
        mask = np.array([q.gold_set == name for q in questions])
        figures[name] = round(float(chosen[mask].mean()), 4)
    return figures


def family_f1(questions: list[QuestionRows], name: str, score) -> float:
    return round(chosen_f1([q for q in questions if q.family == name], score), 4)


@app.command()
def main(
    corpus: Annotated[Path, typer.Option(help="The corpus the gold sets ask about.")],
    qa: Annotated[list[Path], typer.Option(help="Gold question sets (repeatable).")],
    out: Annotated[Path, typer.Option(help="Where the learned weights go.")] = WEIGHTS_FILE,
    folds: int = 5,
) -> None:
    files = corpus_files(corpus, qa)
    settings = Settings(
        index_dir=default_eval_index_dir(corpus_fingerprint(files, Settings())),
        answer_threshold=0.0,
        answerer="typed",
    )
    prepare_index(files, settings, progress=True)
    service = QAService(settings)
    sets = [[item for item in load_gold(path) if item.answerable] for path in qa]
    total = sum(len(items) for items in sets)
    questions = []
    for item_set, items in zip((path.name for path in qa), sets, strict=True):
        for item in tqdm(items, desc="questions"):
            rows = candidate_rows(service, item)
            rows.weight = total / (len(sets) * len(items))
            rows.gold_set = item_set
            questions.append(rows)
    by_sentence = chosen_f1(questions, lambda rows: rows[:, FEATURES.index("score")])
    learned = cross_validated_f1(questions, folds)
    models = fit_families(questions)
    figures = {
        "questions_by_family": {
            name: sum(q.family == name for q in questions) for name in FAMILIES
        },
        "f1_in_sample_by_family": {
            name: family_f1(questions, name, model.decision_function)
            for name, model in models.items()
        },
        "questions": len(questions),
        "with_candidates": sum(bool(len(q.f1)) for q in questions),
        "candidate_recall": float(np.mean([q.labels.any() for q in questions if len(q.f1)])),
        "f1_by_sentence_score": round(by_sentence, 4),
        "f1_learned_cross_validated": learned,
    }
    out.write_text(
        json.dumps(
            {
                "families": {name: _stored(model) for name, model in models.items()},
                "trained_on": [str(path) for path in qa],
                "figures": figures,
            },
            indent=2,
        )
        + "\n"
    )
    typer.echo(json.dumps(figures, indent=2))
    typer.echo(f"weights written to {out}")


def _stored(model: LogisticRegression) -> dict:
    weights = dict(zip(FEATURES, (round(float(w), 4) for w in model.coef_[0]), strict=True))
    return {"weights": weights, "bias": round(float(model.intercept_[0]), 4)}


if __name__ == "__main__":
    app()
