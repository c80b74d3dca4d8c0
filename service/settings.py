"""Settings of the whole service: the index's, plus retrieval and answering."""

from typing import Literal

from pydantic import Field

from index.settings import IndexSettings


class Settings(IndexSettings):
    """One object, read once from the environment (prefix CITEQA_) and passed down."""

    top_k: int = Field(default=5, ge=1, le=50, description="Passages returned per question.")
    candidates: int = Field(
        default=100, ge=10, le=5000, description="Chunks fetched from each index before fusion."
    )
    # Fusion tuned on ../shared/eval/dev with eval/fusion_sweep.py (eval/results/fusion_sweep.json).
    rrf_k: int = Field(default=5, ge=1, description="Reciprocal rank fusion constant.")
    dense_weight: float = Field(default=0.75, ge=0)
    lexical_weight: float = Field(default=1.0, ge=0)
    # Calibrated on ../shared/eval/dev with eval/calibrate.py (eval/results/calibration_*.txt).
    answer_threshold: float = Field(
        default=0.48, ge=0, le=1, description="Below this confidence citeqa abstains."
    )
    max_question_chars: int = Field(default=1000, ge=10)
    answerer: Literal["typed", "sentence"] = Field(
        default="sentence", description="typed: short typed answers; sentence: the first answerer."
    )
