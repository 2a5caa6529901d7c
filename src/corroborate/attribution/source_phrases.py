"""The kind of a source noun phrase, from the phrase itself (see :mod:`corroborate.attribution.source_kinds` for the
decisions and for pronouns). ``kind_of_head`` reads a phrase through its head noun: the head decides over a
determiner or quantifier ("one slide" is a document), the "of" phrase of a partitive or collective says
what it is made of ("a group of doctors"), and a person's name anywhere in apposition makes it a person.
"""

from __future__ import annotations

import re
from collections import Counter

from corroborate.attribution.lexicon import (
    ANON_HEADS,
    CAPS_ONLY_OUTLETS,
    COLLECTIVE_NOUNS,
    DEFINITE_DETS,
    DISGUISES,
    DOCUMENT_NOUNS,
    GROUP_NOUNS,
    GROUP_PRONOUNS,
    INDIVIDUAL_DETS,
    KIN_MEMBERS,
    NUMBER_WORDS,
    ORG_NAME_WORDS,
    ORG_NOUNS,
    ORG_PLURALS,
    OUTLET_MODIFIERS,
    OUTLET_NAME_PAIRS,
    OUTLET_NAME_TAILS,
    OUTLET_NAME_WORDS,
    OUTLET_NOUNS,
    OUTLETS,
    PAIR_NOUNS,
    PARTITIVES,
    PARTY_WORDS,
    PERSON_ENDING,
    PRIVATE_ROLES,
    ROLE_NOUNS,
    ROLE_SYNONYMS,
    SPOKES_NOUNS,
    SUBSET_WORDS,
    TITLES,
    UNIDENTIFIED_MODIFIERS,
)
from corroborate.attribution.quotes import doc_text
from corroborate.types import SourceKind

_THE = re.compile(r"^(?:the|a|an)\s+", re.I)
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_ROMAN = re.compile(r"^[IVX]+$")
_SMALL_WORDS = frozenset({"of", "the", "and", "for", "&", "on", "in"})
_PEOPLE_HEADS = ROLE_NOUNS | ANON_HEADS | SPOKES_NOUNS | PRIVATE_ROLES
_COMMON_HEADS = (
    _PEOPLE_HEADS
    | DOCUMENT_NOUNS
    | ORG_NOUNS
    | ORG_NAME_WORDS
    | OUTLET_NOUNS
    | OUTLET_NAME_WORDS
    | GROUP_NOUNS
)
_MAX_TITLE_WORDS = 3  # words of title or role before a surname ("former prison warden Jacobson")
_INDIVIDUAL_PARTS = frozenset({"one", "each", "either", "neither"})
_INDEFINITE_PEOPLE = frozenset({"one", "someone", "somebody", "anyone"})
_ACRONYM_MIN_LEN, _ACRONYM_MAX_LEN = 2, 5  # an all-capitals name this long is an acronym (FBI, NATO, OPEC)
_WEB_DOMAIN = re.compile(
    r"^[A-Za-z0-9][\w-]*(?:\.[\w-]+)*\.(?:com|net|org|info|news|tv|co\.uk|uk|fr|de|it|es|ca|au|in|ie|nz|ru)$"
)
# US and Canadian broadcasters' call signs with a band or channel suffix ("KCTV-5", "WABC-TV", "KCTV")
_CALL_SIGN = re.compile(r"^(?:[KWC][A-Z]{2,3}-(?:TV|FM|AM|DT|HD|\d{1,2})|[KWC][A-Z]{1,2}TV)$")
_SQUASHED_OUTLETS = frozenset(name.replace(" ", "") for name in OUTLETS if " " in name)
_MIN_SQUASHED = 5  # shorter run-together names ("abcnews" aside) are too easily ordinary words


def _norm(text: str) -> str:
    text = _THE.sub("", text.strip().strip(",;:.").strip())
    return _POSSESSIVE.sub("", text).strip().lower()


def outlet_match(doc, start: int, end: int) -> bool:
    """Is the token range ``[start, end)`` (token indices) a news outlet's name or an outlet noun?"""
    toks = [t for t in doc[start:end] if not t.is_punct or t.text in "-&."]
    while toks and toks[-1].tag_ == "POS":
        toks.pop()
    if not toks:
        return False
    head = toks[-1]
    if _web_or_broadcast_name(head.text):
        return True  # "iGen.fr reveals", "according to KCTV-5", "the dailycaller"
    if (
        head.lower_ in OUTLET_NOUNS
        and head.pos_ in ("NOUN", "PROPN")
        and (not head.text[:1].isupper() or head.text == "TV")
    ):
        # "court papers", "the white paper" are documents
        return not (
            head.lemma_ == "paper"
            and any(
                c.dep_ in ("compound", "amod") and c.lower_ not in OUTLET_MODIFIERS for c in head.children
            )
        )
    if not (head.text[:1].isupper() or head.text[:1].isdigit()):
        return False
    if _outlet_shaped(toks):
        return True
    # every suffix of the name ("Britain's Daily Mail", "the conservative Washington Times"), but not
    # the end of a person's name ("Michael J. Fox")
    for i in range(len(toks)):
        prefix = toks[:i]
        if prefix and prefix[-1].tag_ != "POS" and any(t.pos_ == "PROPN" for t in prefix):
            continue
        name = _norm(" ".join(t.text for t in toks[i:]))
        if name in OUTLETS:
            if name in CAPS_ONLY_OUTLETS and not all(t.text[:1].isupper() for t in toks[i:]):
                continue
            return True
    # an outlet's regional edition: "Breitbart Texas", "BBC Scotland"
    return len(toks) >= 2 and _is_place(doc, head) and outlet_match(doc, start, head.i)


def _web_or_broadcast_name(text: str) -> bool:
    """A web address ("iGen.fr", "Examiner.com"), a broadcaster's call sign ("KCTV-5", "WABC-TV") or an
    outlet's name written as one word ("dailycaller", "HuffingtonPost")."""
    if _WEB_DOMAIN.match(text) or _CALL_SIGN.match(text):
        return True
    squashed = text.lower().removesuffix(".com")
    return len(squashed) > _MIN_SQUASHED and squashed in _SQUASHED_OUTLETS


def _is_place(doc, tok) -> bool:
    """Is ``tok`` a place name here: labelled one by the model, here or elsewhere in the document?"""
    if not tok.text[:1].isupper():
        return False
    if tok.ent_type_ in ("GPE", "LOC"):
        return True
    places = doc.user_data.get("corroborate_places")
    if places is None:
        places = sorted({e.text for e in doc.ents if e.label_ in ("GPE", "LOC") and len(e) == 1})
        doc.user_data["corroborate_places"] = places
    return tok.text in places


def _outlet_shaped(toks) -> bool:
    """A capitalised name ending in an outlet word ("The Springfield Observer", "Acme News Service"),
    not a person's name."""
    name = []
    for t in reversed(toks):
        if t.text in "-&":
            continue  # "Times-Herald", "Time & Tide"
        if not t.text[:1].isupper() or t.tag_ == "POS" or t.lower_ == "the":
            break
        name.append(t)
    name.reverse()
    if len(name) < 2 or any(t.ent_type_ == "PERSON" for t in name):
        return False
    last, before = name[-1].lower_, name[-2].lower_
    return last in OUTLET_NAME_WORDS or (last in OUTLET_NAME_TAILS and before in OUTLET_NAME_PAIRS)


def _ner_votes(doc) -> dict[str, str]:
    """Per document, what each name is: the majority entity label (person vs organisation-like) of the
    entities it ends, except that a name introduced in full as a person ("Reince Priebus") stays a person
    when it appears alone later, whatever the model made of it there."""
    cache = doc.user_data.get("corroborate_ner_votes")
    if cache is not None:
        return cache
    counts: dict[str, Counter] = {}
    surnames: set[str] = set()
    for ent in doc.ents:
        label = ent.label_
        last = ent[-1]
        if label not in ("PERSON", "ORG", "NORP", "GPE") or last.pos_ != "PROPN":
            continue
        counts.setdefault(last.text, Counter())["person" if label == "PERSON" else "organization"] += 1
        if label == "PERSON" and len(ent) >= 2 and ent[0].pos_ == "PROPN":
            surnames.add(last.text)
    votes = {
        k: c.most_common(1)[0][0]
        for k, c in counts.items()
        if len(c) == 1 or c.most_common(2)[0][1] > c.most_common(2)[1][1]
    }
    votes.update(dict.fromkeys(surnames, "person"))
    doc.user_data["corroborate_ner_votes"] = votes
    return votes


def _surnames(doc) -> frozenset[str]:
    """Last words of the people the document names in full ("Ali al-Bredi", "Taher El-badawi", "Paul
    Jacobson"), as written; not words that are places or common nouns ("Breitbart Texas", "Gateway Pundit"
    mislabelled as people)."""
    cache = doc.user_data.get("corroborate_surnames")
    if cache is not None:
        return frozenset(cache)
    places = {e.text for e in doc.ents if e.label_ in ("GPE", "LOC") and len(e) == 1}
    names: set[str] = set()
    for ent in doc.ents:
        words = [_POSSESSIVE.sub("", w.strip(",;:")) for w in ent.text.split()]
        words = [w for w in words if w]
        if ent.label_ != "PERSON" or len(words) < 2 or not words[0][:1].isupper():
            continue
        last = words[-1]
        if _name_word(last) and last not in places and last.lower() not in _COMMON_HEADS:
            names.add(last)
    doc.user_data["corroborate_surnames"] = sorted(names)
    return frozenset(names)


def _name_word(word: str) -> str:
    """``word`` if it is written like a name ("Jacobson", "al-Bredi", "El-badawi"), else ""."""
    parts = [p for p in word.split("-") if p]
    return word if parts and any(p[:1].isupper() and p[1:2].islower() for p in parts) else ""


def known_surname(doc, toks) -> bool:
    """Is the phrase a person named in full elsewhere in the document, by surname ("al-Bredi", "Muslim"),
    perhaps after a title or a role in lower case ("Mr. Jacobson", "warden Jacobson")?"""
    words = [
        _POSSESSIVE.sub("", w.strip(",;:()"))
        for w in doc_text(doc)[toks[0].idx : toks[-1].idx + len(toks[-1])].split()
    ]
    words = [w for w in words if w]
    if not words or len(words) > _MAX_TITLE_WORDS + 1 or words[-1] not in _surnames(doc):
        return False
    return all(w.islower() and w.isalpha() or w.lower().strip(".") in TITLES for w in words[:-1])


def _is_plural(tok) -> bool:
    return tok.tag_ in ("NNS", "NNPS") or "Plur" in tok.morph.get("Number")


def _quantity_group(tok) -> bool:
    for c in tok.children:
        if c.dep_ == "nummod":
            if c.lower_ in NUMBER_WORDS:
                return True
            try:
                return float(c.text.replace(",", "")) > 1
            except ValueError:
                return c.lower_ != "one"
        if c.dep_ in ("det", "amod") and c.lower_ in NUMBER_WORDS:
            return True
    return False


def _named_kind(doc, head, toks) -> SourceKind:
    """Kind of a proper-noun-headed phrase."""
    lo = min(t.i for t in toks)
    if outlet_match(doc, lo, head.i + 1):
        return "outlet"
    if any(c.dep_ == "appos" and c.lemma_.lower() in _PEOPLE_HEADS for c in head.children):
        return "person"  # "Jon R. Smith II, a writer for The Atlantic"
    chain = [t for t in toks if t.i <= head.i and (t.pos_ == "PROPN" or t.dep_ == "compound")]
    words = {t.lower_.strip(".") for t in chain} | {t.lower_ for t in chain}
    if any(t.lower_.strip(".") in TITLES for t in chain if t.i < head.i) and head.ent_type_ != "ORG":
        return "person"
    if _titled_full_name(head, toks):
        return "person"  # "Iraqi Member of Parliament Ali al-Bredi": the body is the person's office
    if head.ent_type_ == "PERSON" and any(
        t.pos_ == "NOUN" and t.lemma_.lower() in _PEOPLE_HEADS for t in chain
    ):
        return "person"  # "White House spokesman Josh Earnest": the body is the person's affiliation
    if words & ORG_NAME_WORDS and head.lower_.strip(".") not in TITLES:
        return "organization"
    if head.ent_type_ == "NORP" or (head.ent_type_ == "" and _is_plural(head) and head.text.endswith("s")):
        return _people_name_kind(head)
    names = [t for t in chain if t.pos_ == "PROPN"]
    if (
        head.text.isupper()
        and _ACRONYM_MIN_LEN <= len(head.text) <= _ACRONYM_MAX_LEN
        and head.ent_type_ != "PERSON"
        and len(names) == 1
    ):
        return _acronym_kind(doc, head)  # acronyms: FBI, NATO, OPEC
    vote = _ner_votes(doc).get(head.text)
    if vote is not None:
        return vote  # type: ignore[return-value]
    if head.ent_type_ in ("ORG", "GPE", "FAC"):
        return "organization"
    # people are introduced by full name, so a lone unlabelled name ("Tesla said") is more likely a body
    return "person" if head.ent_type_ == "PERSON" or len(names) >= 2 else "organization"


def _titled_full_name(head, toks) -> bool:
    """Does the phrase end in a person's full name after words of title or office ("Iraqi Member of
    Parliament Ali al-Bredi"), or is its head a name with a title hung on it ("Minister in the Ministry
    of Finance Brian Manning", which the model may take whole for an organisation)?"""
    doc = head.doc
    if _is_plural(head) or head.lower_.strip(".") in ORG_NAME_WORDS:
        return False
    words = [t for t in toks if not t.is_punct or t.text == "-"]
    while words and (words[-1].tag_ == "POS" or words[-1].is_punct):
        words.pop()
    if not words:
        return False
    last = words[-1]
    if last.ent_type_ == "PERSON" and last.ent_iob_ != "B":
        first = last.i
        while first > words[0].i and doc[first].ent_iob_ != "B":
            first -= 1
        name = doc[first : last.i + 1]
        if (
            first > words[0].i
            and name[0].text[:1].isupper()
            and doc[first - 1].tag_ != "POS"
            and len(name.text.split()) >= 2
            and not any(t.dep_ == "conj" for t in toks)
        ):
            return True
    # a title hung on a two-word name that the model took for part of an organisation's name
    given = doc[head.i - 1] if head.i > 0 else None
    return (
        last.i == head.i
        and given is not None
        and given.dep_ == "compound"
        and given.head.i == head.i
        and given.pos_ == "PROPN"
        and given.lower_ not in ORG_NAME_WORDS | TITLES
        and _name_word(given.text) != ""
        and _name_word(head.text) != ""
        and any(c.i < given.i and c.lower_.strip(".") in TITLES for c in head.children)
    )


def _people_name_kind(head) -> SourceKind:
    """ "Republicans" (the party), "some Republicans" (members), "One Republican", "Americans" (people)."""
    lower = head.lower_
    party = lower in PARTY_WORDS or head.lemma_.lower() in PARTY_WORDS or lower.rstrip("s") in PARTY_WORDS
    mods = [
        c
        for c in head.children
        if c.i < head.i
        and (c.dep_ in ("det", "amod", "nummod", "predet", "quantmod") or c.lower_ in SUBSET_WORDS)
    ]
    if not (_is_plural(head) or lower.endswith("s")) or any(c.lower_ in INDIVIDUAL_DETS for c in mods):
        return "anonymous_individual"
    subset = any(c.lower_ in SUBSET_WORDS or (c.dep_ == "amod" and c.text.islower()) for c in mods)
    return "organization" if party and not subset else "anonymous_group"


def _acronym_kind(doc, head) -> SourceKind:
    """An acronym the article spells out ("Acme News Service (ANS)") takes the kind of its expansion."""
    acronym = head.text.replace(".", "")
    cache = doc.user_data.setdefault("corroborate_acronyms", {})
    if acronym not in cache:
        cache[acronym] = "organization"
        for t in doc:
            rest = t.text[len(acronym) :].split(".")[0].lower()
            if t.i != head.i and t.text.startswith(acronym) and rest in OUTLET_NAME_WORDS:
                cache[acronym] = "outlet"  # "ANSNews.com"
                break
            if t.i == head.i or not t.text[:1].isupper() or t.text.isupper():
                continue
            initials, j = "", t.i
            while (
                j < len(doc)
                and len(initials) < len(acronym)
                and (doc[j].text[:1].isupper() or doc[j].lower_ in _SMALL_WORDS)
            ):
                if doc[j].lower_ not in _SMALL_WORDS:
                    initials += doc[j].text[0]
                j += 1
            if initials == acronym and outlet_match(doc, t.i, j):
                cache[acronym] = "outlet"
                break
    return cache[acronym]


def _determiner(head) -> str | None:
    for c in head.children:
        if c.dep_ in ("det", "nummod", "poss", "predet") and c.i < head.i:
            return "poss" if c.dep_ == "poss" else c.lower_
    return None


def _named_roles(doc) -> frozenset[str]:
    """Role nouns the article attaches a person's name to ("his lawyer, Mark Reynolds", "lawyer Mark
    Reynolds", "Mark Reynolds, her lawyer"): a definite mention of such a role refers to a named person."""
    cache = doc.user_data.get("corroborate_named_roles")
    if cache is not None:
        return frozenset(cache)
    named: set[str] = set()
    for t in doc:
        if t.pos_ not in ("NOUN", "PROPN") or t.ent_type_ == "PERSON":
            continue
        person_head = t.head.pos_ == "PROPN" and t.head.ent_type_ == "PERSON"
        if (
            any(c.dep_ == "appos" and c.ent_type_ == "PERSON" for c in t.children)
            or t.dep_ in ("appos", "compound")
            and person_head
            or t.pos_ == "NOUN"
            and _appositive_person(t, doc[t.i : t.right_edge.i + 1])
        ):
            named.update((t.lemma_.lower(), t.lower_))
            named.update(ROLE_SYNONYMS.get(t.lemma_.lower(), ()))  # the lawyer is the attorney
            named.update(KIN_MEMBERS.get(t.lemma_.lower(), ()))  # "my parents, James and Olive Smith"
    doc.user_data["corroborate_named_roles"] = sorted(named)
    return frozenset(named)


def _aged(head) -> bool:
    """ "the 52-year-old lawyer": the newswire epithet for someone the story has named."""
    return any(
        t.lemma_.lower() == "old" and any(c.lemma_.lower() == "year" for c in t.subtree) for t in head.lefts
    )


def _modifier_kinds(doc, head):
    """Kinds of what a head noun belongs to: its compound or possessive modifiers and "for"/"at" objects."""
    for c in head.children:
        if c.dep_ in ("compound", "poss", "nmod") and c.i < head.i:
            yield _kind_of_head(doc, c, doc[c.left_edge.i : c.i + 1])
        elif c.dep_ == "prep" and c.lower_ in ("for", "at", "of"):
            for p in c.children:
                if p.dep_ == "pobj":
                    yield _kind_of_head(doc, p, doc[p.left_edge.i : p.i + 1])


def _spokes_kind(doc, head, plural: bool) -> SourceKind:
    """A spokesperson is the named person when the article names one; the body when the phrase points back
    to it ("the spokeswoman") or names it with a definite article or possessive ("the Pentagon spokesman",
    "the company's spokeswoman"); else one unnamed person ("a spokesman", "a Pentagon spokesman", "a
    spokesperson for the university", "a spokeswoman for the senator")."""
    if plural:
        return "anonymous_group"
    det = _determiner(head)
    if (
        head.lemma_.lower() in PRIVATE_ROLES
        and det not in INDIVIDUAL_DETS
        and (head.lemma_.lower() in _named_roles(doc))
    ):
        return "person"
    if det in INDIVIDUAL_DETS:
        return "anonymous_individual"  # one unnamed person, whichever body they speak for
    if det == "the" or any(k in ("organization", "outlet") for k in _modifier_kinds(doc, head)):
        return "organization"  # "the spokeswoman" of the body in the story; "the company's spokesman"
    return "anonymous_individual"


def _common_kind(doc, head) -> SourceKind | None:
    """Kind of a common-noun-headed phrase; None when the noun is not a plausible source."""
    lemma = head.lemma_.lower()
    lower = head.lower_

    def among(words: frozenset[str]) -> bool:
        return lemma in words or lower in words

    if lower in GROUP_PRONOUNS or lemma in ("other", "those"):
        if lower == "one":
            return "anonymous_individual"
        return "anonymous_group"
    if lower == "one" or lemma == "one":
        return "anonymous_group" if _determiner(head) == "no" else "anonymous_individual"
    if among(OUTLET_NOUNS):
        court_papers = lemma == "paper" and any(
            c.dep_ in ("compound", "amod") and c.lower_ not in OUTLET_MODIFIERS for c in head.children
        )
        return "document" if court_papers else "outlet"
    if among(DOCUMENT_NOUNS):
        return "document"
    plural = _is_plural(head) or _quantity_group(head)
    if among(SPOKES_NOUNS):
        return _spokes_kind(doc, head, plural)
    if among(GROUP_NOUNS):
        return "anonymous_group"
    if among(ORG_NOUNS):
        if any(c.dep_ in ("amod", "compound") and c.lower_ in OUTLET_MODIFIERS for c in head.children):
            return "outlet"  # "editorial boards", "news organizations"
        counted = _determiner(head) == "the" and any(c.dep_ == "nummod" for c in head.children)
        repeated = any(
            c.dep_ == "prep" and c.lower_ == "after" and any(p.lemma_.lower() == lemma for p in c.children)
            for c in head.children
        )  # "country after country"
        if (_is_plural(head) or repeated) and not among(ORG_PLURALS) and not counted:
            return "anonymous_group"  # unnamed institutions: "several groups", "the companies"
        return "organization"  # one body, or bodies the article has counted out: "the two unions"
    if among(ANON_HEADS):
        if plural or any(c.dep_ == "prep" and c.lower_ == "after" for c in head.children):
            return "anonymous_group"  # also "voter after voter"
        named = lemma in _named_roles(doc) or lower in _named_roles(doc)
        if _determiner(head) in ("the", "poss") and named:
            return "person"  # "his strategist" when the article gives the strategist's name
        return "anonymous_individual"
    if among(ROLE_NOUNS):
        det = _determiner(head)
        if plural:  # "the two men", "both candidates": people the article has named; "senators": unnamed
            return "person" if det in DEFINITE_DETS else "anonymous_group"
        if det in ("a", "an") and (lemma in _named_roles(doc) or lower in _named_roles(doc)):
            return "person"  # "A federal judge" in a story that names the judge
        if det in INDIVIDUAL_DETS:
            return "anonymous_individual"
        if among(PRIVATE_ROLES) and not (
            lemma in _named_roles(doc) or lower in _named_roles(doc) or det == "the" and _aged(head)
        ):
            return "anonymous_individual"  # "his lawyer", never named; not "the 34-year-old mother"
        return "person"
    if lemma in ("percent", "percentage"):
        return "anonymous_group"  # poll respondents: "12 percent"
    return None


def _of_object(head):
    for c in head.children:
        if c.dep_ == "prep" and c.lower_ == "of":
            return next((p for p in c.children if p.dep_ == "pobj"), None)
    return None


def _part_kind(doc, head, of) -> SourceKind | None:
    """ "one of the insiders", "a majority of voters", "a group of doctors", "one of the polls"."""
    lemma = head.lemma_.lower()
    inner = _kind_of_head(doc, of, doc[of.left_edge.i : of.i + 1])
    if inner in ("document", "outlet"):
        return inner
    if inner is None and PERSON_ENDING.search(of.lemma_.lower()):
        inner = "anonymous_group"  # people by their ending: "a pair of multimillionaires"
    collective = lemma in COLLECTIVE_NOUNS or lemma in PAIR_NOUNS
    if collective and inner is None:
        return None
    if collective and inner == "organization" and not _is_plural(of):
        return "organization"  # "a three-judge panel of the appeals court"
    if lemma in PAIR_NOUNS:
        return "person" if _determiner(head) in DEFINITE_DETS else "anonymous_group"
    return "anonymous_individual" if head.lower_ in _INDIVIDUAL_PARTS else "anonymous_group"


def _appositive_person(head, toks) -> bool:
    """A person's name set off in the phrase ("An attorney for the firm, Mark Reynolds,", "Her niece,
    state Sen. Jane Doe,")."""
    people = head.lemma_.lower() in _PEOPLE_HEADS
    comma = False
    for t in toks:
        if t.i <= head.i:
            continue
        comma = comma or t.text == ","
        if (
            t.pos_ == "PROPN"
            and t.ent_type_ == "PERSON"
            and (t.dep_ == "appos" and (t.head.i == head.i or people) or people and comma)
        ):
            return True
    return False


def _name_before_description(head) -> bool:
    """A full name put before a description of one person without a comma ("Ralph Bello-Fadile an advisor
    to the minister"), which the parser hangs on the description's noun."""
    det = next((c for c in head.children if c.dep_ == "det" and c.i < head.i), None)
    if det is None or head.lemma_.lower() not in _PEOPLE_HEADS or _is_plural(head):
        return False
    return any(
        c.i < det.i
        and c.pos_ == "PROPN"
        and c.ent_type_ == "PERSON"
        and c.dep_ != "poss"
        and c.i - c.left_edge.i >= 1
        for c in head.children
    )


def kind_of_head(doc, head, toks) -> SourceKind | None:
    """Kind of the phrase ``toks`` headed by ``head``; None for a personal pronoun or an unknown noun."""
    if head.pos_ == "PRON" and head.lower_ not in GROUP_PRONOUNS | _INDEFINITE_PEOPLE:
        return None
    lo = min(t.i for t in toks)
    if outlet_match(doc, lo, head.i + 1):
        return "outlet"
    if known_surname(doc, toks):
        return "person"  # "al-Bredi", "warden Jacobson" after "Ali al-Bredi", "Paul Jacobson"
    if any(
        c.dep_ == "prep" and c.lower_ == "after" and any(p.lower_ == head.lower_ for p in c.children)
        for c in head.children
    ):
        return "anonymous_group"  # "country after country", "voter after voter"
    if head.pos_ == "PROPN" and head.ent_type_ == "" and head.lower_ in DOCUMENT_NOUNS:
        return "document"  # a headline's capitals: "One Tweet Sums It Up"
    if (
        head.pos_ == "PROPN"
        and not head.text[:1].islower()
        or (
            head.text[:1].isupper()
            and (
                head.ent_type_ in ("PERSON", "ORG", "NORP")
                and head.i > head.sent.start
                or head.text in _ner_votes(doc)
            )
        )
    ):
        return _named_kind(doc, head, toks)
    # "White House official Karoline Leavitt": the name is an apposition/compound of a common head
    if _appositive_person(head, toks) or _name_before_description(head):
        return "person"
    lemma = head.lemma_.lower()
    if (
        head.lower_ in PARTITIVES
        or lemma in PARTITIVES
        or head.pos_ == "NUM"
        or lemma in COLLECTIVE_NOUNS
        or lemma in PAIR_NOUNS
    ):
        of = _of_object(head)
        kind = None if of is None else _part_kind(doc, head, of)
        if kind is not None:
            return kind
    if (
        head.pos_ == "NOUN"
        and (lemma in _PEOPLE_HEADS or PERSON_ENDING.search(lemma))
        and _unidentified(head)
    ):
        return "anonymous_group" if _is_plural(head) else "anonymous_individual"
    return _common_kind(doc, head)


def _unidentified(head) -> bool:
    """Does the phrase say its person is unidentified ("the masked executioner", "the man in the mask",
    "an unnamed official")?"""
    for c in head.children:
        if c.i < head.i and c.dep_ in ("amod", "compound") and c.lower_ in UNIDENTIFIED_MODIFIERS:
            return True
        if (
            c.dep_ == "prep"
            and c.lower_ in ("in", "with", "wearing")
            and any(p.dep_ == "pobj" and p.lemma_.lower() in DISGUISES for p in c.children)
        ):
            return True
    return False


_kind_of_head = kind_of_head
