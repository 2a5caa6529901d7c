"""Quotations found on the raw text, and the look-ups the extractor makes around a cue."""

from __future__ import annotations

import pytest

from corroborate.attribution.quotes import Quotations, in_paragraph, is_direct, is_quotation, quote_spans
from corroborate.types import Span


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("“We won,” he said.", ["“We won,”"]),
        ('"We won," he said.', ['"We won,"']),
        ("'We won,' he said, calling it 'historic'.", ["'We won,'", "'historic'"]),
        ("Musk’s team said it wasn’t worried.", []),
        ("The players' union said it would appeal.", []),
        ("He said: “This goes on\nThe next paragraph", ["“This goes on"]),
        ("‘Out of His Depth’\nNext line", ["‘Out of His Depth’"]),
        ("“He called it ‘nonsense’ and left,” she said.", ["“He called it ‘nonsense’ and left,”"]),
    ],
)
def test_quote_spans(text, expected):
    assert [text[s:e] for s, e in quote_spans(text)] == expected


def test_neighbourhood_lookups():
    text = "“We won,” she said, “and we will win again.” Then she left."
    quotes = Quotations(text)
    first, second = quotes.spans
    said = text.index("she said")
    assert quotes.ending_before(said) == first
    assert quotes.starting_after(text.index(",", said) + 1) == second
    assert quotes.inside(first[0] + 3) == first
    assert quotes.inside(first[0]) is None  # the opening mark itself is not inside
    assert quotes.snap(first[0] + 2, first[0] + 4) == first


def test_quotation_and_direct_content():
    text = "“We won,” she said."
    assert is_quotation(text, (0, 9))
    assert not is_quotation(text, (10, 18))
    assert is_direct(Span.of(text, 0, 9))
    assert not is_direct(Span.of(text, 10, 18))
    assert not is_direct(None)


def test_content_clipped_to_the_cue_paragraph():
    text = "First paragraph.\nHe said the talks failed.\nNext paragraph."
    pos = text.index("said")
    clipped = in_paragraph(text, pos, (0, len(text)))
    assert clipped is not None
    assert text[clipped[0] : clipped[1]] == "He said the talks failed"
