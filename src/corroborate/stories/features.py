"""What the story index keeps of an article: :class:`StoryFeatures` and how they are computed.

Groups of features (each a bag of keys; :func:`corroborate.stories.index.term_vector` weighs them):

* ``title_terms``, ``lead_terms`` (first 3 sentences), ``body_terms`` (the :data:`BODY_TERMS` heaviest
  content words): stemmed content words (:mod:`corroborate.stories.text`).
* ``entities``: named entities with counts. From spaCy's NER when the caller has a parse
  (:func:`features_for`, ingest): people, organisations, groups, places, events, products, laws,
  works. Without one, capitalised phrases (:func:`corroborate.stories.text.entities`).
* ``places``: the places among the entities (spaCy GPE, LOC, FAC), weighed again: two events of the
  same kind are most often told apart by where they happened.
* ``figures``: the numbers stated (facts' money, percentages and counts, with their unit; spaCy's
  cardinals and quantities), as keys such as ``"#6.1"`` or ``"#count:7:people"``.
* ``dates``: the dates stated, from ``facts`` normalised against the publication date (without one,
  only those carrying a year): ``"@2008"`` for a window within one year and ``"@2008-09"`` within one
  month. They are keys like the others, so an undated article still carries its event's time.
* ``embedding``: the lead's MiniLM sentence embedding (:func:`corroborate.text.embed.embed`) as int8
  (x127), or empty when not computed.
* The copy fingerprint of :mod:`corroborate.stories.copies` and the published date.

Page furniture (:func:`corroborate.text.clean.find_boilerplate`) is left out of everything.
"""

from __future__ import annotations

import base64
import json
import logging
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from corroborate.stories.copies import Fingerprint, fingerprint, without_furniture
from corroborate.stories.text import content_terms, entities, idf, lead, phrase_key
from corroborate.types import Article, Fact, parse_iso_date

log = logging.getLogger(__name__)

FEATURES_VERSION = 2
BODY_TERMS = 40
ENTITY_TERMS = 30
PLACE_TERMS = 10
FIGURE_TERMS = 15
DATE_TERMS = 10
EMBED_SCALE = 127.0

ENTITY_LABELS = frozenset(
    ["PERSON", "ORG", "NORP", "GPE", "LOC", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"]
)
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
FIGURE_LABELS = frozenset({"CARDINAL", "QUANTITY", "MONEY", "PERCENT"})
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_WORD_NUMBERS = {"two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "dozen", "hundred"}


def _top(counts: Counter[str], n: int) -> tuple[tuple[str, int], ...]:
    ranked = sorted(counts.items(), key=lambda kv: (-(1.0 + math.log(kv[1])) * idf(kv[0]), kv[0]))
    return tuple(sorted(ranked[:n]))


def _most(counts: Counter[str], n: int) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]))


@dataclass(frozen=True, slots=True)
class StoryFeatures:
    """What the story index keeps of an article (JSON-storable with :meth:`to_json`)."""

    signature: tuple[int, ...]
    shingles: int
    credit: str | None
    title_terms: tuple[str, ...]
    lead_terms: tuple[str, ...]
    entities: tuple[tuple[str, int], ...]
    body_terms: tuple[tuple[str, int], ...]
    published: date | None = None
    version: int = FEATURES_VERSION
    places: tuple[tuple[str, int], ...] = ()
    figures: tuple[tuple[str, int], ...] = ()
    dates: tuple[tuple[str, int], ...] = ()
    embedding: bytes = b""  # int8 x EMBED_SCALE, or empty
    lead_entities: tuple[str, ...] = ()

    @property
    def fingerprint(self) -> Fingerprint:
        return Fingerprint(self.signature, self.shingles, self.credit)

    def embedding_vector(self):  # -> numpy int8 array or None
        import numpy as np

        return np.frombuffer(self.embedding, dtype=np.int8) if self.embedding else None

    def to_json(self) -> str:
        d = {name: getattr(self, name) for name in _JSON_FIELDS}
        d["published"] = self.published.isoformat() if self.published else None
        d["embedding"] = base64.b64encode(self.embedding).decode("ascii")
        return json.dumps(d, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, s: str) -> StoryFeatures:
        d = json.loads(s)
        pairs = {
            k: tuple((str(t), int(n)) for t, n in d.get(k, ()))
            for k in ("entities", "body_terms", "places", "figures", "dates")
        }
        return cls(
            signature=tuple(int(v) for v in d["signature"]),
            shingles=int(d["shingles"]),
            credit=d.get("credit"),
            title_terms=tuple(d.get("title_terms", ())),
            lead_entities=tuple(d.get("lead_entities", ())),
            lead_terms=tuple(d.get("lead_terms", ())),
            published=parse_iso_date(d.get("published")),
            version=int(d.get("version", 1)),
            embedding=base64.b64decode(d.get("embedding") or ""),
            **pairs,
        )


_JSON_FIELDS = ("version", "published", "credit", "shingles", "signature", "title_terms", "lead_terms")
_JSON_FIELDS += ("entities", "body_terms", "places", "figures", "dates", "lead_entities")


_DETERMINER = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_POSSESSIVE_END = re.compile(r"['’]s?$")


def _name_key(text: str) -> str:
    """The key of a tagger's entity mention: no leading article, no trailing possessive."""
    return phrase_key(_POSSESSIVE_END.sub("", _DETERMINER.sub("", text.strip())).split())


def _number_key(text: str) -> str | None:
    m = _NUMBER.search(text)
    if m is None:
        w = text.casefold().split()
        return "#" + w[0] if w and w[0] in _WORD_NUMBERS else None
    digits = m.group(0).replace(",", "")
    if len(digits) == 4 and digits.isdigit() and 1800 <= int(digits) <= 2100:
        return None  # a year: the dates group has it
    return "#" + digits


def fact_keys(facts: Iterable[Fact]) -> tuple[Counter[str], Counter[str]]:
    """``(figures, dates)`` keys of an article's facts (see the module docstring)."""
    figures: Counter[str] = Counter()
    dates: Counter[str] = Counter()
    for f in facts:
        if f.kind == "date":
            if f.date_start is None or f.date_end is None:
                continue
            span = (f.date_end - f.date_start).days
            if f.date_start.year == f.date_end.year and span <= 366:
                dates[f"@{f.date_start.year}"] += 1
            if (f.date_start.year, f.date_start.month) == (f.date_end.year, f.date_end.month):
                dates[f"@{f.date_start.year}-{f.date_start.month:02d}"] += 1
        elif f.value is not None:
            unit = (f.unit or "").casefold()
            figures[f"#{f.kind}:{f.value:g}:{unit}"] += 1
    return figures, dates


def story_features(
    article: Article,
    entity_names: Iterable[str] | None = None,
    *,
    places: Iterable[str] = (),
    figures: Iterable[str] = (),
    facts: Iterable[Fact] | None = None,
    embedding: Sequence[float] | None = None,
    lead_names: Iterable[str] | None = None,
    text: str | None = None,
) -> StoryFeatures:
    """Features of ``article``. ``entity_names``: mentions from a named-entity tagger (one item per
    mention), used instead of the capitalised-phrase heuristic; ``places`` and ``figures`` likewise
    (figures: the texts of numeric mentions; ``lead_names``: the entity mentions in the lead).
    ``facts``: the article's facts (default: extracted here). ``embedding``: a unit sentence
    embedding of the lead. ``text``: the article's text without furniture, when the caller has it."""
    text = without_furniture(article.text) if text is None else text
    first = lead(text)
    if entity_names is None:
        ents = entities(text)
        lead_keys = set(entities(first))
    else:
        ents = Counter(k for k in map(_name_key, entity_names) if k)
        lead_keys = {k for k in map(_name_key, lead_names or ()) if k}
    place_keys = Counter(k for k in map(_name_key, places) if k)
    if facts is None:
        from corroborate.facts.figures import extract_facts

        facts = extract_facts(text, article.published)
    fig, dates = fact_keys(facts)
    fig.update(k for k in map(_number_key, figures) if k)
    fp = fingerprint(text, furniture_removed=True)
    emb = b""
    if embedding is not None and len(embedding):
        import numpy as np

        emb = np.clip(np.rint(np.asarray(embedding, dtype=np.float32) * EMBED_SCALE), -127, 127)
        emb = emb.astype(np.int8).tobytes()
    return StoryFeatures(
        signature=fp.signature,
        shingles=fp.shingles,
        credit=fp.credit,
        title_terms=tuple(sorted(set(content_terms(article.title or "")))),
        lead_terms=tuple(sorted(set(content_terms(first)))),
        entities=_top(ents, ENTITY_TERMS),
        body_terms=_top(Counter(content_terms(text)), BODY_TERMS),
        published=article.published,
        places=_top(place_keys, PLACE_TERMS),
        figures=_most(fig, FIGURE_TERMS),
        dates=_most(dates, DATE_TERMS),
        embedding=emb,
        lead_entities=tuple(sorted(lead_keys)),
    )


def doc_mentions(doc, lead_end: int = 0) -> tuple[list[str], list[str], list[str], list[str]]:
    """``(entity names, places, figures, names in the lead)``: the mention texts of a spaCy doc's
    named entities (the lead: the first ``lead_end`` characters)."""
    names, places, figures, in_lead = [], [], [], []
    for ent in doc.ents:
        if ent.label_ in ENTITY_LABELS:
            names.append(ent.text)
            if ent.start_char < lead_end:
                in_lead.append(ent.text)
            if ent.label_ in PLACE_LABELS:
                places.append(ent.text)
        elif ent.label_ in FIGURE_LABELS:
            figures.append(ent.text)
    return names, places, figures, in_lead


def _lead_end(text: str) -> int:
    """Where the lead ends in ``text`` (its first sentences; see :func:`corroborate.stories.text.lead`)."""
    first = lead(text)
    tail = first.split()[-1] if first.split() else ""
    at = text.find(tail, max(0, len(first) - len(tail) - 200)) if tail else -1
    return at + len(tail) if at >= 0 else len(first)


def embedding_text(article: Article, text: str | None = None) -> str:
    """What is embedded: the title and the lead (``text``: the article's text without furniture, when the
    caller has it)."""
    body = lead(without_furniture(article.text) if text is None else text)
    return f"{article.title}. {body}" if article.title else body


def features_for(
    articles: Sequence[Article], embed: bool = True, batch_size: int = 32
) -> list[StoryFeatures]:
    """Features of many articles as ingest computes them: spaCy entities (NER only, batched), facts
    (normalised against each article's publication date) and, with ``embed``, the lead's embedding."""
    from corroborate.facts.figures import extract_facts
    from corroborate.text.nlp import load_nlp

    if not articles:
        return []
    nlp = load_nlp()
    texts = [without_furniture(a.text) for a in articles]
    vectors = None
    if embed:
        from corroborate.errors import ModelUnavailable
        from corroborate.text.embed import embed as embed_texts

        try:
            vectors = embed_texts([embedding_text(a, t) for a, t in zip(articles, texts, strict=True)])
        except ModelUnavailable as exc:  # an install without the embedder groups on the other channels
            log.warning("story features without embeddings: %s", exc)
    out = []
    disabled = [p for p in nlp.pipe_names if p != "ner"]
    for i, doc in enumerate(nlp.pipe(texts, batch_size=batch_size, disable=disabled)):
        names, places, figures, in_lead = doc_mentions(doc, _lead_end(texts[i]))
        a = articles[i]
        facts = extract_facts(texts[i], a.published)
        emb = vectors[i] if vectors is not None else None
        out.append(
            story_features(
                a,
                names,
                places=places,
                figures=figures,
                facts=facts,
                embedding=emb,
                lead_names=in_lead,
                text=texts[i],
            )
        )
    return out
