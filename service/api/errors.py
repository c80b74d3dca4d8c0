"""The one JSON error envelope, {"error": {"code", "message"}}, and the handlers that use it.

Every failure of the API goes through here, so a client never sees an HTML page or a stack
trace: FastAPI's validation errors become 422, oversized bodies 413, anything unexpected a
logged JSON 500.
"""

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from index.generations import CorruptIndexError, IndexLockedError
from index.store import IndexMismatchError
from service.qa import QuestionError

logger = logging.getLogger("citeqa.api")

# The code a client can switch on, for statuses raised without one of our own.
CODE_BY_STATUS = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    500: "internal_error",
    503: "unavailable",
}


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorBody(BaseModel):
    """What every error response carries."""

    error: ErrorDetail


class ApiError(Exception):
    """An error the API reports as it is: HTTP status, a stable code and a readable message."""

    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    body = ErrorBody(error=ErrorDetail(code=code, message=message))
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)


def too_large_message(what: str, size: int | None, limit: int) -> str:
    found = f" has {size} bytes," if size is not None else " is"
    return f"the {what}{found} over the limit of {limit} bytes"


def describe_validation_errors(errors: Sequence[Any]) -> str:
    """Pydantic's errors as one line a person can act on: `where: what`; ..."""
    parts = []
    for error in errors:
        if error.get("type") == "json_invalid":
            reason = error.get("ctx", {}).get("error", "not valid JSON")
            parts.append(f"the body is not valid JSON: {reason}")
            continue
        where = ".".join(str(part) for part in error.get("loc", ()) if part != "body")
        message = error.get("msg", "invalid value")
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts) or "invalid request"


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The error responses a route may give, for the OpenAPI document."""
    return {
        status: {"model": ErrorBody, "description": CODE_BY_STATUS[status].replace("_", " ")}
        for status in statuses
    }


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _request_validation_error)
    app.add_exception_handler(ValidationError, _validation_error)
    app.add_exception_handler(QuestionError, _question_error)
    app.add_exception_handler(IndexLockedError, _index_busy)
    app.add_exception_handler(IndexMismatchError, _index_unusable)
    app.add_exception_handler(CorruptIndexError, _index_unusable)
    app.add_exception_handler(Exception, _unexpected_error)


async def _api_error(_: Request, error: ApiError) -> JSONResponse:
    return error_response(error.status, error.code, error.message, error.headers)


async def _http_error(_: Request, error: StarletteHTTPException) -> JSONResponse:
    code = CODE_BY_STATUS.get(error.status_code, "error")
    message = error.detail if isinstance(error.detail, str) else code.replace("_", " ")
    return error_response(error.status_code, code, message, error.headers)


async def _request_validation_error(_: Request, error: RequestValidationError) -> JSONResponse:
    return error_response(422, "validation_error", describe_validation_errors(error.errors()))


async def _validation_error(_: Request, error: ValidationError) -> JSONResponse:
    return error_response(422, "validation_error", describe_validation_errors(error.errors()))


async def _question_error(_: Request, error: QuestionError) -> JSONResponse:
    return error_response(400, "invalid_question", str(error))


async def _index_busy(_: Request, error: IndexLockedError) -> JSONResponse:
    return error_response(503, "index_busy", str(error), {"Retry-After": "5"})


async def _index_unusable(_: Request, error: Exception) -> JSONResponse:
    logger.error("the index cannot be used: %s", error)
    return error_response(503, "index_unusable", str(error))


async def _unexpected_error(request: Request, error: Exception) -> JSONResponse:
    logger.exception("unexpected error on %s %s", request.method, request.url.path)
    return error_response(500, "internal_error", "an unexpected error occurred; it was logged")
