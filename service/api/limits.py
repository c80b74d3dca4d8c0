"""Request body limits, enforced before and while a body is read.

FastAPI's own `max_body_size` answers some refusals as plain text (for example when a route
answers before reading the body), which would break the one JSON error envelope.
"""

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.api.errors import error_response, too_large_message


class BodyLimitMiddleware:
    """Refuses bodies over the limit with 413: multipart uploads get `max_upload_bytes`,
    everything else `max_body_bytes`.

    A declared Content-Length over the limit is refused before anything is read; a body that
    turns out longer (chunked, or a wrong header) is cut off once it passes the limit.
    """

    def __init__(self, app: ASGIApp, max_body_bytes: int, max_upload_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_upload_bytes = max_upload_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        upload = headers.get(b"content-type", b"").lower().startswith(b"multipart/")
        limit = self.max_upload_bytes if upload else self.max_body_bytes
        what = "upload" if upload else "request body"
        declared = _declared_length(headers.get(b"content-length"))
        if declared is not None and declared > limit:
            message = too_large_message(what, declared, limit)
            await error_response(413, "payload_too_large", message)(scope, receive, send)
            return
        await self.app(scope, _counting(receive, limit, what), send)


def _declared_length(value: bytes | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _counting(receive: Receive, limit: int, what: str) -> Receive:
    received = 0

    async def receive_within_limit() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                # An HTTPException: FastAPI passes those on from body parsing unchanged, and
                # the error handlers turn it into the JSON envelope.
                raise HTTPException(413, too_large_message(what, None, limit))
        return message

    return receive_within_limit
