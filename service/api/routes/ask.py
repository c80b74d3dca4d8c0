"""POST /v1/ask and its streaming twin /v1/ask/stream (server-sent events)."""

import json
from collections.abc import AsyncIterator, Iterator

from fastapi import APIRouter
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.concurrency import run_in_threadpool

from service.api.deps import QADep
from service.api.errors import ErrorBody, error_responses, logger
from service.models import Answer, Passage, Question

router = APIRouter(prefix="/v1", tags=["ask"])

STREAM_DESCRIPTION = """Server-sent events, in this order:

- `passages`: `{"passages": [Passage, ...]}`, as soon as retrieval has them;
- `answer`: the `Answer` without its passages, citations and alternatives;
- `citations`: `{"citations": [Citation, ...], "alternatives": [Alternative, ...]}`;
- `done`: `{"generation": N}`.

If answering fails after the stream has started, an `error` event carries
`{"error": {"code", "message"}}` instead of the remaining events. A question that is not
accepted is answered with a JSON error and no stream."""


@router.post(
    "/ask",
    summary="Answer a question, with citations",
    response_model=Answer,
    responses=error_responses(400, 413, 422, 503),
)
async def ask(question: Question, qa: QADep) -> Answer:
    """Answer a question from the indexed documents, with verified citations."""
    return await run_in_threadpool(qa.ask, question)


@router.post(
    "/ask/stream",
    summary="Answer a question as server-sent events",
    response_class=EventSourceResponse,
    responses={
        200: {"content": {"text/event-stream": {}}, "description": STREAM_DESCRIPTION},
        **error_responses(400, 413, 422, 503),
    },
)
async def ask_stream(question: Question, qa: QADep) -> EventSourceResponse:
    """The same as /v1/ask, in stages, so that a page can show progress."""
    stages = qa.ask_in_stages(question)
    # Retrieval runs before the response starts: a question QAService refuses is then a
    # plain JSON 400, not an error in the middle of a stream.
    passages = await run_in_threadpool(next, stages)
    return EventSourceResponse(_events(passages, stages))


async def _events(
    passages: list[Passage], stages: Iterator[list[Passage] | Answer]
) -> AsyncIterator[ServerSentEvent]:
    yield _event("passages", {"passages": [p.model_dump(mode="json") for p in passages]})
    try:
        answer = await run_in_threadpool(next, stages)
    except Exception:
        logger.exception("answering failed in a stream")
        failure = ErrorBody.model_validate(
            {"error": {"code": "internal_error", "message": "answering failed; it was logged"}}
        )
        yield _event("error", failure.model_dump())
        return
    parts = {"passages", "citations", "alternatives"}
    yield _event("answer", answer.model_dump(mode="json", exclude=parts))
    yield _event("citations", answer.model_dump(mode="json", include={"citations", "alternatives"}))
    yield _event("done", {"generation": answer.generation})


def _event(name: str, data: object) -> ServerSentEvent:
    return ServerSentEvent(data=json.dumps(data, ensure_ascii=False), event=name)
