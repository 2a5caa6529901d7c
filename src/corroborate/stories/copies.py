"""Copies: near-duplicate and syndicated (wire) articles, found with MinHash LSH and credit lines.

Method
------
* **Normalised text.** Page furniture lines found by :func:`corroborate.text.clean.find_boilerplate`
  ("READ MORE:", share prompts, related-link lists) are dropped; the rest is case-folded,
  apostrophes are removed ("Musk's" -> "musks") and every run of non-word characters becomes one
  space, so punctuation, curly quotes and line breaks do not matter.
* **Shingles.** Overlapping :data:`SHINGLE_WORDS`-word shingles of the normalised words (a text
  shorter than that is one shingle). A :class:`Fingerprint` holds the MinHash signature
  (:data:`NUM_PERM` 32-bit values, datasketch ``affine32`` scheme, seed :data:`SEED`), the number of
  distinct shingles and the wire credit line.
* **Similarity.** Jaccard similarity of the shingle sets is estimated from the signatures (share of
  equal values; standard error about 0.035 at 0.8). Containment (the share of the *smaller*
  article's shingles found in the other) follows from Jaccard and the two set sizes:
  ``|A & B| = J * (|A| + |B|) / (1 + J)``.
* **Copy rule.** A new article is a copy of an earlier one when

  - the estimated Jaccard is at least :data:`COPY_JACCARD` (0.7: the same text with a few sentences
    changed or rewritten, another outlet's furniture; on FNC-1 every body pair above 0.6 that we
    read was such a lightly edited reprint, and 0.7 leaves two standard errors of margin), or
  - both carry the same wire credit (:func:`credit_line`) and the containment is at least
    :data:`WIRE_CONTAINMENT` (0.8: a wire story trimmed or lightly edited by the reprinting outlet).

  Candidates come from a :class:`datasketch.MinHashLSH` at :data:`LSH_THRESHOLD` (below both bars,
  so trimmed reprints are still retrieved), then the rule above is checked on the signatures.
* ``copy_of`` is always an **original**: the earliest matching article in processing order, with a
  match that is itself a copy resolved to its original, so copy groups are flat stars.

Thresholds were measured on FNC-1 bodies and on invented fixtures; see ``docs/stories.md``.
Shingles are hashed with CRC-32 per word combined polynomially (:func:`shingle_hashes`), never with
Python's per-process ``hash``, so stored signatures stay comparable across runs.
The credit line is read from the dateline ("WASHINGTON (AP) —", "LONDON, April 2 (Reuters) -"),
from bylines ("By AFP"), and from trailers ("— AFP", "Reporting by ...; Editing by ...",
"Associated Press writer ... contributed", "© Agence France-Presse"). A passing citation in
the prose ("the Associated Press reports") is not a credit line.
"""

from __future__ import annotations

import copy
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from datasketch import MinHash, MinHashLSH

from corroborate.text.clean import find_boilerplate

SHINGLE_WORDS = 5  #: words per shingle
NUM_PERM = 128  #: MinHash signature length
SEED = 1  #: MinHash permutation seed (fixed: stored signatures must stay comparable)
SCHEME = "affine32"  #: datasketch MinHash scheme of stored signatures
COPY_JACCARD = 0.7  #: estimated Jaccard at or above which two texts are copies
WIRE_CONTAINMENT = 0.8  #: containment at or above which two same-credit wire texts are copies
LSH_THRESHOLD = 0.4  #: Jaccard the LSH candidate search is tuned for (recall bar, not the decision)

WIRES: tuple[str, ...] = ("AP", "Reuters", "AFP", "PA", "UPI", "DPA")

# Every spelling of a wire that may appear in a credit, with its normalised name.
_WIRE_NAMES: dict[str, str] = {
    "ap": "AP",
    "associated press": "AP",
    "the associated press": "AP",
    "reuters": "Reuters",
    "thomson reuters": "Reuters",
    "afp": "AFP",
    "agence france-presse": "AFP",
    "agence france presse": "AFP",
    "pa": "PA",
    "pa media": "PA",
    "press association": "PA",
    "the press association": "PA",
    "upi": "UPI",
    "united press international": "UPI",
    "dpa": "DPA",
}
_WIRE_ALT = "|".join(sorted((re.escape(k) for k in _WIRE_NAMES), key=len, reverse=True))
# Names that are safe in a trailer or byline (bare "PA" is not: "Pittsburgh, PA").
_TRAILER_ALT = r"AP|AFP|Reuters|UPI|DPA|Associated Press|Agence France-Presse|Agence France Presse|PA Media|Press Association"

# "WASHINGTON (AP) —", "LONDON, April 2 (Reuters) -", "(AFP) -": a dateline in the first line.
_DATELINE = re.compile(rf"^[^\n()]{{0,80}}\(\s*({_WIRE_ALT})\s*\)\s*[-—–:]", re.IGNORECASE)
# "By AFP", "By The Associated Press", "By Reuters Staff", or the wire alone on the first line.
_BYLINE = re.compile(
    rf"^\s*(?:by\s+)?(?:the\s+)?({_TRAILER_ALT})(?:\s+staff|\s+reporters?)?\s*$", re.IGNORECASE
)
# "— AFP", "- Reuters" closing a paragraph, or a last line that is only "(AFP)" / "AFP".
_TRAILER = re.compile(rf"(?:(?:^|\s)[-—–]\s*|^\(?\s*)({_TRAILER_ALT})\s*\)?\s*\.?\s*$", re.IGNORECASE)
_REUTERS_EDITING = re.compile(
    r"\(?\s*(?:Additional\s+)?(?:Reporting|Writing)\s+by\s[^\n]{1,200}?[;,]\s*(?:Additional\s+reporting|Writing|Editing)\s+by\s",
    re.IGNORECASE,
)
_CREDIT_SENTENCE = re.compile(
    rf"(?:\b(?:The\s+)?({_TRAILER_ALT})\s+(?:writers?|reporters?|correspondents?|staff)\b[^\n.]{{0,200}}\bcontributed\b"
    rf"|(?:©|\(c\)|copyright)\s*(?:\d{{4}}\s*)?(?:The\s+)?({_TRAILER_ALT})\b)",
    re.IGNORECASE,
)
_HEAD_CHARS = 300
_TAIL_CHARS = 600
_BYLINE_LINES = 2  # a byline credit is sought in the first two lines only
_TRAILER_LINES = 3  # a trailer credit in the last three non-blank lines only


def _wire(name: str) -> str | None:
    return _WIRE_NAMES.get(re.sub(r"\s+", " ", name.strip().lower()))


def credit_line(text: str) -> str | None:
    """The wire service the article credits ("AP", "Reuters", "AFP", "PA", "UPI", "DPA"), or None.

    Looks at the dateline and byline in the first lines, and at trailers and "Reporting by ...;
    Editing by ..." notes at the end. Citations inside the prose do not count.
    """
    head = text.lstrip()[:_HEAD_CHARS]
    m = _DATELINE.match(head)
    if m:
        return _wire(m.group(1))
    first_lines = [ln.strip() for ln in head.splitlines()[:_BYLINE_LINES]]
    for ln in first_lines:
        m = _BYLINE.match(ln)
        if m:
            return _wire(m.group(1))
    tail = text.rstrip()[-_TAIL_CHARS:]
    last_lines = [ln.strip() for ln in tail.splitlines() if ln.strip()][-_TRAILER_LINES:]
    for ln in reversed(last_lines):
        m = _TRAILER.search(ln)
        if m:
            return _wire(m.group(1))
    if _REUTERS_EDITING.search(tail):
        return "Reuters"
    m = _CREDIT_SENTENCE.search(tail)
    if m:
        return _wire(m.group(1) or m.group(2))
    return None


# --------------------------------------------------------------------------- text and shingles

_WORDS = re.compile(r"[^\W_]+")
_SHINGLE_BASE = 1_000_003  # polynomial base combining word hashes into a shingle hash
_MASK32 = 0xFFFFFFFF


def without_furniture(text: str) -> str:
    """``text`` with the page furniture lines of :func:`corroborate.text.clean.find_boilerplate` cut out."""
    furniture = find_boilerplate(text)
    if not furniture:
        return text
    parts, pos = [], 0
    for bp in furniture:
        parts.append(text[pos : bp.start])
        pos = bp.end
    parts.append(text[pos:])
    return "\n".join(parts)


def normalise(text: str, *, furniture_removed: bool = False) -> list[str]:
    """The words of ``text`` with page furniture lines dropped, case-folded, punctuation removed."""
    if not furniture_removed:
        text = without_furniture(text)
    return _WORDS.findall(text.casefold().replace("'", "").replace("’", "").replace("ʼ", ""))


def shingles(words: Sequence[str], k: int = SHINGLE_WORDS) -> set[str]:
    """Distinct ``k``-word shingles of ``words`` (the whole text as one shingle when shorter)."""
    if not words:
        return set()
    if len(words) < k:
        return {" ".join(words)}
    return {" ".join(words[i : i + k]) for i in range(len(words) - k + 1)}


def shingle_hashes(words: Sequence[str], k: int = SHINGLE_WORDS) -> np.ndarray:
    """Distinct 32-bit hashes of the ``k``-word shingles of ``words`` (sorted, uint64).

    A word hashes with CRC-32; a shingle is the polynomial ``sum(h_i * B**(k-1-i)) mod 2**32`` of its
    words' hashes, computed for all shingles at once. Deterministic across processes and machines.
    """
    if not words:
        return np.zeros(0, dtype=np.uint64)
    word_hashes = np.fromiter(
        (zlib.crc32(w.encode("utf-8")) for w in words), dtype=np.uint64, count=len(words)
    )
    n = max(1, len(words) - k + 1)
    h = word_hashes[:n].copy()
    for j in range(1, min(k, len(words))):
        h = (h * np.uint64(_SHINGLE_BASE) + word_hashes[j : j + n]) & np.uint64(_MASK32)
    return np.unique(h)


@lru_cache(maxsize=1)
def _template() -> MinHash:
    return MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME, hashfunc=int)


def _minhash(values: Sequence[int] | None = None) -> MinHash:
    """A datasketch MinHash (CRC-based shingle hashes go in as ints) sharing one set of permutations."""
    mh = copy.copy(_template())
    mh.hashvalues = _template().hashvalues.copy() if values is None else np.asarray(values, dtype=np.uint32)
    return mh


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What copy detection keeps of an article: MinHash signature, shingle count, wire credit."""

    signature: tuple[int, ...]
    shingles: int
    credit: str | None = None


def fingerprint(text: str, *, furniture_removed: bool = False) -> Fingerprint:
    """The :class:`Fingerprint` of an article text (``furniture_removed``: already cut out)."""
    hashes = shingle_hashes(normalise(text, furniture_removed=furniture_removed))
    mh = _minhash()
    if len(hashes):
        mh.update_batch(hashes.tolist())
    return Fingerprint(tuple(int(v) for v in mh.hashvalues), len(hashes), credit_line(text))


def jaccard(a: Fingerprint, b: Fingerprint) -> float:
    """Estimated Jaccard similarity of the two shingle sets (0.0 when either text is empty)."""
    if not a.shingles or not b.shingles or len(a.signature) != len(b.signature):
        return 0.0
    return float(np.mean(np.asarray(a.signature) == np.asarray(b.signature)))


def containment(a: Fingerprint, b: Fingerprint, j: float | None = None) -> float:
    """Estimated share of the smaller text's shingles that the other text also has."""
    if j is None:
        j = jaccard(a, b)
    small = min(a.shingles, b.shingles)
    if not small:
        return 0.0
    return min(1.0, j * (a.shingles + b.shingles) / (1.0 + j) / small)


@dataclass(frozen=True, slots=True)
class CopyMatch:
    """``key`` is a copy of ``original``; ``reason`` is "near_duplicate" or "wire"."""

    original: str
    jaccard: float
    containment: float
    reason: str


def copy_reason(new: Fingerprint, old: Fingerprint) -> tuple[str | None, float, float]:
    """(reason or None, jaccard, containment) for ``new`` against an earlier ``old``."""
    j = jaccard(new, old)
    c = containment(new, old, j)
    if j >= COPY_JACCARD:
        return "near_duplicate", j, c
    if new.credit is not None and new.credit == old.credit and c >= WIRE_CONTAINMENT:
        return "wire", j, c
    return None, j, c


class _Bands:
    """MinHash LSH banding with the bands :class:`datasketch.MinHashLSH` picks for
    :data:`LSH_THRESHOLD` and :data:`NUM_PERM` (32 bands of 4), kept as one dict per band from the
    band's hash to the keys: the same candidates, at a fraction of datasketch's time and memory."""

    def __init__(self) -> None:
        lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
        self._bands, self._rows = lsh.b, lsh.r
        self._tables: list[dict[int, str | list[str]]] = [{} for _ in range(self._bands)]

    def band_hashes(self, signatures) -> np.ndarray:
        """One 64-bit hash per band of each signature (rows: signatures), computed together."""
        sig = np.asarray(signatures, dtype=np.uint64)[..., : self._bands * self._rows]
        sig = sig.reshape(*sig.shape[:-1], self._bands, self._rows)
        h = np.zeros(sig.shape[:-1], dtype=np.uint64)
        with np.errstate(over="ignore"):
            for r in range(self._rows):
                h = h * np.uint64(0x9E3779B97F4A7C15) + sig[..., r] + np.uint64(r + 1)
        return h

    def _hashes(self, signature: Sequence[int]) -> list[int]:
        return self.band_hashes(signature).tolist()

    def insert_hashed(self, key: str, hashes: list[int]) -> None:
        for table, h in zip(self._tables, hashes, strict=True):
            found = table.get(h)
            if found is None:
                table[h] = key
            elif isinstance(found, list):
                found.append(key)
            else:
                table[h] = [found, key]

    def insert(self, key: str, signature: Sequence[int]) -> None:
        self.insert_hashed(key, self._hashes(signature))

    def query(self, signature: Sequence[int]) -> set[str]:
        out: set[str] = set()
        for table, h in zip(self._tables, self._hashes(signature), strict=True):
            found = table.get(h)
            if found is None:
                continue
            if isinstance(found, list):
                out.update(found)
            else:
                out.add(found)
        return out

    def remove(self, key: str, signature: Sequence[int]) -> None:
        for table, h in zip(self._tables, self._hashes(signature), strict=True):
            found = table.get(h)
            if found == key:
                del table[h]
            elif isinstance(found, list) and key in found:
                found.remove(key)
                if len(found) == 1:
                    table[h] = found[0]


class CopyIndex:
    """Incremental copy detection: :meth:`add` articles in processing order."""

    def __init__(self) -> None:
        self._lsh = _Bands()
        self._prints: dict[str, Fingerprint] = {}
        self._order: dict[str, int] = {}
        self._original: dict[str, str] = {}  # key -> its original (itself when not a copy)

    def __len__(self) -> int:
        return len(self._prints)

    def __contains__(self, key: str) -> bool:
        return key in self._prints

    def original_of(self, key: str) -> str | None:
        """The original ``key`` copies, or None when it is an original (or unknown)."""
        orig = self._original.get(key)
        return None if orig is None or orig == key else orig

    def match(self, fp: Fingerprint) -> CopyMatch | None:
        """The earliest original that ``fp`` copies, without adding it."""
        if not fp.shingles or not self._prints:
            return None
        found: list[tuple[int, int, str, str]] = []  # (original's order, candidate's order, original, reason)
        for cand in self._lsh.query(fp.signature):
            reason, _, _ = copy_reason(fp, self._prints[cand])
            if reason is not None:
                orig = self._original[cand]
                if orig not in self._prints:  # the original left the window: the copy stands in
                    orig = cand
                found.append((self._order[orig], self._order[cand], orig, reason))
        if not found:
            return None
        _, _, orig, reason = min(found)
        j = jaccard(fp, self._prints[orig])
        return CopyMatch(orig, j, containment(fp, self._prints[orig], j), reason)

    def add(self, key: str, fp: Fingerprint) -> CopyMatch | None:
        """Record ``key``; return the match when it is a copy. Adding a known key changes nothing."""
        if key in self._prints:
            orig = self.original_of(key)
            if orig is None:
                return None
            j = jaccard(fp, self._prints[orig])
            return CopyMatch(orig, j, containment(fp, self._prints[orig], j), "known")
        found = self.match(fp)
        self.record(key, fp, found)
        return found

    def forget(self, key: str) -> None:
        """Drop ``key`` (the oldest articles leave a bounded window); unknown keys are ignored."""
        fp = self._prints.pop(key, None)
        if fp is None:
            return
        self._order.pop(key, None)
        self._original.pop(key, None)
        if fp.shingles:
            self._lsh.remove(key, fp.signature)

    def record_many(self, items: Sequence[tuple[str, Fingerprint, str | None]]) -> None:
        """Record many ``(key, fingerprint, original or None)`` at once (a restore): the band hashes
        of all the signatures are computed together."""
        fresh = [(k, fp, o) for k, fp, o in items if k not in self._prints]
        hashed = [i for i, (_, fp, _) in enumerate(fresh) if fp.shingles and len(fp.signature) == NUM_PERM]
        hashes = self._lsh.band_hashes([fresh[i][1].signature for i in hashed]).tolist() if hashed else []
        by_item = dict(zip(hashed, hashes, strict=True))
        for i, (key, fp, original) in enumerate(fresh):
            self._prints[key] = fp
            self._order[key] = len(self._order)
            self._original[key] = original or key
            if i in by_item:
                self._lsh.insert_hashed(key, by_item[i])
            elif fp.shingles:
                self._lsh.insert(key, fp.signature)

    def record(self, key: str, fp: Fingerprint, found: CopyMatch | None) -> None:
        """Record ``key`` with the result of :meth:`match` already computed for it."""
        if key in self._prints:
            return
        self._prints[key] = fp
        self._order[key] = len(self._order)
        self._original[key] = found.original if found else key
        if fp.shingles:
            self._lsh.insert(key, fp.signature)


def find_copies(items: Iterable[tuple[str, str]]) -> dict[str, CopyMatch]:
    """``{key: match}`` for every copy among ``(key, text)`` items taken in the given order."""
    index = CopyIndex()
    out: dict[str, CopyMatch] = {}
    for key, text in items:
        found = index.add(key, fingerprint(text))
        if found is not None:
            out[key] = found
    return out
