"""Token features for the attribution CRFs (cue, then source and content relative to the cues).

Everything is linear in the number of tokens (ancestor walks are capped), pure, and shared by training
(``scripts/train_attributions.py``) and inference (:mod:`corroborate.attribution.learned.crf`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# Reporting / attitude predicates (lemmas), written for this project; the CRF also sees raw lemmas.
_REPORT_WORDS = """
say tell add ask note report announce suggest argue describe show find tweet think want call write
claim explain declare believe accuse endorse urge insist warn acknowledge admit deny confirm predict
state testify recall criticize praise complain promise vow estimate indicate reveal learn hope
expect fear feel know agree disagree respond reply cite point mention blame support oppose defend
question wonder worry charge allege contend maintain assert stress emphasize observe conclude decide
plan seek refuse decline appear seem poll survey according continue describe post tout boast joke
quip demand threaten propose acknowledge concede reiterate repeat brag lament recount comment
counter dismiss condemn slam blast attack label dub characterize portray accuse insist shout yell
whisper mutter announce disclose divulge leak signal hint imply speculate guess doubt consider view
regard see hear read understand assume suspect reckon figure conclude determine discover notice
realize recognize remember forget worry interview release publish broadcast air cover headline
caution advise recommend request invite order direct pledge
"""
REPORT_LEMMAS: frozenset[str] = frozenset(_REPORT_WORDS.split())
QUOTE_OPEN = frozenset("“‘«")
QUOTE_CLOSE = frozenset("”’»")
QUOTE_BOTH = frozenset('"')
SUBJ_DEPS = frozenset({"nsubj", "nsubjpass", "csubj", "agent", "expl"})
MAX_UP = 12


@dataclass(frozen=True, slots=True)
class DocInfo:
    """Per-token arrays extracted once from a spaCy Doc."""

    n: int
    lower: list[str]
    lemma: list[str]
    pos: list[str]
    tag: list[str]
    dep: list[str]
    head: list[int]
    shape: list[str]
    ent: list[str]
    sent_start: list[int]
    sent_end: list[int]
    para_start: list[bool]
    in_quote: list[int]  # 0 outside, 1 inside, 2 quote mark itself
    idx: list[int]
    end: list[int]
    lo: list[int]  # subtree left edge
    hi: list[int]  # subtree right edge
    clusters: list[tuple[str, ...]]  # ids of the nearest tok2vec centroids (one per centroid table)


def _short_shape(shape: str) -> str:
    out: list[str] = []
    for ch in shape:
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)[:6]


def _quote_states(text_tokens: list[str], para_start: list[bool]) -> list[int]:
    """Quote state per token: straight quotes toggle, curly ones open/close; reset at paragraphs
    (a new paragraph that opens with a quote mark continues a multi-paragraph quote)."""
    states: list[int] = []
    inside = False
    for tok, para in zip(text_tokens, para_start, strict=True):
        if para:
            inside = False
        first = tok[:1]
        if tok and first in QUOTE_OPEN and len(tok) <= 2:
            inside = True
            states.append(2)
        elif tok and first in QUOTE_CLOSE and len(tok) <= 2:
            inside = False
            states.append(2)
        elif tok and first in QUOTE_BOTH and len(tok) <= 2:
            inside = not inside
            states.append(2)
        else:
            states.append(1 if inside else 0)
    return states


def tensor_clusters(tensor, centroids: Sequence) -> list[tuple[str, ...]]:
    """Nearest-centroid id of every token's tok2vec vector, for each centroid table (numpy arrays)."""
    n = 0 if tensor is None else tensor.shape[0]
    if not centroids or n == 0 or tensor.ndim != 2:
        return [()] * n
    ids = []
    for table in centroids:
        if table.shape[1] != tensor.shape[1]:
            return [()] * n
        dist = (table * table).sum(1)[None, :] - 2.0 * (tensor @ table.T)
        ids.append(dist.argmin(1).tolist())
    return [tuple(str(col[i]) for col in ids) for i in range(n)]


def doc_info(doc, centroids: Sequence = ()) -> DocInfo:  # doc: spacy.tokens.Doc
    n = len(doc)
    tensor = getattr(doc, "tensor", None)
    clusters = (
        tensor_clusters(tensor, centroids) if centroids and tensor is not None and len(tensor) == n else []
    )
    if len(clusters) != n:
        clusters = [()] * n
    sent_start = [0] * n
    sent_end = [n] * n
    try:
        sents = list(doc.sents)
    except ValueError:  # no sentence boundaries set
        sents = [doc[:]]
    for s in sents:
        for i in range(s.start, s.end):
            sent_start[i] = s.start
            sent_end[i] = s.end
    texts = [t.text for t in doc]
    para = [False] * n
    for i, t in enumerate(doc):
        if i == 0 or "\n" in doc[i - 1].whitespace_ or "\n" in doc[i - 1].text:
            para[i] = True
        if t.is_space:
            para[i] = "\n" in t.text or para[i]
    return DocInfo(
        n=n,
        lower=[t.lower_ for t in doc],
        lemma=[t.lemma_.lower() for t in doc],
        pos=[t.pos_ for t in doc],
        tag=[t.tag_ for t in doc],
        dep=[t.dep_ for t in doc],
        head=[t.head.i for t in doc],
        shape=[_short_shape(t.shape_) for t in doc],
        ent=[(t.ent_iob_ + t.ent_type_) if t.ent_type_ else "O" for t in doc],
        sent_start=sent_start,
        sent_end=sent_end,
        para_start=para,
        in_quote=_quote_states(texts, para),
        idx=[t.idx for t in doc],
        end=[t.idx + len(t) for t in doc],
        lo=[t.left_edge.i for t in doc],
        hi=[t.right_edge.i for t in doc],
        clusters=clusters,
    )


def _bucket(x: int) -> str:
    if x <= 3:
        return str(x)
    if x <= 6:
        return "4-6"
    if x <= 12:
        return "7-12"
    if x <= 25:
        return "13-25"
    return "26+"


def base_features(info: DocInfo) -> list[list[str]]:
    """Context-free token features (word, parse, quotes, sentence position, windows)."""
    n = info.n
    lower, lemma, pos, dep, head, tag = info.lower, info.lemma, info.pos, info.dep, info.head, info.tag
    has_child: list[set[str]] = [set() for _ in range(n)]
    for i in range(n):
        h = head[i]
        if h != i:
            has_child[h].add(dep[i])
    rv = [lm in REPORT_LEMMAS for lm in lemma]
    feats: list[list[str]] = []
    for i in range(n):
        h = head[i]
        ss, se = info.sent_start[i], info.sent_end[i]
        f = [
            "b",
            "w=" + lower[i],
            "l=" + lemma[i],
            "p=" + pos[i],
            "t=" + tag[i],
            "d=" + dep[i],
            "s=" + info.shape[i],
            "e=" + info.ent[i],
            "suf=" + lower[i][-3:],
            "hl=" + lemma[h],
            "hp=" + pos[h],
            "hd=" + dep[h],
            "dhl=" + dep[i] + "|" + lemma[h],
            "dp=" + dep[i] + "|" + pos[h],
            "q=" + str(info.in_quote[i]),
            "sp=" + _bucket(i - ss),
            "se=" + _bucket(se - 1 - i),
        ]
        if rv[i]:
            f.append("rv")
            f.append("rvd=" + dep[i])
        if rv[h]:
            f.append("hrv")
            f.append("hrvd=" + dep[i])
        for k, cid in enumerate(info.clusters[i]):
            f.append(f"c{k}={cid}")
        if info.clusters[i]:
            cid = info.clusters[i][-1]
            f.append("cl=" + cid + "|" + pos[i])
            f.append("hc=" + (info.clusters[h][-1] if info.clusters[h] else "?"))
            if i > 0 and info.clusters[i - 1]:
                f.append("c-1=" + info.clusters[i - 1][-1])
            if i + 1 < n and info.clusters[i + 1]:
                f.append("c+1=" + info.clusters[i + 1][-1])
        if info.para_start[i]:
            f.append("para")
        if i == ss:
            f.append("sfirst")
        if i == se - 1:
            f.append("slast")
        for c in sorted(has_child[i]):
            if c in ("nsubj", "nsubjpass", "ccomp", "xcomp", "dobj", "agent", "parataxis", "mark", "prep"):
                f.append("ch=" + c)
        for k in (-2, -1, 1, 2):
            j = i + k
            if 0 <= j < n:
                f.append(f"w{k}={lower[j]}")
                f.append(f"p{k}={pos[j]}")
                f.append(f"d{k}={dep[j]}")
                f.append(f"q{k}={info.in_quote[j]}")
            else:
                f.append(f"w{k}=<pad>")
        if i > 0:
            f.append("bg=" + lower[i - 1] + "|" + lower[i])
        if i + 1 < n:
            f.append("bg+=" + lower[i] + "|" + lower[i + 1])
        feats.append(f)
    return feats


def _chain(info: DocInfo, i: int) -> list[int]:
    """i, head(i), head(head(i)), ... up to the root (capped)."""
    out = [i]
    head = info.head
    while head[out[-1]] != out[-1] and len(out) < MAX_UP:
        out.append(head[out[-1]])
    return out


def cue_heads(info: DocInfo, cues: list[tuple[int, int]]) -> list[int]:
    """The syntactic head token of each cue token range (first token whose head lies outside)."""
    out = []
    for s, e in cues:
        h = s
        for i in range(s, e):
            if not s <= info.head[i] < e or info.head[i] == i:
                h = i
                break
        out.append(h)
    return out


def relative_features(info: DocInfo, cues: list[tuple[int, int]]) -> list[list[str]]:
    """Features of every token relative to its anchor cue (the nearest cue, same sentence first)."""
    n = info.n
    out: list[list[str]] = [[] for _ in range(n)]
    if not cues:
        for f in out:
            f.append("nocue")
        return out
    cues = sorted(cues)
    heads = cue_heads(info, cues)
    in_cue = [-1] * n
    for k, (s, e) in enumerate(cues):
        for i in range(s, e):
            in_cue[i] = k
    # nearest cue index to the left/right of each token (linear sweeps)
    left = [-1] * n
    last = -1
    for i in range(n):
        if in_cue[i] >= 0:
            last = in_cue[i]
        left[i] = last
    right = [-1] * n
    nxt = -1
    for i in range(n - 1, -1, -1):
        if in_cue[i] >= 0:
            nxt = in_cue[i]
        right[i] = nxt
    chains = {h: _chain(info, h) for h in heads}
    lo, hi = info.lo, info.hi
    for i in range(n):
        f = out[i]
        if in_cue[i] >= 0:
            s, e = cues[in_cue[i]]
            f.append("incue")
            f.append(
                "cuepos=" + ("h" if i == heads[in_cue[i]] else "f" if i == s else "m" if i < e - 1 else "l")
            )
            continue
        cand = []
        for k in (left[i], right[i]):
            if k >= 0:
                s, e = cues[k]
                dist = i - (e - 1) if s <= i else s - i
                dist = abs(dist)
                same = info.sent_start[s] == info.sent_start[i]
                cand.append((0 if same else 1, dist, k))
        cand.sort()
        samesent, dist, k = cand[0]
        s, e = cues[k]
        h = heads[k]
        f.append("cdir=" + ("a" if i >= e else "b") + ("s" if samesent == 0 else "o"))
        f.append("cdist=" + _bucket(dist))
        if samesent and info.para_start[i] is False and info.para_start[s]:
            f.append("cuepara_after")
        hchain = chains[h]
        hset = {a: d for d, a in enumerate(hchain)}
        ichain = _chain(info, i)
        branch_i, lca = None, None
        for d, a in enumerate(ichain):
            if a in hset:
                lca = a
                branch_i = ichain[d - 1] if d > 0 else None
                break
        if lca is None:
            f.append("rel=none")
            continue
        dh = hset[lca]
        branch_h = hchain[dh - 1] if dh > 0 else None
        if lca == h:
            bdep = info.dep[branch_i] if branch_i is not None else "self"
            f.append("rel=sub:" + bdep)
            f.append("relp=sub:" + bdep + "|" + info.lemma[h])
            if branch_i is not None:
                if i == lo[branch_i]:
                    f.append("bl_edge")
                if i == hi[branch_i]:
                    f.append("br_edge")
                if i == branch_i:
                    f.append("branch_root")
                f.append("depth=" + _bucket(ichain.index(branch_i)))
        elif lca == i:
            f.append("rel=anc:" + (info.dep[branch_h] if branch_h is not None else "?"))
        else:
            bi = info.dep[branch_i] if branch_i is not None else "?"
            bh = info.dep[branch_h] if branch_h is not None else "?"
            f.append("rel=lca:" + bi + "/" + bh)
            if branch_i is not None:
                if i == lo[branch_i]:
                    f.append("bl_edge2")
                if i == hi[branch_i]:
                    f.append("br_edge2")
    return out


def cue_window_features(info: DocInfo, cues: list[tuple[int, int]]) -> list[list[str]]:
    """Whether a cue is just before/after each token."""
    n = info.n
    mark = [False] * n
    for s, e in cues:
        for i in range(s, min(e, n)):
            mark[i] = True
    out: list[list[str]] = []
    for i in range(n):
        f = []
        if i > 0 and mark[i - 1]:
            f.append("cue-1")
        if i + 1 < n and mark[i + 1]:
            f.append("cue+1")
        if i > 1 and mark[i - 2]:
            f.append("cue-2")
        if i + 2 < n and mark[i + 2]:
            f.append("cue+2")
        out.append(f)
    return out


def stage2_features(info: DocInfo, base: list[list[str]], cues: list[tuple[int, int]]) -> list[list[str]]:
    rel = relative_features(info, cues)
    win = cue_window_features(info, cues)
    out = []
    for b, r, w in zip(base, rel, win, strict=True):
        conj = [x + "&" + y for x in r[:2] for y in (b[3], b[5])]
        out.append(b + r + w + conj)
    return out


def bio_spans(labels: list[str]) -> list[tuple[int, int]]:
    """Token ranges from a B/I/O sequence (a stray I starts a span)."""
    spans = []
    start = None
    for i, lab in enumerate(labels):
        if lab == "B" or (lab == "I" and start is None):
            if start is not None:
                spans.append((start, i))
            start = i
        elif lab == "O" and start is not None:
            spans.append((start, i))
            start = None
    if start is not None:
        spans.append((start, len(labels)))
    return spans


def spans_to_bio(n: int, spans: list[tuple[int, int]]) -> list[str]:
    """B/I/O labels from token ranges; a range overlapping an earlier (longer-first) one is dropped."""
    labels = ["O"] * n
    for s, e in sorted(spans, key=lambda r: (-(r[1] - r[0]), r[0])):
        if s >= e or any(labels[i] != "O" for i in range(s, e)):
            continue
        labels[s] = "B"
        for i in range(s + 1, e):
            labels[i] = "I"
    return labels


def cue_extra_features(info: DocInfo) -> list[list[str]]:
    """Predicate-level context for the cue model: what the token governs (subject type, clausal or quoted
    complement, prepositions) and whether quote marks are near."""
    n = info.n
    lemma, dep, head, ent, pos = info.lemma, info.dep, info.head, info.ent, info.pos
    children: list[list[int]] = [[] for _ in range(n)]
    for i in range(n):
        if head[i] != i:
            children[head[i]].append(i)
    quote_pos = [i for i in range(n) if info.in_quote[i] == 2]
    sent_q: dict[int, bool] = {}
    for i in quote_pos:
        sent_q[info.sent_start[i]] = True
    out: list[list[str]] = []
    qk = 0
    for i in range(n):
        f: list[str] = []
        while qk < len(quote_pos) and quote_pos[qk] < i - 3:
            qk += 1
        if qk < len(quote_pos) and abs(quote_pos[qk] - i) <= 3:
            f.append("qnear")
        if sent_q.get(info.sent_start[i]):
            f.append("sentq")
        lm = lemma[i]
        has_cc = False
        for c in children[i]:
            d = dep[c]
            if d in SUBJ_DEPS:
                f.append("sbj_e=" + ent[c][1:] if ent[c] != "O" else "sbj_p=" + pos[c])
                if pos[c] == "PRON":
                    f.append("sbj_l=" + lemma[c])
            elif d in ("ccomp", "xcomp", "parataxis"):
                has_cc = True
                lo, hi = info.lo[c], info.hi[c]
                f.append("cc=" + d + "|" + lemma[lo])
                if info.in_quote[lo] == 2 or info.in_quote[c] == 1 or (lo > 0 and info.in_quote[lo - 1] == 2):
                    f.append("ccq")
                if hi + 1 < n and info.in_quote[hi + 1] == 2:
                    f.append("ccq_end")
            elif d == "prep":
                f.append("prep=" + lemma[c])
            elif d == "dobj":
                f.append("obj=" + (ent[c][1:] if ent[c] != "O" else pos[c]))
        f.append("lcc=" + lm + "|" + str(has_cc))
        f.append("lq=" + lm + "|" + str(info.in_quote[i]))
        out.append(f)
    return out


def cue_features(info: DocInfo, base: list[list[str]], extra: bool) -> list[list[str]]:
    if not extra:
        return base
    return [b + x for b, x in zip(base, cue_extra_features(info), strict=True)]
