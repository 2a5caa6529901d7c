"""Text normalisation for claims: light stems, event concepts, names, sentences and headlines.

Terms of a text are ``c:<concept>`` (a common news predicate, "step down"/"resign"/"exit" -> ``leave``),
``e:<name>`` (a capitalised word the story never writes in lower case), ``n:<number>``, ``t:<month or
weekday>`` or a stem. Names weigh more than words and claim events most (see :mod:`corroborate.corroboration.claims`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from corroborate.words import word_set

CONCEPT_WEIGHT = 3.0
NAME_WEIGHT = 2.0
WORD_WEIGHT = 1.0
# --------------------------------------------------------------------------- normalisation


_STOP = word_set("""a about above across after again against ago all almost along already also although always am among an
    and another any anyone anything are around as at be became because become been before being below
    between both but by can cannot could did do does doing done down during each either else even ever
    every few for from further had has have having he her here hers herself him himself his how however i
    if in into is it its itself just least less many may me might more most much must my myself near
    neither no nor not now of off often on once one only or other others our ours out over own per perhaps
    quite rather really same several she should since so some still such than that the their theirs them
    themselves then there these they this those though through thus to too toward towards under until up
    upon us very via was we were what whatever when where whether which while who whom whose why will with
    within without would yet you your yours n't not never mr mrs ms dr st two three four five six seven eight
    nine ten first second third last next new say said says saying tell told tells telling report reported
    reports reportedly according claim claimed claims add added adding note noted confirm confirmed
    describe described suggest suggested believe believed insist insisted allege alleged announce
    announced explain explained state stated well like get got make made go going gone come came take took
    way thing things lot time year years day days week weeks month months today yesterday""")
_MONTHS = word_set(
    "january february march april may june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday"
)
_IRREGULAR = dict(
    pair.split(":")
    for pair in word_set(
        "left:leav withdrew:withdraw withdrawn:withdraw fell:fall fallen:fall rose:rise risen:rise won:win "
        "lost:lose died:die dead:die stood:stand went:go ran:run sold:sell bought:buy spent:spend paid:pay "
        "stayed:stay kept:keep hired:hire fired:fire quit:quit quitting:quit"
    )
)


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light, consistent stem: possessive dropped, plural and -ing/-ed stripped, final e dropped."""
    w = word.lower().replace("\u2019", "'")
    if w.endswith("'s"):
        w = w[:-2]
    w = w.strip("'")
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if len(w) > 4 and w.endswith(("ies", "ied")):
        w = w[:-3] + "y"
    elif len(w) > 4 and w.endswith(("sses", "ches", "shes", "xes")):
        w = w[:-2]
    elif len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    for suffix in ("ing", "ed"):
        base = w[: -len(suffix)]
        if w.endswith(suffix) and len(base) >= 3 and any(v in base for v in "aeiouy"):
            w = base
            if len(w) > 2 and w[-1] == w[-2] and w[-1] not in "lsz":
                w = w[:-1]
            break
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]
    return w


def _words(text: str) -> list[str]:
    return [stem(w) for w in text.split()]


#: Common news predicates, by concept: words and two-word phrases ("|"-separated), matched on stems.
EVENT_CONCEPTS: dict[str, str] = {
    "leave": "leave|left|resign|resignation|quit|depart|departure|exit|withdraw|withdrawal|step down|step back|"
    "step aside|step away|stand down|bow out",
    "stay": "stay|remain|stay on",
    "appoint": "appoint|appointment|hire|nominate|nomination",
    "dismiss": "fire|sack|oust|ouster|cast out|force out|push out",
    "rise": "rise|increase|surge|soar|jump|climb",
    "fall": "fall|drop|decline|plunge|tumble|slump|sink|slide",
    "die": "die|died|death|kill|killed",
    "arrest": "arrest|detain|detention",
    "win": "win|won|victory",
    "lose": "lose|lost|defeat",
    "tax": "tariff|levy|duty|border tax",
}
#: Events that make a claim (weight CONCEPT_WEIGHT); the other concepts only normalise synonyms of
#: ordinary predicates (rise, fall, tariff) and weigh as much as any word.
CLAIM_EVENTS = frozenset({"leave", "stay", "appoint", "dismiss", "die", "arrest"})
#: Pairs of concepts where one reports that the other did not happen (used to judge outcomes).
OPPOSITE_CONCEPTS: dict[str, str] = {"leave": "stay", "stay": "leave", "win": "lose", "lose": "win"}

_STOP_STEMS = frozenset(stem(w) for w in _STOP)
_SINGLE: dict[str, str] = {}
_PAIRS: dict[tuple[str, str], str] = {}
for _concept, _entries in EVENT_CONCEPTS.items():
    for _entry in _entries.split("|"):
        _parts = _words(_entry)
        if len(_parts) == 1:
            _SINGLE.setdefault(_parts[0], _concept)
        else:
            _PAIRS[(_parts[0], _parts[1])] = _concept

_TOKEN = re.compile(r"[A-Za-z]+(?:['\u2019.\-][A-Za-z]+)*(?:['\u2019]s)?|\d+(?:[.,]\d+)*%?")
_DETERMINERS = word_set("the a an his her their its our my your this that these those")
_NEG = re.compile(r"\b(?:not|never|no longer)\b|n['\u2019]t\b", re.I)
_HEDGE = re.compile(
    r"\b(?:may|might|could|reportedly|allegedly|apparently|purportedly|possibly|perhaps|probably|likely|"
    r"appears?|seems?|expected|rumou?red|speculat\w*|if|whether)\b|\?",
    re.I,
)


_CONTRACTION = re.compile(r"(?:n't|'ve|'re|'ll|'d|'m)$|^(?:it|he|she|that|there|what|let|who)'s$", re.I)


def _concept_weight(concept: str) -> float:
    return CONCEPT_WEIGHT if concept in CLAIM_EVENTS else WORD_WEIGHT


@dataclass(frozen=True, slots=True)
class Token:
    """One word of a text: its offsets, surface form and normalised term (None for stopwords)."""

    start: int
    end: int
    surface: str
    term: str | None
    weight: float


_INITIAL_BEFORE = frozenset('.!?:;\n"\u201c\u201d\u2018(\u2014\u2013-')


def _initial(text: str, start: int) -> bool:
    """Whether the word at ``start`` opens a sentence, a quotation or a line (its capital says nothing)."""
    before = text[:start].rstrip(" \t'\u2019")
    return not before or before[-1] in _INITIAL_BEFORE


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """What a story's texts say about capitalisation. ``lower``: words written in lower case somewhere (a
    capitalised one is an ordinary word in a Title Case headline or at a sentence start); ``names``: words
    written capitalised inside a sentence. A word that opens a sentence is a name only when it is in
    ``names`` (or when nothing is known: :data:`EMPTY`)."""

    lower: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()
    known: bool = False  # built from texts (EMPTY knows nothing)

    def is_name(self, word: str, initial: bool) -> bool:
        key = word.lower()
        if not word[:1].isupper() or key in self.lower:
            return False
        return not initial or not self.known or key in self.names


EMPTY = Vocabulary()


def story_vocabulary(texts: Iterable[str]) -> Vocabulary:
    """The :class:`Vocabulary` of ``texts`` (a story's article texts and titles)."""
    lower: set[str] = set()
    names: set[str] = set()
    for text in texts:
        for m in _TOKEN.finditer(text):
            word = _bare(m.group(0))
            if word.islower():
                lower.add(word)
            elif word[:1].isupper() and not _initial(text, m.start()):
                names.add(word.lower())
    return Vocabulary(frozenset(lower), frozenset(names), True)


def _bare(surface: str) -> str:
    bare = surface.replace("\u2019", "'")
    return bare[:-2] if bare.lower().endswith("'s") else bare


def tokens(text: str, vocabulary: Vocabulary = EMPTY) -> list[Token]:
    """Tokens of ``text`` with their terms: ``c:<concept>``, ``e:<name>``, ``n:<number>`` or a stem."""
    found = [(m.start(), m.end(), m.group(0)) for m in _TOKEN.finditer(text)]
    stems = [stem(s) for _, _, s in found]
    out: list[Token] = []
    skip = False
    for i, (start, end, surface) in enumerate(found):
        if skip:
            skip = False
            out.append(Token(start, end, surface, None, 0.0))
            continue
        st = stems[i]
        pair = (st, stems[i + 1]) if i + 1 < len(found) else None
        previous = found[i - 1][2].lower() if i else ""
        if pair in _PAIRS:
            out.append(Token(start, end, surface, "c:" + _PAIRS[pair], _concept_weight(_PAIRS[pair])))
            skip = True
            continue
        bare = _bare(surface)
        if surface[0].isdigit():
            out.append(Token(start, end, surface, "n:" + surface.replace(",", "").rstrip("."), NAME_WEIGHT))
        elif st in _SINGLE and not (surface.lower() == "left" and previous in _DETERMINERS | {"far"}):
            out.append(Token(start, end, surface, "c:" + _SINGLE[st], _concept_weight(_SINGLE[st])))
        elif bare.lower() in _MONTHS:
            out.append(Token(start, end, surface, "t:" + bare.lower(), WORD_WEIGHT))
        elif (
            vocabulary.is_name(bare, _initial(text, start))
            and bare.lower() not in _STOP
            and not _CONTRACTION.search(bare)
        ):
            out.append(Token(start, end, surface, "e:" + bare.lower(), NAME_WEIGHT))
        elif st in _STOP_STEMS or surface.lower() in _STOP or len(st) < 2 or _CONTRACTION.search(bare):
            out.append(Token(start, end, surface, None, 0.0))
        else:
            out.append(Token(start, end, surface, st, WORD_WEIGHT))
    return out


def term_vector(text: str, vocabulary: Vocabulary = EMPTY) -> dict[str, float]:
    """The weighted bag of terms of ``text`` (a term counts once, at its weight)."""
    return {t.term: t.weight for t in tokens(text, vocabulary) if t.term}


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    """Cosine similarity of two term vectors (0 when either is empty)."""
    if not a or not b:
        return 0.0
    dot = sum(w * b[t] for t, w in a.items() if t in b)
    return dot / math.sqrt(sum(w * w for w in a.values()) * sum(w * w for w in b.values()))


def names_of(vector: dict[str, float]) -> frozenset[str]:
    return frozenset(t for t in vector if t.startswith("e:"))


def negated(text: str) -> bool:
    """An odd number of negators ("not", "n't", "never", "no longer"): the text states a negative."""
    return len(_NEG.findall(text)) % 2 == 1


def hedged(text: str) -> bool:
    """Modal, hearsay or likelihood words, a condition or a question: not a plain assertion."""
    return _HEDGE.search(text) is not None


# --------------------------------------------------------------------------- sentences and headlines

_ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|St|Gen|Sen|Rep|Gov|Lt|Col|Jr|Sr|Inc|Co|Corp|No|vs|U\.S|U\.K)|\b[A-Z])\.$"
)
_BOUNDARY = re.compile(r"[.!?\u2026]+[\"'\u201d\u2019)]*(?=\s+[\"'\u201c\u2018(]?[A-Z0-9])|\n+")


def sentences(text: str, skip: Sequence[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """Sentence ranges ``(start, end)`` of ``text``, whitespace trimmed; those inside ``skip`` dropped."""
    out: list[tuple[int, int]] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        if m.group(0)[0] == "." and _ABBREV.search(text[start : m.start() + 1]):
            continue
        out.append((start, m.end()))
        start = m.end()
    out.append((start, len(text)))
    trimmed = []
    for s, e in out:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s and not any(a <= s and e <= b for a, b in skip):
            trimmed.append((s, e))
    return trimmed


_HEAD_VERBS = (
    r"(?:says?|said|tells?|told|warns?|claims?|confirms?|reveals?|insists?|admits?|suggests?|reports?|"
    r"denies|denied|alleges?)"
)
_HEAD_SOURCE = (
    r"(?:[A-Z][\w\u2019'.&-]*(?:\s+[A-Z][\w\u2019'.&-]*){0,3}|sources|officials|insiders|aides|reports?)"
)
_HEAD_TRAILING = re.compile(
    rf"(?:,|\s[-\u2013\u2014])\s*(?:according to\s+(?P<src1>.+)|(?P<src2>{_HEAD_SOURCE})\s+{_HEAD_VERBS}\b.*)$"
)
_HEAD_LEADING = re.compile(
    rf"^(?:(?P<src1>{_HEAD_SOURCE})\s+{_HEAD_VERBS}\s+(?:that\s+)?|(?P<src2>[^:]{{2,40}}):\s+)"
)


def split_headline(title: str) -> tuple[int, int, str | None]:
    """``(start, end, source)``: the claim part of a headline and the headline's own attribution, if any
    ("Musk to step back, Trump tells cabinet" -> the first clause, source "Trump")."""
    m = _HEAD_TRAILING.search(title)
    if m and m.start() > 0:
        return 0, m.start(), (m.group("src1") or m.group("src2")).strip()
    m = _HEAD_LEADING.match(title)
    if m and m.end() < len(title):
        return m.end(), len(title), (m.group("src1") or m.group("src2")).strip()
    return 0, len(title), None


_FRAME = re.compile(
    r"^[^,;:\"\u201c]{0,80}?\b(?:has |had |have )?(?:told|tells|said|says|informed|warned|assured)\b"
    r"[^,;:\"\u201c]{0,60}?\bthat\s+"
)


def claim_core(text: str) -> tuple[int, int]:
    """The offsets, in ``text``, of an attribution content without a leading reporting frame of its own
    ("Trump has told members of his cabinet that X" -> X)."""
    m = _FRAME.match(text)
    start = m.end() if m and m.end() < len(text) else 0
    while start < len(text) and not text[start].isalnum():
        start += 1
    if text[start:].lower().startswith("that "):
        start += 5
    return start, len(text)
