"""Features for the stance model (:mod:`corroborate.corroboration.stance`): shared by training and inference.

Everything here is plain Python and numpy, so the committed model (vocabulary in JSON, weights in
``.npz``) does not depend on the scikit-learn version that trained it.

A (claim, text) pair becomes one row of:

* the claim's term frequencies over the first ``n_terms`` entries of the vocabulary (L2-normalised),
* the text's term frequencies over the same terms (L2-normalised),
* :data:`HAND_FEATURES`: similarity of claim and text (TF-IDF cosine over the whole vocabulary, for
  the text and for its opening), the share of the claim's content words, prefixes, bigrams and numbers
  that the text repeats, and counts of refuting, hedging, denying, negating and confirming words in the
  claim, the text, the text's opening and the text's sentences that repeat the claim's words.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from corroborate.words import word_set

__all__ = [
    "HAND_FEATURES",
    "Prepared",
    "Vocabulary",
    "build_vocabulary",
    "hand_features",
    "hand_matrix",
    "prepare",
    "term_rows",
    "tokenize",
]

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+|\n+")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'"})
INTRO_TOKENS = 80  # the text's "opening": its first sentences, up to this many tokens
INTRO_SENTENCES = 3  # the opening's tokens as a hand feature: at most its first three sentences
CLAIM_SENTENCE_SHARE = 0.3  # a sentence that repeats this share of the claim's content words is "on claim"
PREFIX = 5  # content words are also compared by their first letters (a cheap stemmer)


STOP_WORDS = word_set(
    "a an the and or but if then than so as of at by for from in into on onto to with without about "
    "over under after before between through during up down out off again further once here there "
    "when where why how all any both each few more most other some such only own same too very can "
    "will just should now is are was were be been being am have has had having do does did doing i me "
    "my we our you your he him his she her it its they them their what which who whom this that these "
    "those would could also says said say s t it's he's she's that's there's they're we're i'm"
)
# Words that call a claim false (the main signal of FNC-1's "disagree").
REFUTE_WORDS = word_set(
    "fake fakes faked false falsely hoax hoaxes fraud fraudulent bogus debunk debunked debunks debunking "
    "untrue myth myths fabricated fabrication fiction fictional satire satirical parody prank pranks "
    "pranked rumour rumours rumor rumors misleading mislead misled lie lies lied lying phony phoney "
    "baseless unfounded nonsense wrong incorrect inaccurate erroneous retract retracted retraction "
    "doctored photoshopped photoshop scam spoof spoofed joke duped fooled truth"
)
DENY_WORDS = word_set(
    "deny denies denied denying denial denials dismiss dismissed dismisses refute refuted refutes "
    "rebut rebutted reject rejected rejects dispute disputed disputes contradict contradicted "
    "contradicts disprove disproved disproven despite however"
)
NEGATION_WORDS = word_set(
    "not no never nothing none nobody neither nor n't isn't aren't wasn't weren't don't doesn't didn't "
    "won't wouldn't can't cannot couldn't hasn't haven't hadn't shouldn't without"
)
HEDGE_WORDS = word_set(
    "reportedly allegedly purportedly supposedly apparently claims claim claimed claiming alleged "
    "allegation allegations report reports reported according may might could possibly perhaps "
    "probably likely unconfirmed unverified speculation speculate speculated rumoured rumored "
    "suggest suggests suggested believe believed appears appear seems seem if whether"
)
CONFIRM_WORDS = word_set(
    "confirm confirms confirmed confirming confirmation official officially announced announces "
    "announce verified verify proof proves proved true indeed actually definitely really"
)
LEXICONS = (
    ("refute", REFUTE_WORDS),
    ("deny", DENY_WORDS),
    ("negation", NEGATION_WORDS),
    ("hedge", HEDGE_WORDS),
    ("confirm", CONFIRM_WORDS),
)
_LEX_PLACES = ("claim", "text", "intro", "on_claim")

HAND_FEATURES: tuple[str, ...] = (
    "cosine",
    "cosine_intro",
    "overlap",
    "overlap_intro",
    "overlap_best_sentence",
    "prefix_overlap",
    "bigram_overlap",
    "number_overlap",
    "claim_numbers",
    "on_claim_sentences",
    "log_text_tokens",
    "log_claim_tokens",
    "claim_question",
    *(f"{name}_{place}" for name, _ in LEXICONS for place in _LEX_PLACES),
)


def tokenize(text: str) -> list[str]:
    """Lower-cased word tokens (letters and digits, with an English clitic such as ``n't`` or ``'s``)."""
    return _TOKEN.findall(text.lower().translate(_QUOTES))


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text.translate(_QUOTES)) if s.strip()]


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Terms in order (most frequent first) and their inverse document frequencies."""

    terms: tuple[str, ...]
    idf: np.ndarray  # float32, one per term
    index: dict[str, int]

    @classmethod
    def of(cls, terms: Sequence[str], idf: Sequence[float]) -> Vocabulary:
        terms = tuple(terms)
        if len(terms) != len(idf):
            raise ValueError(f"{len(terms)} terms but {len(idf)} idf values")
        return cls(terms, np.asarray(idf, dtype=np.float32), {t: i for i, t in enumerate(terms)})


def build_vocabulary(
    docs: Iterable[Sequence[str]], *, min_df: int = 2, max_terms: int = 40_000
) -> Vocabulary:
    """Vocabulary of the non-stop-word terms in at least ``min_df`` of ``docs`` (token lists).

    Terms are ordered by total count, then alphabetically (deterministic); idf is ``ln((1+N)/(1+df)) + 1``.
    """
    df: Counter[str] = Counter()
    total: Counter[str] = Counter()
    n = 0
    for toks in docs:
        n += 1
        counts = Counter(t for t in toks if t not in STOP_WORDS)
        df.update(counts.keys())
        total.update(counts)
    kept = sorted((t for t, d in df.items() if d >= min_df), key=lambda t: (-total[t], t))[:max_terms]
    idf = [math.log((1 + n) / (1 + df[t])) + 1.0 for t in kept]
    return Vocabulary.of(kept, idf)


@dataclass(frozen=True, slots=True)
class Prepared:
    """One text, tokenised once (claims and texts are shared by many pairs)."""

    tokens: tuple[str, ...]
    content: frozenset[str]  # non-stop-word tokens
    tfidf: dict[int, float]  # L2-normalised TF-IDF over the vocabulary
    tf: dict[int, float]  # L2-normalised term frequencies over the vocabulary
    intro: frozenset[str] = frozenset()
    intro_tfidf: dict[int, float] | None = None
    sentence_sets: tuple[frozenset[str], ...] = ()
    sentence_tokens: tuple[tuple[str, ...], ...] = ()
    question: bool = False


def _weights(tokens: Sequence[str], vocab: Vocabulary, *, idf: bool) -> dict[int, float]:
    counts = Counter(vocab.index[t] for t in tokens if t in vocab.index)
    if idf:
        vec = {i: c * float(vocab.idf[i]) for i, c in counts.items()}
    else:
        vec = {i: float(c) for i, c in counts.items()}
    norm = math.sqrt(sum(v * v for v in vec.values()))
    return {i: v / norm for i, v in vec.items()} if norm else {}


def prepare(text: str, vocab: Vocabulary, *, body: bool) -> Prepared:
    """Tokens and vectors of a claim (``body=False``) or an article text (``body=True``)."""
    toks = tuple(tokenize(text))
    content = frozenset(t for t in toks if t not in STOP_WORDS)
    tfidf, tf = _weights(toks, vocab, idf=True), _weights(toks, vocab, idf=False)
    if not body:
        return Prepared(toks, content, tfidf, tf, question=text.rstrip().endswith("?"))
    sent_tokens = tuple(tuple(tokenize(s)) for s in sentences(text)) or ((),)
    intro: list[str] = []
    for st in sent_tokens:
        if intro and len(intro) + len(st) > INTRO_TOKENS:
            break
        intro.extend(st)
    return Prepared(
        toks,
        content,
        tfidf,
        tf,
        intro=frozenset(t for t in intro if t not in STOP_WORDS),
        intro_tfidf=_weights(intro, vocab, idf=True),
        sentence_sets=tuple(frozenset(st) for st in sent_tokens),
        sentence_tokens=sent_tokens,
    )


def _dot(a: dict[int, float], b: dict[int, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(i, 0.0) for i, v in a.items())


def _share(part: Iterable[str], whole: frozenset[str] | set[str], size: int) -> float:
    return sum(1 for t in part if t in whole) / size if size else 0.0


def _count(tokens: Iterable[str], lexicon: frozenset[str]) -> int:
    return sum(1 for t in tokens if t in lexicon)


def hand_features(claim: Prepared, text: Prepared) -> list[float]:
    """The :data:`HAND_FEATURES` of one pair, in that order."""
    words = claim.content
    n = len(words)
    body_words = set(text.tokens)
    best = 0.0
    on_claim: list[str] = []
    n_on = 0
    for sset, stoks in zip(text.sentence_sets, text.sentence_tokens, strict=True):
        share = _share(words, sset, n)
        best = max(best, share)
        if n and share >= CLAIM_SENTENCE_SHARE:
            on_claim.extend(stoks)
            n_on += 1
    prefixes = {t[:PREFIX] for t in text.content}
    claim_bigrams = set(zip(claim.tokens, claim.tokens[1:], strict=False))
    text_bigrams = set(zip(text.tokens, text.tokens[1:], strict=False))
    numbers = {t for t in claim.tokens if t.isdigit()}
    intro_tokens = [t for st in text.sentence_tokens[:INTRO_SENTENCES] for t in st][:INTRO_TOKENS]
    out = [
        _dot(claim.tfidf, text.tfidf),
        _dot(claim.tfidf, text.intro_tfidf or {}),
        _share(words, body_words, n),
        _share(words, text.intro, n),
        best,
        _share((t[:PREFIX] for t in words), prefixes, n),
        _share(claim_bigrams, text_bigrams, len(claim_bigrams)),
        _share(numbers, body_words, len(numbers)),
        float(len(numbers) > 0),
        math.log1p(n_on),
        math.log1p(len(text.tokens)),
        math.log1p(len(claim.tokens)),
        float(claim.question),
    ]
    for _name, lexicon in LEXICONS:
        out.append(float(_count(claim.tokens, lexicon) > 0))
        out.append(math.log1p(_count(text.tokens, lexicon)))
        out.append(math.log1p(_count(intro_tokens, lexicon)))
        out.append(math.log1p(_count(on_claim, lexicon)))
    return out


def term_rows(pairs: Sequence[tuple[Prepared, Prepared]], n_terms: int) -> tuple[np.ndarray, ...]:
    """CSR arrays ``(data, indices, indptr)`` of the rows ``[claim tf | text tf]`` (width ``2 * n_terms``)."""
    data: list[float] = []
    indices: list[int] = []
    indptr = [0]
    for claim, text in pairs:
        for offset, vec in ((0, claim.tf), (n_terms, text.tf)):
            for i in sorted(vec):
                if i < n_terms:
                    indices.append(offset + i)
                    data.append(vec[i])
        indptr.append(len(indices))
    return (
        np.asarray(data, dtype=np.float32),
        np.asarray(indices, dtype=np.int32),
        np.asarray(indptr, dtype=np.int64),
    )


def hand_matrix(pairs: Sequence[tuple[Prepared, Prepared]]) -> np.ndarray:
    """float32 rows of :data:`HAND_FEATURES`."""
    out = np.zeros((len(pairs), len(HAND_FEATURES)), dtype=np.float32)
    for row, (claim, text) in enumerate(pairs):
        out[row] = hand_features(claim, text)
    return out
