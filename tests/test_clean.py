"""Page furniture and extraction damage (corroborate.text.clean)."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import pytest

from corroborate.analysis.pipeline import mask
from corroborate.text.clean import CONTEXT_CHARS, find_boilerplate, find_damage
from corroborate.types import Boilerplate, DamageFlag

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SEED_000 = EXAMPLES / "000_4d6a7cf84a4b85b6.txt"
SEED_002 = EXAMPLES / "002_940bf8f4067e6dbb.txt"

BEFORE = "The minister announced the plan on Tuesday, officials said."
AFTER = "Opposition leaders criticised the decision and called for an inquiry."


def seed(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def article(*paragraphs: str) -> str:
    return "\n".join(paragraphs)


def covered(items: tuple[Boilerplate, ...] | tuple[DamageFlag, ...], text: str) -> list[tuple[str, str]]:
    return [(x.kind, text[x.start : x.end]) for x in items]


def context_of(text: str, start: int, end: int) -> str:
    """The documented DamageFlag.snippet: CONTEXT_CHARS either side, clipped to the flag's line."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end == -1 else line_end
    return text[max(line_start, start - CONTEXT_CHARS) : min(line_end, end + CONTEXT_CHARS)]


def assert_well_formed(text: str, furniture: tuple[Boilerplate, ...], damage: tuple[DamageFlag, ...]) -> None:
    for b in furniture:
        assert 0 <= b.start < b.end <= len(text)
        assert b.snippet == text[b.start : b.end]
        assert b.start == 0 or text[b.start - 1] == "\n", "boilerplate starts at a line start"
        assert b.end == len(text) or text[b.end] in "\r\n", "boilerplate ends at a line end"
        assert b.kind.isidentifier() and b.kind == b.kind.lower()
    for a, b in zip(furniture, furniture[1:], strict=False):
        assert a.end <= b.start, "boilerplate sorted and non-overlapping"
    for d in damage:
        assert 0 <= d.start < d.end <= len(text)
        assert text[d.start : d.end] in d.snippet
        assert d.snippet == context_of(text, d.start, d.end)
        assert "\n" not in d.snippet
    assert [d.start for d in damage] == sorted(d.start for d in damage)


# --------------------------------------------------------------------------- boilerplate: single lines


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("READ MORE:", "read_more"),
        ("Read more: Trump's tariffs explained in five charts", "read_more"),
        ("READ MORE - Musk hits back at critics", "read_more"),
        ("Read Also: Donald Trump says concerns over Pete Hegseth are a ‘waste of time.’", "read_also"),
        ("ALSO READ: Markets slide as tariff fears grow", "read_also"),
        ("Also read", "read_also"),
        ("See also: How the tariffs will work", "read_also"),
        ("Related: Tesla sales slump for a third month", "related_links"),
        ("RELATED ARTICLES: Musk and the Pentagon", "related_links"),
        ("This is a breaking news story. Follow us on , , , , or visit homepage.", "breaking_follow"),
        ("This is a developing story and will be updated.", "breaking_follow"),
        ("This story will be updated with more details.", "breaking_follow"),
        ("Follow us on Twitter and Facebook for the latest news", "follow_prompt"),
        ("Follow us on , , or visit our homepage.", "follow_prompt"),
        ("Like us on Facebook", "follow_prompt"),
        ("Follow @example_news", "follow_prompt"),
        ("Share this article", "share_prompt"),
        ("Share on Facebook Share on Twitter Share via Email", "share_prompt"),
        ("Share", "share_prompt"),
        ("Sign up to our newsletter", "subscribe_prompt"),
        ("Sign up for our free daily politics newsletter here", "subscribe_prompt"),
        ("Click here to subscribe", "subscribe_prompt"),
        ("Subscribe now", "subscribe_prompt"),
        ("Get our breaking news alerts straight to your inbox", "subscribe_prompt"),
        ("Advertisement", "advertisement"),
        ("ADVERTISEMENT", "advertisement"),
        ("Story continues below advertisement", "advertisement"),
        ("Advertisement - scroll to continue", "advertisement"),
        ("We use cookies to give you the best experience on our website.", "cookie_notice"),
        ("(Image: Getty)", "image_credit"),
        ("© 2025 Example Media Group. All rights reserved.", "copyright"),
        ("Comments", "comments_prompt"),
    ],
)
def test_single_line_furniture(line: str, kind: str) -> None:
    text = article(BEFORE, line, AFTER)
    found = find_boilerplate(text)
    assert covered(found, text) == [(kind, line)]
    assert_well_formed(text, found, find_damage(text, found))


@pytest.mark.parametrize(
    "line",
    [
        "Read more about the case in the court filing published on Monday, the spokesman said.",
        "He said he would read the report carefully before deciding what to do.",
        "Investors will follow the ruling closely, analysts said.",
        "Follow-up talks are planned for next week in Geneva.",
        "Like many on Twitter, she criticised the ruling as unfair.",
        "Share prices fell sharply on Monday after the announcement.",
        "Shareholders will vote on the proposal in May.",
        "Subscribers to the service complained about the price rise.",
        "Sign-ups for the programme doubled last year, the company said.",
        "The advertisement was pulled after complaints from viewers.",
        "Related parties were not named in the filing.",
        "Recommended reading for the committee included three reports.",
        "Copyright infringement claims were dismissed by the judge.",
        "Breaking news coverage of the storm drew record audiences.",
        "More from the interview will be published on Sunday.",
        "The readership of the newsletter has grown, its editor told staff.",
        "Also on the agenda: a vote on tax cuts and a debate on the budget.",
        "Related: the two cases were heard together.",
    ],
)
def test_ordinary_prose_is_not_furniture(line: str) -> None:
    text = article(BEFORE, line, AFTER)
    assert find_boilerplate(text) == ()


# --------------------------------------------------------------------------- boilerplate: blocks


def test_link_list_block_runs_to_the_end_of_the_list() -> None:
    items = [
        "Chelsea cash injection confirmed as owners make key move",
        "30 judges submitted their declaration of assets",
        "Full list of UK exports hit hardest by tariffs - from cars to pharma",
    ]
    text = article(BEFORE, AFTER, "You may also like", *items)
    found = find_boilerplate(text)
    assert len(found) == 1
    assert found[0].kind == "related_links"
    assert found[0].snippet == "\n".join(["You may also like", *items])
    assert found[0].end == len(text)


@pytest.mark.parametrize(
    "header", ["Most read", "Recommended", "More from Business", "Related articles", "Trending now"]
)
def test_link_list_block_stops_at_a_real_paragraph(header: str) -> None:
    items = ["Markets slide as tariff fears grow", "What the new rules mean for you?"]
    text = article(BEFORE, header, *items, AFTER)
    found = find_boilerplate(text)
    assert covered(found, text) == [("related_links", "\n".join([header, *items]))]
    assert AFTER not in found[0].snippet


def test_read_more_takes_the_headline_line_after_it() -> None:
    text = article(BEFORE, "READ MORE:", "Musk hits back at critics over DOGE cuts", AFTER)
    assert covered(find_boilerplate(text), text) == [
        ("read_more", "READ MORE:\nMusk hits back at critics over DOGE cuts")
    ]


def test_read_more_does_not_swallow_the_next_paragraph() -> None:
    paragraph = (
        "One senior official described the leadership style as erratic, adding that the plans "
        "created internal crises."
    )
    text = article(BEFORE, "READ MORE:", paragraph, AFTER)
    assert covered(find_boilerplate(text), text) == [("read_more", "READ MORE:")]


def test_windows_line_endings_keep_ranges_on_the_line() -> None:
    text = "\r\n".join([BEFORE, "Advertisement", AFTER])
    (found,) = find_boilerplate(text)
    assert found.snippet == "Advertisement"
    assert text[found.end : found.end + 2] == "\r\n"


# --------------------------------------------------------------------------- damage: dropped slots


@pytest.mark.parametrize(
    ("sentence", "gap"),
    [
        ("According to three insiders speaking to , Trump made it clear.", "to ,"),
        ("It comes just hours before is expected to unveil huge tariffs.", "before is"),
        ("He will impose tariffs on goods from across the - raising fears of a trade war.", "the -"),
        ("It raised fears of a trade war and a new global . Analysts were alarmed.", "global ."),
        ("This is a breaking news story. Follow us on , , , , or visit homepage.", "on , , , ,"),
        ("The deal was signed by , the company said.", "by ,"),
        ("She told , in an interview last week, that she would stand.", "told ,"),
        ("Officials ( ) declined to comment on the report.", "( )"),
        ("The talks collapsed because were unable to agree on a date.", "because were"),
        ("Delegates from France, , and Italy attended the summit.", ", ,"),
        ("Delegates from , , and attended the summit.", "from , ,"),
    ],
)
def test_dropped_slot(sentence: str, gap: str) -> None:
    text = article(BEFORE, sentence, AFTER)
    damage = find_damage(text)
    assert ("dropped_slot", gap) in covered(damage, text)
    assert_well_formed(text, (), damage)


@pytest.mark.parametrize(
    "sentence",
    [
        "He wanted to, but could not, attend the meeting.",
        "The list includes apples, pears, and plums.",
        '"Well, I can\'t tell you that... I can say this: it will end," he said.',
        "The day before was quiet, residents said.",
        "What comes after is unclear, the report said.",
        "The plan will cost more than is necessary, critics said.",
        "It is a reform that will cut costs for the poor.",
        "As is the case with most reforms, the details matter.",
        "He left - and never came back.",
        "Inflation rose to 9.5 per cent, visit example.com for details.",
        "The vote was 3 : 1 in favour of the motion.",
        "While he was away, the party changed its leader.",
        "The ministers met in secret while officials waited outside.",
        '"The party has changed over the years . . . journalists just noticed," he said.',
        "It was a cash only business . Ounces usually started at $20.",
        "The player scores with createExperiences(); and function () { run(); } in the page code.",
    ],
)
def test_no_dropped_slot_in_good_prose(sentence: str) -> None:
    text = article(BEFORE, sentence, AFTER)
    assert [d for d in find_damage(text) if d.kind == "dropped_slot"] == []


# --------------------------------------------------------------------------- damage: glued words


@pytest.mark.parametrize(
    ("sentence", "token"),
    [
        ("Musk has been heading the taskforce sincereturned to the White House.", "sincereturned"),
        ("Shares in thecompany fell sharply on Monday.", "thecompany"),
        ("The government announcedthe cuts on Friday.", "announcedthe"),
        ("It was unclear whenthey would return to Washington.", "whenthey"),
        ("He has led the agency sinceTrump returned to office.", "sinceTrump"),
    ],
)
def test_glued_words(sentence: str, token: str) -> None:
    text = article(BEFORE, sentence, AFTER)
    damage = find_damage(text)
    assert ("glued_words", token) in covered(damage, text)
    assert_well_formed(text, (), damage)


@pytest.mark.parametrize(
    "sentence",
    [
        "Trump was noncommittal about the unpredictability of technocratic overreach.",
        "Critics blame doomscrolling, ragebait and greenwashed adverts for the malaise.",
        "The megadonor called the remarks unpresidential and underresourced.",
        "Liberal-backed Susan Crawford beat Brad Schimel in Wisconsin.",
        "Sincereturned is not a word, but capitalised tokens are names here.",
        "Read it at https://example.com/sincereturned or email press@sincereturned.org today.",
        "The hashtag #sincereturned trended after @sincereturned posted.",
        "He bought an iPhone on eBay from McDonald's car park.",
        "The well-known deal-maker paid 20-25% more than the thirtysomething buyer.",
        "Antidisestablishmentarianism is a long word.",
        "The yearslong feud over counterevidence made the showerproof jacket a bearlike liveshot.",
    ],
)
def test_no_glued_words_in_good_prose(sentence: str) -> None:
    text = article(BEFORE, sentence, AFTER)
    assert [d for d in find_damage(text) if d.kind == "glued_words"] == []


# --------------------------------------------------------------------------- damage: truncation


@pytest.mark.parametrize(
    ("paragraph", "tail"),
    [
        (
            "The minister said the plan would be announced in the coming weeks, but officials declined to say "
            "whether the",
            "the",
        ),
        (
            "He is likely to maintain close ties to the White House, as one of the insiders speaking on "
            "condition of anonymity claimed that anyone who thought he would be cast out",
            "out",
        ),
        ("Musk spent heavily on the race. Tesla faces plummeting sales and", "and"),
        ("The company said the figures, which were published on Monday,", "Monday,"),
        ("Musk and the", "the"),
    ],
)
def test_truncated_sentence(paragraph: str, tail: str) -> None:
    text = article(BEFORE, paragraph, AFTER)
    damage = find_damage(text)
    assert ("truncated_sentence", tail) in covered(damage, text)
    assert_well_formed(text, (), damage)


@pytest.mark.parametrize(
    "line",
    [
        "‘Out of His Depth’",
        "Musk and Trump: A Fracturing Alliance",
        "What’s Next for Musk?",
        "Why it matters",
        "What It Stands For",
        "By Jane Smith, Political Correspondent",
        "2 April 2025",
        "Elon Musk at the White House in Washington",
        "He said:",
        "“No one can say DOGE hasn’t achieved a historic amount of success,” one official claimed.",
        "Asked about the future, Trump said: “We’ll see.”",
        "“They are destroying our country.” ― Maria Lopez",
        "Welcoming: The bedroom where the couple lived before their split after his affair became public knowledge",
        "Lin Yao Li (left) was ambushed by four women as she walked home from the shops in the city of Puyang",
        "Fidel Castro, pictured during a speech in 2003, when he spoke for more than four hours to the party",
        "Follow the discussion with #election2016",
        "See the full statement at https://example.com/statements/2025/tariffs",
    ],
)
def test_headings_and_complete_lines_are_not_truncated(line: str) -> None:
    text = article(BEFORE, line, AFTER)
    assert [d for d in find_damage(text) if d.kind == "truncated_sentence"] == []


def test_hard_wrapped_paragraph_is_not_truncated() -> None:
    text = article(
        BEFORE,
        "He is likely to maintain close ties to the White House, as one of the insiders speaking on",
        "condition of anonymity claimed that anyone who thought otherwise would be fooling themselves.",
        AFTER,
    )
    assert [d for d in find_damage(text) if d.kind == "truncated_sentence"] == []


def test_comma_before_a_quote_on_the_next_line_is_not_truncated() -> None:
    text = article(BEFORE, "Explaining his ruling, the judge added,", "“The law is clear.”", AFTER)
    assert [d for d in find_damage(text) if d.kind == "truncated_sentence"] == []


def test_truncation_is_not_reported_inside_boilerplate() -> None:
    text = article(
        BEFORE, AFTER, "You may also like", "Donald Trump tariffs could lower prices for UK shoppers"
    )
    furniture = find_boilerplate(text)
    assert furniture
    assert [d for d in find_damage(text, furniture) if d.kind == "truncated_sentence"] == []


# --------------------------------------------------------------------------- seeds


def test_seed_002_furniture() -> None:
    text = seed(SEED_002)
    found = find_boilerplate(text)
    kinds = covered(found, text)
    assert ("read_more", "READ MORE:") in kinds
    assert (
        "breaking_follow",
        "This is a breaking news story. Follow us on , , , , or visit homepage.",
    ) in kinds
    block = [b for b in found if b.kind == "related_links"]
    assert len(block) == 1
    assert block[0].snippet.startswith("You may also like\n")
    assert block[0].end == len(text.rstrip())
    # The paragraph right after "READ MORE:" is article text, not a link headline.
    assert all("One senior official described" not in b.snippet for b in found)
    assert len(found) == 3
    assert_well_formed(text, found, find_damage(text, found))


def test_seed_000_furniture() -> None:
    text = seed(SEED_000)
    found = find_boilerplate(text)
    assert covered(found, text) == [
        ("read_also", "Read Also: Donald Trump says concerns over Pete Hegseth are a ‘waste of time.’")
    ]


def test_seed_002_damage() -> None:
    text = seed(SEED_002)
    damage = find_damage(text, find_boilerplate(text))
    flags = covered(damage, text)
    assert ("dropped_slot", "to ,") in flags
    speaking = next(d for d in damage if text[d.start : d.end] == "to ,")
    assert "speaking to , Trump" in speaking.snippet
    assert ("glued_words", "sincereturned") in flags
    assert ("dropped_slot", "before is") in flags
    assert ("dropped_slot", "the -") in flags
    assert ("dropped_slot", "global .") in flags
    assert [f for f in flags if f[0] == "glued_words"] == [("glued_words", "sincereturned")]
    assert [f for f in flags if f[0] == "truncated_sentence"] == []


def test_seed_000_has_no_damage() -> None:
    text = seed(SEED_000)
    assert find_damage(text, find_boilerplate(text)) == ()


# --------------------------------------------------------------------------- purity, offsets, speed


@pytest.mark.parametrize("path", [SEED_000, SEED_002], ids=["seed000", "seed002"])
def test_functions_are_pure_and_repeatable(path: Path) -> None:
    text = seed(path)
    original = str(text)
    furniture = find_boilerplate(text)
    damage = find_damage(text, furniture)
    assert text == original
    assert find_boilerplate(text) == furniture
    assert find_damage(text, furniture) == damage
    assert isinstance(furniture, tuple) and isinstance(damage, tuple)
    for item in (*furniture, *damage):
        with pytest.raises(dataclasses.FrozenInstanceError):
            item.start = 0  # type: ignore[misc]


@pytest.mark.parametrize("path", [SEED_000, SEED_002], ids=["seed000", "seed002"])
def test_masking_boilerplate_keeps_offsets_valid(path: Path) -> None:
    text = seed(path)
    furniture = find_boilerplate(text)
    damage = find_damage(text, furniture)
    masked = mask(text, ((b.start, b.end) for b in furniture))
    assert len(masked) == len(text)
    assert [i for i, c in enumerate(masked) if c == "\n"] == [i for i, c in enumerate(text) if c == "\n"]
    for b in furniture:
        assert masked[b.start : b.end].strip() == ""
    for d in damage:
        if not any(b.start <= d.start < b.end for b in furniture):
            assert masked[d.start : d.end] == text[d.start : d.end]


def test_pipeline_reports_clean_results_with_valid_offsets() -> None:
    from corroborate.analysis.pipeline import analyze

    text = seed(SEED_002)
    result = analyze(text)
    assert result.boilerplate == find_boilerplate(text)
    assert result.damage == find_damage(text, result.boilerplate)
    assert_well_formed(result.article.text, result.boilerplate, result.damage)


def test_empty_and_blank_text() -> None:
    for text in ("", "\n", "   \n\n  "):
        assert find_boilerplate(text) == ()
        assert find_damage(text) == ()


def test_fast_on_a_typical_article_and_linear_on_junk() -> None:
    text = seed(SEED_002) + "\n" + seed(SEED_000)  # about 8.5 kB
    find_damage(text)  # load the word list outside the timing
    t0 = time.perf_counter()
    for _ in range(20):
        find_damage(text, find_boilerplate(text))
    per_article = (time.perf_counter() - t0) / 20
    assert per_article < 0.05
    junk = "a , " * 20_000 + "x" * 50_000 + " word." * 20_000 + "\n" + "Share " * 5_000
    t0 = time.perf_counter()
    find_damage(junk, find_boilerplate(junk))
    assert time.perf_counter() - t0 < 5


POLNEAR_DEV = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "polnear" / "dev" / "text"


@pytest.mark.shared
def test_clean_journalism_is_left_alone() -> None:
    """PolNeAR dev (84 edited news articles): no damage, and furniture only on bare social-embed lines."""
    if not POLNEAR_DEV.is_dir():
        pytest.skip("../shared/data/polnear is not available")
    paths = sorted(POLNEAR_DEV.glob("*.txt"))
    assert len(paths) >= 80
    for path in paths:
        text = path.read_text(encoding="utf-8")
        furniture = find_boilerplate(text)
        assert find_damage(text, furniture) == (), path.name
        for b in furniture:
            assert b.kind == "share_prompt" and b.snippet.rstrip(".").lower() in {"facebook", "twitter"}, (
                path.name
            )
