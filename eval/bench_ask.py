"""Answers under load and cold start: `citeqa serve` in its own process, asked over loopback.

Cold start is the time from starting the process to the first 200 on /readyz. The load runs
`clients` threads that each send their share of a bounded number of questions one after
another, so the server sees exactly that many requests in flight.
"""

import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import numpy as np

from eval.bench_ingest import python_module
from eval.bench_report import AskFigures
from service.models import Question

READY_POLL_S = 0.02
READY_TIMEOUT_S = 300.0
REQUEST_TIMEOUT_S = 120.0


@dataclass
class Server:
    url: str
    cold_start_s: float


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(index_dir: Path) -> Iterator[Server]:
    """`citeqa serve` on a free loopback port, ready; stopped when the block ends."""
    port = free_port()
    command = python_module(
        "service.cli", "serve", "--index-dir", str(index_dir), "--port", str(port)
    )
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_until_ready(url, process)
        yield Server(url=url, cold_start_s=time.perf_counter() - started)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_ready(url: str, process: subprocess.Popen) -> None:
    deadline = time.perf_counter() + READY_TIMEOUT_S
    with httpx.Client(base_url=url, timeout=5) as client:
        while time.perf_counter() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"citeqa serve exited with {process.returncode}")
            try:
                if client.get("/readyz").status_code == 200:
                    return
            except httpx.TransportError:
                pass  # not listening yet
            time.sleep(READY_POLL_S)
    raise TimeoutError(f"{url}/readyz not ready after {READY_TIMEOUT_S:.0f} s")


def measure_cold_start(index_dir: Path) -> float:
    with serving(index_dir) as server:
        return round(server.cold_start_s, 3)


def measure_load(
    url: str, index_name: str, questions: list[Question], clients: int, requests: int
) -> AskFigures:
    """Send `requests` questions (cycling through `questions`) from `clients` threads."""
    bodies = [
        questions[i % len(questions)].model_dump(mode="json", exclude_none=True)
        for i in range(requests)
    ]
    shares = [bodies[i::clients] for i in range(clients)]
    with httpx.Client(
        base_url=url,
        timeout=REQUEST_TIMEOUT_S,
        limits=httpx.Limits(max_connections=clients, max_keepalive_connections=clients),
    ) as client:
        _ask(client, bodies[0])  # one warm-up request, not counted
        started = time.perf_counter()
        with ThreadPoolExecutor(clients) as pool:
            outcomes = [
                o for share in pool.map(lambda s: _ask_all(client, s), shares) for o in share
            ]
        seconds = time.perf_counter() - started
    latencies = np.array([latency for latency, ok in outcomes if ok]) * 1000
    errors = sum(not ok for _, ok in outcomes)
    p50, p95, p99 = np.percentile(latencies, [50, 95, 99]) if len(latencies) else (0, 0, 0)
    return AskFigures(
        index=index_name,
        clients=clients,
        requests=requests,
        errors=errors,
        p50_ms=round(float(p50), 1),
        p95_ms=round(float(p95), 1),
        p99_ms=round(float(p99), 1),
        answers_per_s=round((requests - errors) / seconds, 2),
    )


def _ask_all(client: httpx.Client, bodies: list[dict]) -> list[tuple[float, bool]]:
    return [_ask(client, body) for body in bodies]


def _ask(client: httpx.Client, body: dict) -> tuple[float, bool]:
    started = time.perf_counter()
    try:
        ok = client.post("/v1/ask", json=body).status_code == 200
    except httpx.HTTPError:
        ok = False
    return time.perf_counter() - started, ok
