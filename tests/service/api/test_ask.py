"""POST /v1/ask and /v1/ask/stream against a real server over the demo index."""

import json

import httpx
import pytest

from index.models import Document
from service.api import create_app
from service.models import Answer
from service.settings import Settings

METRO_QUESTION = "When will Line 3 of the Tessary metro reopen?"


def post_ask(url: str, body: object, path: str = "/v1/ask") -> httpx.Response:
    return httpx.post(f"{url}{path}", json=body, timeout=60)


def stream_events(url: str, body: object) -> list[tuple[str, object]]:
    """The (event, data) pairs of /v1/ask/stream, in the order they came."""
    events = []
    with httpx.stream("POST", f"{url}/v1/ask/stream", json=body, timeout=60) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        name, data = None, []
        for line in response.iter_lines():
            if line.startswith("event:"):
                name = line.removeprefix("event:").strip()
            elif line.startswith("data:"):
                data.append(line.removeprefix("data:").strip())
            elif not line and name:
                events.append((name, json.loads("\n".join(data))))
                name, data = None, []
    return events


def test_an_answer_cites_the_stored_text_at_its_offsets(demo_server):
    response = post_ask(demo_server, {"question": METRO_QUESTION})
    assert response.status_code == 200
    answer = Answer.model_validate(response.json())
    assert answer.answer is not None and answer.citations
    citation = answer.citations[0]
    assert citation.doc_id == "tessary-metro-reopening"
    stored = httpx.get(f"{demo_server}/v1/documents/{citation.doc_id}")
    text = Document.model_validate(stored.json()).text
    assert text[citation.answer_start : citation.answer_end] == answer.answer
    assert text[citation.quote_start : citation.quote_end] == answer.quote


def test_filters_and_the_question_date_narrow_the_documents(demo_server):
    before_everything = {"question": METRO_QUESTION, "question_date": "2000-01-01"}
    answer = Answer.model_validate(post_ask(demo_server, before_everything).json())
    assert answer.answer is None and answer.reason
    assert all(passage.date is None for passage in answer.passages)  # undated ones may stay

    other_documents = {
        "question": METRO_QUESTION,
        "filters": {"doc_ids": ["veloria-port-talks"]},
        "top_k": 2,
    }
    answer = Answer.model_validate(post_ask(demo_server, other_documents).json())
    assert {passage.doc_id for passage in answer.passages} == {"veloria-port-talks"}
    assert len(answer.passages) <= 2


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        ({"question": ""}, 422, "question"),
        ({"question": "   "}, 400, "empty"),
        ({"question": "why " * 300}, 400, "limit"),
        ({"question": METRO_QUESTION, "top_k": 0}, 422, "top_k"),
        ({"question": METRO_QUESTION, "colour": "red"}, 422, "colour"),
        ({"question": METRO_QUESTION, "question_date": "2025-13-01"}, 422, "question_date"),
        (
            {"question": METRO_QUESTION, "filters": {"date_from": "2026-02-01", "date_to": "2025"}},
            422,
            "date_to",
        ),
        ({}, 422, "question"),
        ([1, 2], 422, "object"),
    ],
)
@pytest.mark.parametrize("path", ["/v1/ask", "/v1/ask/stream"])
def test_a_bad_question_is_a_json_error_naming_the_problem(demo_server, path, body, status, words):
    response = post_ask(demo_server, body, path)
    assert response.status_code == status
    error = response.json()["error"]
    assert error["code"] in {"validation_error", "invalid_question"}
    assert words in error["message"].lower()


def test_malformed_json_is_422(demo_server):
    response = httpx.post(
        f"{demo_server}/v1/ask",
        content=b'{"question": "When',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"
    assert "not valid JSON" in response.json()["error"]["message"]


def test_the_stream_sends_passages_answer_citations_done_in_order(demo_server):
    events = stream_events(demo_server, {"question": METRO_QUESTION})
    assert [name for name, _ in events] == ["passages", "answer", "citations", "done"]
    (_, passages), (_, answer), (_, citations), (_, done) = events
    whole = Answer.model_validate({**answer, **passages, **citations})
    direct = Answer.model_validate(post_ask(demo_server, {"question": METRO_QUESTION}).json())
    assert whole.answer == direct.answer
    assert whole.citations == direct.citations
    assert [p.chunk_id for p in whole.passages] == [p.chunk_id for p in direct.passages]
    assert done == {"generation": direct.generation}


def test_the_stream_of_an_unanswerable_question_ends_too(demo_server):
    events = stream_events(demo_server, {"question": METRO_QUESTION, "question_date": "2000-01-01"})
    assert [name for name, _ in events] == ["passages", "answer", "citations", "done"]
    assert events[1][1]["answer"] is None
    assert events[2][1] == {"citations": [], "alternatives": []}


def test_before_the_models_are_loaded_questions_get_503_and_health_is_ok(demo_index_dir, asgi):
    # Without the lifespan nothing is loaded: what a client sees in the seconds after
    # `citeqa serve` starts.
    app = create_app(Settings(index_dir=demo_index_dir))
    assert asgi(app, "GET", "/healthz").json() == {"status": "ok"}
    ready = asgi(app, "GET", "/readyz")
    assert ready.status_code == 503
    assert ready.json()["error"]["code"] == "not_ready"
    asked = asgi(app, "POST", "/v1/ask", json={"question": METRO_QUESTION})
    assert asked.status_code == 503
    assert "loading" in asked.json()["error"]["message"]
    # Stored documents can be read without a model.
    assert asgi(app, "GET", "/v1/documents/tessary-metro-reopening").status_code == 200
    assert asgi(app, "GET", "/v1/stats").json()["ready"] is False
