"""Is a found attribution an attribution at all? A last check on every extractor's output.

Extractors (the rules and the learned taggers alike) take some clauses for attributions that only look
like one: a picture that "shows" what happened, an act of naming or pleading, a refusal to say anything,
the writer's own "I think". ``not_attribution`` names the reason to drop such an attribution, or returns
None to keep it. Only attributions with a source are checked. The checks are narrow on purpose:
reporting a belief, a wish or what a study shows is an attribution (PolNeAR annotates "X believes", "X
wants", "the poll shows", "I know", "he declined to comment"), so each check needs both a telling cue and
a telling source or complement.

Decisions:

* ``visual`` — a picture or recording shows, features or appears ("The video also shows a man
  kneeling", "footage emerged showing ...", "It showed ..." after a video, "a screengrab shows"): what
  is seen, not what is said. "The video shows that the officer fired first" (a "that" clause) stays, as
  a finding does.
* ``act`` — naming, verifying, listing, pleading guilty or not guilty, releasing pictures, declaring a
  state of affairs, calling oneself something ("the FBI named the two suspects", "pleaded not guilty",
  "declared a state of emergency", "released images of them", "call themselves judges"): an act, not a
  statement. "declared war on", "released a letter" and "pleads for his life" stay.
* ``no_statement`` — a cue that says nothing was said: negated disclosing, commenting, speculating,
  disputing or figuring out ("has not disclosed whether", "would not speculate on", "has yet to comment",
  "can not figure out"), or a cue whose object is nothing ("made no reference to", "offered no further
  information"). "did not mention the budget" and "declined to comment" stay.
* ``judgment`` — the writer judging a source ("Smith is right that ...", "It is unknown ...").
* ``quoted_mind`` — a first- or second-person cue of thinking, wanting or perceiving inside somebody's
  quotation ("... and I think it is going to get worse," the mayor said): the quotation is the mayor's
  content, not a nested attribution.
* ``own_hedge`` — "I think", "we suspect", "you'd expect", "we have heard": in the first or second
  person a parenthetical verb hedges the writer's own assertion. Other mental verbs ("I know", "I
  believe in", "we recognize") and negated ones ("I didn't expect") stay.
* ``own_text`` — the writer pointing to their own text ("I discuss this in an earlier post").
* ``generic_mind`` — feeling, wanting or needing under "might/may/could", or negated with a generic
  bare-plural source ("a Catholic ... might feel obligated", "Collectors might want to wait",
  "Superheroes never want ..."): a supposition, not anybody's statement.
* ``no_source`` — the source span is a stray article ("The", "a") or a reflexive pronoun ("himself").
"""

from __future__ import annotations

from corroborate.attribution.lexicon import DOCUMENT_NOUNS, ORG_NOUNS, OUTLET_NOUNS
from corroborate.attribution.quotes import doc_tokens, quotations, span_root
from corroborate.types import Attribution
from corroborate.words import word_set

SHOW_LEMMAS = word_set("show depict feature capture appear emerge title purport portray picture")
VISUAL_NOUNS = word_set(
    """video footage clip image photo photograph picture screengrab screenshot still film camera frame
    scene sequence livestream broadcast selfie"""
)
MIND_LEMMAS = word_set(
    """think believe expect suspect feel want wish hope know understand assume guess suppose imagine wonder
    doubt fear figure decide see hear recognize recognise realize realise notice care worry bet seek mean"""
)
HEDGE_MODALS = word_set("might may could")
WANT_FEEL = word_set("feel want need")
QUANTIFIERS = word_set("many some most several few all both numerous various")
FIRST_SECOND_PERSON = word_set("i we you me us")
# parenthetical verbs: in the first person they hedge the speaker's own assertion ("I think it will rain")
HEDGE_LEMMAS = word_set("think suppose guess expect suspect reckon imagine bet gather hear presume")
ACT_LEMMAS = word_set("name list verify")
PLEAS = word_set("guilty innocent contest")
# what is declared by declaring it: a state of affairs, not a claim ("declared a state of emergency")
ACT_OBJECTS = word_set("emergency caliphate curfew holiday disaster independence ceasefire")
NO_STATEMENT_LEMMAS = word_set("disclose speculate comment elaborate dispute figure")
OWN_TEXT_LEMMAS = word_set("discuss write cover mention address explore")
NO_STATEMENT_NOUNS = word_set("reference information detail details comment comments indication")
SELF_NAMING = word_set("call dub style brand label")
REFLEXIVES = word_set("myself yourself himself herself itself ourselves yourselves themselves")
JUDGMENTS = word_set("right wrong correct incorrect unknown unclear")
NEGATORS = word_set("not n't never no nor yet")
_CLIMB = 3  # clause links climbed from a show-verb to the picture it is said of
_CLAUSE_LINKS = frozenset({"advcl", "xcomp", "acl", "relcl", "conj", "ccomp"})
_ARGS = frozenset({"nsubj", "nsubjpass", "dobj"})
_IT_SENTENCES = 3  # sentences before its own that "it" looks back for a picture
_IT_NOUNS = VISUAL_NOUNS | DOCUMENT_NOUNS | ORG_NOUNS | OUTLET_NOUNS


def _cue_verb(toks):
    verbs = [t for t in toks if t.pos_ == "VERB"]
    return verbs[-1] if verbs else span_root(toks)


def _negated(toks) -> bool:
    if any(t.lower_ in NEGATORS for t in toks):
        return True
    verb = _cue_verb(toks)
    return any(c.dep_ == "neg" for c in verb.children) or any(
        c.dep_ == "neg" for c in verb.head.children if verb.dep_ == "xcomp"
    )


def _visual(doc, att, cue_toks, src_toks) -> bool:
    if not any(t.lemma_.lower() in SHOW_LEMMAS for t in cue_toks):
        return False
    verb = _cue_verb(cue_toks)
    if any(c.dep_ == "ccomp" and any(m.dep_ == "mark" for m in c.children) for c in verb.children):
        return False  # "the video shows that the officer fired first": a finding, as a study's
    if any(t.lemma_.lower() in VISUAL_NOUNS for t in cue_toks):
        return True  # a cue span that took in its picture: "after video emerged showing"
    # the picture the show-verb hangs from or is said of ("video emerged showing", "a video titled",
    # "verify footage ... purporting to show")
    node = _cue_verb(cue_toks)
    for _ in range(_CLIMB):
        if node.lemma_.lower() in VISUAL_NOUNS:
            return True
        if any(c.dep_ in _ARGS and c.lemma_.lower() in VISUAL_NOUNS for c in node.children):
            return True
        if node.dep_ not in _CLAUSE_LINKS or node.head.i == node.i:
            break
        node = node.head
    if src_toks is None:
        return False
    if any(t.lemma_.lower() in VISUAL_NOUNS for t in src_toks):
        return True
    head = span_root(src_toks)
    return head.lower_ in ("it", "this") and _antecedent_noun(doc, head) in VISUAL_NOUNS


def _antecedent_noun(doc, pron) -> str:
    """Lemma of the nearest singular noun before ``pron`` that "it" could stand for (a picture, a text,
    a body), within a few sentences; "" if none."""
    sent = pron.sent
    floor = sent.start
    for _ in range(_IT_SENTENCES):
        if floor == 0:
            break
        floor = doc[floor - 1].sent.start
    for tok in reversed(doc[floor : pron.i]):
        lemma = tok.lemma_.lower()
        if tok.pos_ == "NOUN" and tok.tag_ == "NN" and lemma in _IT_NOUNS:
            return lemma
    return ""


def _mind(cue_toks) -> bool:
    return _cue_verb(cue_toks).lemma_.lower() in MIND_LEMMAS


def _quoted_mind(doc, att, cue_toks, src_toks) -> bool:
    if src_toks is None or not _mind(cue_toks):
        return False
    if not all(t.lower_ in FIRST_SECOND_PERSON for t in src_toks if not t.is_punct):
        return False
    return quotations(doc).inside(att.cue.start) is not None


def _generic_mind(doc, att, cue_toks, src_toks) -> bool:
    verb = _cue_verb(cue_toks)
    if src_toks is None or verb.lemma_.lower() not in WANT_FEEL:
        return False
    modal = any(t.lower_ in HEDGE_MODALS for t in cue_toks) or any(
        c.dep_ == "aux" and c.lower_ in HEDGE_MODALS for c in verb.children
    )
    return modal or _negated(cue_toks) and _bare_plural(span_root(src_toks))


def _bare_plural(head) -> bool:
    """A plural common noun with no determiner or quantifier: a kind, not particular people
    ("superheroes", "religious people")."""
    return (
        head.pos_ == "NOUN"
        and head.tag_ == "NNS"
        and not any(
            c.dep_ in ("det", "poss", "nummod", "predet") or c.lower_ in QUANTIFIERS for c in head.children
        )
    )


def _act(doc, att, cue_toks, src_toks) -> bool:
    verb = _cue_verb(cue_toks)
    lemma = verb.lemma_.lower()
    if any(t.pos_ == "VERB" and t.lemma_.lower() in ACT_LEMMAS for t in cue_toks):
        return True
    if lemma == "release" and any(
        c.dep_ == "dobj" and c.lemma_.lower() in VISUAL_NOUNS for c in verb.children
    ):
        return True  # "the FBI released images of them"
    if lemma in SELF_NAMING and any(c.dep_ == "dobj" and c.lower_ in REFLEXIVES for c in verb.children):
        return True  # "the four attorneys call themselves judges"
    if lemma == "plead":  # "pleaded not guilty", not "pleads for his life"
        return any(t.lower_ in PLEAS for c in verb.children if c.dep_ != "prep" for t in c.subtree)
    if lemma == "declare":
        objs = [c for c in verb.children if c.dep_ == "dobj"]
        clause = any(c.dep_ in ("ccomp", "xcomp", "oprd") for c in verb.children)
        return (
            bool(objs)
            and not clause
            and any(t.lemma_.lower() in ACT_OBJECTS for o in objs for t in o.subtree)
        )
    return False


def _own_text(doc, att, cue_toks, src_toks) -> bool:
    """ "I discuss this a bit in this post": the writer pointing to their own text."""
    if src_toks is None or not all(t.lower_ in ("i", "we") for t in src_toks if not t.is_punct):
        return False
    verb = _cue_verb(cue_toks)
    return (
        verb.lemma_.lower() in OWN_TEXT_LEMMAS
        and any(c.dep_ == "dobj" and c.lower_ in ("this", "that", "it") for c in verb.children)
        and not any(c.dep_ == "ccomp" for c in verb.children)
    )


def _no_statement(doc, att, cue_toks, src_toks) -> bool:
    verb = _cue_verb(cue_toks)
    objs = [c for c in verb.children if c.dep_ in ("dobj", "xcomp")]
    lemmas = {t.lemma_.lower() for t in cue_toks} | {c.lemma_.lower() for c in objs}
    if verb.dep_ == "xcomp":
        lemmas.add(verb.head.lemma_.lower())
    # "offered no further information", "gave no details": the object says nothing was given
    nothing = any(c.dep_ == "dobj" and any(d.lower_ == "no" for d in c.children) for c in verb.children)
    if not (_negated(cue_toks) or nothing):
        return False
    return bool(lemmas & (NO_STATEMENT_LEMMAS | NO_STATEMENT_NOUNS))


def _judgment(doc, att, cue_toks, src_toks) -> bool:
    """ "El-badawi is right that ...": the writer judging the source, not the source saying anything."""
    verb = _cue_verb(cue_toks)
    if verb.lemma_.lower() != "be":
        return False
    return any(c.dep_ == "acomp" and c.lower_ in JUDGMENTS for c in verb.children) or any(
        t.lower_ in JUDGMENTS for t in cue_toks
    )


def _no_source(doc, att, cue_toks, src_toks) -> bool:
    if src_toks is None:
        return False
    words = [t for t in src_toks if not t.is_punct]
    if len(words) != 1:
        return False
    tok = words[0]
    return tok.pos_ == "DET" and tok.lower_ in ("the", "a", "an") or tok.lower_ in REFLEXIVES


def _own_hedge(doc, att, cue_toks, src_toks) -> bool:
    """ "I think", "we suspect", "you'd expect": the writer (or a generic "you") hedging an assertion of
    their own, not reporting anybody's statement."""
    if src_toks is None or _negated(cue_toks):
        return False
    if not all(t.lower_ in FIRST_SECOND_PERSON for t in src_toks if not t.is_punct):
        return False
    return _cue_verb(cue_toks).lemma_.lower() in HEDGE_LEMMAS


CHECKS = (
    ("visual", _visual),
    ("act", _act),
    ("no_statement", _no_statement),
    ("judgment", _judgment),
    ("quoted_mind", _quoted_mind),
    ("own_hedge", _own_hedge),
    ("own_text", _own_text),
    ("generic_mind", _generic_mind),
    ("no_source", _no_source),
)


def not_attribution(doc, att: Attribution) -> str | None:
    """The reason ``att`` (found in ``doc``) is not an attribution, or None when it may be one."""
    if att.cue is None or att.source is None:
        return None  # only a cue with a source can pass for somebody's statement
    cue_toks = doc_tokens(doc, att.cue)
    if cue_toks is None:
        return None
    src_toks = doc_tokens(doc, att.source)
    for name, check in CHECKS:
        if check(doc, att, cue_toks, src_toks):
            return name
    return None
