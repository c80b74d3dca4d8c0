"""/healthz (the process answers), /readyz (index and models loaded) and /v1/stats."""

from fastapi import APIRouter

from service.api.deps import RuntimeDep, SnapshotDep, not_ready
from service.api.errors import error_responses
from service.api.schemas import Health, Readiness, ServiceStats

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Alive", response_model=Health)
def healthz() -> Health:
    """The server is alive (it may still be loading)."""
    return Health()


@router.get(
    "/readyz", summary="Ready to answer", response_model=Readiness, responses=error_responses(503)
)
def readyz(runtime: RuntimeDep) -> Readiness:
    """The index and the models are loaded: questions can be answered."""
    if runtime.qa is None:
        raise not_ready(runtime)
    return Readiness(generation=runtime.qa.snapshot().generation)


@router.get(
    "/v1/stats",
    summary="Index and service figures",
    response_model=ServiceStats,
    responses=error_responses(503),
)
def stats(runtime: RuntimeDep, snapshot: SnapshotDep) -> ServiceStats:
    """Counts, model and chunking of the published generation, and how the service runs."""
    return ServiceStats(
        index=snapshot.stats(),
        answerer=runtime.qa.answerer.name if runtime.qa else None,
        ready=runtime.ready,
        writes="api key" if runtime.settings.api_key else "loopback only",
    )
