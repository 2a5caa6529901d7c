"""Who is the source? Resolve each attribution's source to the named person or body it is, the
attribution's ``source_entity`` (:class:`~corroborate.types.Entity`: a name and the offsets of the mention
that carries it), or None when the article never names it.

Rules over the parse and the entities, on CPU and without network (``docs/speakers.md`` has the cases and
the evaluation; the article's named mentions come from :mod:`corroborate.attribution.name_mentions`):

* **Names.** A source that is, or is in apposition to, a name takes the name's canonical form in the
  article: the longest full name with the same surname ("President Donald Trump", "Mr. Trump" and "Trump"
  are "Donald Trump"; when two full names share the surname, the one mentioned last before). A body's name
  drops "the" and a possessive ("the Justice Department" is "Justice Department"); a named body's
  spokesperson ("a spokesman for the Justice Department", "the Pentagon spokesman") speaks for the body.
  "The Trump campaign" and "Trump's campaign" are the body "Trump campaign".
* **He, she.** The nearest person of agreeing gender (titles "Mr."/"Mrs."/"Ms.", gendered roles, a list
  of common given names; an unknown gender agrees with both), scored: fewer sentences back is better, a
  subject better than an object, a mention inside a quotation worse, and, for a direct quote, the speaker
  of the previous attribution better (a quotation that runs over paragraphs: "... ," he said). With no
  person before it, the first fitting person after it in the next few sentences (the name follows the
  pronoun). An unnamed individual as a subject in between ("a senior aide ... he said") keeps it None.
* **They, it.** A body of the pronoun's sentence or the one before, when the source kind says the pronoun
  takes up an organisation or outlet; people taken together and unnamed groups stay None.
* **I, me, we** inside a quotation: the speaker of the attribution whose content holds it; the writer's own
  "I" outside quotations: the name signing a letter or opening the closing note on the author.
* **A quotation with no source** that goes on from a named speaker's direct quotation (nothing between
  them but that speaker's source and cue, punctuation and paragraph breaks): that speaker.
* **Definite descriptions** ("the president", "the senator", "the Republican nominee", "the company",
  "the campaign"): the person or body the article gave that role, title or noun ("Sen. Chuck Schumer ...
  the senator", "Acme, the company that ...", "the Clinton campaign"), preferring the most recent mention
  and the most words in common. Indefinite and anonymous descriptions stay None: no name is invented.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import replace

from corroborate.attribution.lexicon import ORG_NOUNS, SPOKES_NOUNS
from corroborate.attribution.name_mentions import (
    LOOKBACK,
    Mention,
    NamedMentions,
    described,
    named_mentions,
    words_of,
)
from corroborate.attribution.quotes import doc_text, doc_tokens
from corroborate.attribution.quotes import quotations as doc_quotes
from corroborate.attribution.source_kinds import _mentions as kind_mentions
from corroborate.attribution.source_kinds import _phrase_head
from corroborate.types import ANONYMOUS_KINDS, Attribution, Entity
from corroborate.words import word_set

_LOOKAHEAD = 600  # characters a pronoun with no antecedent looks ahead for one ("he ... Trump")
_SELF = frozenset({"i", "me", "my", "we", "us", "our"})
_HE = frozenset({"he", "him", "his", "himself"})
_SHE = frozenset({"she", "her", "hers", "herself"})
_BODY_PRONOUNS = frozenset({"they", "them", "their", "it", "its", "itself", "themselves"})
_BODY_KINDS = ("organization", "outlet")
_BODY_FALLBACK = word_set("company firm bank agency newspaper network paper organization")
_GAP = re.compile(r"[\s.,;:\u2014\u2013-]*")
_INDEFINITE = frozenset({"a", "an", "another", "some", "any", "one", "every", "each", "no"})


def _pick(art: NamedMentions, pos: int, fits, previous: str | None = None, gender: str | None = None):
    """The best fitting mention before ``pos`` (see the module docstring), else the first after it."""
    i = art.before(pos)
    sent = art.sent_of(pos)
    best, best_score = None, None
    for m in reversed(art.mentions[:i]):
        if m.start < pos - LOOKBACK:
            break
        if m.end > pos or not fits(m):
            continue
        known = gender is not None and art.gender.get(m.name) == {gender}
        score = (
            -(sent - m.sent)
            + 1.5 * m.subject
            + 0.5 * m.main
            - 2.0 * m.quoted
            + 1.5 * (m.name == previous)
            + 0.5 * known
            - 1.0 * (m.label == "GPE" and not m.subject)
        )
        if best_score is None or score > best_score:
            best, best_score = m, score
    if best is not None:
        return best
    for m in art.mentions[i:]:
        if m.start > pos + _LOOKAHEAD:
            break
        if fits(m) and not m.quoted:
            return m
    return None


def _writer(doc, art: NamedMentions, pos: int) -> Mention | None:
    """The writer of a letter or column, for their own "I": the name signing the letter (a line that is
    only a person's name, after ``pos``) or opening the closing note on the author ("Jane Roe is a ...")."""
    text = doc_text(doc)
    people = [m for m in art.mentions[art.before(pos) :] if m.person and m.label]
    for m in people:
        line_start = text.rfind("\n", 0, m.start) + 1
        line_end = text.find("\n", m.end)
        line = text[line_start : len(text) if line_end < 0 else line_end].strip().rstrip(".")
        if line == text[m.start : m.end] and len(line.split()) >= 2:
            return m
        if line_end < 0 and m.start == line_start and text[m.end : m.end + 4] == " is ":
            return m
    return None


def _entity(m: Mention | None) -> Entity | None:
    return None if m is None else Entity(m.name, m.start, m.end)


def _unnamed_between(doc, art: NamedMentions, lo: int, pos: int) -> bool:
    """An unnamed individual ("a senior aide", "the official") as a subject between a person's mention at
    ``lo`` and a pronoun at ``pos``, in the pronoun's sentence or the one before: the pronoun is theirs."""
    starts, info = kind_mentions(doc)
    sent = art.sent_of(pos)
    for k in range(bisect_left(starts, lo + 1), bisect_left(starts, pos)):
        kind, _, subject, _ = info[k]
        if kind == "anonymous_individual" and subject and art.sent_of(starts[k]) >= sent - 1:
            return True
    return False


def _named(art: NamedMentions, doc, toks, head) -> Entity | None:
    """The name the source phrase carries: the one holding its head, in apposition to it, or the body
    a spokesperson speaks for; a proper noun at its head is a name even with no entity."""
    lo, hi = toks[0].idx, toks[-1].idx + len(toks[-1])
    inside = [m for m in art.mentions[art.before(lo) :] if m.start < hi and m.end <= hi and m.label]
    for m in inside:
        if m.start <= head.idx < m.end:
            return _entity(m)
    for m in inside:
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        root = span.root if span is not None else None
        if root is not None and (
            root.dep_ == "appos" and root.head.i == head.i or head.dep_ == "appos" and root.i == head.head.i
        ):
            return _entity(m)
    if head.lemma_.lower() in SPOKES_NOUNS:
        bodies = [m for m in inside if not m.person]
        if bodies:
            return _entity(bodies[0])
    if head.pos_ == "PROPN" and head.text[:1].isupper():
        first = head.left_edge.i
        while first < head.i and (doc[first].pos_ != "PROPN" or doc[first].lower_ == "the"):
            first += 1
        name = " ".join(words_of(doc[first : head.i + 1].text))
        if name:
            return Entity(name, doc[first].idx, head.idx + len(head))
    return None


def _description(doc, art: NamedMentions, toks, head) -> Entity | None:
    words = {t.lower_ for t in toks if t.i != head.i and t.dep_ in ("amod", "compound", "poss")}
    found = described(art, head.idx, head, words)
    if found is not None:
        return _entity(found)
    owner = next((c for c in head.children if c.dep_ == "poss" and c.lower_ in _HE | _SHE), None)
    if owner is not None and head.lemma_.lower() in ORG_NOUNS:
        # "her campaign": the campaign named for whom "her" is
        want = "m" if owner.lower_ in _HE else "f"
        person = _pick(art, owner.idx, lambda m: m.person and art.agrees(m.name, want), None, want)
        if person is not None:
            return Entity(f"{person.name} {head.lower_}", person.start, person.end)
    if head.lemma_.lower() in _BODY_FALLBACK and head.tag_ == "NN":
        # "the bank", "the agency": the body the article speaks of most, among those just before
        bodies = [
            m
            for m in art.mentions[: art.before(head.idx)]
            if m.label == "ORG" and m.start >= head.idx - LOOKBACK
        ]
        if bodies:
            return _entity(max(bodies, key=lambda m: (art.counts.get(m.name, 0), m.start)))
    return None


def _source_entity(doc, art: NamedMentions, att: Attribution, previous: str | None) -> Entity | None:
    toks = doc_tokens(doc, att.source)
    if toks is None:
        return None
    head = _phrase_head(toks)
    lower = head.lower_
    if lower in _HE | _SHE:
        want = "m" if lower in _HE else "f"
        found = _pick(
            art,
            head.idx,
            lambda m: m.person and art.agrees(m.name, want),
            previous if att.direct else None,
            want,
        )
        if found is not None and found.start < head.idx and _unnamed_between(doc, art, found.start, head.idx):
            return None
        return _entity(found)
    if head.pos_ == "PRON" or lower in _BODY_PRONOUNS:
        if lower in _BODY_PRONOUNS and att.source_kind in _BODY_KINDS:
            # a body of this sentence or the one before ("Politifact ruled ... they could not resist")
            sent = art.sent_of(head.idx)
            found = _pick(art, head.idx, lambda m: not m.person and m.sent >= sent - 1)
            return _entity(found) if found is not None and found.start < head.idx else None
        return None
    named = _named(art, doc, toks, head)
    if named is not None or att.source_kind in ANONYMOUS_KINDS:
        return named
    det = next((c for c in head.children if c.dep_ in ("det", "poss")), None)
    if head.pos_ == "NOUN" and det is not None and det.lower_ not in _INDEFINITE:
        return _description(doc, art, toks, head)
    return None


def resolve_speakers(doc, attributions: tuple[Attribution, ...]) -> tuple[Attribution, ...]:
    """``attributions`` with ``source_entity`` set (in the same order); see the module docstring."""
    if not attributions:
        return attributions
    art = named_mentions(doc)
    end = len(doc_text(doc))
    order = sorted(
        range(len(attributions)),
        key=lambda k: attributions[k].source.start if attributions[k].source else end,
    )
    out = list(attributions)
    firsts = []
    people = {m.name for m in art.mentions if m.person}
    previous: dict[str, str] = {}  # "m" / "f" -> the last person speaker that gender agrees with
    for k in order:
        att = attributions[k]
        lower = att.source.text.strip().lower() if att.source else ""
        if lower in _SELF:
            firsts.append(k)
            continue
        want = "m" if lower in _HE else "f" if lower in _SHE else ""
        entity = _source_entity(doc, art, att, previous.get(want))
        out[k] = replace(att, source_entity=entity)
        if entity is not None and entity.name in people:
            for g in ("m", "f"):
                if art.agrees(entity.name, g):
                    previous[g] = entity.name
    for k in firsts:  # "I", "we" inside a quotation: the speaker of the attribution that holds it
        src = attributions[k].source
        holders = [
            o
            for o in out
            if o.content is not None
            and o.source_entity is not None
            and o.content.start <= src.start
            and src.end <= o.content.end
            and o is not out[k]
        ]
        if holders:
            entity = min(holders, key=lambda o: o.content.end - o.content.start).source_entity
        elif src.text.strip().lower() in ("i", "me", "my") and doc_quotes(doc).inside(src.start) is None:
            entity = _entity(_writer(doc, art, src.start))  # the writer's own "I" in a letter or column
        else:
            entity = None
        out[k] = replace(attributions[k], source_entity=entity)
    for k, att in enumerate(out):  # a quotation with no source that goes on from a named speaker's
        if att.source is None and att.direct and att.content is not None:
            out[k] = replace(att, source_entity=_continued(doc_text(doc), out, att))
    return tuple(out)


def _continued(text: str, attributions: list[Attribution], att: Attribution) -> Entity | None:
    """The speaker whose quotation this unattributed one continues: the direct quotation just before it,
    with nothing between them but that quotation's source and cue, punctuation and paragraph breaks."""
    before = [
        o
        for o in attributions
        if o.direct
        and o.source_entity is not None
        and o.content is not None
        and o.content.end <= att.content.start
    ]
    if not before:
        return None
    last = max(before, key=lambda o: o.content.end)
    gap = list(text[last.content.end : att.content.start])
    for span in (last.source, last.cue):
        if span is not None and last.content.end <= span.start and span.end <= att.content.start:
            gap[span.start - last.content.end : span.end - last.content.end] = [" "] * (span.end - span.start)
    return last.source_entity if _GAP.fullmatch("".join(gap)) else None
