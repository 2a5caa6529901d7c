"""Date and deadline expressions, normalised to inclusive windows against the publication date.

Used by :func:`corroborate.facts.figures.extract_facts`. Rules:

* Month and weekday names must be capitalised ("he may leave" has no date). A bare month counts only
  with a day, a year, a modifier (early/mid/late, the start/middle/end of, last/next/this) or after
  "in/by/since/until/from/during/before/after/of/for/between"; otherwise ("Theresa May") only when
  joined to another date. Abbreviations ("Sept.", "Mar") need a day or a year ("Mar-a-Lago").
  "USA TODAY" and "This Week" (capital W: a programme) are not dates; "today" and "this week" are.
* Tense: the clause before the expression (back to a full stop, semicolon or quotation mark) is
  searched for a future cue ("will", "would", "expected", "set to", "plans", "must", ...) and then for
  a past one ("said", "was", "since", "ago", verbs in -ed). A date without a year takes the year
  nearest the publication date, or with a cue the first occurrence ending on or after publication
  (future) or the last starting on or before it (past).
* Parts: of a month, early = days 1-10, mid = 11-20, late = 21-end ("the start/middle/end of" alike);
  of a year, early = Jan-Apr, mid = May-Aug, late = Sep-Dec, the start = January, the middle = June-July,
  the end = December, halves = Jan-Jun/Jul-Dec; of a week, Mon-Tue, Wed-Thu, Fri-Sun; of a quarter or
  season, its first, second or third month.
* "last July" is the most recent July before the publication month, "next July" the first after it,
  "this July" the one in the publication year. Seasons are meteorological (northern): spring Mar-May,
  summer Jun-Aug, autumn/fall Sep-Nov, winter Dec-Feb ("winter 2025" starts in December 2025).
* Weekdays: "on Tuesday" is the most recent Tuesday on or before publication, or with a future cue the
  first on or after it; "last"/"this past" strictly before, "next"/"this coming" strictly after, "this"
  within the publication week (weeks run Monday to Sunday).
* Periods: last/this/next week, weekend, month, quarter, year are calendar periods; "earlier this X"
  runs from its start to publication, "later this X" from the day after to its end; "the past X" is
  the rolling period up to publication, "the coming X" the one after it.
* Vague spans: "in the coming days" = +1..+14 days, "weeks" = +1..+42, "months" = +1..+182, "years" =
  +1..+1095 ("the next few", "the days ahead" alike); "in recent days" (or "the past few") is the mirror
  image ending on publication. "N days ago" and "in N days" are that day (weeks +-3 days, months the
  calendar month, years the calendar year); "within N days", "over the next N days" run from the day
  after publication, "over the past N days" end on it. "in"/"within" need a future cue ("lost 10
  pounds in a month" is a duration).
* "by X" (or "no later than X") is a deadline: when X ends after publication the window runs from the
  day after publication to the end of X; the word is part of the span.
* Dates joined by "or", "and", "to", "through", "until" or a dash are one expression covering both
  ("late May or early June"); a leading "between"/"from" joins the span; a year written only on the
  second date applies to the first. Impossible dates ("February 30") are skipped.
* Without a publication date only expressions carrying a year get a window; others have none.
"""

from __future__ import annotations

import calendar
import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

__all__ = ["DateMatch", "find_dates"]

Window = tuple[date, date]


@dataclass(frozen=True, slots=True)
class DateMatch:
    """One date expression: ``text[start:end]`` and its inclusive window (None when unknown)."""

    start: int
    end: int
    window: Window | None


@dataclass(slots=True)
class _Cand:
    start: int
    end: int
    window: Window | None
    weak: bool = False
    year: int | None = None  # explicit year written in the expression
    rebuild: Callable[[int], Window] | None = None  # the same expression in a given year


_FULL_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_ABBR_MONTHS = "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
_MONTHS = {m.lower(): i for i, m in enumerate(_FULL_MONTHS.split("|"), 1)}
_MONTHS.update(
    (a.lower(), _MONTHS[next(m for m in _MONTHS if m.startswith(a.lower()))]) for a in _ABBR_MONTHS.split("|")
)
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_SMALL = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
          "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "eighteen": 18,
          "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "ninety": 90}  # fmt: skip


def _month(g: str) -> str:
    return rf"(?P<{g}>(?:{_FULL_MONTHS})\b|(?:{_ABBR_MONTHS})(?:\.|\b))"


def _day(g: str) -> str:
    return rf"(?P<{g}>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?\b(?![,.:]\d)"


def _year(g: str) -> str:
    return rf"\b(?P<{g}>(?:1[89]|20|21)\d\d)\b(?![%]|[,.]\d|[-–]\d)"


_PART = (
    r"(?i:early|mid|middle|late|(?:the\s+)?(?:end|start|beginning|middle|first\s+half|second\s+half)\s+of)"
)
_REL = r"(?i:last|next|this\s+coming|this\s+past|this|coming|past)"

_ISO_RX = re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01])\b")
_MONTH_RX = re.compile(
    rf"\b(?:(?:{'|'.join(_WEEKDAYS)}),?\s+)?(?:(?P<rel>{_REL})\s+)?(?:(?P<part>{_PART})(?:\s+|-))?"
    rf"(?:{_month('m1')}\s+(?:the\s+)?{_day('d1')}(?:\s?[-–]\s?{_day('d2')})?"
    rf"|(?:the\s+)?{_day('d3')}(?:\s?[-–]\s?{_day('d4')})?\s+(?:of\s+)?{_month('m2')}"
    rf"|{_month('m3')})"
    rf"(?:,?\s+(?:of\s+)?{_year('y')})?"
)
_YEAR_RX = re.compile(rf"\b(?:(?P<part>{_PART})(?:\s+|-))?{_year('y')}")
_SEASON_RX = re.compile(
    rf"\b(?:(?P<rel>{_REL})\s+|(?P<the>(?i:the))\s+)?(?:(?P<part>(?i:early|mid|late))(?:\s+|-))?"
    rf"(?P<season>(?i:spring|summer|autumn|fall|winter))\b(?:\s+(?:of\s+)?{_year('y')})?"
)
_PERIOD_RX = re.compile(
    rf"\b(?:(?P<part>{_PART})\s+)?(?P<rel>(?i:last|next|this|earlier\s+this|later\s+this|the\s+past|"
    r"the\s+last|the\s+coming|the\s+current|the))\s+(?P<unit>week|weekend|month|quarter|year)\b(?!-)"
)
_QUARTER_RX = re.compile(
    r"(?:\b(?P<q>Q[1-4])\b|(?P<qw>(?i:(?:the\s+)?(?:first|second|third|fourth|final)|the\s+last))"
    r"(?:\s+|-)(?i:quarter)\b|\b(?P<h>H[12])\b)"
    rf"(?:\s+(?:of\s+)?(?:{_year('y')}|(?P<yrel>(?i:this|next|last))\s+(?i:year)|(?i:the\s+year)))?"
)
_DAYWORD_RX = re.compile(
    r"\b(?:[Tt]he\s+day\s+before\s+yesterday|[Tt]he\s+day\s+after\s+tomorrow|[Yy]esterday|[Tt]oday|[Tt]onight|"
    r"[Tt]omorrow|[Tt]his\s+(?:morning|afternoon|evening)|[Ll]ast\s+night)\b"  # not "USA TODAY"
)
_DAYWORD_OFFSET = {"before": -2, "after": 2, "yesterday": -1, "tomorrow": 1, "night": -1}
_WEEKDAY_RX = re.compile(rf"\b(?:(?P<rel>{_REL}|(?i:on))\s+)?(?P<wd>{'|'.join(_WEEKDAYS)})\b")
_NUM = r"\d{1,4}|(?i:" + "|".join(_SMALL) + r")"
_SPAN_RX = re.compile(
    r"\b(?:(?P<pre>(?i:in|within|(?:over|in|during|for)\s+the\s+(?:next|past|last)|the\s+(?:next|past|last)))"
    rf"\s+)?\b(?P<n>{_NUM})\s+(?P<unit>(?i:day|week|month|year))s?\b(?:\s+(?P<dir>(?i:ago|from\s+now)))?"
)
_VAGUE_RX = re.compile(
    r"\b(?:(?P<pre>(?i:in|over|within|during|for))\s+)?(?i:the\s+)?(?P<rel>(?i:coming|next\s+few|next\s+several|"
    r"next\s+couple\s+of|past\s+few|past\s+several|past\s+couple\s+of|last\s+few|last\s+several|"
    r"last\s+couple\s+of|recent))\s+(?P<unit>(?i:days|weeks|months|years))\b"
    r"|(?P<pre2>(?i:in|over))\s+the\s+(?P<unit2>(?i:days|weeks|months|years))\s+(?i:ahead|to\s+come)\b"
)
_REL_MODE = dict.fromkeys(("last", "past", "this past"), "before") | dict.fromkeys(
    ("next", "coming", "this coming"), "after"
)
_ROLLING_DAYS = {"week": 7, "month": 30, "quarter": 91, "year": 365}
_VAGUE_DAYS = {"day": 14, "week": 42, "month": 182, "year": 1095}
_CONTEXT_BEFORE = re.compile(
    r"\b(?i:in|by|since|until|till|from|through|throughout|during|before|after|of|for|between|around)\s+$"
)
_JOIN_GAP = re.compile(r"\s*(?:[-–—]|(?i:or|and|to|through|until|till)(?:\s+(?i:in|on|by))?)\s*")
_BY_BEFORE = re.compile(r"\b(?i:by|no\s+later\s+than)\s+$")
_LEAD_BEFORE = re.compile(r"\b(?i:between|from)\s+$")
_FUTURE_CUE = re.compile(
    r"\b(?i:will|won't|shall|would|going\s+to|is\s+to|are\s+to|to\s+be|expects?|expected|due|set\s+to|"
    r"plans?|planned|planning|scheduled|aims?|intends?|upcoming|deadline|must|ha(?:s|ve)\s+to|needs?\s+to)\b"
    r"|'ll\b|’ll\b"
)
_PAST_CUE = re.compile(
    r"\b(?i:since|ago|so\s+far|was|were|had|did|said|told|left|went|came|took|began|\w{3,}ed)\b"
)
_SEASON_CONTEXT = re.compile(r"\b(?i:in|during|over|by|until|since|through|for|before|after)\s+$")
# Look-backs, in characters before a date expression, and windows around publication.
_CUE_LOOKBACK = 120  # a tense cue ("will", "said") is sought in about a sentence before the date
_CONTEXT_LOOKBACK = 12  # room for one preposition ("throughout ") before a bare month or year
_SEASON_LOOKBACK = 10  # room for one preposition ("through ") before "the summer"
_LEAD_LOOKBACK = 10  # room for "between " or "from " before the first date of a range
_BY_LOOKBACK = 16  # room for "by " or "no later than " before a deadline
_YEARLESS_YEARS = 2  # a yearless date is sought from two years before publication to the year after
_WEEK_PAD_DAYS = 3  # "two weeks ago" is the week centred on that day, not the day itself


def _clamp_day(y: int, m: int, d: int) -> date:
    return date(y, m, min(d, calendar.monthrange(y, m)[1]))


def _month_window(y: int, m: int) -> Window:
    return date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])


def _add_months(y: int, m: int, k: int) -> tuple[int, int]:
    i = y * 12 + (m - 1) + k
    return i // 12, i % 12 + 1


def _part(window: Window, part: str | None, unit: str) -> Window:
    """Narrow ``window`` to a part of it (see the module docstring)."""
    if not part:
        return window
    p = " ".join(part.lower().replace("the ", "").replace(" of", "").split())
    s, e = window
    if p in ("first half", "second half"):
        if unit == "year":
            return (date(s.year, 1, 1), date(s.year, 6, 30)) if p == "first half" else (date(s.year, 7, 1), e)
        mid = s + timedelta(days=(e - s).days // 2)
        return (s, mid) if p == "first half" else (mid + timedelta(days=1), e)
    third = {"early": 0, "start": 0, "beginning": 0, "mid": 1, "middle": 1, "late": 2, "end": 2}[p]
    if unit == "month":
        lo, hi = ((1, 10), (11, 20), (21, 31))[third]
        return _clamp_day(s.year, s.month, lo), _clamp_day(s.year, s.month, hi)
    if unit == "week":
        lo, hi = ((0, 1), (2, 3), (4, 6))[third]
        return s + timedelta(days=lo), s + timedelta(days=hi)
    if unit == "year":
        if p in ("start", "beginning", "end", "middle"):
            lo, hi = {"start": (1, 1), "beginning": (1, 1), "middle": (6, 7), "end": (12, 12)}[p]
        else:
            lo, hi = ((1, 4), (5, 8), (9, 12))[third]
        return date(s.year, lo, 1), _month_window(s.year, hi)[1]
    # quarters and seasons: their first, second or third month
    y, m = _add_months(s.year, s.month, third)
    return _month_window(y, m)


def _choose(build: Callable[[int], Window], published: date, prefer: str | None) -> Window:
    """The occurrence of a yearless expression nearest ``published``, or the one ``prefer`` asks for:
    "future" ends on or after publication, "past" starts on or before it, "after"/"before" lie
    wholly after/before it (the first/last such)."""
    options = []
    for y in range(published.year - _YEARLESS_YEARS, published.year + _YEARLESS_YEARS):
        with contextlib.suppress(ValueError, OverflowError):
            options.append(build(y))  # "February 29" exists in leap years only
    if prefer == "future":
        return next(w for w in options if w[1] >= published)
    if prefer == "after":
        return next(w for w in options if w[0] > published)
    if prefer == "past":
        return [w for w in options if w[0] <= published][-1]
    if prefer == "before":
        return [w for w in options if w[1] < published][-1]

    def distance(w: Window) -> int:
        if w[0] <= published <= w[1]:
            return 0
        return (w[0] - published).days if w[0] > published else (published - w[1]).days

    return min(options, key=distance)


def _cue(text: str, start: int) -> str | None:
    before = text[max(0, start - _CUE_LOOKBACK) : start]
    clause = before[max(before.rfind(ch) for ch in '.!?;\n“”"') + 1 :]  # a quote is another clause
    if _FUTURE_CUE.search(clause):
        return "future"
    if _PAST_CUE.search(clause):
        return "past"
    return None


def _has_context(text: str, start: int) -> bool:
    return bool(_CONTEXT_BEFORE.search(text[max(0, start - _CONTEXT_LOOKBACK) : start]))


def _rel(m: re.Match[str], group: str = "rel") -> str:
    return " ".join((m[group] or "").lower().split())


def _month_cand(text: str, m: re.Match[str], pub: date | None) -> _Cand | None:
    name = (m["m1"] or m["m2"] or m["m3"]).rstrip(".")
    month = _MONTHS[name.lower()]
    day, day2 = m["d1"] or m["d3"], m["d2"] or m["d4"]
    year = int(m["y"]) if m["y"] else None
    rel = _rel(m) if not (day or year) else ""
    part = m["part"] if not day else None
    if name not in _FULL_MONTHS.split("|") and not (day or year):
        return None  # an abbreviation needs a day or a year ("Mar-a-Lago")
    weak = not (day or year or part or rel) and not _has_context(text, m.start())

    def build(y: int) -> Window:
        if day:
            first, last = date(y, month, int(day)), date(y, month, int(day2 or day))
            if last < first:
                raise ValueError("day range runs backwards")
            return first, last
        return _part(_month_window(y, month), part, "month")

    window: Window | None = None
    if year is not None:
        window = build(year)
    elif pub is not None:
        window = (
            build(pub.year)
            if rel == "this"
            else _choose(build, pub, _REL_MODE.get(rel) or _cue(text, m.start()))
        )
    return _Cand(m.start(), m.end(), window, weak, year, None if year else build)


def _year_cand(text: str, m: re.Match[str], pub: date | None) -> _Cand:
    y = int(m["y"])
    weak = not m["part"] and not _has_context(text, m.start())
    return _Cand(m.start(), m.end(), _part((date(y, 1, 1), date(y, 12, 31)), m["part"], "year"), weak, y)


def _season_window(season: str, y: int) -> Window:
    first = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}[season]
    return date(y, first, 1), _month_window(*_add_months(y, first, 2))[1]


def _season_cand(text: str, m: re.Match[str], pub: date | None) -> _Cand | None:
    season, rel = m["season"].lower(), _rel(m)
    year = int(m["y"]) if m["y"] else None
    if not rel and year is None:
        if not m["the"] or not _SEASON_CONTEXT.search(text, max(0, m.start() - _SEASON_LOOKBACK), m.start()):
            return None  # "summer camp", "prices fall"
        if season == "fall" and text.startswith(" of", m.end()):
            return None  # "the fall of Rome"

    def build(y: int) -> Window:
        return _part(_season_window(season, y), m["part"], "season")

    window: Window | None = None
    if year is not None:
        window = build(year)
    elif pub is not None and rel == "this":
        window = build(pub.year - 1 if season == "winter" and pub.month <= 2 else pub.year)
    elif pub is not None:
        window = _choose(build, pub, _REL_MODE.get(rel) or _cue(text, m.start()))
    start = m.start() if rel or not m["the"] else m.end("the") + 1
    start = m.start("part") if m["part"] and not rel else start
    return _Cand(start, m.end(), window, False, year, None if year else build)


def _period_window(unit: str, rel: str, pub: date) -> Window:
    """Calendar week/weekend/month/quarter/year relative to ``pub``."""
    mon = pub - timedelta(days=pub.weekday())
    if unit == "weekend":
        step = {"the past": -1, "the last": -1, "last": -1, "next": 1}.get(rel, 0)
        if rel == "the coming":
            step = 0 if pub.weekday() < 5 else 1
        sat = mon + timedelta(days=5 + 7 * step)
        return sat, sat + timedelta(days=1)
    if rel in ("the past", "the last"):
        return pub - timedelta(days=_ROLLING_DAYS[unit]), pub
    if rel == "the coming":
        return pub + timedelta(days=1), pub + timedelta(days=_ROLLING_DAYS[unit])
    step = {"last": -1, "next": 1}.get(rel, 0)
    if unit == "week":
        s, e = mon + timedelta(days=7 * step), mon + timedelta(days=7 * step + 6)
    elif unit == "month":
        s, e = _month_window(*_add_months(pub.year, pub.month, step))
    elif unit == "quarter":
        y, m = _add_months(pub.year, (pub.month - 1) // 3 * 3 + 1, 3 * step)
        s, e = date(y, m, 1), _month_window(*_add_months(y, m, 2))[1]
    else:
        s, e = date(pub.year + step, 1, 1), date(pub.year + step, 12, 31)
    if rel == "earlier this":
        return s, pub
    if rel == "later this":
        return min(pub + timedelta(days=1), e), e
    return s, e


def _period_cand(text: str, m: re.Match[str], pub: date | None) -> _Cand | None:
    rel, unit = _rel(m), m["unit"].lower()
    if rel == "the" and not m["part"]:
        return None  # "the year" alone
    window = None
    if pub is not None:
        window = _period_window(unit, "this" if rel in ("the", "the current") else rel, pub)
        if rel not in ("earlier this", "later this", "the past", "the last", "the coming"):
            window = _part(window, m["part"], unit)
    return _Cand(m.start(), m.end(), window)


def _quarter_cand(text: str, m: re.Match[str], pub: date | None) -> _Cand:
    if m["h"]:
        q, size = int(m["h"][1]), 6
    else:
        word = (m["q"] or m["qw"]).lower().split()[-1]
        q, size = {"q1": 1, "q2": 2, "q3": 3, "q4": 4, "first": 1, "second": 2, "third": 3}.get(word, 4), 3

    def build(y: int) -> Window:
        first = (q - 1) * size + 1
        return date(y, first, 1), _month_window(*_add_months(y, first, size - 1))[1]

    year = int(m["y"]) if m["y"] else None
    window = None
    if year is not None:
        window = build(year)
    elif pub is not None and m["yrel"]:
        window = build(pub.year + {"this": 0, "next": 1, "last": -1}[m["yrel"].lower()])
    elif pub is not None:
        window = _choose(build, pub, _cue(text, m.start()))
    return _Cand(m.start(), m.end(), window, False, year, None if year else build)


def _dayword_cand(text: str, m: re.Match[str], pub: date | None) -> _Cand:
    day = pub + timedelta(days=_DAYWORD_OFFSET.get(m.group().lower().split()[-1], 0)) if pub else None
    return _Cand(m.start(), m.end(), (day, day) if day else None)


def _weekday_cand(text: str, m: re.Match[str], pub: date | None) -> _Cand:
    rel = _rel(m)
    window = None
    if pub is not None:
        target = _WEEKDAYS.index(m["wd"])
        back, ahead = (pub.weekday() - target) % 7, (target - pub.weekday()) % 7
        if rel in ("last", "past", "this past"):
            day = pub - timedelta(days=back or 7)
        elif rel in ("next", "coming", "this coming"):
            day = pub + timedelta(days=ahead or 7)
        elif rel == "this":
            day = pub + timedelta(days=target - pub.weekday())
        else:
            day = (
                pub + timedelta(days=ahead)
                if _cue(text, m.start()) == "future"
                else pub - timedelta(days=back)
            )
        window = (day, day)
    return _Cand(m.start("wd") if rel in ("", "on") else m.start(), m.end(), window)


def _span_cand(text: str, m: re.Match[str], pub: date | None) -> _Cand | None:
    pre, direction = _rel(m, "pre"), _rel(m, "dir")
    if not (pre or direction) or (pre and direction) or text.startswith(" of", m.end()):
        return None
    if pre in ("the next", "the past", "the last"):
        return None  # "the next three days" without a preposition is usually a duration
    if pre in ("in", "within") and _cue(text, m.start()) != "future":
        return None  # "lost 10 pounds in a month", "sold out within two days"
    n = int(m["n"]) if m["n"].isdigit() else _SMALL[m["n"].lower()]
    unit = m["unit"].lower()
    window = None
    if pub is not None:
        days = n * {"day": 1, "week": 7, "month": 30, "year": 365}[unit]
        sign = -1 if direction == "ago" else 1
        if pre == "within" or "next" in pre:
            window = (pub + timedelta(days=1), pub + timedelta(days=days))
        elif "past" in pre or "last" in pre:
            window = (pub - timedelta(days=days), pub)
        elif unit in ("day", "week"):
            centre, pad = (
                pub + timedelta(days=sign * days),
                timedelta(days=_WEEK_PAD_DAYS if unit == "week" else 0),
            )
            window = (centre - pad, centre + pad)
        elif unit == "month":
            window = _month_window(*_add_months(pub.year, pub.month, sign * n))
        else:
            window = (date(pub.year + sign * n, 1, 1), date(pub.year + sign * n, 12, 31))
    return _Cand(m.start(), m.end(), window)


def _vague_cand(text: str, m: re.Match[str], pub: date | None) -> _Cand:
    window = None
    if pub is not None:
        span = timedelta(days=_VAGUE_DAYS[(m["unit"] or m["unit2"]).lower()[:-1]])
        past = (m["rel"] or "").lower().startswith(("past", "last", "recent"))
        window = (pub - span, pub) if past else (pub + timedelta(days=1), pub + span)
    return _Cand(m.start(), m.end(), window)


def _iso_cand(text: str, m: re.Match[str], pub: date | None) -> _Cand:
    d = date(int(m["y"]), int(m["m"]), int(m["d"]))
    return _Cand(m.start(), m.end(), (d, d), year=d.year)


_Finder = Callable[[str, re.Match[str], date | None], _Cand | None]
_FINDERS: tuple[tuple[re.Pattern[str], _Finder], ...] = (
    (_MONTH_RX, _month_cand), (_YEAR_RX, _year_cand), (_SEASON_RX, _season_cand), (_PERIOD_RX, _period_cand),
    (_QUARTER_RX, _quarter_cand), (_DAYWORD_RX, _dayword_cand), (_WEEKDAY_RX, _weekday_cand),
    (_SPAN_RX, _span_cand), (_VAGUE_RX, _vague_cand), (_ISO_RX, _iso_cand),
)  # fmt: skip


def _merge(text: str, cands: list[_Cand]) -> list[_Cand]:
    """Join "X or Y", "X to Y", "between X and Y" into one expression."""
    out: list[_Cand] = []
    for c in cands:
        prev = out[-1] if out else None
        if prev is not None and _JOIN_GAP.fullmatch(text, prev.end, c.start):
            w1 = prev.window
            if prev.year is None and c.year is not None and prev.rebuild is not None:
                with contextlib.suppress(ValueError, OverflowError):
                    w1 = prev.rebuild(c.year)  # "May 5 to June 2, 2026": the year applies to both
            window = None
            if w1 is not None and c.window is not None:
                window = (min(w1[0], c.window[0]), max(w1[1], c.window[1]))
            lead = _LEAD_BEFORE.search(text, max(0, prev.start - _LEAD_LOOKBACK), prev.start)
            start = lead.start() if lead else prev.start
            out[-1] = _Cand(start, c.end, window, prev.weak and c.weak, c.year or prev.year)
        else:
            out.append(c)
    return [c for c in out if not c.weak]


def _by_deadline(text: str, c: _Cand, pub: date | None) -> _Cand:
    m = _BY_BEFORE.search(text, max(0, c.start - _BY_LOOKBACK), c.start)
    if not m:
        return c
    window = c.window
    if window is not None and pub is not None and window[1] > pub:
        window = (pub + timedelta(days=1), window[1])
    return _Cand(m.start(), c.end, window)


def find_dates(text: str, published: date | None) -> list[DateMatch]:
    """Every date expression in ``text`` in order, none overlapping, with its window."""
    cands: list[_Cand] = []
    for rx, make in _FINDERS:
        for m in rx.finditer(text):
            try:
                c = make(text, m, published)
            except (ValueError, OverflowError, StopIteration, IndexError):
                continue  # "February 30", or a window beyond date.min/date.max
            if c is not None:
                cands.append(c)
    cands.sort(key=lambda c: (c.start - c.end, c.weak, c.start))
    taken: list[_Cand] = []
    used = bytearray(len(text) + 1)
    for c in cands:
        if not any(used[c.start : c.end]):
            taken.append(c)
            used[c.start : c.end] = b"\x01" * (c.end - c.start)
    taken.sort(key=lambda c: c.start)
    return [
        DateMatch(c.start, c.end, c.window)
        for c in (_by_deadline(text, c, published) for c in _merge(text, taken))
    ]
