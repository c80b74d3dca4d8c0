"""/docs: the OpenAPI page references nothing on another host, and what it references is
served here with the right content type (so it works without internet access)."""

import re
from urllib.parse import urljoin

import httpx
from bs4 import BeautifulSoup

CONTENT_TYPES = {".js": "text/javascript", ".css": "text/css", ".json": "application/json"}


def referenced_urls(page: str) -> set[str]:
    """What the page loads: src and href attributes, and Swagger UI's `url:` option."""
    soup = BeautifulSoup(page, "html.parser")
    attributes = [tag.get(name) for tag in soup.find_all(True) for name in ("src", "href")]
    scripted = re.findall(r"\burl: '([^']+)'", page)
    return {str(url) for url in [*attributes, *scripted] if url}


def test_the_docs_page_loads_only_files_served_here(demo_server):
    page = httpx.get(f"{demo_server}/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert not re.search(r"https?://", page.text), "the page names another host"

    urls = referenced_urls(page.text) - {"data:,"}  # the empty icon, fetched from nowhere
    assert {url.rsplit("/", 1)[-1] for url in urls} == {
        "swagger-ui-bundle.js",
        "swagger-ui.css",
        "openapi.json",
    }
    for url in urls:
        assert url.startswith("/"), url
        asset = httpx.get(urljoin(f"{demo_server}/docs", url))
        assert asset.status_code == 200, url
        suffix = "." + url.rsplit(".", 1)[-1]
        assert asset.headers["content-type"].startswith(CONTENT_TYPES[suffix]), url


def test_the_docs_page_is_not_in_the_openapi_document_and_redoc_is_off(demo_server):
    paths = httpx.get(f"{demo_server}/openapi.json").json()["paths"]
    assert not {path for path in paths if path.startswith("/docs")}
    assert httpx.get(f"{demo_server}/redoc").status_code == 404


def test_every_operation_has_a_readable_summary(demo_server):
    paths = httpx.get(f"{demo_server}/openapi.json").json()["paths"]
    operations = [operation for methods in paths.values() for operation in methods.values()]
    assert len(operations) == 9
    assert all(operation.get("summary", "").strip() for operation in operations)
