"""How an article is compared with a story: :class:`StoryParams`, :func:`term_vector`, the time bar.

An article is three unit vectors over keys, one per channel: words (title, lead and body terms,
weighted by a static idf from wordfreq, ``clip(7 - zipf, 0.5, 6)``, so scores never depend on what
else is indexed), entities (named entities and, weighed again, places; keys ``"e:..."``) and figures
(numbers and stated dates; keys ``"#..."`` and ``"@..."``); plus the lead's sentence embedding. A
story keeps the sum of its members' vectors and embeddings. The score of an article against a story
is the weighted mean of the channel cosines and the embedding cosine (:class:`StoryParams`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from corroborate.stories.features import StoryFeatures
from corroborate.stories.text import idf


@dataclass(frozen=True, slots=True)
class StoryParams:
    """Weights and thresholds of the index (features do not depend on them).

    An article is three unit vectors, one per channel (words; entities and places; figures and dates),
    and an embedding; its score against a story is ``w_words*cos_words + w_entity*cos_entities +
    w_figure*cos_figures + w_embed*cos_embedding`` over the sum of the weights, so it lies in 0..1
    (a missing channel counts 0; without embeddings on both sides, that term and its weight are left out)."""

    join_threshold: float = 0.39  # tuned on ECB+ odd topics and FNC-1 fold 0 together
    grace_days: float = 3.0  # judgement: neither development set has dates
    day_slope: float = 0.02  # judgement: 13 days -> 0.59, 34+ days -> never
    w_title: float = 2.0  # judgement: neither development set has titles
    w_lead: float = 2.0
    w_body: float = 1.0  # the reference weight inside the words channel
    w_place: float = 1.0  # a place's extra weight inside the entity channel
    w_date: float = 1.0  # a date's weight inside the figures channel (a figure's is 1)
    w_words: float = 1.0
    w_entity: float = 0.3  # channel weights: tuned with join_threshold
    w_figure: float = 0.3
    w_embed: float = 0.8
    w_lead_entity: float = 0.0  # an entity named in the lead: extra weight in the entity channel (3, 5 lost)


DEFAULT_PARAMS = StoryParams()
CHANNELS = ("words", "entities", "figures")


def channel(key: str) -> int:
    """0 for a word, 1 for an entity (``"e:..."``), 2 for a figure or a date (``"#..."``, ``"@..."``)."""
    c = key[0]
    if c == "#" or c == "@":
        return 2
    return 1 if key.startswith("e:") else 0


def _unit(raw: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(w * w for w in raw.values()))
    return {t: w / norm for t, w in raw.items()} if norm else {}


def term_vector(f: StoryFeatures, params: StoryParams = DEFAULT_PARAMS) -> dict[str, float]:
    """The article's channels, each a unit vector over its keys (see :class:`StoryParams`); a
    channel whose weight is 0 is left out."""
    words: dict[str, float] = {}
    for t in f.title_terms:
        words[t] = words.get(t, 0.0) + params.w_title
    for t in f.lead_terms:
        words[t] = words.get(t, 0.0) + params.w_lead
    for t, n in f.body_terms:
        words[t] = words.get(t, 0.0) + params.w_body * (1.0 + math.log(n))
    out = _unit({t: w * idf(t) for t, w in words.items()}) if params.w_words else {}
    if params.w_entity:
        ents: dict[str, float] = {}
        for t, n in f.entities:
            ents[t] = ents.get(t, 0.0) + 1.0 + math.log(n)
        for t, n in f.places:
            ents[t] = ents.get(t, 0.0) + params.w_place * (1.0 + math.log(n))
        for t in f.lead_entities:
            ents[t] = ents.get(t, 0.0) + params.w_lead_entity
        out.update(_unit({"e:" + t: w * idf(t) for t, w in ents.items()}))
    if params.w_figure:
        nums = {t: 1.0 + math.log(n) for t, n in f.figures}
        for t, n in f.dates:
            nums[t] = params.w_date * (1.0 + math.log(n))
        out.update(_unit(nums))
    return dict(sorted(out.items()))


def day_gap(published: date | None, first: date | None, last: date | None) -> int:
    """Days between ``published`` and the range ``first..last`` (0 inside it or when undated)."""
    if published is None or first is None or last is None:
        return 0
    if published < first:
        return (first - published).days
    if published > last:
        return (published - last).days
    return 0


def threshold(gap: float, params: StoryParams = DEFAULT_PARAMS) -> float:
    """The cosine an article needs to join a story ``gap`` days away."""
    return params.join_threshold + params.day_slope * max(0.0, gap - params.grace_days)
