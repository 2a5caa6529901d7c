"""How firmly a statement is reported: ``asserted``, ``hedged`` or ``denied``.

Quotation detection and the shared document helpers live in :mod:`corroborate.attribution.quotes`; they are
re-exported here for callers that import them from this module.

Certainty is judged from the cue and its context. Decisions:

* ``denied`` — the cue itself denies or is negated: "denied", "rejected", "dismissed", "refuted",
  "disputed", "did not say", "never said", "refused to confirm", "declined to say". A negation inside the
  content ("he said he did not know") is the source asserting a negative, so it stays ``asserted``; a
  negation on a neighbouring verb ("didn't mince words, saying ...") does not touch the cue, and a
  negated idiom of emphasis as the cue itself ("didn't mince words", "did not hesitate to say", "didn't
  hold back", "pulled no punches") is litotes: an emphatic assertion, not a denial.
* ``hedged`` — the attribution itself signals doubt or opinion rather than fact:
  hearsay adverbs ("reportedly", "allegedly"), impersonal passives ("is said to", "is believed to",
  "it is understood that"), epistemic and evaluative verbs ("believe", "think", "suggest", "appear",
  "seem", "speculate", "suspect", "predict", "expect", "estimate", "fear", "hint", "imply"), modals on
  the cue or on the main verb of the content ("may", "might", "could") and likelihood adverbs there
  ("possibly", "perhaps", "probably", "likely").
  "claim" and "allege" are hedged too: news style guides (AP among them) warn that "claimed" casts doubt
  on the speaker, so a writer choosing it over "said" is distancing the paper from the content.
* ``asserted`` — everything else, including "according to" (the authority of a source is a matter of
  source kind, not of certainty).
"""

from __future__ import annotations

from corroborate.attribution.quotes import doc_tokens, span_root
from corroborate.types import Certainty, Span
from corroborate.words import word_set

__all__ = [
    "DENY_LEMMAS",
    "HEARSAY_ADVERBS",
    "HEDGE_MODALS",
    "HEDGE_VERBS",
    "LIKELIHOOD_ADVERBS",
    "NEGATORS",
    "PASSIVE_HEARSAY",
    "REFUSAL_LEMMAS",
    "certainty",
]


# --------------------------------------------------------------------------- certainty


DENY_LEMMAS = word_set(
    "deny reject dismiss refute dispute rebut contradict disavow repudiate disown rubbish debunk retract"
)
REFUSAL_LEMMAS = word_set("refuse decline fail")
HEDGE_VERBS = word_set(
    "believe think suggest appear seem speculate suspect predict expect estimate fear hint imply guess assume "
    "surmise reckon feel forecast indicate claim allege suppose presume wonder rumor rumour theorize theorise "
    "posit hypothesize project"
)
HEARSAY_ADVERBS = word_set(
    "reportedly allegedly purportedly reputedly supposedly apparently ostensibly seemingly"
)
LIKELIHOOD_ADVERBS = word_set("possibly perhaps probably likely maybe conceivably potentially presumably")
HEDGE_MODALS = word_set("may might could")
PASSIVE_HEARSAY = word_set(
    "say report believe think rumor rumour allege understand claim suggest know expect suspect estimate feel consider"
)
NEGATORS = word_set("not n't n’t never")
#: Verbs whose negation asserts emphatically ("didn't mince words", "never hesitated to say").
LITOTES_LEMMAS = word_set("mince hesitate shy equivocate waver")
#: Verb + particle or object idioms of the same kind ("didn't hold back", "didn't pull punches").
LITOTES_PAIRS = frozenset({("hold", "back"), ("pull", "punch"), ("pull", "punches")})


def _litotes(toks) -> bool:
    """The cue is a negated idiom of emphasis ("didn't mince words", "did not hold back")."""
    for t in toks:
        lemma = t.lemma_.lower()
        if lemma in LITOTES_LEMMAS:
            return True
        if any(
            (lemma, c.lemma_.lower()) in LITOTES_PAIRS
            for c in t.children
            if c.dep_ in ("prt", "dobj", "advmod")
        ):
            return True
    return False


def _cue_verb(toks):
    """The verb that carries the cue ("said" in "has said", "say" in "did not say")."""
    verbs = [t for t in toks if t.pos_ in ("VERB", "AUX") and t.dep_ not in ("aux", "auxpass")]
    if verbs:
        # "refused to confirm", "was quoted as saying": the governing verb is the first
        return verbs[0], verbs[-1]
    root = span_root(toks)
    return root, root


def _negated(tok) -> bool:
    return any(c.dep_ == "neg" or (c.dep_ == "advmod" and c.lower_ == "never") for c in tok.children)


def _modal(tok) -> bool:
    return any(c.dep_ == "aux" and c.lower_ in HEDGE_MODALS for c in tok.children)


def _hedge_adverb(tok, words: frozenset[str]) -> bool:
    return any(c.dep_ in ("advmod", "acomp") and c.lower_ in words for c in tok.children)


def _content_root(doc, content: Span | None):
    toks = doc_tokens(doc, content)
    if toks is None:
        return None
    lo, hi = toks.start, toks.end
    for t in toks:
        if t.pos_ in ("VERB", "AUX") and not (lo <= t.head.i < hi and t.head.i != t.i):
            return t
        if t.dep_ == "ROOT" and t.pos_ in ("VERB", "AUX"):
            return t
    return None


def certainty(doc, cue: Span | None, source: Span | None = None, content: Span | None = None) -> Certainty:
    """``asserted``, ``hedged`` or ``denied`` for one attribution (see the module docstring)."""
    toks = doc_tokens(doc, cue)
    hedged = False
    if toks is not None:
        first, last = _cue_verb(toks)
        words = {t.lower_ for t in toks}
        lemmas = {t.lemma_.lower() for t in toks}
        verbs = (first,) if first.i == last.i else (first, last)
        if _litotes(toks):
            return "hedged" if words & HEARSAY_ADVERBS else "asserted"
        for verb in verbs:
            if verb.lemma_.lower() in DENY_LEMMAS | REFUSAL_LEMMAS or _negated(verb):
                return "denied"
            if verb.dep_ == "xcomp" and verb.head.lemma_.lower() in REFUSAL_LEMMAS:
                return "denied"  # "refused to confirm", also when the cue span holds only "confirm"
        if words & NEGATORS or lemmas & REFUSAL_LEMMAS:
            return "denied"
        if words & HEARSAY_ADVERBS or lemmas & HEDGE_VERBS or words & HEDGE_MODALS:
            hedged = True
        for verb in verbs:
            lemma = verb.lemma_.lower()
            if (
                lemma in HEDGE_VERBS
                or _modal(verb)
                or _hedge_adverb(verb, HEARSAY_ADVERBS | LIKELIHOOD_ADVERBS)
            ):
                hedged = True
            passive = any(c.dep_ == "auxpass" for c in verb.children)
            agent = any(c.dep_ == "agent" for c in verb.children)
            if passive and not agent and source is None and lemma in PASSIVE_HEARSAY:
                hedged = True
            # "appeared to confirm", "seems to suggest"
            if verb.dep_ == "xcomp" and verb.head.lemma_.lower() in ("appear", "seem"):
                hedged = True
    if hedged:
        return "hedged"
    root = _content_root(doc, content)
    if root is not None and (_modal(root) or _hedge_adverb(root, LIKELIHOOD_ADVERBS)):
        return "hedged"
    return "asserted"
