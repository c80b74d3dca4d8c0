"""Calling the app in-process through httpx's ASGI transport, as a client at a chosen address.

The lifespan does not run this way, so the models are not loaded: right for the state just
after start, and for writes, which need no model."""

import asyncio
from collections.abc import Callable

import httpx
import pytest
from fastapi import FastAPI

AsgiCall = Callable[..., httpx.Response]


@pytest.fixture
def asgi() -> AsgiCall:
    def call(
        app: FastAPI,
        method: str,
        path: str,
        client: tuple[str, int] = ("127.0.0.1", 50000),
        **request: object,
    ) -> httpx.Response:
        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=app, client=client)
            async with httpx.AsyncClient(transport=transport, base_url="http://citeqa") as http:
                return await http.request(method, path, **request)

        return asyncio.run(send())

    return call
