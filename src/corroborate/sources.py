"""Who is the source? Classify a source noun phrase into one of ``types.SOURCE_KINDS``.

Rules first, NER second (the small English model's entity labels are unreliable). Decisions:

* ``person`` — a named individual ("Angela Merkel", "Mr. Obama", "Secretary of State John Kerry") or
  an identifiable role holder with a definite determiner or possessor ("the president", "the governor's
  chief of staff"). A lone name that the document never introduces as a person and the model does not
  label as one ("Tesla said") is taken for an organisation, since people are introduced by full name.
* ``organization`` — a named body, party, agency, company or government ("the White House", "the Justice
  Department", "Republicans", "the campaign"), and also an unnamed spokesperson, who speaks on the record
  for a body ("a Pentagon spokesman").
* ``outlet`` — a news organisation being relayed ("The Washington Post reports", "the Times", "CNN"),
  recognised by a gazetteer or by an outlet noun ("the newspaper", "the network").
* ``anonymous_individual`` — one unnamed person ("one senior official", "a person familiar with the
  matter", "an aide", "one of the insiders").
* ``anonymous_group`` — several unnamed people ("three White House insiders", "sources close to the
  prince", "analysts", "those close to the campaign", "some"), and any coordination with an unnamed part ("the
  president and his allies"); a coordination of named parts takes the kind of the first.
* ``document`` — a text, record or measurement ("a report", "the memo", "court filings", "the poll"),
  and any other non-human common noun that speaks ("the advertisement says").
* ``unattributed`` — there is no source span.

Pronouns take the kind of the nearest fitting earlier mention outside quotations: "he"/"she" the nearest
person or anonymous individual, "they" the nearest group, organisation or outlet, "it" the nearest
organisation, outlet or document.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter

from .hedging import doc_text, doc_tokens, quotations, span_root
from .types import SourceKind, Span


def _lex(words: str) -> frozenset[str]:
    return frozenset(words.split())


_THE = re.compile(r"^(?:the|a|an)\s+", re.I)
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")

def _names(names: str) -> frozenset[str]:
    return frozenset(n for n in names.split("|") if n)


OUTLETS: frozenset[str] = _names(
    "60 minutes|abc|abc australia|abc news|abc news australia|afp|agence france-presse|al jazeera|ansa|ap|"
    "asahi shimbun|associated press|athletic|atlantic|axios|barron's|bbc|bbc news|bbc sport|bild|"
    "bloomberg|bloomberg news|boston globe|breitbart|breitbart news|business insider|buzzfeed|"
    "buzzfeed news|c-span|cbc|cbs|cbs news|channel 4|channel 4 news|channel 5|chicago tribune|cnbc|cnn|"
    "cnn business|corriere della sera|ctv|daily beast|daily caller|daily express|daily mail|daily mirror|"
    "daily news|daily record|daily star|daily telegraph|daily wire|dallas morning news|dawn|deadline|"
    "der spiegel|dpa|drudge report|economist|efe|el pais|el país|espn|evening standard|express|"
    "face the nation|financial times|forbes|fortune|fox|fox & friends|fox business|fox news|free press|ft|"
    "gb news|globe and mail|good morning america|guardian|haaretz|herald|hill|hindustan times|"
    "hollywood reporter|houston chronicle|huffington post|huffpost|i paper|independent|insider|intercept|"
    "interfax|irish times|itv|itv news|jerusalem post|journal|kff health news|kyodo|la times|lbc|"
    "le figaro|le monde|los angeles times|mail on sunday|mailonline|marketwatch|mediaite|meet the press|"
    "metro|miami herald|mirror|morning joe|mother jones|msnbc|national review|nbc|nbc news|"
    "new york daily news|new york post|new york times|new yorker|news corp|newsmax|newsnation|newsweek|"
    "nikkei|nikkei asia|notus|npr|ny post|nyt|oan|observer|one america news|pa media|page six|pbs|"
    "pbs newshour|people magazine|politico|politico europe|post|press association|propublica|puck|"
    "punchbowl news|radio 4|raw story|reuters|ria novosti|ringer|rolling stone|rt|salon|"
    "san francisco chronicle|scmp|scotsman|semafor|sky|sky news|sky sports|slate|south china morning post|"
    "spiegel|sports illustrated|sputnik|star tribune|stat|stat news|straits times|sun|sun on sunday|"
    "sunday telegraph|sunday times|sydney morning herald|talksport|tass|techcrunch|telegraph|telemundo|"
    "today show|time magazine|times|times of india|times of israel|tmz|today programme|univision|upi|"
    "usa today|vanity fair|variety|verge|vice|vice news|vox|wall street journal|washington examiner|"
    "washington free beacon|washington post|washington times|wired|wsj|xinhua|yahoo finance|yahoo news|"
    "yonhap"
)
# Gazetteer entries that are also ordinary words: matched only when capitalised in the text.
_CAPS_ONLY: frozenset[str] = _lex(
    "athletic atlantic bild dawn deadline economist express fortune fox guardian herald hill independent "
    "insider intercept journal metro mirror observer post ringer salon sky slate stat sun times variety "
    "vice wired"
)

OUTLET_NOUNS: frozenset[str] = _lex(
    "broadcaster broadsheet channel magazine network newspaper newsroom outlet paper publication tabloid "
    "website"
)
DOCUMENT_NOUNS: frozenset[str] = _lex(
    "account affidavit analysis announcement article assessment audit book brief cable census chart "
    "complaint data document dossier draft e-mail editorial email estimate evidence figures filing "
    "finding footage forecast graphic guidance index indictment inquiry investigation judgment lawsuit "
    "leak letter log memo memoir memorandum message minutes model motion notice opinion papers piece poll "
    "post probe projection proposal readout record recording release report research review ruling "
    "statement statistic statistics story study subpoena suit survey table testimony text transcript "
    "tweet verdict video warrant"
)
ORG_NOUNS: frozenset[str] = _lex(
    "administration agency airline alliance army association authorities authority bank board brand "
    "bureau cabinet campaign carrier charity city club coalition commission committee company congress "
    "corporation council country county court department embassy federation firm force foundation fund "
    "giant government group hospital institute insurer kremlin legislature lender maker manufacturer "
    "military ministry movement nation navy nonprofit office organisation organization panel parliament "
    "party pentagon police prosecution regime regulator representative retailer school senate service "
    "spokesman spokesmen spokespeople spokesperson spokeswoman spokeswomen startup state team union unit "
    "university watchdog"
)
# Unnamed people whose identity is withheld: anonymous whatever the determiner.
ANON_HEADS: frozenset[str] = _lex(
    "acquaintance activist administrator adviser advisor agent aide ally analyst anyone assistant "
    "associate attendee banker colleague confidant confidante consultant contact counterpart critic "
    "customer diplomat doctor donor economist employee envoy expert figure friend individual informant "
    "insider investigator investor lawmaker leaker legislator lobbyist loyalist member negotiator "
    "neighbor neighbour observer officer official operative opponent organiser organizer parent "
    "participant people person pollster prosecutor protester relative researcher resident scientist "
    "somebody someone source staff staffer strategist student supporter teacher trader user veteran voice "
    "voter whistleblower witness worker"
)
# Identifiable when definite ("the president"), anonymous when indefinite ("a senator").
ROLE_NOUNS: frozenset[str] = _lex(
    "actor actress admiral ambassador anchor attorney author billionaire bishop boss brother businessman "
    "businesswoman candidate ceo chair chairman chairwoman challenger chancellor chef chief coach "
    "cofounder columnist commentator commissioner congressman congresswoman correspondent counsel "
    "daughter dean defendant designer director editor emperor entrepreneur executive father founder "
    "general governor head host husband incumbent journalist judge justice king lawyer leader man manager "
    "mayor minister mogul mother nominee owner partner pastor plaintiff player politician pope premier "
    "president prince princess principal professor pundit queen reporter representative rival secretary "
    "senator sheriff singer sister son speaker spouse star suspect tycoon victim wife woman writer"
)
GROUP_PRONOUNS: frozenset[str] = _lex(
    "all both critics dozens everybody everyone few hundreds many most multiple numerous others several "
    "some supporters these those thousands various"
)
TITLES: frozenset[str] = _lex(
    "ambassador attorney capt chairman chancellor chief col commissioner congressman congresswoman dame "
    "deputy director dr first former gen general gov governor judge justice king lady lord lt mayor "
    "minister miss mr mrs ms pope president prince princess prof queen rep representative rev saint "
    "secretary sen senator sgt sir speaker st vice"
)
ORG_NAME_WORDS: frozenset[str] = _lex(
    "administration agency airlines alliance army assembly association authority bank board bureau "
    "cabinet campaign capital cdc center centre cia club co co. coalition commission committee company "
    "congress consulting corp corp. corporation council court department dhs dnc doj downing epa eu fbi "
    "fda federation force foundation ftc fund gop government group holdings house ice imf inc inc. "
    "industries institute irs kremlin labs llc ltd ltd. ministry motors nasa nations nato navy network "
    "nsa ofcom office opec organisation organization parliament partners party pentagon pharmaceuticals "
    "plc police reserve rnc sec senate service services systems technologies trust un union university "
    "whitehall"
)
INDIVIDUAL_DETS: frozenset[str] = _lex("a an another each either every neither one single that this")
PERSON_PRONOUNS: frozenset[str] = _lex("he she him her i me himself herself")
GROUP_PERSONAL: frozenset[str] = _lex("they them we us themselves")
IT_PRONOUNS: frozenset[str] = _lex("it itself")
_RELATIVE = _lex("who which that whom")
_NUMBER_WORDS = _lex("two three four five six seven eight nine ten dozen several multiple many numerous some few various both")
_PARTITIVES = _lex(
    "all both dozen dozens each few half handful hundreds majority many millions minority most none "
    "number one percent plurality quarter several share some third thousands"
)
# endings of nouns for people ("researcher", "economist", "entrepreneur", "bureaucrat"), not "-ment" things
_PERSON_ENDING = re.compile(r"(?<!m)(?:er|or|ist|ian|ant|ent|man|woman|ee|ess|eur|crat|ic|ier|ster|one|body|ate|ive)$")
_INDIVIDUAL_KINDS = ("person", "anonymous_individual")
_GROUP_KINDS = ("anonymous_group", "organization", "outlet")
_IT_KINDS = ("organization", "outlet", "document")

_CHANNEL_NOUNS = _lex("""interview statement remarks comments conversation appearance call podcast show broadcast article
    op-ed piece column letter email interviews message post""")
_CHANNEL_VERBS = _lex("speak talk tell write say give")


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
    if head.lower_ in OUTLET_NOUNS and head.pos_ == "NOUN" and not head.text[:1].isupper():
        return True
    if not (head.text[:1].isupper() or head.text[:1].isdigit()):
        return False
    # every suffix of the name ("Britain's Daily Mail", "the conservative Washington Times"), but not
    # the end of a person's name ("Michael J. Fox")
    for i in range(len(toks)):
        prefix = toks[:i]
        if prefix and prefix[-1].tag_ != "POS" and any(t.pos_ == "PROPN" for t in prefix):
            continue
        name = _norm(" ".join(t.text for t in toks[i:]))
        if name in OUTLETS:
            if name in _CAPS_ONLY and not all(t.text[:1].isupper() for t in toks[i:]):
                continue
            return True
    return False


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
    votes = {k: c.most_common(1)[0][0] for k, c in counts.items()
             if len(c) == 1 or c.most_common(2)[0][1] > c.most_common(2)[1][1]}
    votes.update(dict.fromkeys(surnames, "person"))
    doc.user_data["corroborate_ner_votes"] = votes
    return votes


def _is_plural(tok) -> bool:
    return tok.tag_ in ("NNS", "NNPS") or "Plur" in tok.morph.get("Number")


def _quantity_group(tok) -> bool:
    for c in tok.children:
        if c.dep_ == "nummod":
            if c.lower_ in _NUMBER_WORDS:
                return True
            try:
                return float(c.text.replace(",", "")) > 1
            except ValueError:
                return c.lower_ != "one"
        if c.dep_ in ("det", "amod") and c.lower_ in _NUMBER_WORDS:
            return True
    return False


def _named_kind(doc, head, toks) -> SourceKind:
    """Kind of a proper-noun-headed phrase."""
    lo = min(t.i for t in toks)
    if outlet_match(doc, lo, head.i + 1):
        return "outlet"
    chain = [t for t in toks if t.i <= head.i and (t.pos_ == "PROPN" or t.dep_ == "compound")]
    words = {t.lower_.strip(".") for t in chain} | {t.lower_ for t in chain}
    if any(t.lower_.strip(".") in TITLES for t in chain if t.i < head.i) and head.ent_type_ != "ORG":
        return "person"
    if words & ORG_NAME_WORDS and head.lower_.strip(".") not in TITLES:
        return "organization"
    if head.ent_type_ == "NORP" or (head.ent_type_ == "" and _is_plural(head) and head.text.endswith("s")):
        return "organization"  # "Republicans", "Democrats": a named party or body
    if head.text.isupper() and 2 <= len(head.text) <= 5 and head.ent_type_ != "PERSON":
        return "organization"  # acronyms: FBI, NATO, OPEC
    vote = _ner_votes(doc).get(head.text)
    if vote is not None:
        return vote  # type: ignore[return-value]
    if head.ent_type_ in ("ORG", "GPE", "FAC"):
        return "organization"
    # people are introduced by full name, so a lone unlabelled name ("Tesla said") is more likely a body
    names = [t for t in chain if t.pos_ == "PROPN"]
    return "person" if head.ent_type_ == "PERSON" or len(names) >= 2 else "organization"


def _determiner(head) -> str | None:
    for c in head.children:
        if c.dep_ in ("det", "nummod", "poss") and c.i < head.i:
            return "poss" if c.dep_ == "poss" else c.lower_
    return None


def _common_kind(head) -> SourceKind | None:
    """Kind of a common-noun-headed phrase; None when the noun is not a plausible source."""
    lemma = head.lemma_.lower()
    lower = head.lower_
    if lower in GROUP_PRONOUNS or lemma in ("other", "those"):
        if lower == "one":
            return "anonymous_individual"
        return "anonymous_group"
    if lower == "one" or lemma == "one":
        return "anonymous_individual"
    if lemma in OUTLET_NOUNS or lower in OUTLET_NOUNS:
        return "outlet"
    if lemma in DOCUMENT_NOUNS or lower in DOCUMENT_NOUNS:
        return "document"
    if lemma in ORG_NOUNS or lower in ORG_NOUNS:
        return "organization"
    plural = _is_plural(head) or _quantity_group(head)
    if lemma in ANON_HEADS or lower in ANON_HEADS:
        return "anonymous_group" if plural else "anonymous_individual"
    if lemma in ROLE_NOUNS or lower in ROLE_NOUNS:
        if plural:
            return "anonymous_group"
        det = _determiner(head)
        return "anonymous_individual" if det in INDIVIDUAL_DETS else "person"
    return None


def _kind_without_pronouns(doc, toks) -> SourceKind | None:
    head = span_root(toks)
    if head.lower_ in _RELATIVE and head.dep_.startswith("nsubj") and head.head.dep_ == "relcl":
        antecedent = head.head.head
        return _kind_of_head(doc, antecedent, doc[antecedent.left_edge.i : antecedent.i + 1])
    return _kind_of_head(doc, head, toks)


def _kind_of_head(doc, head, toks) -> SourceKind | None:
    if head.pos_ == "PRON" and head.lower_ not in GROUP_PRONOUNS and head.lower_ not in ("one", "someone",
                                                                                          "somebody", "anyone"):
        return None
    lo = min(t.i for t in toks)
    if outlet_match(doc, lo, head.i + 1):
        return "outlet"
    if head.pos_ == "PROPN" and not head.text[:1].islower() or (head.text[:1].isupper() and (
            head.ent_type_ in ("PERSON", "ORG", "NORP") and head.i > head.sent.start
            or head.text in _ner_votes(doc))):
        return _named_kind(doc, head, toks)
    # "White House official Karoline Leavitt": the name is an apposition/compound of a common head
    for c in head.children:
        if c.dep_ == "appos" and c.pos_ == "PROPN" and c.ent_type_ == "PERSON":
            return "person"
    # "one of the insiders", "some of the analysts", "a majority of Americans", "74 percent of voters"
    if head.lower_ in _PARTITIVES or head.lemma_.lower() in _PARTITIVES or head.pos_ == "NUM":
        for c in head.children:
            if c.dep_ == "prep" and c.lower_ == "of":
                return "anonymous_individual" if head.lower_ in ("one", "each") else "anonymous_group"
    return _common_kind(head)


def _mentions(doc) -> tuple[list[int], list[tuple[str, int, bool]]]:
    """Noun phrases that can be antecedents (outside quotations): start offsets, and for each its kind,
    the start of its sentence and whether it is a subject."""
    cache = doc.user_data.get("corroborate_mentions")
    if cache is not None:
        return cache
    quotes = quotations(doc)
    starts: list[int] = []
    info: list[tuple[str, int, bool]] = []
    for chunk in doc.noun_chunks:
        root = chunk.root
        if root.pos_ == "PRON" or quotes.inside(root.idx):
            continue
        kind = _kind_of_head(doc, root, chunk)
        if kind is None:
            continue
        starts.append(root.idx)
        info.append((kind, root.sent.start, root.dep_ in ("nsubj", "nsubjpass")))
    doc.user_data["corroborate_mentions"] = (starts, info)
    return starts, info


def _resolve_pronoun(doc, pron, wanted: tuple[str, ...], default: SourceKind) -> SourceKind:
    """Kind of the nearest fitting earlier mention; in an earlier sentence, its fitting subject wins."""
    starts, info = _mentions(doc)
    i = bisect_left(starts, pron.idx) - 1
    floor = pron.idx - 3000  # do not reach back further than a few paragraphs
    pron_sent = pron.sent.start
    while i >= 0 and starts[i] >= floor:
        kind, sent_start, is_subject = info[i]
        if kind in wanted:
            if is_subject or sent_start == pron_sent:
                return kind  # type: ignore[return-value]
            j = i - 1
            while j >= 0 and info[j][1] == sent_start:
                if info[j][2] and info[j][0] in wanted:
                    return info[j][0]  # type: ignore[return-value]
                j -= 1
            return kind  # type: ignore[return-value]
        i -= 1
    return default


def classify_source_kind(doc, source: Span | None, cue: Span | None = None) -> SourceKind:
    """Kind of the source span ``source`` in ``doc`` (see the module docstring for the decisions)."""
    toks = doc_tokens(doc, source)
    if toks is None:
        return "unattributed"
    head = span_root(toks)
    lower = head.lower_
    if head.pos_ == "PRON" or lower in PERSON_PRONOUNS | GROUP_PERSONAL | IT_PRONOUNS:
        if lower in PERSON_PRONOUNS:
            return "person" if lower in ("i", "me") else _resolve_pronoun(doc, head, _INDIVIDUAL_KINDS, "person")
        if lower in GROUP_PERSONAL:
            return _resolve_pronoun(doc, head, _GROUP_KINDS, "anonymous_group")
        if lower in IT_PRONOUNS:
            return _resolve_pronoun(doc, head, _IT_KINDS, "organization")
    kind = _kind_without_pronouns(doc, toks)
    conjuncts = [c for c in head.children if c.dep_ == "conj" and toks.start <= c.i < toks.end]
    if conjuncts:
        # "The president and his allies": any unnamed part makes the whole an anonymous group
        kinds = {kind} | {_kind_of_head(doc, c, doc[c.left_edge.i : c.i + 1]) for c in conjuncts}
        if kinds & {"anonymous_group", "anonymous_individual"}:
            return "anonymous_group"
    if kind is not None:
        return kind
    # an unknown common noun: people ("the entrepreneur", "researchers") by their ending, else a thing
    # that speaks only as a record ("the advertisement", "his body mass index")
    counted = any(c.dep_ == "nummod" for c in head.children)  # "one California delegate"
    if not counted and (not _PERSON_ENDING.search(head.lemma_.lower()) or head.lemma_.lower().endswith("ment")):
        return "document"
    if _is_plural(head) or _quantity_group(head):
        return "anonymous_group"
    det = _determiner(head)
    return "anonymous_individual" if det in INDIVIDUAL_DETS or det is None else "person"
