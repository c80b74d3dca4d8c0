"""Resolve a date expression from an article against the article's publication date.

News writes dates relative to the day it is published: "on Wednesday" in an article of
Wednesday 2023-02-22 is that very day, "last Friday" is 2023-02-17, "would reopen Thursday"
is 2023-02-23, "November 1" takes its year from the publication date, and "within 30 days of
Monday's notice" counts from that Monday. dateparser reads the calendar expressions; the
rules here add what it does not know about news: which week a bare weekday means, which
year a day without one belongs to, and deadlines counted from another date.
"""

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

import dateparser

Tense = Literal["past", "future"]

WEEKDAYS = {name.lower(): index for index, name in enumerate(calendar.day_name)}
_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fourteen": 14,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty-five": 45,
    "sixty": 60,
    "ninety": 90,
}
_UNIT_DAYS = {"day": 1, "week": 7, "fortnight": 14}
_NUMBER = r"(?:\d{1,3}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + ")"
_WEEKDAY = r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
# "within 30 days", "in two weeks", "30 days after Monday's notice"; not "a four-day strike".
_SPAN = re.compile(
    rf"(?:\b(?:within|in|after)\s+(?P<n1>{_NUMBER})\s+(?P<u1>day|week|fortnight|month|year)s?\b"
    rf"(?:\s+(?:of|after|from)\s+(?P<anchor>.+))?"
    rf"|^(?P<n2>{_NUMBER})\s+(?P<u2>day|week|fortnight|month|year)s?\s+(?:of|after|from)\s+"
    rf"(?P<anchor2>.+))",
    re.IGNORECASE,
)
_WEEKDAY_ONLY = re.compile(
    rf"^(?:(?P<which>last|this|next|on|by|until|from|since|before|coming|past)\s+)?"
    rf"{_WEEKDAY}(?:'s)?(?:\s+(?:morning|afternoon|evening|night))?$",
    re.IGNORECASE,
)
_END_OF = re.compile(r"\b(?:the\s+)?end\s+of\s+(?:the\s+|this\s+)?(year|month|week)\b", re.I)
_HAS_YEAR = re.compile(r"\b(1[89]\d\d|2\d\d\d)\b")
_HAS_DAY_AND_MONTH = re.compile(
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b"
    r"|\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)",
    re.IGNORECASE,
)
_RELATIVE_DAYS = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}
_FUTURE_CUES = re.compile(
    r"\b(will|would|shall|is due|are due|due to|scheduled|set to|plans? to|expected|"
    r"deadline|by|until|before|next|upcoming|coming|from)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ResolvedDate:
    """An absolute date for an expression, and the rule that produced it."""

    date: dt.date
    rule: str


def resolve(
    expression: str, published: dt.date | None, tense: Tense | None = None
) -> ResolvedDate | None:
    """The single day `expression` means, counted from `published`; None if not one day.

    `tense` is the tense of the sentence around the expression (None: guess from its words).
    Without a publication date only expressions that carry their own year resolve.
    """
    text = " ".join(expression.strip().rstrip(".,;").split())
    if not text:
        return None
    if published is None:
        return _absolute(text)
    # A day and month with no tense to go by takes the year nearest the publication date.
    calendar_tense = tense
    tense = tense or guess_tense(text)
    for rule in (_relative_day, _weekday, _end_of, _span):
        resolved = rule(text, published, tense)
        if resolved is not None:
            return resolved
    return _calendar_date(text, published, calendar_tense)


def guess_tense(text: str) -> Tense:
    return "future" if _FUTURE_CUES.search(text) else "past"


def _absolute(text: str) -> ResolvedDate | None:
    if not (_HAS_YEAR.search(text) and _HAS_DAY_AND_MONTH.search(text)) and not re.match(
        r"^\d{4}-\d{2}-\d{2}$", text
    ):
        return None
    parsed = _parse(text, None, "past")
    return ResolvedDate(parsed, "absolute date") if parsed else None


def _relative_day(text: str, published: dt.date, tense: Tense) -> ResolvedDate | None:
    word = text.lower().removeprefix("on ").removeprefix("by ").removeprefix("until ")
    if word in _RELATIVE_DAYS:
        return ResolvedDate(
            published + dt.timedelta(days=_RELATIVE_DAYS[word]),
            f"{word}, from the publication date",
        )
    return None


def _weekday(text: str, published: dt.date, tense: Tense) -> ResolvedDate | None:
    match = _WEEKDAY_ONLY.match(text)
    if not match:
        return None
    which = (match.group("which") or "").lower()
    return weekday_near(WEEKDAYS[match.group(2).lower()], published, which, tense)


def weekday_near(weekday: int, published: dt.date, which: str, tense: Tense) -> ResolvedDate:
    """The day a weekday name means in an article of `published`.

    "last X" is the X before the publication day, but not the day before; "next X" and
    future sentences mean the first X from the publication day on; otherwise the latest X
    up to the publication day (so "on Wednesday" in a Wednesday article is that day).
    """
    back = (published.weekday() - weekday) % 7
    ahead = (weekday - published.weekday()) % 7
    if which in {"last", "past", "since"}:
        # A writer says "yesterday" or just "Thursday" for the day before; "last Thursday"
        # in a Friday article is the week before (seen in dev articles).
        return ResolvedDate(
            published - dt.timedelta(days=back if back >= 2 else back + 7),
            f"last {calendar.day_name[weekday]} before publication",
        )
    if (
        which in {"next", "coming"}
        or (tense == "future" and which != "this")
        or which in {"by", "until", "before", "from"}
    ):
        return ResolvedDate(
            published + dt.timedelta(days=ahead),
            f"{calendar.day_name[weekday]} on or after publication",
        )
    return ResolvedDate(
        published - dt.timedelta(days=back),
        f"{calendar.day_name[weekday]} on or before publication",
    )


def _end_of(text: str, published: dt.date, tense: Tense) -> ResolvedDate | None:
    match = _END_OF.search(text)
    if not match:
        return None
    unit = match.group(1).lower()
    if unit == "year":
        return ResolvedDate(dt.date(published.year, 12, 31), "end of the publication year")
    if unit == "month":
        last = calendar.monthrange(published.year, published.month)[1]
        return ResolvedDate(published.replace(day=last), "end of the publication month")
    return ResolvedDate(
        published + dt.timedelta(days=6 - published.weekday()), "end of the publication week"
    )


def _span(text: str, published: dt.date, tense: Tense) -> ResolvedDate | None:
    """ "within 30 days", "in two weeks", "30 days after Monday's notice"."""
    match = _SPAN.search(text)
    if not match:
        return None
    amount = (match.group("n1") or match.group("n2")).lower()
    count = int(amount) if amount.isdigit() else _NUMBER_WORDS[amount]
    unit = (match.group("u1") or match.group("u2")).lower()
    anchor_text = match.group("anchor") or match.group("anchor2")
    start, rule_from = published, "the publication date"
    if anchor_text:
        anchor = _anchor(anchor_text, published)
        if anchor is None:
            return None
        start, rule_from = anchor.date, anchor.rule
    if unit in _UNIT_DAYS:
        return ResolvedDate(
            start + dt.timedelta(days=count * _UNIT_DAYS[unit]), f"{count} {unit}s from {rule_from}"
        )
    months = count * (12 if unit == "year" else 1)
    return ResolvedDate(_add_months(start, months), f"{count} {unit}s from {rule_from}")


def _anchor(text: str, published: dt.date) -> ResolvedDate | None:
    """The date a span counts from: "Monday's notice", "the ruling on March 3"."""
    weekday = re.search(_WEEKDAY, text, re.IGNORECASE)
    if weekday:
        return weekday_near(WEEKDAYS[weekday.group(1).lower()], published, "", "past")
    found = _HAS_DAY_AND_MONTH.search(text)
    return _calendar_date(found.group(0), published, "past") if found else None


def _calendar_date(text: str, published: dt.date, tense: Tense | None) -> ResolvedDate | None:
    if not _HAS_DAY_AND_MONTH.search(text) and not re.search(r"\d{4}-\d{2}-\d{2}", text):
        return None
    parsed = _parse(text, published, tense)
    if parsed is None:
        return None
    if _HAS_YEAR.search(text):
        return ResolvedDate(parsed, "absolute date")
    candidates = [
        parsed.replace(year=published.year + shift)
        for shift in (-1, 0, 1)
        if _valid(parsed, published.year + shift)
    ]
    week = dt.timedelta(days=7)
    if tense == "future":
        candidates = [c for c in candidates if c >= published - week] or candidates
    elif tense == "past":
        candidates = [c for c in candidates if c <= published + week] or candidates
    chosen = min(candidates, key=lambda c: abs((c - published).days))
    return ResolvedDate(chosen, "day and month, year from the publication date")


def _valid(day: dt.date, year: int) -> bool:
    return not (day.month == 2 and day.day == 29 and not calendar.isleap(year))


def _parse(text: str, published: dt.date | None, tense: Tense | None) -> dt.date | None:
    settings: dict[str, object] = {
        "PREFER_DATES_FROM": tense or "current_period",
        "REQUIRE_PARTS": ["day", "month"],
    }
    if published is not None:
        settings["RELATIVE_BASE"] = dt.datetime.combine(published, dt.time())
    cleaned = re.sub(r"^(?:on|by|until|before|after|from|since|through)\s+", "", text, flags=re.I)
    parsed = dateparser.parse(cleaned, languages=["en"], settings=settings)
    return parsed.date() if parsed else None


def _add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
