"""Settings of the whole service: the index's, plus retrieval and answering."""

from typing import Literal

from pydantic import Field, SecretStr, field_validator

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
    # A question's date makes recent news count for more (tuned on ../shared/eval/dev).
    recency_range_boost: float = Field(
        default=0.5, ge=0, description="Score raise for documents in the days the question names."
    )
    recency_boost: float = Field(
        default=1.5,
        ge=0,
        description="Score raise for a document of the question's own date.",
    )
    recency_half_life_days: float = Field(
        default=7.0, ge=0, description="Age at which the recency raise is halved (0: none)."
    )
    period_slack_days: int = Field(
        default=7,
        ge=0,
        description=(
            "Days before the period a question names ('this week', 'in June 2023') whose "
            "documents may still answer it; older ones are not used as evidence."
        ),
    )
    # Calibrated on ../shared/eval/dev with eval/calibrate.py (eval/results/calibration_*.txt).
    answer_threshold: float = Field(
        default=0.46, ge=0, le=1, description="Below this confidence citeqa abstains."
    )
    max_question_chars: int = Field(default=1000, ge=10)
    answerer: Literal["typed", "sentence"] = Field(
        default="typed",
        description="typed: short typed answers; sentence: the first answerer (a whole sentence).",
    )

    # The HTTP service (`citeqa serve`).
    host: str = Field(default="127.0.0.1", description="Address `citeqa serve` listens on.")
    port: int = Field(default=8000, ge=1, le=65535)
    api_key: SecretStr | None = Field(
        default=None,
        description="Bearer key for writes; without one, writes only from loopback clients.",
    )
    max_body_bytes: int = Field(
        default=5_000_000, ge=1_000, description="Largest JSON request body accepted."
    )
    max_upload_bytes: int = Field(
        default=50_000_000, ge=1_000, description="Largest multipart upload (all files together)."
    )
    max_documents_per_request: int = Field(
        default=100,
        ge=1,
        le=10_000,
        description="Documents one request may add: each JSONL record of an upload counts.",
    )
    page_size: int = Field(default=50, ge=1, description="Documents per page when not asked.")
    max_page_size: int = Field(default=500, ge=1)

    @field_validator("api_key", mode="before")
    @classmethod
    def _empty_key_is_no_key(cls, value: object) -> object:
        # CITEQA_API_KEY= (set but empty) must not make every write need an empty bearer key.
        return None if isinstance(value, str) and not value.strip() else value
