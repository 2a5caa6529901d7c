"""The named mentions of an article, for :mod:`corroborate.attribution.speakers`: every mention of a person or
a body by name, with its canonical name in the article, whether it is a subject or inside a quotation, and
the roles and titles the article gives it; each person's gender as far as the article shows it.

* Names come from the entities (PERSON, ORG, GPE), from proper nouns that the entity tagger missed when they
  are arguments of a verb, and from bodies named for a person ("the Trump campaign", "Clinton's
  campaign"). A name whose last word is the surname of a person named in full is that person, whatever
  its entity label; a lone proper noun with no entity and no such tie is left out.
* A person's canonical name is the longest full name with the same first name and surname ("Donald J.
  Trump"); a surname alone ("Trump", "Mr. Trump") is the full name with that surname and an agreeing gender
  mentioned last before it (else first after it); a known given name alone ("Hillary") likewise.
* Gender: "Mr."/"Mrs."/"Ms." before a mention, gendered roles ("congresswoman", "his wife" is not read), and
  :mod:`corroborate.attribution.first_names`. Unknown is compatible with every pronoun.
* Roles: the words before a name ("Republican presidential nominee", "Sen.", "White House spokeswoman") and
  a noun in apposition ("Acme, the company that ...", "the senator, Chuck Schumer"); a body's own name words
  count as its roles ("the commission" for "Commission on Presidential Debates").
* A definite description whose noun is a role the article gave a person ("the president", "the senator")
  is a mention of that person too, so that a later "he" can take it up.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from spacy.attrs import LEMMA, POS
from spacy.symbols import NOUN, PROPN

from corroborate.attribution.first_names import FEMALE_NAMES, MALE_NAMES
from corroborate.attribution.lexicon import ORG_NAME_WORDS, ORG_NOUNS, TITLES
from corroborate.attribution.quotes import quotations
from corroborate.words import word_set

LOOKBACK = 3000  # characters a pronoun or description looks back for its antecedent
SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
ABBREVIATIONS = {
    "sen": "senator",
    "rep": "representative",
    "gov": "governor",
    "sec": "secretary",
    "pres": "president",
    "gen": "general",
    "atty": "attorney",
    "lt": "lieutenant",
}
SYNONYMS = {
    "nominee": ("candidate",),
    "candidate": ("nominee",),
    "lawyer": ("attorney",),
    "attorney": ("lawyer",),
    "congressman": ("representative",),
    "congresswoman": ("representative",),
    "representative": ("congressman", "congresswoman"),
    "spokesman": ("spokesperson", "spokeswoman"),
    "spokeswoman": ("spokesperson", "spokesman"),
    "spokesperson": ("spokesman", "spokeswoman"),
    "firm": ("company",),
    "company": ("firm",),
    "gop": ("republican",),
    "republican": ("gop",),
    "judge": ("justice",),
    "justice": ("judge",),
}
MALE_WORDS = word_set(
    "mr sir king prince congressman spokesman chairman businessman husband father son "
    "brother uncle nephew grandfather boyfriend widower"
)
FEMALE_WORDS = word_set(
    "mrs ms miss dame queen princess lady congresswoman spokeswoman chairwoman "
    "businesswoman wife mother daughter sister aunt niece grandmother girlfriend widow"
)
_ROLE_DEPS = frozenset({"compound", "amod", "nmod", "poss", "punct", "case", "det"})
_ARGUMENT_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "pobj", "appos", "conj", "attr", "dative", "poss"})
_POSSESSIVE = re.compile(r"(?:\s*['\u2019]s?)$")
_PERSON_TITLES = TITLES | set(ABBREVIATIONS)


@dataclass(slots=True)
class Mention:
    start: int
    end: int
    name: str  # canonical
    person: bool
    subject: bool
    quoted: bool
    sent: int
    label: str = (
        ""  # "PERSON", "ORG", "GPE", "BODY" (named for a person), "PROPN" (no entity) or "" (a description)
    )
    main: bool = False  # the subject of the sentence's main verb


@dataclass(slots=True)
class NamedMentions:
    """The named mentions of one article (in text order), with each name's gender and roles."""

    mentions: list[Mention] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    sent_starts: list[int] = field(default_factory=list)
    gender: dict[str, set[str]] = field(default_factory=dict)  # canonical -> {"m"}, {"f"}, both or none
    roles: dict[str, set[str]] = field(default_factory=dict)  # canonical -> role and title words
    counts: dict[str, int] = field(default_factory=dict)  # canonical -> mentions

    def sent_of(self, pos: int) -> int:
        return bisect_right(self.sent_starts, pos) - 1

    def before(self, pos: int) -> int:
        return bisect_left(self.starts, pos)

    def agrees(self, name: str, gender: str | None) -> bool:
        found = self.gender.get(name, set())
        return gender is None or len(found) != 1 or gender in found


def words_of(text: str) -> list[str]:
    return [w for w in re.split(r"\s+", _POSSESSIVE.sub("", text.strip(" \t\n,.;:\u201c\u201d\"'"))) if w]


def _strip_titles(words: list[str]) -> list[str]:
    while len(words) > 1 and words[0].lower().rstrip(".") in _PERSON_TITLES:
        words = words[1:]
    return words


def surname(words: list[str]) -> str:
    core = [w for w in words if w.lower().rstrip(".,") not in SUFFIXES]
    return (core or words)[-1].lower().rstrip(".,")


def body_name(text: str) -> str:
    words = words_of(text)
    if words and words[0].lower() == "the":
        words = words[1:]
    return " ".join(words)


def _role_words(doc, first: int, root) -> set[str]:
    out: set[str] = set()
    i = first - 1
    while i >= 0 and first - i <= 5 and doc[i].head.i >= first and doc[i].dep_ in _ROLE_DEPS:
        word = doc[i].lower_.rstrip(".")
        out.add(ABBREVIATIONS.get(word, word))
        i -= 1
    apposed = [c for c in root.children if c.dep_ == "appos" and c.pos_ == "NOUN"]
    if root.dep_ == "appos" and root.head.pos_ == "NOUN":
        apposed.append(root.head)
    if root.dep_ == "pobj" and root.head.lower_ == "of" and root.head.head.pos_ == "NOUN":
        apposed.append(root.head.head)  # "the city of Phoenix"
    for noun in apposed:
        out.add(noun.lemma_.lower())
        out.update(c.lower_ for c in noun.children if c.dep_ in ("amod", "compound"))
    return out


def _gender_words(words: set[str]) -> set[str]:
    found = set()
    if words & MALE_WORDS:
        found.add("m")
    if words & FEMALE_WORDS:
        found.add("f")
    return found


def _first_name_gender(words: list[str]) -> set[str]:
    first = words[0].lower() if len(words) >= 2 else ""
    return {"m"} if first in MALE_NAMES else {"f"} if first in FEMALE_NAMES else set()


@dataclass(slots=True)
class _Raw:
    start: int
    end: int
    words: list[str]
    label: str
    root: object
    first: int
    roles: set[str] = field(default_factory=set)


def _indices(doc, pos: int) -> list[int]:
    """Token indices with part of speech ``pos``, read from the document's arrays (creating a Python token
    for every word costs more than all the rest of speaker resolution)."""
    return [i for i, p in enumerate(doc.to_array([POS]).tolist()) if p == pos]


def _with_lemma(doc, indices: list[int], lemmas: set[str] | frozenset[str]):
    """The tokens among ``indices`` whose lemma is in ``lemmas`` (compared by hash, lower-cased)."""
    strings = doc.vocab.strings
    wanted = {strings.add(w) for w in lemmas}
    column = doc.to_array([LEMMA]).tolist()
    for i in indices:
        if column[i] in wanted or strings[column[i]].lower() in lemmas:
            yield doc[i]


def _name_start(doc, first: int, words: list[str]) -> int:
    """Where the name itself starts, after a title the mention opens with ("Mayor Ana Ruiz": "Ana")."""
    i = first
    while i < len(doc) - 1 and doc[i].text != words[0] and not words[0].startswith(doc[i].text):
        i += 1
    return doc[i].idx


def _raw_names(doc) -> list[_Raw]:
    raw: list[_Raw] = []
    covered: set[int] = set()
    for ent in doc.ents:
        covered.update(range(ent.start, ent.end))  # a date or a number is no name
        if "\n" in ent.text or not ent.text[:1].isupper() and not ent.text.lower().startswith("the "):
            continue
        if ent.label_ == "PERSON":
            toks = list(ent)
            while len(toks) > 1 and (toks[-1].pos_ in ("VERB", "AUX") or not toks[-1].text[:1].isupper()):
                toks.pop()  # "Obama Says" in a headline
            words = _strip_titles(words_of(doc[toks[0].i : toks[-1].i + 1].text))
            if words and len(words) <= 5:
                start = _name_start(doc, toks[0].i, words)
                raw.append(_Raw(start, toks[-1].idx + len(toks[-1]), words, "PERSON", ent.root, ent.start))
                covered.update(range(ent.start, ent.end))
        elif ent.label_ in ("ORG", "GPE") and not (
            ent.root.dep_ == "compound" and ent.root.head.i >= ent.end
        ):
            name = body_name(ent.text)
            if name:
                start = ent.start_char + (4 if ent.text.lower().startswith("the ") else 0)
                raw.append(_Raw(start, ent.end_char, name.split(), ent.label_, ent.root, ent.start))
                covered.update(range(ent.start, ent.end))
    propn, nouns = _indices(doc, PROPN), _indices(doc, NOUN)
    for tok in (doc[i] for i in propn):  # proper nouns the entity tagger missed ("Oz has been dogged ...")
        if (
            tok.dep_ in _ARGUMENT_DEPS
            and tok.i not in covered
            and tok.text[:1].isupper()
            and tok.tag_ != "NNPS"
        ):  # "Republicans" are people, not a body
            first = tok.i
            while first > 0 and doc[first - 1].pos_ == "PROPN" and doc[first - 1].head.i == tok.i:
                first -= 1
            if any(i in covered for i in range(first, tok.i + 1)) or "\n" in doc[first : tok.i + 1].text:
                continue
            words = _strip_titles(words_of(doc[first : tok.i + 1].text))
            if words:
                raw.append(_Raw(_name_start(doc, first, words), tok.idx + len(tok), words, "", tok, first))
    for tok in _with_lemma(doc, nouns, ORG_NOUNS):  # "the Trump campaign": a body named for a person
        named = [c for c in tok.children if c.dep_ in ("compound", "poss") and c.pos_ == "PROPN"]
        if named:
            left = named[0].left_edge
            name = " ".join(words_of(doc[left.i : named[0].i + 1].text) + [tok.lower_])
            raw.append(_Raw(left.idx, tok.idx + len(tok), name.split(), "BODY", tok, left.i))
    for r in raw:
        r.roles = _role_words(doc, r.first, r.root)
        title = doc[r.first - 1].lower_.rstrip(".") if r.first > 0 else ""
        r.roles |= {title} if title in MALE_WORDS | FEMALE_WORDS else set()
    raw.sort(key=lambda r: r.start)
    return raw


def named_mentions(doc) -> NamedMentions:
    """The article's named mentions (cached on the document)."""
    cached = doc.user_data.get("corroborate_named_mentions")
    if cached is not None:
        return cached
    art = NamedMentions(sent_starts=[s.start_char for s in doc.sents])
    quotes = quotations(doc)
    raw = _raw_names(doc)
    full = [r for r in raw if r.label == "PERSON" and len(r.words) >= 2]
    surnames = {surname(r.words) for r in full}
    longest: dict[tuple[str, str], str] = {}
    full_gender: dict[str, set[str]] = {}
    for r in full:
        key = (r.words[0].lower(), surname(r.words))
        if len(" ".join(r.words)) > len(longest.get(key, "")):
            longest[key] = " ".join(r.words)
    for r in full:
        name = longest[(r.words[0].lower(), surname(r.words))]
        full_gender.setdefault(name, set()).update(_first_name_gender(r.words) | _gender_words(r.roles))
    full_at = [(r.start, longest[(r.words[0].lower(), surname(r.words))]) for r in full]
    for r in raw:
        person = (
            r.label == "PERSON" or r.label != "BODY" and len(r.words) <= 2 and surname(r.words) in surnames
        )
        if r.label == "" and not person and r.roles & _PERSON_TITLES:
            person = True  # "Mr. Oz", "Sen. Perdue": a title before a name the tagger missed
        if person:
            name = _canonical(r, full_at, longest, full_gender)
            art.gender.setdefault(name, set()).update(full_gender.get(name, set()) | _gender_words(r.roles))
        else:
            name = " ".join(r.words)
        art.roles.setdefault(name, set()).update(
            r.roles | ({w.lower() for w in r.words} if not person else set())
        )
        art.counts[name] = art.counts.get(name, 0) + 1
        subject = r.root.dep_ in ("nsubj", "nsubjpass")
        art.mentions.append(
            Mention(
                r.start,
                r.end,
                name,
                person,
                subject,
                quotes.inside(r.start) is not None,
                art.sent_of(r.start),
                "PERSON" if person else r.label or "PROPN",
                r.root.dep_ in ("nsubj", "nsubjpass") and r.root.head.dep_ == "ROOT",
            )
        )
    art.starts = [m.start for m in art.mentions]
    _add_descriptions(doc, art, quotes)
    doc.user_data["corroborate_named_mentions"] = art
    return art


def _canonical(r: _Raw, full_at: list[tuple[int, str]], longest: dict, full_gender: dict) -> str:
    if len(r.words) >= 2 and (r.words[0].lower(), surname(r.words)) in longest:
        return longest[(r.words[0].lower(), surname(r.words))]
    word = r.words[-1].lower().rstrip(".,")
    title = _gender_words(r.roles)
    before = [(s, n) for s, n in full_at if s < r.start]
    fits = [(s, n) for s, n in before if surname(n.split()) == word]
    if not fits:  # a given name alone ("Hillary"), or a surname written first ("Mr. Ban" for Ban Ki-moon)
        fits = [(s, n) for s, n in before if n.split()[0].lower() == word]
    fits = [(s, n) for s, n in fits if not title or not full_gender.get(n) or full_gender[n] & title] or fits
    return fits[-1][1] if fits else " ".join(r.words)


def described(art: NamedMentions, pos: int, head, words: set[str]) -> Mention | None:
    """The person or body a definite description ``head`` (with modifier ``words``) at ``pos`` refers to:
    the one the article gave that role, title or noun, most words in common first, then the most recent
    mention before it (or the first after it)."""
    lemma = head.lemma_.lower()
    wanted = {lemma, *SYNONYMS.get(lemma, ())}
    person = lemma not in ORG_NOUNS | ORG_NAME_WORDS
    words = words | {s for w in words for s in SYNONYMS.get(w, ())}
    fits = [
        m
        for m in art.mentions
        if m.person == person and art.roles.get(m.name, set()) & wanted and m.label != ""
    ]
    before = [m for m in fits if pos - LOOKBACK <= m.start and m.end <= pos]
    if before:
        return max(before, key=lambda m: (len(art.roles[m.name] & words), m.start))
    after = [m for m in fits if pos < m.start <= pos + 600]
    return after[0] if after else None


def _add_descriptions(doc, art: NamedMentions, quotes) -> None:
    """Definite descriptions of a person's role ("the president", "the president's aides") as mentions."""
    roles = set().union(*(art.roles[m.name] for m in art.mentions if m.label)) if art.mentions else set()
    added = []
    for tok in _with_lemma(doc, _indices(doc, NOUN), roles):
        if tok.tag_ in ("NNS", "NNPS"):
            continue
        det = next((c for c in tok.children if c.dep_ == "det"), None)
        if det is None or det.lower_ != "the" or quotes.inside(tok.idx):
            continue
        words = {c.lower_ for c in tok.children if c.dep_ in ("amod", "compound")}
        m = described(art, tok.idx, tok, words)
        if m is not None:
            subject = tok.dep_ in ("nsubj", "nsubjpass") or tok.dep_ == "poss" and tok.head.dep_ == "nsubj"
            added.append(
                Mention(
                    det.idx,
                    tok.idx + len(tok),
                    m.name,
                    m.person,
                    subject,
                    False,
                    art.sent_of(tok.idx),
                    "",
                    tok.dep_ == "nsubj" and tok.head.dep_ == "ROOT",
                )
            )
    if added:
        art.mentions = sorted(art.mentions + added, key=lambda m: m.start)
        art.starts = [m.start for m in art.mentions]
