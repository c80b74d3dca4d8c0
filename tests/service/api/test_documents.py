"""/v1/documents: adding (JSON and uploads), listing, showing and removing, with bad input,
limits and the write rule, against real servers over copies of the demo index."""

import json
import tempfile

import httpx
import pytest

from index.models import Document, IngestResult
from service.api import create_app
from service.models import Answer
from service.settings import Settings

DEMO_DOCUMENTS = 13
FERRY_TEXT = (
    "Published 2026-03-02 by Harbour Wire\n\nThe Quillon ferry resumes service on Monday "
    "after a two-week strike by its deckhands, the harbour office said."
)
FERRY_QUESTION = "When does the Quillon ferry resume service?"


def add_json(url: str, documents: list[dict], **request: object) -> httpx.Response:
    return httpx.post(f"{url}/v1/documents", json={"documents": documents}, timeout=120, **request)


def upload(url: str, files: list[tuple[str, bytes]], **request: object) -> httpx.Response:
    parts = [("files", (name, content)) for name, content in files]
    return httpx.post(f"{url}/v1/documents", files=parts, timeout=120, **request)


def statuses(response: httpx.Response) -> list[tuple[str | None, str]]:
    assert response.status_code == 200, response.text
    return [(r["id"], r["status"]) for r in response.json()["results"]]


def stats(url: str) -> dict:
    return httpx.get(f"{url}/v1/stats").json()["index"]


def assert_error(response: httpx.Response, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code
    return error["message"]


# Reading


def test_documents_are_listed_a_page_at_a_time_newest_first(demo_server):
    first = httpx.get(f"{demo_server}/v1/documents", params={"limit": 5}).json()
    second = httpx.get(f"{demo_server}/v1/documents", params={"limit": 5, "offset": 5}).json()
    assert first["total"] == second["total"] == DEMO_DOCUMENTS
    assert len(first["documents"]) == len(second["documents"]) == 5
    ids = [d["id"] for d in first["documents"] + second["documents"]]
    assert len(set(ids)) == 10
    dates = [d["date"] for d in first["documents"] if d["date"]]
    assert dates == sorted(dates, reverse=True)


def test_the_listing_filters_by_date_and_source(demo_server):
    listed = httpx.get(
        f"{demo_server}/v1/documents", params={"date_from": "2026-01-01", "date_to": "2026-06-30"}
    ).json()
    assert listed["documents"]
    assert all("2026-01-01" <= d["date"] <= "2026-06-30" for d in listed["documents"])
    assert listed["total"] == len(listed["documents"])

    source = next(d["source"] for d in listed["documents"] if d["source"])
    by_source = httpx.get(f"{demo_server}/v1/documents", params={"source": source}).json()
    assert by_source["documents"] and {d["source"] for d in by_source["documents"]} == {source}


def test_a_page_larger_than_the_limit_is_capped_and_bad_paging_is_422(demo_server):
    capped = httpx.get(f"{demo_server}/v1/documents", params={"limit": 10**6}).json()
    assert capped["limit"] == Settings().max_page_size
    for params in ({"limit": 0}, {"offset": -1}, {"date_from": "2026-02-30"}):
        response = httpx.get(f"{demo_server}/v1/documents", params=params)
        assert_error(response, 422, "validation_error")
    reversed_dates = {"date_from": "2026-02-01", "date_to": "2026-01-01"}
    response = httpx.get(f"{demo_server}/v1/documents", params=reversed_dates)
    assert "date_from is after date_to" in assert_error(response, 422, "validation_error")


def test_a_document_is_shown_with_its_full_stored_text(demo_server, snapshot):
    response = httpx.get(f"{demo_server}/v1/documents/tessary-metro-reopening")
    document = Document.model_validate(response.json())
    assert document == snapshot.document("tessary-metro-reopening")


def test_an_unknown_document_is_404(demo_server):
    message = assert_error(httpx.get(f"{demo_server}/v1/documents/no-such-doc"), 404, "not_found")
    assert "no-such-doc" in message
    assert_error(httpx.get(f"{demo_server}/no/such/page"), 404, "not_found")


# Adding and removing


def test_a_json_document_is_added_then_unchanged_then_replaced(live_server, demo_copy):
    url = live_server(demo_copy).url
    ferry = {"id": "quillon-ferry", "title": "Quillon ferry back", "text": FERRY_TEXT}
    added = add_json(url, [ferry])
    assert statuses(added) == [("quillon-ferry", "added")]
    assert added.json()["generation"] == 2
    assert statuses(add_json(url, [ferry])) == [("quillon-ferry", "unchanged")]
    changed = {**ferry, "text": FERRY_TEXT.replace("Monday", "Tuesday")}
    assert statuses(add_json(url, [changed])) == [("quillon-ferry", "replaced")]

    stored = httpx.get(f"{url}/v1/documents/quillon-ferry").json()
    assert "Tuesday" in stored["text"] and stored["date"] == "2026-03-02"
    assert stored["source"] == "Harbour Wire"  # found in the text, as for a file

    answer = Answer.model_validate(
        httpx.post(f"{url}/v1/ask", json={"question": FERRY_QUESTION}).json()
    )
    assert answer.citations and answer.citations[0].doc_id == "quillon-ferry"
    assert "Tuesday" in answer.answer


def test_a_json_document_without_an_id_gets_one_from_its_text(live_server, demo_copy):
    url = live_server(demo_copy).url
    [(doc_id, status)] = statuses(add_json(url, [{"text": FERRY_TEXT}]))
    assert status == "added" and doc_id.startswith("doc-")
    assert statuses(add_json(url, [{"text": FERRY_TEXT}])) == [(doc_id, "unchanged")]


def test_each_document_of_a_batch_has_its_own_result(live_server, demo_copy):
    url = live_server(demo_copy).url
    response = add_json(
        url,
        [
            {"id": "empty-after-cleaning", "text": "<b> </b>"},
            {"id": "quillon-ferry", "text": FERRY_TEXT},
            {"id": "quillon-ferry", "text": FERRY_TEXT + " More."},
        ],
    )
    results = [IngestResult.model_validate(r) for r in response.json()["results"]]
    assert [(r.origin, r.status.value) for r in results] == [
        ("documents[0]", "failed"),
        ("documents[1]", "added"),
        ("documents[2]", "failed"),
    ]
    assert "no text left" in results[0].error and "duplicate id" in results[2].error
    assert stats(url)["documents"] == DEMO_DOCUMENTS + 1


def test_files_of_every_format_are_uploaded_under_safe_names(live_server, demo_copy, demo_dir):
    url = live_server(demo_copy).url
    records = "\n".join(
        json.dumps({"id": f"wire-{n}", "title": f"Wire {n}", "text": f"Wire story {n}. " * 5})
        for n in (1, 2)
    )
    response = upload(
        url,
        [
            ("../../etc/quillon ferry.txt", FERRY_TEXT.encode()),
            ("calveth.md", (demo_dir / "calveth-flood-relief.md").read_bytes()),
            ("wire.jsonl", records.encode()),
            ("program.exe", b"MZ\x00\x00"),
        ],
    )
    results = response.json()["results"]
    assert [(r["origin"], r["id"], r["status"]) for r in results] == [
        ("../../etc/quillon ferry.txt", "quillon ferry", "added"),
        ("calveth.md", "calveth", "added"),
        ("wire.jsonl:1", "wire-1", "added"),
        ("wire.jsonl:2", "wire-2", "added"),
        ("program.exe", None, "failed"),
    ]
    assert "unsupported file type" in results[-1]["error"]
    assert not (demo_copy.parent.parent / "etc").exists()
    stored = httpx.get(f"{url}/v1/documents/quillon ferry").json()
    assert stored["text"] == FERRY_TEXT and stored["source"] == "Harbour Wire"


def test_a_document_is_removed_and_then_unknown(live_server, demo_copy):
    url = live_server(demo_copy).url
    removed = httpx.delete(f"{url}/v1/documents/tessary-metro-reopening")
    assert removed.status_code == 200
    assert removed.json() == {"id": "tessary-metro-reopening", "status": "removed", "generation": 2}
    assert httpx.get(f"{url}/v1/documents/tessary-metro-reopening").status_code == 404
    assert_error(httpx.delete(f"{url}/v1/documents/tessary-metro-reopening"), 404, "not_found")
    assert stats(url)["documents"] == DEMO_DOCUMENTS - 1


@pytest.mark.parametrize(
    ("documents", "words"),
    [
        ([{"id": "a/b", "text": "Slashes are not allowed in ids."}], "invalid document id"),
        ([{"id": "no-text"}], "text"),
        ([{"text": "Dated badly.", "date": "March"}], "date"),
        ([{"text": "An unknown field.", "author": "me"}], "author"),
        ([], "documents"),
    ],
)
def test_invalid_documents_are_422_and_change_nothing(live_server, demo_copy, documents, words):
    url = live_server(demo_copy).url
    message = assert_error(add_json(url, documents), 422, "validation_error")
    assert words in message
    assert stats(url)["generation"] == 1


def test_malformed_json_and_other_media_types_are_refused(live_server, demo_copy):
    url = live_server(demo_copy).url
    broken = httpx.post(
        f"{url}/v1/documents",
        content=b'{"documents": [',
        headers={"content-type": "application/json"},
    )
    assert_error(broken, 422, "validation_error")
    plain = httpx.post(
        f"{url}/v1/documents", content=b"hello", headers={"content-type": "text/plain"}
    )
    assert_error(plain, 415, "unsupported_media_type")
    no_files = httpx.post(f"{url}/v1/documents", files=[("other", ("a.txt", b"x"))])
    assert_error(no_files, 422, "validation_error")
    assert stats(url)["generation"] == 1


# Limits


def test_bodies_uploads_and_batches_over_the_limits_are_413(live_server, demo_copy):
    url = live_server(
        demo_copy, max_body_bytes=2_000, max_upload_bytes=3_000, max_documents_per_request=2
    ).url
    long_question = httpx.post(f"{url}/v1/ask", json={"question": "x" * 2_100})
    assert "request body has" in assert_error(long_question, 413, "payload_too_large")
    big_file = upload(url, [("big.txt", b"Words. " * 600)])
    assert "upload has" in assert_error(big_file, 413, "payload_too_large")
    many = add_json(url, [{"text": f"Story number {n}."} for n in range(3)])
    assert "holds 3 documents" in assert_error(many, 413, "too_many_documents")
    many_files = upload(url, [(f"{n}.txt", b"A short story.") for n in range(3)])
    assert "holds 3 documents" in assert_error(many_files, 413, "too_many_documents")

    def chunks():  # no Content-Length: the body is counted as it arrives
        for _ in range(30):
            yield b" " * 100

    chunked = httpx.post(
        f"{url}/v1/ask", content=chunks(), headers={"content-type": "application/json"}
    )
    assert_error(chunked, 413, "payload_too_large")
    assert stats(url)["generation"] == 1


def jsonl(*ids: str, between: str = "\n") -> bytes:
    records = [json.dumps({"id": doc_id, "text": f"Wire story {doc_id}."}) for doc_id in ids]
    return between.join(records).encode()


def test_records_inside_uploaded_jsonl_files_count_against_the_document_limit(
    live_server, demo_copy
):
    url = live_server(demo_copy, max_documents_per_request=3).url
    before = httpx.get(f"{url}/v1/documents", params={"limit": 100}).json()

    one_file = upload(url, [("wire.jsonl", jsonl("w1", "w2", "w3", "w4"))])
    message = assert_error(one_file, 413, "too_many_documents")
    assert "holds 4 documents" in message and "each JSONL record as one" in message
    assert "limit of 3" in message and "CITEQA_MAX_DOCUMENTS_PER_REQUEST" in message
    mixed = upload(
        url, [("ferry.txt", FERRY_TEXT.encode()), ("wire.jsonl", jsonl("w1", "w2", "w3"))]
    )
    assert "holds 4 documents" in assert_error(mixed, 413, "too_many_documents")
    assert httpx.get(f"{url}/v1/documents", params={"limit": 100}).json() == before
    assert httpx.get(f"{url}/v1/documents/w1").status_code == 404

    # Blank lines hold no record: three records are within the limit, however spaced.
    at_the_limit = upload(url, [("wire.jsonl", jsonl("w1", "w2", "w3", between="\n\n \n"))])
    assert statuses(at_the_limit) == [("w1", "added"), ("w2", "added"), ("w3", "added")]


# Who may write


def test_without_a_key_writes_come_only_from_loopback(demo_copy, asgi):
    app = create_app(Settings(index_dir=demo_copy))
    remote = ("10.0.0.5", 1234)
    body = {"documents": [{"text": FERRY_TEXT}]}
    forwarded = {"X-Forwarded-For": "127.0.0.1", "X-Real-IP": "127.0.0.1"}
    refused = asgi(app, "POST", "/v1/documents", client=remote, json=body, headers=forwarded)
    assert "loopback" in assert_error(refused, 403, "forbidden")
    removal = asgi(app, "DELETE", "/v1/documents/tessary-metro-reopening", client=remote)
    assert_error(removal, 403, "forbidden")
    assert (
        asgi(app, "GET", "/v1/documents/tessary-metro-reopening", client=remote).status_code == 200
    )

    accepted = asgi(app, "POST", "/v1/documents", client=("::1", 1234), json=body)
    assert accepted.status_code == 200 and accepted.json()["results"][0]["status"] == "added"


def test_with_a_key_writes_need_it_and_reads_do_not(live_server, demo_copy):
    url = live_server(demo_copy, api_key="s3cret-key").url
    ferry = [{"id": "quillon-ferry", "text": FERRY_TEXT}]
    missing = add_json(url, ferry)
    assert_error(missing, 401, "unauthorized")
    assert missing.headers["www-authenticate"] == "Bearer"
    wrong = add_json(url, ferry, headers={"Authorization": "Bearer s3cret-kez"})
    assert_error(wrong, 401, "unauthorized")
    not_bearer = add_json(url, ferry, headers={"Authorization": "Basic s3cret-key"})
    assert_error(not_bearer, 401, "unauthorized")
    assert_error(httpx.delete(f"{url}/v1/documents/tessary-metro-reopening"), 401, "unauthorized")
    assert stats(url)["generation"] == 1

    key = {"Authorization": "Bearer s3cret-key"}
    assert statuses(add_json(url, ferry, headers=key)) == [("quillon-ferry", "added")]
    assert httpx.delete(f"{url}/v1/documents/quillon-ferry", headers=key).status_code == 200
    assert httpx.get(f"{url}/v1/documents/tessary-metro-reopening").status_code == 200
    assert httpx.get(f"{url}/v1/stats").json()["writes"] == "api key"


def test_uploads_leave_no_temporary_files(live_server, demo_copy, tmp_path, monkeypatch):
    uploads = tmp_path / "tmp"
    uploads.mkdir()
    monkeypatch.setenv("TMPDIR", str(uploads))
    monkeypatch.setattr(tempfile, "tempdir", None)  # read TMPDIR again
    url = live_server(demo_copy).url
    assert statuses(upload(url, [("ferry.txt", FERRY_TEXT.encode())])) == [("ferry", "added")]
    assert list(uploads.iterdir()) == []
