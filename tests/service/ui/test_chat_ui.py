"""The chat page in Debian's Chromium (Playwright's sync API) against a real server on
127.0.0.1: asking, opening a citation, uploading, the not-found, disagreement and error
states, the keyboard, a phone-sized screen, and the API key prompt (browser and screenshots:
conftest.py).
"""

from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}
METRO_QUESTION = "When will Line 3 of the Tessary metro reopen?"
FERRY_TEXT = (
    "Quillon ferry back in service after strike\n\n"
    "Published 2026-03-02 by Harbour Wire\n\nThe Quillon ferry resumes service on Monday "
    "after a two-week strike by its deckhands, the harbour office said.\n"
)


@pytest.fixture
def open_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    contexts = []

    def open_at(url: str, viewport: dict = DESKTOP) -> Page:
        context = browser.new_context(viewport=viewport)
        contexts.append(context)
        page = context.new_page()
        page.goto(url)
        expect(page.locator("#index-status")).to_contain_text("documents indexed")
        return page

    yield open_at
    for context in contexts:
        context.close()


def ask(page: Page, question: str) -> None:
    turns = page.locator(".answer-bubble").count()
    page.locator("#question").fill(question)
    page.locator("#question").press("Enter")
    last = page.locator(".answer-bubble").nth(turns)
    expect(last).to_have_attribute("aria-busy", "false", timeout=60_000)


def last_answer(page: Page):
    return page.locator(".answer-bubble").last


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_ask_then_open_the_citation_with_the_answer_highlighted(
    live_server, demo_copy, open_page, screenshot, viewport, request
):
    screen = request.node.callspec.id
    page = open_page(live_server(demo_copy).url, viewport)
    ask(page, METRO_QUESTION)
    answer = last_answer(page)
    expect(answer.locator(".answer-text")).to_contain_text("Thursday")
    expect(answer.locator(".supporting-quote")).to_contain_text("would reopen Thursday")
    sources = answer.locator(".sources li")
    expect(sources).to_have_count(1)
    expect(sources.first).to_contain_text(
        "Tessary's Line 3 to reopen Thursday after tunnel repairs"
    )
    expect(sources.first).to_contain_text("Feb 11, 2026 · Tessary Evening Post")
    screenshot(page, f"{screen}-1-answer")

    answer.locator(".answer-text .marker").first.click()
    viewer = page.locator("#viewer")
    expect(viewer).to_be_visible()
    expect(page.locator("#viewer-title")).to_have_text(
        "Tessary's Line 3 to reopen Thursday after tunnel repairs"
    )
    highlighted = page.locator("#viewer-text mark.answer")
    expect(highlighted).to_have_text(answer.locator(".answer-text > span").first.inner_text())
    expect(highlighted).to_be_in_viewport()
    original = page.get_by_role("link", name="Open the original")
    expect(original).to_have_attribute("href", "https://example.com/tessary/line-3-reopening")
    screenshot(page, f"{screen}-2-citation")

    page.keyboard.press("Escape")
    expect(viewer).to_be_hidden()
    expect(answer.locator(".answer-text .marker").first).to_be_focused()


def test_a_date_answer_shows_its_resolved_date_and_the_answer_inside_its_quote(
    live_server, demo_copy, open_page, screenshot
):
    page = open_page(live_server(demo_copy).url)  # the typed answerer, the default
    ask(page, METRO_QUESTION)
    answer = last_answer(page)
    expect(answer.locator(".answer-text > span").first).to_have_text("Thursday")
    expect(answer.locator(".resolved")).to_contain_text("= 2026-02-12")
    expect(answer.locator(".supporting-quote")).to_contain_text("would reopen Thursday")
    answer.locator(".answer-text .marker").first.click()
    expect(page.locator("#viewer-text mark.answer")).to_have_text("Thursday")
    quoted = page.locator("#viewer-text mark.quote")
    expect(quoted.first).to_contain_text("Line 3 of the Tessary metro would reopen")
    expect(page.locator("#viewer-text mark.answer")).to_be_in_viewport()
    screenshot(page, "desktop-7-date-answer")


def test_an_uploaded_document_answers_a_question(
    live_server, demo_copy, open_page, screenshot, tmp_path
):
    ferry = tmp_path / "quillon-ferry.txt"
    ferry.write_text(FERRY_TEXT)
    page = open_page(live_server(demo_copy).url)
    page.get_by_text("Dates, filters and documents").click()
    expect(page.get_by_label("API key")).to_be_hidden()  # no key set: loopback may write
    page.get_by_label("Files (.txt .md .html .pdf .jsonl)").set_input_files(ferry)
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("#upload-status")).to_contain_text(
        "quillon-ferry.txt: added as “quillon-ferry”"
    )
    expect(page.locator("#index-status")).to_contain_text("14 documents indexed")

    ask(page, "When does the Quillon ferry resume service?")
    answer = last_answer(page)
    expect(answer.locator(".answer-text")).to_contain_text("Monday")
    expect(answer.locator(".supporting-quote")).to_contain_text("resumes service on Monday")
    expect(answer.locator(".sources")).to_contain_text("Harbour Wire")
    screenshot(page, "desktop-3-upload-answer")


def test_not_found_disagreement_and_errors_are_shown(live_server, demo_copy, open_page, screenshot):
    page = open_page(live_server(demo_copy).url)
    ask(page, "What is the population of Mars?")
    not_found = last_answer(page)
    expect(not_found).to_contain_text("Not found in the documents.")
    expect(not_found.locator(".closest li").first).to_be_visible()
    screenshot(page, "desktop-4-not-found")

    ask(page, "Who leads the Amsel Dock Union?")
    disagreement = last_answer(page)
    expect(disagreement.locator(".alternatives")).to_contain_text("Other sources say")
    expect(disagreement.locator(".alternatives li").first).to_contain_text("published Mar 11, 2025")
    expect(disagreement.locator(".alternatives")).to_be_in_viewport()
    screenshot(page, "desktop-5-alternatives")

    ask(page, "why " * 300)
    error = last_answer(page).get_by_role("alert")
    expect(error).to_contain_text("more than the limit of 1000")
    expect(error).to_be_in_viewport()
    screenshot(page, "desktop-6-error")


def test_enter_sends_and_shift_enter_adds_a_line(live_server, demo_copy, open_page):
    page = open_page(live_server(demo_copy).url)
    box = page.get_by_label("Your question")
    box.fill("When will Line 3")
    box.press("Shift+Enter")
    box.type("of the Tessary metro reopen?")
    expect(box).to_have_value("When will Line 3\nof the Tessary metro reopen?")
    expect(page.locator(".turn")).to_have_count(0)
    box.press("Enter")
    expect(page.locator(".question-bubble")).to_have_text(
        "When will Line 3\nof the Tessary metro reopen?"
    )
    expect(box).to_have_value("")


def test_the_question_date_and_date_range_reach_the_service(live_server, demo_copy, open_page):
    page = open_page(live_server(demo_copy).url)
    page.get_by_text("Dates, filters and documents").click()
    page.get_by_label("Question date").fill("2000-01-01")
    ask(page, METRO_QUESTION)
    expect(last_answer(page)).to_contain_text("Not found in the documents.")
    page.get_by_label("Question date").fill("")
    page.get_by_label("From").fill("2026-02-01")
    page.get_by_label("To").fill("2026-02-28")
    ask(page, METRO_QUESTION)
    expect(last_answer(page).locator(".supporting-quote")).to_contain_text("would reopen Thursday")


def test_uploading_asks_for_the_api_key_when_one_is_set(
    live_server, demo_copy, open_page, tmp_path
):
    ferry = tmp_path / "quillon-ferry.txt"
    ferry.write_text(FERRY_TEXT)
    page = open_page(live_server(demo_copy, api_key="s3cret-key").url)
    page.get_by_text("Dates, filters and documents").click()
    key = page.get_by_label("API key")
    expect(key).to_be_visible()
    page.get_by_label("Files (.txt .md .html .pdf .jsonl)").set_input_files(ferry)
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("#upload-status")).to_contain_text("Upload failed")
    expect(key).to_be_focused()
    key.fill("s3cret-key")
    page.get_by_label("Files (.txt .md .html .pdf .jsonl)").set_input_files(ferry)
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("#upload-status")).to_contain_text("added")
