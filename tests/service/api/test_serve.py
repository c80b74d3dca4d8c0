"""`citeqa serve` as a user runs it (the installed command, in a subprocess), and
`citeqa eval --url` scoring the demo gold set through it."""

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

CITEQA = Path(sys.executable).with_name("citeqa")
REPO = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def served(
    demo_index_dir: Path, tmp_path_factory: pytest.TempPathFactory, ready_waiter
) -> Iterator[dict]:
    """A `citeqa serve` process over the demo index; its URL and what it printed."""
    port = free_port()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CITEQA_")}
    with log.open("w") as output:
        process = subprocess.Popen(
            [str(CITEQA), "serve", "--port", str(port), "--index-dir", str(demo_index_dir)],
            stdout=output,
            stderr=subprocess.STDOUT,
            env=environment,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        ready_waiter(url, alive=lambda: process.poll() is None)
        yield {"url": url, "log": log}
    finally:
        process.terminate()
        process.wait(timeout=60)


def test_serve_says_who_may_write_and_serves_the_page_and_the_api(served):
    url = served["url"]
    assert "no CITEQA_API_KEY set" in served["log"].read_text()
    assert httpx.get(f"{url}/healthz").json() == {"status": "ok"}
    assert httpx.get(f"{url}/readyz").json() == {"status": "ready", "generation": 1}
    page = httpx.get(f"{url}/")
    assert page.status_code == 200 and "<title>citeqa" in page.text
    assert httpx.get(f"{url}/app.js").status_code == 200
    assert httpx.get(f"{url}/docs").status_code == 200
    paths = httpx.get(f"{url}/openapi.json").json()["paths"]
    assert {"/v1/ask", "/v1/ask/stream", "/v1/documents", "/v1/documents/{doc_id}"} <= set(paths)
    assert httpx.get(f"{url}/v1/stats").json()["index"]["documents"] == 13


def test_eval_scores_the_demo_gold_set_through_the_running_service(served, tmp_path):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CITEQA_")}
    result = subprocess.run(
        [
            str(CITEQA),
            "eval",
            "--url",
            served["url"],
            "--corpus",
            str(REPO / "examples" / "news"),
            "--qa",
            str(REPO / "eval" / "gold" / "demo.jsonl"),
            "--out",
            str(tmp_path / "run"),
        ],
        capture_output=True,
        text=True,
        env=environment,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr
    results = json.loads((tmp_path / "run" / "results.json").read_text())
    records = results["records"]
    assert len(records) == 63
    assert [r["error"] for r in records if r["error"]] == []
    assert results["run"]["target"] == served["url"]
    assert results["summary"]["doc_hit"] > 0.9
