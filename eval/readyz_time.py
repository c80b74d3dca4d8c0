"""Time from starting `citeqa serve` to the first 200 from /readyz, over an index of a corpus.

    python -m eval.readyz_time [--corpus examples/news] [--runs 5]

The corpus is indexed once into a temporary folder (CITEQA_INDEX_DIR); then the server is
started `--runs` times, each time on a free port of 127.0.0.1, and stopped once ready. Prints
each start and the median. Other CITEQA_ settings in the environment apply (for example
CITEQA_ANSWERER). Share of the machine matters: note `uptime` beside the figure.
"""

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Annotated

import httpx
import typer

app = typer.Typer(add_completion=False)

CITEQA = Path(sys.executable).with_name("citeqa")
DEMO_CORPUS = Path(__file__).resolve().parents[1] / "examples" / "news"
POLL_INTERVAL_S = 0.02


@app.command()
def main(
    corpus: Annotated[Path, typer.Option(help="Corpus file or folder to index.")] = DEMO_CORPUS,
    runs: Annotated[int, typer.Option(min=1, help="Server starts to time.")] = 5,
    timeout_s: Annotated[float, typer.Option(help="Give up on a start after this long.")] = 300,
) -> None:
    with tempfile.TemporaryDirectory(prefix="citeqa-readyz-") as folder:
        environment = {**os.environ, "CITEQA_INDEX_DIR": str(Path(folder) / "index")}
        subprocess.run(
            [str(CITEQA), "index", "add", str(corpus)],
            env=environment,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        log = Path(folder) / "serve.log"
        seconds = [time_to_ready(environment, log, timeout_s) for _ in range(runs)]
    for run, value in enumerate(seconds, start=1):
        typer.echo(f"start {run}: {value:.2f} s")
    typer.echo(f"median of {runs}: {statistics.median(seconds):.2f} s")


def time_to_ready(environment: dict[str, str], log: Path, timeout_s: float) -> float:
    """Seconds from launching `citeqa serve` to its first 200 on /readyz."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/readyz"
    with log.open("w") as output:
        started = time.perf_counter()
        server = subprocess.Popen(
            [str(CITEQA), "serve", "--port", str(port)],
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        while time.perf_counter() - started < timeout_s:
            if server.poll() is not None:
                raise RuntimeError(f"citeqa serve stopped:\n{log.read_text()}")
            if answers_200(url):
                return time.perf_counter() - started
            time.sleep(POLL_INTERVAL_S)
        raise RuntimeError(f"not ready after {timeout_s} s:\n{log.read_text()}")
    finally:
        server.terminate()
        server.wait(timeout=60)


def answers_200(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.TransportError:
        return False


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


if __name__ == "__main__":
    app()
