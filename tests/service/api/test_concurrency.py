"""Questions answered while documents are added and removed: no answer fails, and every
citation and passage points at text the answer's own index generation holds."""

import threading

import httpx

from index.models import Document
from service.models import Answer

FERRY = Document(
    id="quillon-ferry",
    title="Quillon ferry resumes service",
    text="The Quillon ferry resumes service on Monday after a two-week strike by its deckhands, "
    "the harbour office said.",
)
QUESTIONS = [
    "When will Line 3 of the Tessary metro reopen?",
    "When does the Quillon ferry resume service?",
]
READERS = 2
MAX_QUESTIONS_PER_READER = 200


def as_json_document(document: Document) -> dict:
    return document.model_dump(
        mode="json", include={"id", "title", "date", "source", "url", "text"}
    )


def test_answers_stay_whole_while_the_index_changes(live_server, demo_copy, snapshot):
    url = live_server(demo_copy).url
    metro = snapshot.document("tessary-metro-reopening")
    texts = {summary.id: snapshot.document(summary.id).text for summary in snapshot.documents()}
    texts[FERRY.id] = FERRY.text
    visible = {1: set(texts) - {FERRY.id}}  # generation -> the documents it holds

    writes_done = threading.Event()
    answers: list[Answer] = []
    failures: list[str] = []

    def write() -> None:
        documents = set(visible[1])
        steps = [("add", FERRY), ("remove", metro), ("add", metro), ("remove", FERRY)] * 2
        try:
            with httpx.Client(base_url=url, timeout=120) as client:
                for action, document in steps:
                    if action == "add":
                        body = {"documents": [as_json_document(document)]}
                        response = client.post("/v1/documents", json=body)
                        documents.add(document.id)
                    else:
                        response = client.delete(f"/v1/documents/{document.id}")
                        documents.discard(document.id)
                    response.raise_for_status()
                    visible[response.json()["generation"]] = set(documents)
        except Exception as error:
            failures.append(f"write: {error!r}")
        finally:
            writes_done.set()

    def read() -> None:
        with httpx.Client(base_url=url, timeout=120) as client:
            for n in range(MAX_QUESTIONS_PER_READER):
                if writes_done.is_set():
                    return
                response = client.post("/v1/ask", json={"question": QUESTIONS[n % 2]})
                if response.status_code != 200:
                    failures.append(f"ask: {response.status_code} {response.text}")
                    continue
                answers.append(Answer.model_validate(response.json()))

    threads = [threading.Thread(target=write)]
    threads += [threading.Thread(target=read) for _ in range(READERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)

    assert not failures
    assert len(visible) == 9, "every write published a generation"
    assert len({answer.generation for answer in answers}) >= 2, "reads overlapped writes"
    for answer in answers:
        held = visible[answer.generation]
        for passage in answer.passages:
            assert passage.doc_id in held
            assert texts[passage.doc_id][passage.start : passage.end] == passage.text
        cited = [(answer.answer, answer.quote, answer.citations[0])] if answer.citations else []
        cited += [(a.answer, a.quote, a.citation) for a in answer.alternatives]
        for answer_text, quote, citation in cited:
            assert citation.doc_id in held
            text = texts[citation.doc_id]
            assert text[citation.quote_start : citation.quote_end] == quote
            assert text[citation.answer_start : citation.answer_end] == answer_text
