"""Who is the source? Classify a source noun phrase into one of ``types.SOURCE_KINDS``
(``docs/source-kinds.md`` is the labelling guide).

Rules first, NER second (the small English model's entity labels are unreliable). The phrase is read
through its head noun (:mod:`corroborate.attribution.source_phrases`; word lists in :mod:`corroborate.attribution.lexicon`).
Decisions:

* ``person`` — a named individual ("Angela Merkel", "Mr. Obama", "White House spokesman Josh Earnest"), a
  full name after a title or office, even one naming a body ("Minister in the Ministry of Finance Brian
  Manning", "Iraqi Member of Parliament Ali al-Bredi"), a surname alone or after a role in lower case
  once the article has given the full name ("al-Bredi", "warden Jacobson"), a
  description with a person's name set off in it ("An attorney for the firm, Mark Reynolds,"), an
  identifiable office holder ("the president", "the governor's chief of staff"), a private role the article
  names somewhere ("his lawyer" when "his lawyer, Mark Reynolds" appears; "the 52-year-old father"), and
  plural references to identified people ("both men", "the two men", "the candidates", "Trump and his
  aides"). A lone name that the document never introduces as a person and the model does not label as one
  ("Tesla said") is taken for an organisation, since people are introduced by full name.
* ``organization`` — a named body, party, agency, company or government ("the White House", "the Justice
  Department", "Republicans", "the campaign", "the two unions"), and the spokesperson of a body the story
  is about, named in the phrase or pointed back to ("the Pentagon spokesman", "the spokeswoman").
* ``outlet`` — a news medium being relayed ("The Washington Post reports", "the Times", "CNN"), recognised by
  a gazetteer, a name shaped like an outlet's ("The Springfield Observer", "Acme News Service"), an acronym
  the article spells out as one, a web address ("iGen.fr"), a broadcaster's call sign ("KCTV-5"), a
  gazetteer name run together ("the dailycaller") or with its edition ("Breitbart Texas"), or an outlet
  noun ("the newspaper", "media", "editorial boards", "state television").
* ``anonymous_individual`` — one unnamed person ("one senior official", "a person familiar with the
  matter", "an aide", "one of the insiders", "a spokesman", "a Pentagon spokesman", "a spokesperson for
  the university", "One Republican", "his lawyer" never named, "the announcer"), and a description that
  marks its person as unidentified ("the masked executioner", "the man in the mask").
* ``anonymous_group`` — several unnamed people ("three White House insiders", "sources close to the
  prince", "analysts", "those close to the campaign", "some", "a group of doctors", "some Democrats",
  "Americans"), unnamed plural institutions ("several groups", "the companies"), and a coordination with
  an unnamed part and no named one ("the president and his allies").
* ``document`` — a text, record, artefact or measurement ("a report", "the memo", "court filings", "the
  poll", "The ad", "her submission", "one slide"), and any other non-human common noun that speaks.
* ``unattributed`` — there is no source span.

Pronouns (also possessive ones, and "each"/"both") take the kind of the nearest fitting earlier mention
outside quotations (noun chunks, and names the chunker skips): "he"/"she" the nearest person or anonymous
individual, "they" the nearest group, organisation, outlet or persons mentioned together (in one phrase or
as two people of one sentence), "it" the nearest organisation, outlet or document. In an earlier sentence
its subject comes first; in the pronoun's own sentence, its subject before a later object ("Mashnuq gave
no details about her husband, although he said"). "he"/"she" with no person before them in the article
stand for someone it never names: anonymous_individual. "The pair", "the couple" and the like take their
kind as "they" does.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter

from corroborate.attribution.lexicon import (
    ANON_HEADS,
    DEFINITE_DETS,
    DISTRIBUTIVE_PRONOUNS,
    DOCUMENT_NOUNS,
    GROUP_PERSONAL,
    GROUP_PRONOUNS,
    INDIVIDUAL_DETS,
    IT_PRONOUNS,
    ORG_NAME_WORDS,
    ORG_NOUNS,
    OUTLET_NOUNS,
    OUTLETS,
    PAIR_NOUNS,
    PERSON_ENDING,
    PERSON_PRONOUNS,
    RELATIVE_PRONOUNS,
    ROLE_NOUNS,
    TITLES,
)
from corroborate.attribution.quotes import doc_text, doc_tokens, quotations, span_root
from corroborate.attribution.source_phrases import (
    _determiner,
    _is_plural,
    _of_object,
    _quantity_group,
    kind_of_head,
    outlet_match,
)
from corroborate.types import SourceKind, Span
from corroborate.words import word_set

# the word lists and the phrase reader are re-exported for callers of this module
__all__ = [
    "ANON_HEADS",
    "DISTRIBUTIVE_PRONOUNS",
    "DOCUMENT_NOUNS",
    "GROUP_PERSONAL",
    "GROUP_PRONOUNS",
    "INDIVIDUAL_DETS",
    "IT_PRONOUNS",
    "ORG_NAME_WORDS",
    "ORG_NOUNS",
    "OUTLETS",
    "OUTLET_NOUNS",
    "PERSON_ENDING",
    "PERSON_PRONOUNS",
    "RELATIVE_PRONOUNS",
    "ROLE_NOUNS",
    "TITLES",
    "classify_source_kind",
    "find_channel",
    "kind_of_head",
    "outlet_match",
]


_INDIVIDUAL_KINDS = ("person", "anonymous_individual")
_GROUP_KINDS = ("anonymous_group", "organization", "outlet")
_IT_KINDS = ("organization", "outlet", "document")
_STRAY_ROOT_DEPS = frozenset({"nummod", "det", "case", "ccomp", "poss", "amod"})
_NAME_LABELS = frozenset({"PERSON", "ORG", "GPE"})
_ARGUMENT_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "pobj", "appos", "conj", "attr", "dative"})
_ANTECEDENT_LOOKBACK = 3000  # characters a pronoun looks back for its antecedent: a few paragraphs

_CHANNEL_NOUNS = word_set("""interview statement remarks comments conversation appearance call podcast show broadcast article
    op-ed piece column letter email interviews message post""")
_CHANNEL_VERBS = word_set("speak talk tell write say give")


def _channel_candidates(tok, depth: int = 0):
    for c in tok.children:
        dep = c.dep_
        if dep in ("dobj", "dative", "iobj") and tok.lemma_ in ("tell", "give", "inform", "brief"):
            yield c
        elif dep == "prep" and c.lower_ in ("to", "with", "in", "on", "for"):
            for p in c.children:
                if p.dep_ != "pobj":
                    continue
                yield p
                if p.lemma_.lower() in _CHANNEL_NOUNS:
                    for c2 in p.children:
                        if c2.dep_ == "prep" and c2.lower_ in ("with", "to", "on", "in", "for"):
                            yield from (x for x in c2.children if x.dep_ == "pobj")
        elif dep in ("advcl", "acl") and depth == 0 and c.lemma_ in _CHANNEL_VERBS:
            yield from _channel_candidates(c, depth + 1)


def find_channel(doc, cue_toks, source_toks) -> Span | None:
    """The outlet a statement was given to ("told the Post", "telling Axios", "speaking to CNN", "in an
    interview with Fox News"), searched around the cue and in asides of the source; None for
    "told reporters" and the like."""
    heads = []
    if cue_toks is not None:
        heads.extend(t for t in cue_toks if t.pos_ in ("VERB", "AUX"))
    if source_toks is not None:
        heads.append(span_root(source_toks))
    for head in heads:
        for cand in _channel_candidates(head):
            first = cand.left_edge.i
            if outlet_match(doc, first, cand.i + 1):
                start, end = doc[first].idx, doc[cand.i].idx + len(doc[cand.i].text)
                return Span.of(doc_text(doc), start, end)
    return None


def _kind_without_pronouns(doc, head, toks) -> SourceKind | None:
    if head.lower_ in RELATIVE_PRONOUNS and head.dep_.startswith("nsubj") and head.head.dep_ == "relcl":
        antecedent = head.head.head
        return kind_of_head(doc, antecedent, doc[antecedent.left_edge.i : antecedent.i + 1])
    return kind_of_head(doc, head, toks)


def _mentions(doc) -> tuple[list[int], list[tuple[str, int, bool, bool]]]:
    """Noun phrases that can be antecedents (outside quotations): start offsets, and for each its kind,
    the start of its sentence, whether it is a subject and whether it is several people ("Senators
    Grassley and Leahy", "the two men": persons that "they" can take up)."""
    cache = doc.user_data.get("corroborate_mentions")
    if cache is not None:
        return cache
    quotes = quotations(doc)
    found: list[tuple[int, tuple[str, int, bool, bool]]] = []
    roots: set[int] = set()
    # noun chunks, and the names the chunker skips (a name whose subtree overlaps an earlier chunk)
    phrases = [(chunk.root, chunk) for chunk in doc.noun_chunks]
    phrases += [
        (ent.root, ent)
        for ent in doc.ents
        if ent.label_ in _NAME_LABELS and ent.root.pos_ == "PROPN" and ent.root.dep_ in _ARGUMENT_DEPS
    ]
    phrases += [(t, _name_of(t)) for t in doc if t.pos_ == "PROPN" and t.dep_ in ("nsubj", "nsubjpass")]
    for root, phrase in phrases:
        if root.i in roots or root.pos_ == "PRON" or quotes.inside(root.idx):
            continue
        roots.add(root.i)
        kind = kind_of_head(doc, root, phrase)
        if kind is None:
            continue
        named_person = root.ent_type_ == "PERSON" and root.text[:1].isupper()  # "Mashnuq" tagged NNS
        several = _is_plural(root) and not named_person or any(c.dep_ == "conj" for c in root.children)
        found.append((root.idx, (kind, root.sent.start, root.dep_ in ("nsubj", "nsubjpass"), several)))
    found.sort(key=lambda f: f[0])
    starts = [f[0] for f in found]
    info = [f[1] for f in found]
    doc.user_data["corroborate_mentions"] = (starts, info)
    return starts, info


def _person_before(doc, offset: int) -> bool:
    """Does the article mention a person (outside quotations) before character ``offset``?"""
    starts, info = _mentions(doc)
    return any(kind == "person" for kind, *_ in info[: bisect_left(starts, offset)])


def _name_of(tok):
    """A proper noun with the proper nouns compounded right before it ("Danladi Ahmadu")."""
    first = tok.i
    while first > 0 and tok.doc[first - 1].pos_ == "PROPN" and tok.doc[first - 1].head.i == tok.i:
        first -= 1
    return tok.doc[first : tok.i + 1]


def _resolve_pronoun(
    doc, pron, wanted: tuple[str, ...], default: SourceKind, several: bool = False
) -> SourceKind:
    """Kind of the nearest fitting earlier mention; in an earlier sentence, its fitting subject wins.
    With ``several`` ("they", "the pair"), persons mentioned together fit too, in one phrase or as two
    people of one sentence; without, they do not ("he")."""
    starts, info = _mentions(doc)
    people_per_sentence = Counter(sent for kind, sent, _, _ in info if kind == "person") if several else {}

    def fits(k: int) -> bool:
        kind, sent, _, plural = info[k]
        if kind == "person" and several:
            return plural or people_per_sentence[sent] >= 2  # "Tom Hale met Ann Cole. They said ..."
        return kind in wanted and not (kind == "person" and plural)

    i = bisect_left(starts, pron.idx) - 1
    floor = pron.idx - _ANTECEDENT_LOOKBACK
    pron_sent = pron.sent.start
    while i >= 0 and starts[i] >= floor:
        kind, sent_start, is_subject, _ = info[i]
        if fits(i):
            if is_subject:
                return kind  # type: ignore[return-value]
            if sent_start == pron_sent:
                # the subject of the pronoun's own sentence comes first ("Mashnuq gave no details about
                # her husband, although he said ...")
                j = i - 1
                while j >= 0 and info[j][1] == sent_start:
                    if info[j][2] and fits(j):
                        return info[j][0]  # type: ignore[return-value]
                    j -= 1
                return kind  # type: ignore[return-value]
            j = i - 1
            while j >= 0 and info[j][1] == sent_start:
                if info[j][2] and fits(j):
                    return info[j][0]  # type: ignore[return-value]
                j -= 1
            return kind  # type: ignore[return-value]
        i -= 1
    return default


def _phrase_head(toks):
    """The head noun of a source span, also when the parser hung the span's determiner, numeral or
    possessive ending outside it ("One Tweet Sums Up ...", "police’s earlier claim")."""
    root = span_root(toks)
    loose = [t for t in toks if not t.is_punct and not toks.start <= t.head.i < toks.end and t.i > root.i]
    if loose and (
        root.pos_ in ("ADV", "CCONJ", "SCONJ", "INTJ")
        or root.pos_ == "PROPN"
        and all(t.pos_ == "PROPN" for t in loose)
    ):
        # a name the parser left in pieces ("al - Bredi", "So Se Pyong" with "So" an adverb): its last
        # loose noun is the head
        nouns = [t for t in loose if t.pos_ in ("NOUN", "PROPN")]
        if nouns:
            return nouns[0] if root.pos_ != "PROPN" else loose[-1]
    if root.tag_ in ("JJ", "VBN", "VBG") and not any(c.dep_ in ("aux", "auxpass") for c in root.children):
        # "Americans worried about prices": a participle or adjective took the subject noun as its own
        subj = next((t for t in toks if t.head.i == root.i and t.dep_ in ("nsubj", "nsubjpass")), None)
        return root if subj is None else subj
    if root.pos_ in ("NOUN", "PROPN", "PRON") or root.dep_ not in _STRAY_ROOT_DEPS:
        return root
    # a noun after a stray determiner/numeral ("One Tweet"), or before a stray "'s" ("police's")
    nouns = [t for t in toks if t.pos_ in ("NOUN", "PROPN") and (t.i > root.i or root.tag_ == "POS")]
    return nouns[-1] if nouns else root


def classify_source_kind(doc, source: Span | None, cue: Span | None = None) -> SourceKind:
    """Kind of the source span ``source`` in ``doc`` (see the module docstring for the decisions)."""
    toks = doc_tokens(doc, source)
    if toks is None:
        return "unattributed"
    head = _phrase_head(toks)
    lower = head.lower_
    if head.pos_ == "PRON" or lower in PERSON_PRONOUNS | GROUP_PERSONAL | IT_PRONOUNS:
        if lower in PERSON_PRONOUNS:
            if lower in ("i", "me", "my", "mine"):
                return "person"  # the author
            # with no person or unnamed individual before it, the referent is someone the article never
            # names ("She said ..." about a woman described only in a quotation)
            default = "person" if _person_before(doc, head.idx) else "anonymous_individual"
            return _resolve_pronoun(doc, head, _INDIVIDUAL_KINDS, default)
        if lower in GROUP_PERSONAL:
            return _resolve_pronoun(doc, head, _GROUP_KINDS, "anonymous_group", several=True)
        if lower in IT_PRONOUNS:
            return _resolve_pronoun(doc, head, _IT_KINDS, "organization")
    if lower in DISTRIBUTIVE_PRONOUNS and len(toks) == 1:
        return _resolve_pronoun(doc, head, _GROUP_KINDS, "anonymous_group", several=True)
    if head.lemma_.lower() in PAIR_NOUNS and _determiner(head) in DEFINITE_DETS and _of_object(head) is None:
        # "the pair", "the couple": the people (or group) just mentioned, like "they"
        return _resolve_pronoun(doc, head, _GROUP_KINDS, "anonymous_group", several=True)
    kind = _kind_without_pronouns(doc, head, toks)
    conjuncts = [c for c in head.children if c.dep_ == "conj" and toks.start <= c.i < toks.end]
    if conjuncts:
        # "Trump and his aides", "my siblings and I": a named member decides; "the president and his
        # allies": otherwise any unnamed part makes the whole an anonymous group
        parts = [(head, kind)] + [(c, kind_of_head(doc, c, doc[c.left_edge.i : c.i + 1])) for c in conjuncts]
        for tok, k in parts:
            if tok.lower_ in ("i", "me", "we"):
                return "person"
            if tok.pos_ == "PROPN" and k in ("person", "organization", "outlet"):
                return k  # type: ignore[return-value]
        if {k for _, k in parts} & {"anonymous_group", "anonymous_individual"}:
            return "anonymous_group"
    if kind is not None:
        return kind
    # an unknown common noun: people ("the entrepreneur", "researchers") by their ending, else a thing
    # that speaks only as a record ("the advertisement", "one slide", "his body mass index")
    if not PERSON_ENDING.search(head.lemma_.lower()) or head.lemma_.lower().endswith("ment"):
        return "document"
    if _is_plural(head) or _quantity_group(head):
        return "anonymous_group"
    det = _determiner(head)
    return "anonymous_individual" if det in INDIVIDUAL_DETS or det is None else "person"
