"""What routes ask for: settings, the loaded QA service, a snapshot, an indexer, write access."""

import ipaddress
import secrets
from typing import Annotated

from fastapi import Depends, Request

from index.pipeline import Indexer
from index.store import Snapshot
from service.api.errors import ApiError
from service.api.runtime import Runtime
from service.qa import QAService
from service.settings import Settings


def get_runtime(request: Request) -> Runtime:
    return request.app.state.runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def get_settings(runtime: RuntimeDep) -> Settings:
    return runtime.settings


def get_qa(runtime: RuntimeDep) -> QAService:
    if runtime.qa is None:
        raise not_ready(runtime)
    return runtime.qa


def get_snapshot(runtime: RuntimeDep) -> Snapshot:
    """The published generation, for reads that need no model (listing, showing documents)."""
    if runtime.qa is not None:
        return runtime.qa.snapshot()
    return runtime.store.snapshot()


def get_indexer(runtime: RuntimeDep) -> Indexer:
    return runtime.indexer()


def not_ready(runtime: Runtime) -> ApiError:
    if runtime.load_error:
        return ApiError(503, "not_ready", f"the service could not load: {runtime.load_error}")
    return ApiError(
        503, "not_ready", "the index and models are still loading", {"Retry-After": "2"}
    )


def require_write_access(
    request: Request, settings: Annotated[Settings, Depends(get_settings)]
) -> None:
    """Writes need the bearer key when one is set; without a key, a loopback client."""
    if settings.api_key is not None:
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        expected = settings.api_key.get_secret_value()
        # compare_digest: the time taken must not tell how much of the key was right.
        if scheme.lower() != "bearer" or not secrets.compare_digest(
            given.strip().encode(), expected.encode()
        ):
            raise ApiError(
                401,
                "unauthorized",
                "this write needs the header `Authorization: Bearer <CITEQA_API_KEY>`",
                {"WWW-Authenticate": "Bearer"},
            )
        return
    # The socket's peer, never X-Forwarded-For: headers are whatever the client says.
    peer = request.client.host if request.client else None
    if not is_loopback(peer):
        raise ApiError(
            403,
            "forbidden",
            "no CITEQA_API_KEY is set, so documents can only be changed from this machine "
            "(a loopback client)",
        )


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


SettingsDep = Annotated[Settings, Depends(get_settings)]
QADep = Annotated[QAService, Depends(get_qa)]
SnapshotDep = Annotated[Snapshot, Depends(get_snapshot)]
IndexerDep = Annotated[Indexer, Depends(get_indexer)]
WriteAccess = Depends(require_write_access)
