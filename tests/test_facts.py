"""Facts: money, percentages, counts and dates in article text, and conflicts between articles."""

from __future__ import annotations

import json
import random
import time
from datetime import date
from pathlib import Path

import pytest

from corroborate.facts.figures import Conflict, extract_facts, find_conflicts
from corroborate.types import Fact, to_json

PUB = date(2025, 4, 2)  # a Wednesday
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _of_kind(text: str, kind: str, published: date | None = PUB) -> list[Fact]:
    return [f for f in extract_facts(text, published) if f.kind == kind]


def _one(text: str, kind: str, published: date | None = PUB) -> Fact:
    found = _of_kind(text, kind, published)
    assert len(found) == 1, [f.span.text for f in found]
    return found[0]


def _seed(name: str) -> tuple[str, date]:
    text = (EXAMPLES / f"{name}.txt").read_text(encoding="utf-8")
    meta = json.loads((EXAMPLES / f"{name}.meta.json").read_text(encoding="utf-8"))
    return text, date.fromisoformat(meta["published"])


def _find(facts: tuple[Fact, ...], span: str) -> Fact:
    found = [f for f in facts if f.span.text == span]
    assert len(found) == 1, (span, [f.span.text for f in facts])
    return found[0]


# --- money -----------------------------------------------------------------------------------------

MONEY = [
    ("Musk spent $277 million on the race.", "$277 million", 277e6, None, "USD"),
    ("The UK paid £210 million for it.", "£210 million", 210e6, None, "GBP"),
    ("He poured £16 million into the campaign.", "£16 million", 16e6, None, "GBP"),
    ("The EU set aside €5bn for defence.", "€5bn", 5e9, None, "EUR"),
    ("Apple paid US$3.2 billion.", "US$3.2 billion", 3.2e9, None, "USD"),
    ("Debt reached $1.5tn last year.", "$1.5tn", 1.5e12, None, "USD"),
    ("He was paid 5 million dollars.", "5 million dollars", 5e6, None, "USD"),
    ("It costs 10 pounds to enter.", "10 pounds", 10.0, None, "GBP"),
    ("The salary is $500,000 a year.", "$500,000", 500_000.0, None, "USD"),
    ("A coffee costs $2.50 here.", "$2.50", 2.5, None, "USD"),
    ("Tickets cost 50 cents each.", "50 cents", 0.5, None, "USD"),
    ("A bag costs 20p now.", "20p", 0.2, None, "GBP"),
    ("The bill came to A$40 million.", "A$40 million", 40e6, None, "AUD"),
    ("He said five million euros went missing.", "five million euros", 5e6, None, "EUR"),
    ("Revenue hit ¥1.2 trillion.", "¥1.2 trillion", 1.2e12, None, "JPY"),
    ("The contract is worth USD 40 million.", "USD 40 million", 40e6, None, "USD"),
    ("They paid $5M for the site.", "$5M", 5e6, None, "USD"),
    ("A pension of $500k was agreed.", "$500k", 500e3, None, "USD"),
    ("Chelsea £115m cash injection confirmed", "£115m", 115e6, None, "GBP"),
    ("The deal was worth between $5m and $8m.", "between $5m and $8m", 5e6, 8e6, "USD"),
    ("The deal was worth $10-15 million.", "$10-15 million", 10e6, 15e6, "USD"),
    ("The project cost $500 to $2 million.", "$500 to $2 million", 500.0, 2e6, "USD"),
]


@pytest.mark.parametrize(("text", "span", "value", "high", "unit"), MONEY)
def test_money(text: str, span: str, value: float, high: float | None, unit: str) -> None:
    fact = _one(text, "money")
    assert fact.span.text == span
    assert fact.value == pytest.approx(value)
    assert fact.value_high == (None if high is None else pytest.approx(high))
    assert fact.unit == unit


@pytest.mark.parametrize(
    "text",
    [
        "He lost 10 pounds in a month.",
        "Add 5 pounds of flour.",
        "The meeting starts at 5p.m. sharp.",
        "Anyone can turn a multi-million dollar inheritance into more money.",
        "Inflation is high.",
    ],
)
def test_not_money(text: str) -> None:
    assert _of_kind(text, "money") == []


@pytest.mark.parametrize(
    ("text", "first", "second"),
    [
        ("Musk spent around $277 million (£210 million) in support.", "$277 million", "£210 million"),
        ("The fund is worth £210m ($277m).", "£210m", "$277m"),
        ("The fund is worth £210m (about $277m).", "£210m", "$277m"),
        ("The fund raised $277m, or about £210m, last year.", "$277m", "£210m"),
    ],
)
def test_two_currencies_are_linked(text: str, first: str, second: str) -> None:
    facts = extract_facts(text, PUB)
    a, b = _find(facts, first), _find(facts, second)
    assert facts[a.linked] is b and facts[b.linked] is a
    assert a.unit != b.unit
    assert a.quantity == b.quantity


@pytest.mark.parametrize(
    "text",
    ["He gave $5m and £3m to charity.", "It cost $5m ($6m with fees).", "It cost $5m (a record)."],
)
def test_not_linked(text: str) -> None:
    assert all(f.linked is None for f in extract_facts(text, PUB))


# --- percentages -----------------------------------------------------------------------------------

PERCENT = [
    ("Trump slapped a 125% tariff on Chinese imports.", "125%", 125.0, None, "%"),
    ("He will impose border taxes of around 20-25% on goods.", "20-25%", 20.0, 25.0, "%"),
    ("Growth of 20 to 25 percent is expected.", "20 to 25 percent", 20.0, 25.0, "%"),
    ("It was backed by between 20% and 25% of voters.", "between 20% and 25%", 20.0, 25.0, "%"),
    ("The share rose 20%-25% in a year.", "20%-25%", 20.0, 25.0, "%"),
    ("Inflation was 3.5 per cent in March.", "3.5 per cent", 3.5, None, "%"),
    ("About ten percent of the staff left.", "ten percent", 10.0, None, "%"),
    ("Support is at 45pc.", "45pc", 45.0, None, "%"),
    ("Rates rose by 0.25 percentage points.", "0.25 percentage points", 0.25, None, "pp"),
    ("Labour's lead is 3pp.", "3pp", 3.0, None, "pp"),
    ("The bank made a rise of 50 basis points.", "50 basis points", 50.0, None, "bp"),
    ("Sixty-two percent of Republicans agreed.", "Sixty-two percent", 62.0, None, "%"),
    ("Turnout was 72-75 percent there.", "72-75 percent", 72.0, 75.0, "%"),
]


@pytest.mark.parametrize(("text", "span", "value", "high", "unit"), PERCENT)
def test_percent(text: str, span: str, value: float, high: float | None, unit: str) -> None:
    fact = _one(text, "percent")
    assert fact.span.text == span
    assert fact.value == pytest.approx(value)
    assert fact.value_high == (None if high is None else pytest.approx(high))
    assert fact.unit == unit


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Rates rose from 20% to 25% this year.", [("20%", 20.0, "%"), ("25%", 25.0, "%")]),  # a change
        (
            "Clinton leads Trump 46 percent to 42 percent.",
            [("46 percent", 46.0, "%"), ("42 percent", 42.0, "%")],
        ),
        ("She won 64%-27% there.", [("64%", 64.0, "%"), ("27%", 27.0, "%")]),  # a score
        (
            "It rose 0.1 percentage points to 4.2 percent.",
            [("0.1 percentage points", 0.1, "pp"), ("4.2 percent", 4.2, "%")],
        ),
        ("It cut emissions by 2030 to 32 percent below 2005 levels.", [("32 percent", 32.0, "%")]),
    ],
)
def test_two_percentages_that_are_not_a_range(text: str, expected: list[tuple[str, float, str]]) -> None:
    facts = _of_kind(text, "percent")
    assert [(f.span.text, f.value, f.unit) for f in facts] == expected
    assert all(f.value_high is None for f in facts)


def test_two_amounts_that_are_not_a_range() -> None:
    facts = _of_kind("Democratic PACs raised $64.8million to $45.1million for Republicans.", "money")
    assert [(f.span.text, f.value, f.value_high) for f in facts] == [
        ("$64.8million", 64.8e6, None),
        ("$45.1million", 45.1e6, None),
    ]


# --- counts ----------------------------------------------------------------------------------------

COUNTS = [
    (
        "According to three White House insiders speaking to the paper",
        "three White House insiders",
        3,
        "insiders",
    ),
    ("1,200 federal employees were laid off.", "1,200 federal employees", 1200, "employees"),
    ("A dozen officials resigned.", "A dozen officials", 12, "officials"),
    ("Some 2.3 million people voted.", "2.3 million people", 2.3e6, "people"),
    ("Then twenty-five Republicans voted against.", "twenty-five Republicans", 25, "republicans"),
    ("Photos of 30 Supreme Court Judges", "30 Supreme Court Judges", 30, "judges"),
    ("Police arrested 14 protesters.", "14 protesters", 14, "protesters"),
    ("The company cut 300 jobs.", "300 jobs", 300, "jobs"),
    ("Two hundred thousand people marched.", "Two hundred thousand people", 200_000, "people"),
    ("The firm hired three sales executives.", "three sales executives", 3, "executives"),
    ("About 7 children were hurt.", "7 children", 7, "children"),
]


@pytest.mark.parametrize(("text", "span", "value", "unit"), COUNTS)
def test_count(text: str, span: str, value: float, unit: str) -> None:
    fact = _one(text, "count")
    assert fact.span.text == span
    assert fact.value == pytest.approx(value)
    assert fact.unit == unit


@pytest.mark.parametrize(
    "text",
    [
        "The 62-year-old man was arrested.",  # ages are not counts
        "Trump announced a 90-day pause on tariffs.",
        "Crawford won by a landslide ten-point margin.",
        "Then the two men left.",  # refers back, not a figure
        "One senior official said so.",
        "The 2024 elections were close.",
        "He served three years in prison.",  # durations are not counts
        "It happened five times.",
        "COVID-19 patients died.",
        "Weed dealer admits killing boy, 7 in horror drugs blast",
        "Shops open at 10:30 daily.",
        "He finished 3rd of 40.",
    ],
)
def test_not_counts(text: str) -> None:
    assert _of_kind(text, "count") == []


# --- dates -----------------------------------------------------------------------------------------

DATES = [
    ("He would leave in late May or early June.", "late May or early June", "2025-05-21", "2025-06-10", True),
    ("It lost a race on Tuesday, where he spent heavily.", "Tuesday", "2025-04-01", "2025-04-01", False),
    ("He will step back in the coming weeks.", "in the coming weeks", "2025-04-03", "2025-05-14", True),
    ("It followed the attempt on Trump last July.", "last July", "2024-07-01", "2024-07-31", False),
    ("They have branded April 2 'Liberation Day'.", "April 2", "2025-04-02", "2025-04-02", False),
    ("The meeting is on April 2, 2025.", "April 2, 2025", "2025-04-02", "2025-04-02", False),
    ("The meeting is on 2 April 2025.", "2 April 2025", "2025-04-02", "2025-04-02", False),
    ("The meeting is on the 2nd of April.", "the 2nd of April", "2025-04-02", "2025-04-02", False),
    ("He arrived on Tuesday, April 1.", "Tuesday, April 1", "2025-04-01", "2025-04-01", False),
    ("The deadline is Sept. 30.", "Sept. 30", "2025-09-30", "2025-09-30", True),
    ("The talks ran April 2-4.", "April 2-4", "2025-04-02", "2025-04-04", False),
    ("He will step down by the end of the year.", "by the end of the year", "2025-04-03", "2025-12-31", True),
    ("He hopes to finish by the end of May.", "by the end of May", "2025-04-03", "2025-05-31", True),
    ("It will open this summer.", "this summer", "2025-06-01", "2025-08-31", True),
    ("He left last summer.", "last summer", "2024-06-01", "2024-08-31", False),
    ("Next winter will be cold.", "Next winter", "2025-12-01", "2026-02-28", True),
    ("Talks resume next week.", "next week", "2025-04-07", "2025-04-13", True),
    ("A vote comes next month.", "next month", "2025-05-01", "2025-05-31", True),
    ("He said it yesterday.", "yesterday", "2025-04-01", "2025-04-01", False),
    ("He returns tomorrow.", "tomorrow", "2025-04-03", "2025-04-03", True),
    ("He joined last year as head of DOGE.", "last year", "2024-01-01", "2024-12-31", False),
    ("It will launch in 2026.", "2026", "2026-01-01", "2026-12-31", True),
    ("Results are due in Q3 2025.", "Q3 2025", "2025-07-01", "2025-09-30", True),
    ("The plan takes effect in the third quarter.", "the third quarter", "2025-07-01", "2025-09-30", True),
    (
        "Growth slows in the first half of next year.",
        "the first half of next year",
        "2026-01-01",
        "2026-06-30",
        True,
    ),
    ("Sales fell in early 2024.", "early 2024", "2024-01-01", "2024-04-30", False),
    ("Sales will rise by mid-2026.", "by mid-2026", "2025-04-03", "2026-08-31", True),
    ("He will go in late 2025 or early 2026.", "late 2025 or early 2026", "2025-09-01", "2026-04-30", True),
    ("The talks end in mid-May.", "mid-May", "2025-05-11", "2025-05-20", True),
    ("The lease ends at the end of May.", "the end of May", "2025-05-21", "2025-05-31", True),
    ("They will vote on Wednesday.", "Wednesday", "2025-04-02", "2025-04-02", False),
    ("He will speak on Friday.", "Friday", "2025-04-04", "2025-04-04", True),
    ("He spoke on Friday.", "Friday", "2025-03-28", "2025-03-28", False),
    ("He spoke last Friday.", "last Friday", "2025-03-28", "2025-03-28", False),
    ("He speaks next Friday.", "next Friday", "2025-04-04", "2025-04-04", True),
    ("Talks were held last weekend.", "last weekend", "2025-03-29", "2025-03-30", False),
    ("More talks are due this weekend.", "this weekend", "2025-04-05", "2025-04-06", True),
    ("Earlier this week he quit.", "Earlier this week", "2025-03-31", "2025-04-02", False),
    ("He will testify later this month.", "later this month", "2025-04-03", "2025-04-30", True),
    ("It will happen between May and June.", "between May and June", "2025-05-01", "2025-06-30", True),
    (
        "It ran from December 2024 to February 2025.",
        "from December 2024 to February 2025",
        "2024-12-01",
        "2025-02-28",
        False,
    ),
    ("It happened three weeks ago.", "three weeks ago", "2025-03-09", "2025-03-15", False),
    ("He quit two months ago.", "two months ago", "2025-02-01", "2025-02-28", False),
    ("The talks ended 10 days ago.", "10 days ago", "2025-03-23", "2025-03-23", False),
    ("The vote will be held in two weeks.", "in two weeks", "2025-04-13", "2025-04-19", True),
    ("The firm must repay it within 90 days.", "within 90 days", "2025-04-03", "2025-07-01", True),
    (
        "Over the next three months, prices will rise.",
        "Over the next three months",
        "2025-04-03",
        "2025-07-01",
        True,
    ),
    ("In recent months, costs rose.", "In recent months", "2024-10-02", "2025-04-02", False),
    ("He will leave in May.", "May", "2025-05-01", "2025-05-31", True),
    ("She left in May, he said.", "May", "2024-05-01", "2024-05-31", False),
    ("He returned to the White House in January.", "January", "2025-01-01", "2025-01-31", False),
    ("Theresa May resigned in May 2019.", "May 2019", "2019-05-01", "2019-05-31", False),
    ("Sales were strong in the fall of 2024.", "fall of 2024", "2024-09-01", "2024-11-30", False),
    ("The law took effect on 2025-01-15.", "2025-01-15", "2025-01-15", "2025-01-15", False),
]


@pytest.mark.parametrize(("text", "span", "start", "end", "future"), DATES)
def test_date(text: str, span: str, start: str, end: str, future: bool) -> None:
    fact = _one(text, "date")
    assert fact.span.text == span
    assert (fact.date_start, fact.date_end) == (date.fromisoformat(start), date.fromisoformat(end))
    assert fact.future is future


@pytest.mark.parametrize(
    "text",
    [
        "He may leave soon.",
        "May I ask a question?",
        "Theresa May said no.",
        "They met at Mar-a-Lago.",
        "The fall of Rome was sudden.",
        "Prices fall when supply rises.",
        "DOGE will continue its important work.",
        "He lost 10 pounds in a month.",
        "It sold out within two days.",
        "Talks will take the next three days.",
        "The 1990s were different.",
        "He told USA TODAY so.",
        "He appeared on ABC's This Week.",
        "The talks ran April 28-3.",  # a backwards day range is no date
    ],
)
def test_not_dates(text: str) -> None:
    assert _of_kind(text, "date") == []


def test_without_publication_date_only_years_get_windows() -> None:
    facts = extract_facts(
        "On April 2, 2025 he said he would leave in late May or early June, as he did last year.", None
    )
    dated = {f.span.text: (f.date_start, f.date_end) for f in facts if f.kind == "date"}
    assert dated == {
        "April 2, 2025": (date(2025, 4, 2), date(2025, 4, 2)),
        "late May or early June": (None, None),
        "last year": (None, None),
    }
    assert not any(f.future for f in facts)


def test_year_on_the_second_date_applies_to_the_first() -> None:
    fact = _one("The sale runs May 5 to June 2, 2026.", "date")
    assert fact.span.text == "May 5 to June 2, 2026"
    assert (fact.date_start, fact.date_end) == (date(2026, 5, 5), date(2026, 6, 2))


def test_yearless_date_takes_the_nearest_year() -> None:
    fact = _one("The report came out on December 20.", "date", date(2025, 1, 5))
    assert fact.date_start == date(2024, 12, 20)


@pytest.mark.parametrize(
    ("text", "published", "start"),
    [
        ("It happened last July.", date(2025, 7, 15), date(2024, 7, 1)),  # July is not over yet
        ("It happened last July.", date(2025, 8, 1), date(2025, 7, 1)),
        ("It happens next July.", date(2025, 7, 1), date(2026, 7, 1)),
        ("It happens next July.", date(2025, 6, 30), date(2025, 7, 1)),
        ("It happened last winter.", date(2025, 4, 2), date(2024, 12, 1)),
        ("It happens this winter.", date(2025, 1, 10), date(2024, 12, 1)),
    ],
)
def test_last_and_next_around_the_publication_month(text: str, published: date, start: date) -> None:
    assert _one(text, "date", published).date_start == start


def test_a_quote_is_its_own_clause_for_tense() -> None:
    text = "“There has to be some form of punishment,” Trump said at a town hall in March."
    assert _one(text, "date", date(2016, 10, 1)).date_start == date(2016, 3, 1)


def test_impossible_dates_are_skipped_and_leap_days_found() -> None:
    assert [f.span.text for f in _of_kind("On February 30 and on March 3 he spoke.", "date")] == ["March 3"]
    assert _one("On February 29 he spoke.", "date").date_start == date(2024, 2, 29)


# --- quantity keys ---------------------------------------------------------------------------------

QUANTITIES = [
    ("DOGE has saved $150 billion so far.", "$150 billion", "doge savings"),
    ("DOGE saved $160 billion, Musk said.", "$160 billion", "doge savings"),
    ("Elon Musk spent around $277 million on the race.", "$277 million", "musk spending"),
    ("He poured £16 million into the campaign.", "£16 million", "spending"),
    ("He will impose border taxes of around 20-25% on goods.", "20-25%", "border tax"),
    ("It could hit UK exports to the tune of £22 billion.", "£22 billion", "uk export"),
    ("The cost of the DOGE cuts was $5 billion.", "$5 billion", "cost of doge cuts"),
    ("Trump slapped a 125% tariff on Chinese imports.", "125%", "tariff"),
    ("It sits on top of a 20% levy imposed earlier.", "20%", "levy"),
    ("Unemployment stood at 4.2% in March.", "4.2%", "unemployment"),
    ("Unemployment rose 0.5% in March.", "0.5%", "unemployment change"),
    ("It was backed by between 20% and 25% of voters.", "between 20% and 25%", "share of voters"),
    ("1,200 federal employees were laid off.", "1,200 federal employees", "federal employee"),
    ("The deal is worth $10 billion.", "$10 billion", "deal"),
    ("It rose to 4.2% in March.", "4.2%", None),
]


@pytest.mark.parametrize(("text", "span", "quantity"), QUANTITIES)
def test_quantity(text: str, span: str, quantity: str | None) -> None:
    assert _find(extract_facts(text, PUB), span).quantity == quantity


# --- the seed articles, end to end ------------------------------------------------------------------


def test_seed_002_figures_and_dates() -> None:
    text, published = _seed("002_940bf8f4067e6dbb")
    assert published == date(2025, 4, 2)
    facts = extract_facts(text, published)
    dollars, pounds = _find(facts, "$277 million"), _find(facts, "£210 million")
    assert (dollars.value, dollars.unit, pounds.value, pounds.unit) == (277e6, "USD", 210e6, "GBP")
    assert facts[dollars.linked] is pounds and facts[pounds.linked] is dollars
    assert _find(facts, "£16 million").value == 16e6
    assert _find(facts, "£22 billion").value == 22e9
    tariff = _find(facts, "20-25%")
    assert (tariff.kind, tariff.value, tariff.value_high, tariff.unit) == ("percent", 20.0, 25.0, "%")
    leave = _find(facts, "late May or early June")
    assert (leave.date_start, leave.date_end, leave.future) == (date(2025, 5, 21), date(2025, 6, 10), True)
    weeks = _find(facts, "in the coming weeks")
    assert weeks.future and weeks.date_start == date(2025, 4, 3)
    assert _find(facts, "last July").date_start == date(2024, 7, 1)
    assert _find(facts, "Tuesday").date_start == date(2025, 4, 1)  # the Wisconsin race
    assert _find(facts, "April 2").date_start == date(2025, 4, 2)
    assert _find(facts, "January").date_start == date(2025, 1, 1)
    insiders = _find(facts, "three White House insiders")
    assert (insiders.kind, insiders.value, insiders.unit) == ("count", 3.0, "insiders")
    assert not any("ten-point" in f.span.text for f in facts)


def test_seed_000_figures_and_dates() -> None:
    text, published = _seed("000_4d6a7cf84a4b85b6")
    facts = extract_facts(text, published)
    tariff = _find(facts, "125%")
    assert (tariff.value, tariff.unit, tariff.quantity) == (125.0, "%", "tariff")
    levy = _find(facts, "20%")
    assert (levy.value, levy.quantity) == (20.0, "levy")
    week = _find(facts, "last week")
    assert (week.date_start, week.date_end) == (date(2025, 3, 31), date(2025, 4, 6))
    assert _find(facts, "last year").date_start == date(2024, 1, 1)
    assert _find(facts, "earlier this year").date_start == date(2025, 1, 1)
    assert not any("90" in f.span.text for f in facts)  # "90-day tariff pause" is a duration
    assert not any(f.kind == "date" and "DOGE" in f.span.text for f in facts)


@pytest.mark.parametrize("name", ["000_4d6a7cf84a4b85b6", "002_940bf8f4067e6dbb"])
def test_seed_spans_are_exact_ordered_and_disjoint(name: str) -> None:
    text, published = _seed(name)
    facts = extract_facts(text, published)
    assert facts
    for f in facts:
        assert text[f.span.start : f.span.end] == f.span.text
    for a, b in zip(facts, facts[1:], strict=False):
        assert a.span.end <= b.span.start


def test_skip_ranges_are_honoured() -> None:
    text, published = _seed("002_940bf8f4067e6dbb")
    furniture = text.index("You may also like")
    facts = extract_facts(text, published, skip=[(furniture, len(text))])
    assert all(f.span.end <= furniture for f in facts)
    assert not any(f.span.text in ("£115m", "30 Supreme Court Judges") for f in facts)
    assert _find(facts, "£16 million")
    everything = extract_facts(text, published)
    assert _find(everything, "£115m") and _find(everything, "30 Supreme Court Judges")


def test_skip_range_cutting_a_figure_drops_it() -> None:
    text = "He spent $277 million last year."
    start = text.index("277")
    assert [f.span.text for f in extract_facts(text, PUB, skip=[(start, start + 2)])] == ["last year"]


def test_linked_index_survives_skips() -> None:
    text = "READ MORE: 5 things. Musk spent $277 million (£210 million)."
    facts = extract_facts(text, PUB, skip=[(0, text.index("Musk"))])
    assert [f.linked for f in facts] == [1, 0]


# --- robustness -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\n\n\n",
        "%%%$$$£££",
        "$",
        "May",
        "the cost rose by five percent in may while three officials said prices fell 20 to 25 percent",
        "1" * 5000,
        "one " * 3000,
        "$1" * 3000,
        "May " * 3000,
        "Tuesday " * 3000,
        " " * 50_000,
        "20-" * 3000,
    ],
)
def test_never_raises_on_odd_input(text: str) -> None:
    started = time.perf_counter()
    facts = extract_facts(text, PUB)
    assert time.perf_counter() - started < 5
    assert all(text[f.span.start : f.span.end] == f.span.text for f in facts)


def test_no_punctuation_input() -> None:
    text = "the cost rose by five percent in May while three officials said prices fell 20 to 25 percent"
    spans = [f.span.text for f in extract_facts(text, PUB)]
    assert spans == ["five percent", "May", "three officials", "20 to 25 percent"]


def test_100k_characters_is_fast() -> None:
    paragraph = (
        "Elon Musk spent around $277 million (£210 million) last year, and on Tuesday three insiders said "
        "the 125% tariff and 20-25% levies will hit 1,200 federal employees in late May or early June. "
    )
    text = paragraph * (100_000 // len(paragraph) + 1)
    assert len(text) >= 100_000
    started = time.perf_counter()
    facts = extract_facts(text, PUB)
    assert time.perf_counter() - started < 10
    assert len(facts) == 9 * (100_000 // len(paragraph) + 1)


def test_fuzz_never_raises() -> None:
    rng = random.Random(4)
    pieces = ["May", "June", "2025", "$", "£", "5", ",", "000", "%", "-", " ", "to", "late", "by", "the", "end",
              "of", "year", "last", "Tuesday", "million", "(", ")", "three", "people", ".", "\n", "between", "and"]  # fmt: skip
    for published in (PUB, None, date(1, 1, 1), date(9999, 12, 31)):
        for _ in range(300):
            text = " ".join(rng.choice(pieces) for _ in range(rng.randint(1, 25)))
            for f in extract_facts(text, published):
                assert text[f.span.start : f.span.end] == f.span.text


def test_extreme_publication_dates() -> None:
    text = "Yesterday he said next year, last July and next week, on Tuesday and in the coming months."
    for published in (date(1, 1, 1), date(9999, 12, 31)):
        assert len(_of_kind(text, "date", published)) >= 1


# --- conflicts --------------------------------------------------------------------------------------


def _facts(text: str) -> tuple[Fact, ...]:
    return extract_facts(text, PUB)


def _items(*texts: str) -> list[tuple[int, Fact]]:
    return [(article_id, f) for article_id, text in enumerate(texts, start=1) for f in _facts(text)]


def test_conflict_between_two_articles() -> None:
    conflicts = find_conflicts(_items("DOGE has saved $150 billion.", "DOGE saved $160 billion, he said."))
    assert len(conflicts) == 1
    c = conflicts[0]
    assert (c.quantity, c.unit) == ("doge savings", "USD")
    assert [(aid, f.value) for aid, f in c.values] == [(1, 150e9), (2, 160e9)]


def test_no_conflict_within_one_article() -> None:
    text = "DOGE has saved $150 billion. Critics say DOGE saved $100 billion at most."
    assert find_conflicts([(1, f) for f in _facts(text)]) == ()


def test_same_figure_in_another_currency_is_no_conflict() -> None:
    items = _items(
        "Elon Musk spent around $277 million (£210 million) on the race.",
        "Elon Musk spent £210 million on the race.",
        "Elon Musk spent $277m on the race.",
    )
    assert find_conflicts(items) == ()


def test_linked_pair_counts_once_but_still_conflicts_in_its_currency() -> None:
    items = _items("Musk spent $277 million (£210 million).", "Musk spent £300 million.")
    conflicts = find_conflicts(items)
    assert [(c.quantity, c.unit, len(c.values)) for c in conflicts] == [("musk spending", "GBP", 2)]


def test_rounding_is_no_conflict() -> None:
    assert find_conflicts(_items("DOGE has saved $150 billion.", "DOGE has saved $152 billion.")) == ()
    assert len(find_conflicts(_items("DOGE has saved $150 billion.", "DOGE has saved $155 billion."))) == 1


def test_ranges_conflict_only_when_disjoint() -> None:
    base = "He will impose border taxes of around 20-25% on goods."
    assert find_conflicts(_items(base, "He will impose border taxes of 22% on goods.")) == ()
    conflicts = find_conflicts(_items(base, "He will impose border taxes of 30% on goods."))
    assert [(c.quantity, c.unit) for c in conflicts] == [("border tax", "%")]


def test_repeated_value_in_one_article_is_listed_once() -> None:
    items = _items("DOGE saved $150 billion. Yes, DOGE saved $150 billion.", "DOGE saved $200 billion.")
    (conflict,) = find_conflicts(items)
    assert [aid for aid, _ in conflict.values] == [1, 2]


def test_dates_and_unkeyed_facts_are_not_compared() -> None:
    items = _items(
        "He will leave in late May.", "He will leave next week. It rose to 4.2%.", "It rose to 9%."
    )
    assert find_conflicts(items) == ()


def test_conflict_to_dict() -> None:
    (conflict,) = find_conflicts(_items("DOGE has saved $150 billion.", "DOGE saved $160 billion."))
    assert isinstance(conflict, Conflict)
    data = to_json(conflict)
    assert data["quantity"] == "doge savings" and data["unit"] == "USD"
    assert [v["article_id"] for v in data["values"]] == [1, 2]
    assert data["values"][0]["fact"]["span"]["text"] == "$150 billion"
    assert json.loads(json.dumps(data)) == data
