"""The first attribution extractor: rules over spaCy's dependency parse (``rules@1``).

``extract_attributions(doc)`` finds who is cited in a parsed article and returns
:class:`~corroborate.types.Attribution` records whose spans are character offsets into ``doc.text``.

Patterns: direct quotes before, after or split around the cue (“…,” he said / He said: “…” /
“…,” said X, “…”), quotes attached to a participle ("telling Axios, “…”", "adding, “…”"), indirect
speech (X said (that) …, X claimed/believes/warned/confirmed …), "according to X", "X told Y (that) …",
"X reports/has learned (that) …", "X was quoted as saying", "X described Y as …", "X branded Y Z",
passives with and without an agent ("was first reported by Axios", "he is said to have …", "it is
understood that …"), hearsay adverbs ("the singer is reportedly planning …") and reporting clauses after the
content ("…, the sources alleged."). Nested attributions give one record each.

Span conventions (following PolNeAR where a single contiguous span can):

* source — the noun phrase, with appositions, without relative or participial clauses ("one of the
  insiders", not "… speaking on condition of anonymity"); a relative pronoun is replaced by its
  antecedent. A pronoun stays a pronoun; its kind is resolved (see ``sources``).
* cue — the verb with its auxiliaries, negation and any words between them ("has also said",
  "did not say", "was quoted as saying", "refused to confirm", "According to", "reportedly").
* content — the reported clause without "that"; a direct quote with its quote marks. A quotation that
  runs over several sentences is one span. Trade-offs, since a span is contiguous: a split quote
  (“…,” said X, “…”) is one span from the first opening mark to the last closing mark, so it contains
  the cue; a passive or adverbial hearsay cue sits inside its content ("he is said to have clashed …");
  an "according to" phrase in mid-sentence sits inside its content.
* A quotation paragraph that follows a directly quoted attribution and has no cue of its own (the
  newswire convention for a speaker going on) is attributed again to the same source and cue.

The span helpers and the patterns that do not hang on a reporting verb ("according to", hearsay adverbs,
verbless sentences) live in :mod:`corroborate.attribution.patterns`; quotation detection lives in
:mod:`corroborate.attribution.quotes`.

Cues inside quotations are not extracted (what a speaker says someone else said is the speaker's
content). Hearsay passives with "expected" ("X is expected to …") are predictions, not attributions.
What only looks like an attribution (a video that "shows", "pleaded not guilty", "has not disclosed", the
writer's own "I think") is dropped by :func:`corroborate.attribution.plausible.not_attribution`, the last
check of every extractor (the learned ones call it after :func:`finish` too).
"""

from __future__ import annotations

import re
from bisect import bisect_left

from corroborate.attribution.hedging import certainty
from corroborate.attribution.patterns import (
    Found,
    according_rule,
    adverb_rule,
    char_range,
    noun_phrase,
    trim_content,
    verbless_rule,
)
from corroborate.attribution.plausible import not_attribution
from corroborate.attribution.quotes import (
    Quotations,
    continuations,
    doc_text,
    doc_tokens,
    in_paragraph,
    is_direct,
    is_quotation,
    quotations,
)
from corroborate.attribution.source_kinds import classify_source_kind, find_channel, outlet_match
from corroborate.types import Attribution, Span
from corroborate.words import word_set

EXTRACTOR_VERSION = "rules@1"


# Reporting verbs that take a clause, a quotation or (some of them) an object as content.
CUE_LEMMAS: frozenset[str] = (
    word_set("""say tell claim report add note warn argue insist confirm deny believe suggest describe announce
    explain write tweet post state acknowledge admit allege assert contend predict reveal learn think fear
    caution stress emphasize emphasise maintain promise vow reply respond recall concede complain agree
    indicate conclude estimate speculate suspect testify declare disclose observe point mention remark
    recount boast lament counter retort dispute reject dismiss refute rebut brand label characterize
    characterise call dub accuse find show hint imply assure confide forecast pledge threaten reiterate
    insinuate contest affirm aver allege acknowledge complain muse opine posit reckon charge
    continue ask joke quip exclaim shout whisper sigh laugh""")
)
QUOTE_ONLY_LEMMAS: frozenset[str] = word_set("continue ask joke quip exclaim shout whisper sigh laugh")
CLAUSE_ONLY_LEMMAS: frozenset[str] = word_set("find show think fear feel learn agree")
OBJECT_CONTENT_LEMMAS: frozenset[str] = (
    word_set("""announce confirm deny reject dismiss reveal report acknowledge admit disclose dispute predict estimate
    concede refute rebut forecast promise pledge allege contest reiterate""")
)
XCOMP_CONTENT_LEMMAS: frozenset[str] = word_set("claim promise vow pledge threaten tell deny admit")
AS_CONTENT_LEMMAS: frozenset[str] = word_set("describe characterize characterise portray depict")
NAMING_LEMMAS: frozenset[str] = word_set("brand label call dub")
PASSIVE_CUE_LEMMAS: frozenset[str] = word_set(
    "say report believe think rumor rumour allege understand claim tell"
)
_VERB_GATE = CUE_LEMMAS | PASSIVE_CUE_LEMMAS | {"quote"}
ADVERB_CUES: frozenset[str] = frozenset({"reportedly", "allegedly", "purportedly", "reputedly", "supposedly"})
REFUSAL_LEMMAS: frozenset[str] = frozenset({"refuse", "decline"})
NON_SOURCES: frozenset[str] = word_set("anyone anybody nobody everyone everybody whoever you none")
_INHERIT_DEPS = frozenset({"advcl", "xcomp", "conj", "pcomp", "prep", "dep"})
_SUBJECT_HOPS = 4  # heads climbed through _INHERIT_DEPS from a reporting verb in search of its subject
_GAP_SPLIT = re.compile(r"[ \t]*,[ \t]*")


# --------------------------------------------------------------------------- finish


def _clip(text: str, span: Span | None) -> Span | None:
    if span is None or min(len(text), span.end) <= max(0, span.start):
        return None
    return Span.of(text, max(0, span.start), min(len(text), span.end))


def finish(
    doc,
    source: Span | None,
    cue: Span | None,
    content: Span | None,
    direct: bool | None = None,
    extractor: str = EXTRACTOR_VERSION,
) -> Attribution:
    """Complete an attribution from its spans: source kind, certainty, channel and directness.

    Spans may come from any extractor and need not align with token boundaries; they are re-sliced from
    ``doc.text`` (clipped to it) and analysed on the tokens they touch.
    """
    text = doc_text(doc)
    source, cue, content = _clip(text, source), _clip(text, cue), _clip(text, content)
    channel = find_channel(doc, doc_tokens(doc, cue), doc_tokens(doc, source))
    if (
        channel is not None
        and source is not None
        and channel.start < source.end
        and source.start < channel.end
    ):
        channel = None  # "According to Rolling Stone": the outlet is the source, not a channel
    return Attribution(
        source=source,
        cue=cue,
        content=content,
        source_kind=classify_source_kind(doc, source, cue),
        certainty=certainty(doc, cue, source, content),
        direct=is_direct(content) if direct is None else direct,
        channel=channel,
        extractor=extractor,
    )


# --------------------------------------------------------------------------- rules


def _subject(tok):
    for c in tok.children:
        if c.dep_ in ("nsubj", "csubj"):
            return c
    return None


def _source_of(doc, verb):
    """The source token of a reporting verb: its subject, or that of the verb it hangs from."""
    cur = verb
    for _ in range(_SUBJECT_HOPS):
        subj = _subject(cur)
        if subj is not None:
            if subj.lower_ in ("who", "that", "which") and cur.dep_ == "relcl":
                return cur.head
            return subj
        if cur.dep_ == "acl" and cur.head.pos_ in ("NOUN", "PROPN"):
            # "insiders saying that ..."; a ROOT noun with a subject is a misparsed verb
            subj = _subject(cur.head)
            if subj is not None:
                return subj
            return cur.head if cur.head.dep_ != "ROOT" else None
        if cur.dep_ not in _INHERIT_DEPS or cur.head.i == cur.i:
            return None
        cur = cur.head
    return None


def _cue_range(doc, verb, last=None) -> tuple[int, int]:
    """First and last token of the cue: auxiliaries and negation before the verb, particles after."""
    first = verb.i
    last = verb.i if last is None else last
    for c in verb.children:
        if c.dep_ in ("aux", "auxpass", "neg") and c.i < verb.i and c.tag_ != "TO":
            first = min(first, c.i)
        elif c.dep_ == "prt" and c.i > verb.i:
            last = max(last, c.i)
    head = verb.head
    if verb.dep_ == "xcomp" and head.lemma_ in REFUSAL_LEMMAS and head.i < verb.i:
        first = min(first, head.i)
        for c in head.children:
            if c.dep_ in ("aux", "neg") and c.i < head.i:
                first = min(first, c.i)
    return first, last


def _clause_content(doc, verb, lemma, quotes: Quotations) -> tuple[int, int] | None:
    """Character range of the content held by ``verb``'s complement, snapped to quotations."""
    comps = [
        c for c in verb.children if c.dep_ == "ccomp" or (c.dep_ == "xcomp" and lemma in XCOMP_CONTENT_LEMMAS)
    ]
    # prefer a complement after the cue ("X reports that ..."); one before it is a quote or a misparse
    comp = next((c for c in comps if c.i > verb.i), comps[0] if comps else None)
    rng = None
    if comp is not None:
        first, last = comp.left_edge.i, comp.right_edge.i
        if first < verb.i < last and _parenthetical(doc, verb):
            pass  # "Acts of protest, Mr. Obama said, are acts of patriotism": the whole sentence
        elif first < verb.i < comp.i:  # the complement's subtree swallowed words before the cue
            first = min(t.i for t in comp.subtree if t.i > verb.i)
        elif comp.i < verb.i < last:
            last = max(t.i for t in comp.subtree if t.i < verb.i)
        rng = trim_content(doc, first, last)
    elif lemma in AS_CONTENT_LEMMAS or lemma in NAMING_LEMMAS or lemma == "accuse":
        obj = next((c for c in verb.children if c.dep_ in ("dobj", "npadvmod") and c.i > verb.i), None)
        tail = next(
            (
                c
                for c in verb.children
                if c.i > verb.i
                and ((c.dep_ == "prep" and c.lower_ in ("as", "of")) or c.dep_ in ("oprd", "xcomp", "ccomp"))
            ),
            None,
        )
        if obj is not None and tail is None and lemma in NAMING_LEMMAS:
            tail = next((c for c in obj.children if c.dep_ == "appos"), None)  # "branded April 2 'X Day'"
        if obj is not None and tail is not None:
            rng = trim_content(doc, obj.left_edge.i, max(obj.right_edge.i, tail.right_edge.i))
    elif lemma in OBJECT_CONTENT_LEMMAS:
        obj = next((c for c in verb.children if c.dep_ == "dobj"), None)
        if obj is not None and obj.pos_ != "PRON":
            rng = trim_content(doc, obj.left_edge.i, obj.right_edge.i)
    if rng is None:
        return None
    if lemma in ("find", "show") and not any(c.dep_ == "mark" and c.lower_ == "that" for c in comp.children):
        return None  # "a study found that ..." but not "he is finding the job taxing"
    return in_paragraph(doc_text(doc), verb.idx, quotes.snap(*char_range(doc, *rng)))


def _sentence_before(doc, verb, subj) -> tuple[int, int] | None:
    """ "…, the sources alleged.": the content is the sentence before the trailing reporting clause."""
    if subj is None or subj.i < verb.i and subj.head.i != verb.i:
        return None
    sent = verb.sent
    lead = min(subj.left_edge.i, verb.i)
    if lead - 1 <= sent.start or doc[lead - 1].text not in (",", "—", "–", "-"):
        return None
    for t in doc[verb.i + 1 : sent.end]:
        if not (
            t.is_punct
            or t.head.i == verb.i
            and t.dep_ in ("prep", "npadvmod", "advmod")
            or t.head.i != t.i
            and t.head.head.i == verb.i
            and t.head.dep_ == "prep"
        ):
            return None
    rng = trim_content(doc, sent.start, lead - 2)
    return None if rng is None else char_range(doc, *rng)


def _verb_rule(doc, verb, quotes: Quotations) -> Found | None:
    lemma = verb.lemma_.lower()
    text = doc_text(doc)
    if verb.dep_ == "pcomp" and verb.head.lower_ == "as" and verb.head.head.lemma_ == "quote":
        return None  # "was quoted as saying": handled from "quoted"
    passive = any(c.dep_ == "auxpass" for c in verb.children)
    agent = next((c for c in verb.children if c.dep_ == "agent"), None)
    subj_pass = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
    last = None
    source_tok = None
    if lemma == "quote":
        as_prep = next((c for c in verb.children if c.dep_ == "prep" and c.lower_ == "as"), None)
        saying = None if as_prep is None else next((c for c in as_prep.children if c.lemma_ == "say"), None)
        if saying is None or subj_pass is None:
            return None
        source_tok, last = subj_pass, saying.i
        content = _clause_content(doc, saying, "say", quotes) or _adjacent_quote(doc, verb, subj_pass, quotes)
    elif passive:
        if agent is not None:
            source_tok = next((c for c in agent.children if c.dep_ == "pobj"), None)
            if source_tok is None:
                return None
            content = _clause_content(doc, verb, lemma, quotes)
            if content is None and subj_pass is not None:
                rng = trim_content(doc, *noun_phrase(doc, subj_pass))
                content = None if rng is None else char_range(doc, *rng)
            last = agent.i
        elif lemma in PASSIVE_CUE_LEMMAS:
            comp = next((c for c in verb.children if c.dep_ in ("xcomp", "ccomp")), None)
            if comp is None or subj_pass is None and comp.dep_ == "xcomp":
                return None
            if comp.dep_ == "ccomp" or subj_pass.lower_ == "it":
                rng = trim_content(doc, comp.left_edge.i, comp.right_edge.i)
            else:
                rng = trim_content(doc, subj_pass.left_edge.i, comp.right_edge.i)
            if rng is None:
                return None
            content = in_paragraph(text, verb.idx, quotes.snap(*char_range(doc, *rng)))
        else:
            return None
    else:
        if verb.dep_ in ("amod", "compound") or verb.tag_ == "VBN" and verb.dep_ == "acl":
            return None
        source_tok = _source_of(doc, verb)
        if source_tok is None or source_tok.lower_ in NON_SOURCES:
            return None
        np_first, np_last = noun_phrase(doc, source_tok)
        if lemma == "learn" and not outlet_match(doc, np_first, np_last + 1):
            return None
        if lemma in ("find", "show") and source_tok.pos_ == "PRON":
            return None
        if lemma == "point" and not any(c.dep_ == "prt" and c.lower_ == "out" for c in verb.children):
            return None
        content = None if lemma in QUOTE_ONLY_LEMMAS else _clause_content(doc, verb, lemma, quotes)
        if content is None and lemma not in CLAUSE_ONLY_LEMMAS:
            content = _adjacent_quote(doc, verb, source_tok, quotes)
        if content is None and lemma not in QUOTE_ONLY_LEMMAS | CLAUSE_ONLY_LEMMAS:
            content = _sentence_before(doc, verb, source_tok)
        if content is None and lemma not in QUOTE_ONLY_LEMMAS and _parenthetical(doc, verb):
            sent = verb.sent
            rng = trim_content(doc, sent.start, sent.end - 1)
            content = (
                None if rng is None else in_paragraph(text, verb.idx, quotes.snap(*char_range(doc, *rng)))
            )
    if content is None:
        return None
    first, last = _cue_range(doc, verb, last)
    cue = char_range(doc, first, last)
    source = None
    if source_tok is not None:
        source = char_range(doc, *noun_phrase(doc, source_tok))
        if content[0] <= source[0] < content[1] and not content[0] <= cue[0] < content[1]:
            return None  # the "source" is part of what is reported: a misparse
    if (
        content[0] <= cue[0] < content[1]
        and not passive
        and lemma != "quote"
        and not is_quotation(text, content)
        and not _parenthetical(doc, verb)
    ):
        return None  # the cue sits inside its own content (no split quotation, no aside): a misparse
    tail_tok = doc[_clause_bounds(doc, verb, source_tok, quotes)[1]]
    tail = tail_tok.idx + len(tail_tok.text)
    if content[1] <= cue[0] and is_quotation(text, content):
        # “…,” said X, “…”: a split quotation goes on after the reporting clause
        clause_end = max(cue[1], source[1] if source is not None and source[0] > cue[0] else 0)
        after = quotes.starting_after(clause_end, _GAP_SPLIT)
        if after is not None:
            content = (content[0], after[1])
    return Found(source, cue, content, max(tail, cue[1]))


def _parenthetical(doc, verb) -> bool:
    """Is the reporting clause an aside set off by commas inside its content ("…, he said, …")?"""
    subj = _subject(verb)
    if subj is None:
        return False
    lo = min(subj.left_edge.i, verb.i)
    hi = verb.i
    for c in verb.children:
        if c.dep_ in ("aux", "neg", "advmod") and c.i < verb.i:
            lo = min(lo, c.i)
        elif c.i > verb.i and c.dep_ in ("prep", "npadvmod", "advmod", "dobj", "dative") and not c.is_punct:
            hi = max(hi, c.right_edge.i)
    sent = verb.sent
    if lo - 1 <= sent.start or hi + 1 >= sent.end - 1:
        return False
    return doc[lo - 1].text in (",", "—", "–") and doc[hi + 1].text in (",", "—", "–")


def _clause_bounds(doc, verb, source_tok, quotes: Quotations) -> tuple[int, int]:
    """First and last token of the reporting clause: cue, its own subject, and what follows the cue
    that is not content ("telling Axios", "told reporters", "said in an interview on Tuesday")."""
    lo, hi = _cue_range(doc, verb)
    if source_tok is not None and source_tok.head.i == verb.i:
        s_first, s_last = noun_phrase(doc, source_tok)
        lo, hi = min(lo, s_first), max(hi, s_last)
    for c in verb.children:
        if (
            c.i > hi
            and c.dep_ in ("dobj", "dative", "prep", "npadvmod", "advmod", "agent")
            and c.right_edge.i >= hi
            and quotes.inside(c.idx) is None
            and not c.is_punct
        ):
            hi = max(hi, c.right_edge.i)
    return lo, hi


def _adjacent_quote(doc, verb, source_tok, quotes: Quotations) -> tuple[int, int] | None:
    """A quotation right before or right after the reporting clause ("“…,” he said" / "said: “…”")."""
    lo, hi = _clause_bounds(doc, verb, source_tok, quotes)
    start_char = doc[lo].idx
    end_char = doc[hi].idx + len(doc[hi].text)
    before = quotes.ending_before(start_char)
    if before is not None:
        after = quotes.starting_after(end_char, _GAP_SPLIT)
        if after is not None and after[0] > before[1]:
            return before[0], after[1]
        return before
    return quotes.starting_after(end_char)


# --------------------------------------------------------------------------- entry point


def extract_attributions(doc) -> tuple[Attribution, ...]:
    """Attributions in a parsed article (see the module docstring), sorted by cue start."""
    text = doc_text(doc)
    quotes = quotations(doc)
    found: list[Found] = []
    seen_cues: set[tuple[int, int]] = set()
    for tok in doc:
        lower = tok.lower_
        if lower == "according":
            rule = according_rule
        elif lower in ADVERB_CUES and tok.dep_ == "advmod":
            rule = adverb_rule
        elif tok.pos_ == "VERB" and (tok.lemma_.lower() in _VERB_GATE):
            rule = _verb_rule
        else:
            continue
        if quotes.inside(tok.idx) is not None:
            continue
        f = rule(doc, tok, quotes)
        if f is None or f.cue in seen_cues:
            continue
        seen_cues.add(f.cue)
        found.append(f)
    cue_starts = sorted(f.cue[0] for f in found)
    for sent in doc.sents:
        if sent.root.pos_ not in ("NOUN", "PROPN"):
            continue
        i = bisect_left(cue_starts, sent.start_char)
        if i < len(cue_starts) and cue_starts[i] < sent.end_char:
            continue  # the sentence already has a cue
        f = verbless_rule(doc, sent, quotes)
        if f is not None:
            found.append(f)
    directs = [(max(f.tail, f.content[1]), i) for i, f in enumerate(found) if is_quotation(text, f.content)]
    for i, q in continuations(text, quotes, [f.content for f in found], directs):
        found.append(Found(found[i].source, found[i].cue, q, q[1]))
    found.sort(key=lambda f: (f.cue[0], f.content[0]))
    finished = (
        finish(
            doc,
            None if f.source is None else Span.of(text, *f.source),
            Span.of(text, *f.cue),
            Span.of(text, *f.content),
        )
        for f in found
    )
    return tuple(att for att in finished if not_attribution(doc, att) is None)
