"""Fixtures shared by the whole suite: where the evaluation data and the demo corpus live."""

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# The evaluation data sits beside the checkout (../shared), in CI as on a workstation.
SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared, or the test is skipped when the evaluation data is not there."""
    if not SHARED.is_dir():
        pytest.skip(f"evaluation data not found at {SHARED}")
    return SHARED


@pytest.fixture(scope="session")
def demo_dir() -> Path:
    """The demo corpus shipped with the project (examples/news)."""
    return REPO / "examples" / "news"
