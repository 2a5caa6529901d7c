"""Sources of a claim: roles, naming, independence, and the claim's status and sourcing.

**Sources** are the attributions whose content is a mention, plus the outlet itself where it states
the claim in its own voice. Roles: ``asserts``, ``hedges``, ``denies`` (a denial cue or negated content),
``withholds`` (a negated cue without a denial: "hasn't signalled", "declined to confirm": the source
does not say it, nor deny it). ``named``: persons, organisations, and identified outlets and documents;
a document or outlet with no name, author or definite reference ("multiple insider reports", "media
reports") is unidentified and counts with the anonymous kinds (anonymous individual, anonymous group,
unattributed).

**Independence**: copies (``copy_of``) count as their original's outlet; a source relaying an outlet
(its channel, or an outlet as the source) *is* that outlet, so "The Post reports" and "an insider told
the Post" are one source, also across outlets; a named source is one source wherever it speaks; an
anonymous source is one per outlet and description ("a senior official" in two articles of one outlet).
A source that names an entity (``source_entity``: "he" resolved to Donald Trump, "a spokesman for the
Justice Department") is named, and is one source by the entity's key across articles
(:mod:`corroborate.corroboration.entities`: "Trump" in one outlet and "President Trump" in another are one).

**Status** precedence is in :func:`claim_status`; **sourcing** (:func:`claim_sourcing`) summarises the
attributed sources that back a claim: ``named``, ``anonymous_only``, ``mixed`` or ``none`` (only the
outlets' own voice).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from corroborate.attribution.lexicon import OUTLETS
from corroborate.corroboration import claims as claims_mod
from corroborate.corroboration.claims import ClaimGroup, Mention
from corroborate.corroboration.entities import normal_name
from corroborate.corroboration.model import ClaimSource, StoryMember
from corroborate.corroboration.relay import outlet_key
from corroborate.types import ANONYMOUS_KINDS, Attribution
from corroborate.words import word_set

STATUSES: tuple[str, ...] = (
    "denied",
    "contested",
    "on_record",
    "corroborated",
    "relayed_only",
    "single_source",
)
SOURCINGS: tuple[str, ...] = ("none", "anonymous_only", "named", "mixed")
_DENIAL = re.compile(
    r"\b(?:den(?:y|ies|ied|ying|ial)|reject\w*|dismiss\w*|refut\w*|disput\w*|rebut\w*|contradict\w*|"
    r"disavow\w*|repudiat\w*|disown\w*|debunk\w*|retract\w*|false|untrue|fake news)\b",
    re.I,
)
_TITLES = word_set(
    "president vice secretary senator sen rep representative gov governor mayor minister prime chancellor "
    "mr mrs ms dr ceo chairman chair judge justice general gen spokesman spokeswoman spokesperson former"
)
_QUANTIFIERS = word_set(
    "a an the one two three four five six several some many multiple numerous few various other others "
    "of two-thirds dozens hundreds"
)
_DEFINITE = word_set("the this that these those his her its their our my")
_HEAD_CUT = re.compile(r",|\s(?:who|that|which|whose|speaking|describing|saying|familiar|with knowledge)\b")


def _head(text: str) -> str:
    """A source description without relative clauses and asides ("Sources close to Musk" is kept)."""
    return _HEAD_CUT.split(" ".join(text.split()), maxsplit=1)[0].strip()


def is_named(att: Attribution, vocabulary: claims_mod.Vocabulary) -> bool:
    """Named sources: persons, organisations, and outlets and documents that are identified (a name in
    the description, a known outlet, or a definite reference: "the report", "Trump's letter", "the
    Post"); "multiple insider reports" and "media reports" are not. See the module docstring."""
    if att.source_kind in ANONYMOUS_KINDS or att.source is None:
        return False
    if att.source_kind not in ("document", "outlet"):
        return True
    head = _head(att.source.text)
    words = head.split()
    if (words and words[0].lower() in _DEFINITE) or outlet_key(head) in OUTLETS:
        return True
    return any(t.term and t.term.startswith("e:") for t in claims_mod.tokens(head, vocabulary))


def _name_key(att: Attribution, vocabulary: claims_mod.Vocabulary) -> str | None:
    """The name a named source goes by across articles (a person's surname, an organisation's name)."""
    head = _head(att.source.text) if att.source else ""
    runs: list[list[str]] = [[]]
    for tok in claims_mod.tokens(head, vocabulary):
        word = re.sub(r"['\u2019]s$", "", tok.surface).lower()
        if tok.term and tok.term.startswith("e:") and word not in _TITLES:
            runs[-1].append(word)
        elif runs[-1]:
            runs.append([])
    runs = [r for r in runs if r]
    if not runs:
        return None
    last = runs[-1]
    return last[-1] if att.source_kind == "person" else " ".join(last)


def _description_key(text: str) -> str:
    """An anonymous source's description, comparable across articles ("three White House insiders" and
    "One White House insider" -> "white house insider")."""
    words = re.findall(r"[\w'\u2019-]+", _head(text).lower())
    while words and (words[0] in _QUANTIFIERS or words[0].isdigit()):
        words.pop(0)
    singular = [w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words]
    return " ".join(singular) or "unattributed"


def _role(att: Attribution, contrary: bool) -> str:
    """``denies``: a denial cue, or content contrary to the claim; ``withholds``: another negated cue."""
    cue = att.cue.text if att.cue else ""
    if _DENIAL.search(cue):
        return "denies"
    if att.certainty == "denied":
        return "withholds"
    if contrary:
        return "denies"
    return "hedges" if att.certainty == "hedged" else "asserts"


_PERSONAL = word_set("he she him her his hers i me my")
_NEGATOR = re.compile(r"^(?:not|never|no)$|n['\u2019]t$", re.I)
_NEGATION_SCOPE = 3  # words before a key term in which a negator negates the mention ("will not resign")


def _negates(mention: Mention, keys: set[str], vocabulary: claims_mod.Vocabulary) -> bool:
    """Whether a negator ("not", "never", "n't", "no longer") scopes over one of the claim's key terms
    within three words ("will not resign"); a negation elsewhere in a long quote does not count."""
    toks = claims_mod.tokens(mention.core or mention.text, vocabulary)
    for i, tok in enumerate(toks):
        if tok.term in keys and any(
            _NEGATOR.search(t.surface) for t in toks[max(0, i - _NEGATION_SCOPE) : i]
        ):
            return True
    return False


def contrary_mentions(group: ClaimGroup, vocabulary: claims_mod.Vocabulary) -> list[bool]:
    """Per mention, whether it states the opposite of the claim. The claim's key terms are those in at
    least two of its mentions (all of a lone mention's); its polarity is that of most mentions (ties:
    the first), so "the mayor will not resign" contradicts "the mayor will resign" and vice versa."""
    vectors = [set(claims_mod.term_vector(m.core or m.text, vocabulary)) for m in group.mentions]
    counts = Counter(t for v in vectors for t in v)
    keys = {t for t, n in counts.items() if n >= 2} if len(vectors) > 1 else set(counts)
    keys = keys or set(counts)
    negated = [_negates(m, keys, vocabulary) for m in group.mentions]
    negative = sum(negated) * 2 > len(negated) or (sum(negated) * 2 == len(negated) and negated[0])
    return [n != negative for n in negated]


@dataclass
class SourceContext:
    """What sources need from the story: members, outlets after copies, relays, capitalisation."""

    members: dict[int, StoryMember]
    root_outlet: dict[int, str]  # article id -> outlet key of the article it copies (or its own)
    via: dict[tuple[int, int, int], str]  # (article id, span start, span end) -> relayed outlet
    vocabulary: claims_mod.Vocabulary
    entity_keys: dict[str, str] = field(default_factory=dict)  # source_entity name -> key across articles


def claim_sources(group: ClaimGroup, ctx: SourceContext) -> list[ClaimSource]:
    """Every source of the claim in every article that mentions it, own voice included."""
    out: list[ClaimSource] = []
    for mention, contrary in zip(group.mentions, contrary_mentions(group, ctx.vocabulary), strict=True):
        member = ctx.members[mention.article_id]
        outlet = ctx.root_outlet[mention.article_id]
        if mention.own_voice:
            name = member.analysis.article.outlet or f"article {mention.article_id}"
            role = "denies" if contrary else ("hedges" if mention.hedged else "asserts")
            out.append(
                ClaimSource(
                    article_id=mention.article_id,
                    text=name,
                    kind="outlet",
                    named=True,
                    via=None,
                    certainty="hedged" if mention.hedged else "asserted",
                    role=role,
                    own_voice=True,
                    field=mention.field,
                    start=mention.start,
                    end=mention.end,
                    independent_key=f"outlet:{outlet}",
                )
            )
            continue
        for index in mention.attributions:
            att = member.analysis.attributions[index]
            span = att.source or att.cue or att.content
            via = None
            for s in (att.channel, att.source if att.source_kind == "outlet" else None):
                if s is not None and (mention.article_id, s.start, s.end) in ctx.via:
                    via = ctx.via[(mention.article_id, s.start, s.end)]
                    break
            entity = att.source_entity
            named = entity is not None or is_named(att, ctx.vocabulary)
            if via is not None:
                key = "outlet:" + outlet_key(via)
            elif att.source_kind == "outlet" and att.source is not None:
                key = "outlet:" + outlet  # the article's own outlet speaking of itself
            elif entity is not None:  # one person or body, whatever the article calls it, in every outlet
                key = "named:" + ctx.entity_keys.get(entity.name, normal_name(entity.name))
            elif named:
                name = _name_key(att, ctx.vocabulary)
                key = f"named:{name}" if name else f"named:{outlet}:{_description_key(att.source.text)}"
            else:
                description = _description_key(att.source.text) if att.source else "unattributed"
                key = f"anon:{outlet}:{description}"
            out.append(
                ClaimSource(
                    article_id=mention.article_id,
                    text=att.source.text if att.source else "",
                    kind=_entity_kind(att) if entity is not None else att.source_kind,
                    named=named,
                    via=via,
                    certainty=att.certainty,
                    role=_role(att, contrary),
                    own_voice=False,
                    field="text",
                    start=span.start,
                    end=span.end,
                    independent_key=key,
                    source_entity=entity,
                )
            )
    return out


def _entity_kind(att: Attribution) -> str:
    """The kind of a source that names an entity: an anonymous kind taken by a personal pronoun ("he"
    after an unnamed aide was mentioned) is a person's; a body's spokesperson speaks for the body."""
    if att.source_kind not in ANONYMOUS_KINDS:
        return att.source_kind
    personal = att.source is not None and att.source.text.strip().lower() in _PERSONAL
    return "person" if personal else "organization"


def claim_status(sources: Sequence[ClaimSource]) -> str:
    """The claim's status, by precedence:

    1. ``denied``: denied on record (a named person, organisation or document, or an outlet in its own
       voice) while nothing on record and no outlet's own voice backs it.
    2. ``contested``: any other denial (some back it, some deny it).
    3. ``on_record``: a named person, organisation or identified document says it.
    4. ``corroborated``: at least two independent sources back it.
    5. ``relayed_only``: every source backing it relays another outlet's reporting.
    6. ``single_source``: one independent source (or none but withholding ones).
    """
    backing = [s for s in sources if s.backs]
    denials = [s for s in sources if s.role == "denies"]
    firm_backing = [s for s in backing if s.on_record or (s.own_voice and s.role == "asserts")]
    if any(s.on_record or s.own_voice for s in denials) and not firm_backing:
        return "denied"
    if denials:
        return "contested"
    if any(s.on_record for s in backing):
        return "on_record"
    if len({s.independent_key for s in backing}) >= 2:
        return "corroborated"
    if backing and all(s.via is not None for s in backing):
        return "relayed_only"
    return "single_source"


def claim_sourcing(sources: Sequence[ClaimSource]) -> str:
    """``none``, ``anonymous_only``, ``named`` or ``mixed``: the attributed sources that back the claim."""
    attributed = [s for s in sources if s.backs and not s.own_voice]
    if not attributed:
        return "none"
    named = {s.named for s in attributed}
    if named == {False}:
        return "anonymous_only"
    return "named" if named == {True} else "mixed"


def claim_summary(status: str, sourcing: str, outlets: int, sources: Sequence[ClaimSource]) -> str:
    """One line a reader can take in: "rests on anonymous sources only: 5 anonymous sources across 2
    outlets", "on record: ...", "denied on record by ...", "known only through relays of ..."."""
    across = f"across {outlets} outlet{'s' if outlets != 1 else ''}"
    backing = [s for s in sources if s.backs]
    independent = len({s.independent_key for s in backing})
    n = f"{independent} independent source{'s' if independent != 1 else ''}"
    if sourcing == "anonymous_only":
        anonymous = len({s.independent_key for s in backing if not s.own_voice})
        n = f"{anonymous} anonymous source{'s' if anonymous != 1 else ''}"
    if status == "denied":
        who = next(s for s in sources if s.role == "denies" and (s.on_record or s.own_voice))
        return f"denied on record by {_who(who)}; {across}"
    if status == "contested":
        return f"contested: backed by {n}, denied by some; {across}"
    if independent == 0:
        return f"no source vouches for it (only hedged or withheld mentions), {across}"
    if status == "on_record":
        who = next(s for s in sources if s.backs and s.on_record)
        return f"on record: {_who(who)}; {n}, {across}"
    base = {
        "anonymous_only": f"rests on anonymous sources only: {n} {across}",
        "named": f"rests on named sources ({n}), {across}",
        "mixed": f"rests on named and anonymous sources ({n}), {across}",
        "none": f"stated by the outlets themselves ({n}), {across}",
    }[sourcing]
    if status == "relayed_only":
        vias = sorted({s.via for s in sources if s.via})
        base = f"known only through relays of {', '.join(vias)}; {base}"
    own = sorted({s.text for s in sources if s.own_voice and s.role == "asserts"})
    if own and sourcing != "none":
        base += f"; stated as fact by {', '.join(own)}"
    return base


def _who(source: ClaimSource) -> str:
    return f"{source.text} (outlet's own voice)" if source.own_voice else f'"{source.text}" ({source.kind})'
