"""Text side of story grouping: content terms, capitalised-phrase entities, lead, static idf.

Everything here is a pure function of a string, with regexes only (no spaCy). Terms are case-folded,
possessive "'s" is dropped and plurals are lightly stemmed ("agencies" -> "agency"); stopwords, words
under 3 letters and numbers are left out. Entities are runs of capitalised words joined by "of",
"the", "de"...; a sentence-initial word counts only when rare in English (wordfreq Zipf below
:data:`COMMON_ZIPF`); leading articles and titles ("The", "President") and contractions are dropped.
``idf(t) = clip(7 - zipf(t), 0.5, 6)`` from wordfreq: static, so scores never depend on the index.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from functools import lru_cache

from corroborate.words import word_set

LEAD_SENTENCES = 3
LEAD_CHARS = 600
COMMON_ZIPF = 4.5  # a sentence-initial capitalised word at least this common is not a name
VERY_COMMON_ZIPF = 5.5  # a lone capitalised word at least this common is not a name anywhere
IDF_BASE = 7.0  # idf is this minus the word's Zipf frequency (Zipf 7 is the commonest English words)
IDF_MIN, IDF_MAX = 0.5, 6.0  # the clip: common words keep some weight; rare and unknown words tie at the top


@lru_cache(maxsize=1)
def _zipf() -> dict[str, float]:
    from wordfreq import get_frequency_dict  # a project dependency; loaded on first use (~0.5 s)

    return {w: math.log10(f) + 9.0 for w, f in get_frequency_dict("en").items() if f > 0}


@lru_cache(maxsize=200_000)
def zipf(word: str) -> float:
    """wordfreq Zipf frequency of a lowercase word (0.0 when unknown)."""
    table = _zipf()
    return max(table.get(word, 0.0), table.get(word + "s", 0.0) if len(word) > 3 else 0.0)


@lru_cache(maxsize=200_000)
def idf(term: str) -> float:
    """Static rarity weight: ``clip(7 - zipf, 0.5, 6)``; a phrase takes its rarest word."""
    words = term.split()
    return max(min(IDF_MAX, max(IDF_MIN, IDF_BASE - zipf(w))) for w in words) if words else 0.0


_STOPWORDS = word_set(
    """a about above across after again against all almost along already also although always am among an
    and another any anyone anything are around as at away back be became because become been before being
    below between both but by came can cannot could did do does doing done down during each either else
    even ever every few for from further get gets getting got had has have having he her here hers herself
    him himself his how however i if in including into is it its itself just last least less let like made
    make many may me might more most much must my myself near need never new next no nor not now of off
    often on once one only onto or other others our ours ourselves out over own per perhaps rather really
    said same say saying says see seen she should show showed shows since so some still such than that the
    their theirs them themselves then there these they thing things this those though three through thus
    time to today told too took toward two under until up upon us use used very via was way we week well
    were what when where whether which while who whom whose why will with within without would year years
    yet you your yours yourself according reported reports report reportedly told tells telling asked
    added including mr mrs ms dr get going go goes went know known think want wants around later earlier
    monday tuesday wednesday thursday friday saturday sunday january february march april may june july
    august september october november december"""
)
_TITLES = word_set(
    "mr mrs ms dr sir dame president vice prime minister secretary senator sen rep gov governor mayor judge "
    "chief ceo king queen prince princess lord lady general gen col capt officer sgt lt former"
)
_LEAD_WORDS = _STOPWORDS | _TITLES | word_set("breaking exclusive update watch video photos")

_POSSESSIVE = re.compile(r"['’]s\b")
_APOS = re.compile(r"(?<=\w)['’](?=\w)")
_WORD = re.compile(r"[^\W\d_]{3,}")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])|\s*\n\s*")
_CAP = r"[A-Z][\w'’.&-]*"
_PHRASE = re.compile(
    rf"(?<![\w'’.-]){_CAP}(?:[ \t]+(?:(?:of|the|de|del|da|du|la|le|van|von|der|al|bin)[ \t]+){{0,2}}{_CAP})*"
)
_CONTRACTION = re.compile(r"['’](?:ve|ll|re|d|m|t)$", re.IGNORECASE)  # "I've", "We're", "Don't"
_CONNECTORS = word_set("of the de del da du la le van von der al bin")
_INITIAL_BEFORE = frozenset(".!?:;\"“”‘'—–-([\n")


def stem(word: str) -> str:
    """Case-folded word with a light plural stem ("agencies" -> "agency", "insiders" -> "insider")."""
    w = word.casefold()
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


@lru_cache(maxsize=200_000)
def _term(word: str) -> str | None:
    w = word.casefold()
    return None if w in _STOPWORDS else stem(w)


def content_terms(text: str) -> list[str]:
    """Content words of ``text`` in order: stemmed, no stopwords, no numbers, at least 3 letters."""
    terms = map(_term, _WORD.findall(_APOS.sub("", _POSSESSIVE.sub("", text))))
    return [t for t in terms if t is not None]


def phrase_key(tokens: list[str]) -> str:
    """The normalised form of an entity mention given as its words ("Elon", "Musk" -> "elon musk")."""
    words = [_APOS.sub("", t).casefold().replace(".", "") for t in tokens]
    words = [w for w in words if w]
    if len(words) == 1:
        return stem(words[0])
    return " ".join(words)


def entities(text: str) -> Counter[str]:
    """Capitalised phrases of ``text`` (normalised, with counts); see the module docstring."""
    found: Counter[str] = Counter()
    for m in _PHRASE.finditer(_POSSESSIVE.sub("", text)):
        tokens = m.group(0).split()
        k = m.start() - 1
        while k >= 0 and text[k] in " \t":
            k -= 1
        initial = k < 0 or text[k] in _INITIAL_BEFORE
        tokens = [t.rstrip(".'’-&") or t for t in tokens if not _CONTRACTION.search(t)]
        if initial and tokens and zipf(tokens[0].casefold()) >= COMMON_ZIPF:
            tokens = tokens[1:]
        while tokens and (
            tokens[0].casefold().rstrip(".") in _LEAD_WORDS or tokens[0].casefold() in _CONNECTORS
        ):
            tokens = tokens[1:]
        while tokens and tokens[-1].casefold() in _CONNECTORS:
            tokens = tokens[:-1]
        if not tokens:
            continue
        lower = [t.casefold() for t in tokens]
        if len(tokens) == 1 and (
            lower[0] in _STOPWORDS or len(lower[0]) < 2 or zipf(lower[0]) >= VERY_COMMON_ZIPF
        ):
            continue
        if (
            all(t.isupper() for t in tokens)
            and len(tokens) > 1
            and all(zipf(w) >= COMMON_ZIPF for w in lower)
        ):
            continue  # a shouted headline or furniture line ("READ MORE")
        key = phrase_key(tokens)
        if key and key not in _STOPWORDS:
            found[key] += 1
    return found


def sentences(text: str, limit: int = 0) -> list[str]:
    """Sentences of ``text``, a line break ending one too (cheap splitter; ``limit``: at most this many
    splits, 0 for all)."""
    return [p.strip() for p in _SENTENCE_END.split(text.strip(), maxsplit=limit) if p.strip()]


def lead(text: str) -> str:
    """The first :data:`LEAD_SENTENCES` sentences of ``text`` (at most :data:`LEAD_CHARS` characters)."""
    return " ".join(sentences(text, LEAD_SENTENCES)[:LEAD_SENTENCES])[:LEAD_CHARS]
