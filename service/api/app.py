"""The FastAPI app: JSON API under /v1, health checks, and the chat page at /."""

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from pydantic.json_schema import models_json_schema

from service.api.docs import install_docs
from service.api.errors import install_error_handlers
from service.api.limits import BodyLimitMiddleware
from service.api.routes import ask, documents, health
from service.api.runtime import Runtime
from service.api.schemas import DocumentBatch
from service.settings import Settings

logger = logging.getLogger("citeqa.api")

UI_FOLDER = Path(__file__).resolve().parent.parent / "ui"
DESCRIPTION = """Answers from your documents, with citations as character offsets into the
stored text. Reads are open. Writes (POST and DELETE on /v1/documents) need
`Authorization: Bearer <CITEQA_API_KEY>` when a key is set, and otherwise come only from
loopback clients. Every error is `{"error": {"code", "message"}}`."""


def create_app(settings: Settings) -> FastAPI:
    runtime = Runtime.open(settings)
    app = FastAPI(
        title="citeqa",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=_lifespan(runtime),
        # FastAPI's pages load their scripts from a CDN; install_docs serves /docs from here.
        docs_url=None,
        redoc_url=None,
    )
    app.state.runtime = runtime
    install_error_handlers(app)
    app.add_middleware(
        BodyLimitMiddleware,
        max_body_bytes=settings.max_body_bytes,
        max_upload_bytes=settings.max_upload_bytes,
    )
    app.include_router(health.router)
    app.include_router(ask.router)
    app.include_router(documents.router)
    install_docs(app)
    app.openapi = _openapi_with_models(app, [DocumentBatch])
    # Last: the page and its files at /, after every API route.
    app.mount("/", StaticFiles(directory=UI_FOLDER, html=True), name="ui")
    return app


def _lifespan(runtime: Runtime) -> Callable[[FastAPI], Any]:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        _announce_write_rule(runtime.settings)
        # The models load in the background: /healthz answers meanwhile, /readyz waits.
        loading = asyncio.create_task(asyncio.to_thread(runtime.load))
        try:
            yield
        finally:
            await asyncio.shield(loading)
            runtime.close()

    return lifespan


def _announce_write_rule(settings: Settings) -> None:
    if settings.api_key is not None:
        logger.info("writes need the API key (Authorization: Bearer <CITEQA_API_KEY>)")
    else:
        logger.warning(
            "no CITEQA_API_KEY set: documents can be added and removed only by clients on "
            "this machine (loopback); set CITEQA_API_KEY to allow others with the key"
        )


def _openapi_with_models(app: FastAPI, models: list[type]) -> Callable[[], dict[str, Any]]:
    """app.openapi, plus the schemas of bodies that routes read themselves (named in their
    `openapi_extra`), which FastAPI cannot see."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = generate()
            _, definitions = models_json_schema(
                [(model, "validation") for model in models],
                ref_template="#/components/schemas/{model}",
            )
            schema.setdefault("components", {}).setdefault("schemas", {}).update(
                definitions.get("$defs", {})
            )
        return app.openapi_schema

    return openapi
