"""Who is the source? Resolve each attribution's source to the named person or body it is, the
attribution's ``source_entity`` (:class:`~corroborate.types.Entity`: a name and the offsets of the mention
that carries it), or None when the article never names it.

Rules over the parse and the entities, on CPU and without network (``docs/speakers.md`` has the cases):

* **Names.** A source that is, or is in apposition to, a name takes the name's canonical form in the
  article: the longest full name with the same surname ("President Donald Trump", "Mr. Trump" and "Trump"
  are "Donald Trump"; when two full names share the surname, the one mentioned last before). A body's name
  drops "the" and a possessive ("the Justice Department" is "Justice Department"); a named body's
  spokesperson ("a spokesman for the Justice Department", "the Pentagon spokesman") speaks for the body.
  "The Trump campaign" and "Trump's campaign" are the body "Trump campaign".
* **He, she.** The nearest person of agreeing gender (titles "Mr."/"Mrs."/"Ms.", gendered roles, a list
  of common given names; an unknown gender agrees with both), scored: fewer sentences back is better, a
  subject better than an object, a mention inside a quotation worse, and the speaker of the previous
  attribution better (a quotation that runs over paragraphs: "... ," he said). With no person before
  it, the first fitting person after it in the next few sentences (the name follows the pronoun). A
  pronoun whose source kind is anonymous (the nearest fitting mention is "a senior official") stays None.
* **They, it.** A body, when the source kind says the pronoun takes up an organisation or outlet; people
  taken together and unnamed groups stay None.
* **I, me, we** inside a quotation: the speaker of the attribution whose content holds it.
* **Definite descriptions** ("the president", "the senator", "the Republican nominee", "the company",
  "the campaign"): the person or body the article gave that role, title or noun ("Sen. Chuck Schumer ...
  the senator", "Acme, the company that ...", "the Clinton campaign"), preferring the most recent mention
  and the most words in common. Indefinite and anonymous descriptions stay None: no name is invented.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field, replace

from corroborate.attribution.first_names import FEMALE_NAMES, MALE_NAMES
from corroborate.attribution.lexicon import ORG_NAME_WORDS, ORG_NOUNS, SPOKES_NOUNS, TITLES
from corroborate.attribution.quotes import doc_text, doc_tokens, quotations
from corroborate.attribution.source_kinds import _phrase_head
from corroborate.types import ANONYMOUS_KINDS, Attribution, Entity

_LOOKBACK = 3000  # characters a pronoun or description looks back for its antecedent
_LOOKAHEAD = 600  # characters a pronoun with no antecedent looks ahead for one ("he ... Trump")
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
_ABBREVIATIONS = {"sen": "senator", "rep": "representative", "gov": "governor", "sec": "secretary",
                  "pres": "president", "gen": "general", "atty": "attorney", "lt": "lieutenant"}
_SYNONYMS = {"nominee": ("candidate",), "candidate": ("nominee",), "lawyer": ("attorney",),
             "attorney": ("lawyer",), "congressman": ("representative",), "congresswoman": ("representative",),
             "representative": ("congressman", "congresswoman"), "spokesman": ("spokesperson", "spokeswoman"),
             "spokeswoman": ("spokesperson", "spokesman"), "spokesperson": ("spokesman", "spokeswoman"),
             "firm": ("company",), "company": ("firm",)}
_MALE_WORDS = frozenset("mr he him his sir king prince congressman spokesman chairman businessman husband "
                        "father son brother uncle nephew grandfather boyfriend widower".split())
_FEMALE_WORDS = frozenset("mrs ms miss she her dame queen princess lady congresswoman spokeswoman chairwoman "
                          "businesswoman wife mother daughter sister aunt niece grandmother girlfriend widow".split())
_SELF = frozenset({"i", "me", "my", "we", "us", "our"})
_HE = frozenset({"he", "him", "his", "himself"})
_SHE = frozenset({"she", "her", "hers", "herself"})
_BODY_PRONOUNS = frozenset({"they", "them", "their", "it", "its", "itself", "themselves"})
_BODY_KINDS = ("organization", "outlet")
_ROLE_DEPS = frozenset({"compound", "amod", "nmod", "poss", "punct", "case"})
_POSSESSIVE = re.compile(r"(?:\s*['\u2019]s?)$")


@dataclass(slots=True)
class _Mention:
    start: int
    end: int
    name: str  # canonical
    person: bool
    subject: bool
    quoted: bool
    sent: int


@dataclass(slots=True)
class _Article:
    """The named mentions of one article, with each name's canonical form, gender and roles."""

    mentions: list[_Mention] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    sent_starts: list[int] = field(default_factory=list)
    gender: dict[str, set[str]] = field(default_factory=dict)  # canonical -> {"m"} / {"f"} / both / none
    roles: dict[tuple[str, int], set[str]] = field(default_factory=dict)  # (canonical, start) -> role words

    def sent_of(self, pos: int) -> int:
        return bisect_right(self.sent_starts, pos) - 1


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"\s+", _POSSESSIVE.sub("", text.strip(" \t\n,.;:\u201c\u201d\"'"))) if w]


def _strip_titles(words: list[str]) -> list[str]:
    while len(words) > 1 and words[0].lower().rstrip(".") in TITLES | set(_ABBREVIATIONS):
        words = words[1:]
    return words


def _surname(words: list[str]) -> str:
    core = [w for w in words if w.lower().rstrip(".,") not in _SUFFIXES]
    return (core or words)[-1].lower().rstrip(".,")


def _body_name(text: str) -> str:
    words = _words(text)
    if words and words[0].lower() == "the":
        words = words[1:]
    return " ".join(words)


def _role_words(doc, first: int, root) -> set[str]:
    """Titles and roles given to a name: the words before it ("Republican presidential nominee", "Sen.")
    and a noun in apposition ("Acme, the company that ...", "the senator, Chuck Schumer")."""
    out: set[str] = set()
    i = first - 1
    while i >= 0 and first - i <= 5 and doc[i].head.i >= first and doc[i].dep_ in _ROLE_DEPS | {"det"}:
        word = doc[i].lower_.rstrip(".")
        out.add(_ABBREVIATIONS.get(word, word))
        i -= 1
    apposed = [c for c in root.children if c.dep_ == "appos" and c.pos_ == "NOUN"]
    if root.dep_ == "appos" and root.head.pos_ == "NOUN":
        apposed.append(root.head)
    for noun in apposed:
        out.add(noun.lemma_.lower())
        out.update(c.lower_ for c in noun.children if c.dep_ in ("amod", "compound"))
    return out


def _gender_of(words: list[str], roles: set[str]) -> set[str]:
    found = set()
    lowered = {w.lower().rstrip(".") for w in words[:1]} | roles
    if lowered & _MALE_WORDS or words and words[0].lower() in MALE_NAMES:
        found.add("m")
    if lowered & _FEMALE_WORDS or words and words[0].lower() in FEMALE_NAMES:
        found.add("f")
    return found


def _article(doc) -> _Article:
    cached = doc.user_data.get("corroborate_speakers")
    if cached is not None:
        return cached
    art = _Article(sent_starts=[s.start_char for s in doc.sents])
    quotes = quotations(doc)
    raw = []  # (start, end, words, person, root, first token)
    for ent in doc.ents:
        if "\n" in ent.text or not ent.text[:1].isupper() and not ent.text.lower().startswith("the "):
            continue
        if ent.label_ == "PERSON":
            words = _strip_titles(_words(ent.text))
            if words and len(words) <= 5:
                raw.append((ent.start_char, ent.end_char, words, True, ent.root, ent.start))
        elif ent.label_ in ("ORG", "GPE") and not (ent.root.dep_ == "compound" and ent.root.head.i >= ent.end):
            name = _body_name(ent.text)
            if name:
                start = ent.start_char + (4 if ent.text.lower().startswith("the ") else 0)
                raw.append((start, ent.end_char, name.split(), False, ent.root, ent.start))
    for chunk in doc.noun_chunks:  # "the Trump campaign", "Clinton's campaign": a body named for a person
        root = chunk.root
        if root.lemma_.lower() in ORG_NOUNS and root.pos_ == "NOUN":
            named = [c for c in root.children if c.dep_ in ("compound", "poss") and c.pos_ == "PROPN"]
            if named:
                start = named[0].left_edge.idx
                name = " ".join(_words(doc[named[0].left_edge.i : named[0].i + 1].text) + [root.lower_])
                raw.append((start, root.idx + len(root), name.split(), False, root, named[0].left_edge.i))
    raw.sort(key=lambda r: r[0])
    # full names: canonical = the longest with the same first name and surname
    longest: dict[tuple[str, str], str] = {}
    for _, _, words, person, _, _ in raw:
        if person and len(words) >= 2:
            key = (words[0].lower(), _surname(words))
            if len(" ".join(words)) > len(longest.get(key, "")):
                longest[key] = " ".join(words)
    full_at = [(r[0], longest[(r[2][0].lower(), _surname(r[2]))]) for r in raw if r[3] and len(r[2]) >= 2]
    for start, end, words, person, root, first in raw:
        if person:
            name = _canonical(words, start, full_at, longest)
        else:
            name = " ".join(words)
        roles = _role_words(doc, first, root)
        if person:
            art.gender.setdefault(name, set()).update(_gender_of(words, roles))
        art.roles[(name, start)] = roles | {w.lower() for w in words if not person}
        art.mentions.append(_Mention(start, end, name, person, root.dep_ in ("nsubj", "nsubjpass"),
                                     quotes.inside(start) is not None, art.sent_of(start)))
    art.starts = [m.start for m in art.mentions]
    doc.user_data["corroborate_speakers"] = art
    return art


def _canonical(words: list[str], start: int, full_at: list[tuple[int, str]], longest: dict) -> str:
    if len(words) >= 2:
        return longest[(words[0].lower(), _surname(words))]
    word = words[0].lower().rstrip(".,")
    fits = [(s, n) for s, n in full_at if _surname(n.split()) == word or n.split()[0].lower() == word]
    if not fits:
        return words[0]
    before = [f for f in fits if f[0] < start]
    if before:
        return before[-1][1]
    return fits[0][1]


def _agrees(art: _Article, name: str, gender: str | None) -> bool:
    found = art.gender.get(name, set())
    return gender is None or len(found) != 1 or gender in found


def _pick(art: _Article, pos: int, fits, previous: str | None) -> _Mention | None:
    """The best fitting mention before ``pos`` (see the module docstring), else the first after it."""
    i = bisect_left(art.starts, pos)
    sent = art.sent_of(pos)
    best, best_score = None, None
    for m in reversed(art.mentions[:i]):
        if m.start < pos - _LOOKBACK:
            break
        if m.end > pos or not fits(m):
            continue
        score = -(sent - m.sent) + 1.5 * m.subject - 2.0 * m.quoted + 1.5 * (m.name == previous)
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


def _entity(m: _Mention | None) -> Entity | None:
    return None if m is None else Entity(m.name, m.start, m.end)


def _named(art: _Article, doc, toks, head) -> Entity | None:
    """The name the source phrase carries: the one holding its head, in apposition to it, or the body
    a spokesperson speaks for."""
    lo, hi = toks[0].idx, toks[-1].idx + len(toks[-1])
    inside = [m for m in art.mentions[bisect_left(art.starts, lo) :] if m.start < hi and m.end <= hi]
    for m in inside:
        if m.start <= head.idx < m.end:
            return _entity(m)
    for m in inside:
        tok = doc.char_span(m.start, m.end, alignment_mode="expand")
        root = tok.root if tok is not None else None
        if root is not None and (root.dep_ == "appos" and root.head.i == head.i or root.i == head.head.i
                                 and head.dep_ == "appos"):
            return _entity(m)
    if head.lemma_.lower() in SPOKES_NOUNS:
        bodies = [m for m in inside if not m.person]
        if bodies:
            return _entity(bodies[0])
    return None


def _described(art: _Article, pos: int, toks, head) -> Entity | None:
    """A definite description's referent: the person or body given that role earlier (or just after)."""
    lemma = head.lemma_.lower()
    wanted = {lemma, *_SYNONYMS.get(lemma, ())}
    words = {t.lower_ for t in toks if t.i != head.i and t.dep_ in ("amod", "compound", "poss")}
    person = lemma not in ORG_NOUNS | ORG_NAME_WORDS

    def fits(m: _Mention) -> bool:
        return m.person == person and bool(art.roles.get((m.name, m.start), set()) & wanted)

    def overlap(m: _Mention) -> int:
        return len({r for (n, _), roles in art.roles.items() if n == m.name for r in roles} & words)

    found = [m for m in art.mentions if fits(m) and pos - _LOOKBACK <= m.start and m.end <= pos]
    if not found:
        return _entity(_pick(art, pos, fits, None))
    return _entity(max(found, key=lambda m: (overlap(m), m.start)))


def _source_entity(doc, art: _Article, att: Attribution, previous: str | None, gender) -> Entity | None:
    toks = doc_tokens(doc, att.source)
    if toks is None:
        return None
    head = _phrase_head(toks)
    lower = head.lower_
    if head.pos_ == "PRON" or lower in _HE | _SHE | _BODY_PRONOUNS:
        if lower in _HE | _SHE:
            want = "m" if lower in _HE else "f"
            people = [m for m in art.mentions if m.person and m.start < head.idx]
            if att.source_kind in ANONYMOUS_KINDS and people:
                return None  # the nearest fitting mention is an unnamed individual ("a senior aide")
            return _entity(_pick(art, head.idx, lambda m: m.person and _agrees(art, m.name, want), previous))
        if att.source_kind in ANONYMOUS_KINDS:
            return None
        if lower in _BODY_PRONOUNS and att.source_kind in _BODY_KINDS:
            return _entity(_pick(art, head.idx, lambda m: not m.person, None))
        return None
    named = _named(art, doc, toks, head)
    if named is not None or att.source_kind in ANONYMOUS_KINDS:
        return named
    if head.pos_ == "NOUN" and any(c.dep_ in ("det", "poss") for c in head.children):
        det = next(c for c in head.children if c.dep_ in ("det", "poss"))
        if det.lower_ not in ("a", "an", "another", "some", "any", "one"):
            return _described(art, head.idx, toks, head)
    return None


def resolve_speakers(doc, attributions: tuple[Attribution, ...]) -> tuple[Attribution, ...]:
    """``attributions`` with ``source_entity`` set (in the same order); see the module docstring."""
    if not attributions:
        return attributions
    art = _article(doc)
    text = doc_text(doc)
    order = sorted(range(len(attributions)), key=lambda k: attributions[k].source.start
                   if attributions[k].source else len(text))
    out = list(attributions)
    firsts = []
    previous: dict[str, str] = {}  # gender ("m", "f", None) -> last person entity of agreeing gender
    for k in order:
        att = attributions[k]
        if att.source is not None and att.source.text.strip().lower() in _SELF:
            firsts.append(k)
            continue
        lower = att.source.text.strip().lower() if att.source else ""
        want = "m" if lower in _HE else "f" if lower in _SHE else None
        entity = _source_entity(doc, art, att, previous.get(want), want)
        out[k] = replace(att, source_entity=entity)
        if entity is not None and any(m.name == entity.name and m.person for m in art.mentions):
            for g in ("m", "f", None):
                if _agrees(art, entity.name, g):
                    previous[g] = entity.name
    for k in firsts:  # "I", "we" inside a quotation: the speaker of the attribution that holds it
        src = attributions[k].source
        holders = [o for o in out if o.content is not None and o.source_entity is not None
                   and o.content.start <= src.start and src.end <= o.content.end and o is not out[k]]
        entity = min(holders, key=lambda o: o.content.end - o.content.start).source_entity if holders else None
        out[k] = replace(attributions[k], source_entity=entity)
    return tuple(out)
