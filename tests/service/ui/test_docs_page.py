"""The OpenAPI page (/docs, Swagger UI) in Debian's Chromium against a real server on
127.0.0.1: it renders the operations with every request kept on that server, as on a
machine without internet access."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

WINDOW = {"width": 1280, "height": 1000}
OPERATIONS = [
    ("post", "/v1/ask"),
    ("post", "/v1/ask/stream"),
    ("post", "/v1/documents"),
    ("get", "/v1/documents"),
    ("get", "/v1/documents/{doc_id}"),
    ("delete", "/v1/documents/{doc_id}"),
    ("get", "/readyz"),
]


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=WINDOW)
    yield context.new_page()
    context.close()


def test_swagger_ui_lists_the_operations_from_this_server_alone(demo_server, page, screenshot):
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(f"{demo_server}/docs")
    expect(page.locator(".info .title")).to_contain_text("citeqa")
    for method, path in OPERATIONS:
        summary = page.locator(f".opblock-{method} .opblock-summary-path[data-path='{path}']")
        expect(summary).to_be_visible()
    expect(page.get_by_text("/v1/ask", exact=True)).to_be_visible()
    screenshot(page, "docs-1-operations")

    page.locator(".opblock-post .opblock-summary-path[data-path='/v1/ask']").click()
    opened = page.locator(".opblock.is-open")
    expect(opened.locator(".opblock-section-request-body")).to_contain_text("application/json")
    expect(opened.locator(".responses-table")).to_contain_text("413")
    screenshot(page, "docs-2-ask-opened")
    assert requested and all(url.startswith(f"{demo_server}/") for url in requested), requested
