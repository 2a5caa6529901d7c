"""Figures and dates stated in an article, and the conflicts between articles' figures.

:func:`extract_facts` is a pure, regex-only scan (linear time, no spaCy). Normalisation rules:

* Money: a currency symbol or code before the amount ("$277 million", "£210m", "US$3.2 billion",
  "€5bn", "USD 40") or a currency word after it ("5 million dollars", "10 pounds", "50 cents", "20p").
  ``value`` is the full amount, ``unit`` the ISO 4217 code ("$" is USD, "¥" JPY). Scales: k, m/mn,
  b/bn, tn/trn and the words. "pounds" after weighing words or before "of" is a weight. "$10-15
  million", "$5m to $8m", "between $5m and $8m" are ranges (``value``..``value_high``).
* One amount in two currencies, "$277 million (£210 million)", "£210m (about $277m)", "$277m, or
  £210m", is linked: each fact's ``linked`` is the other's index in the result.
* Percentages: "125%", "3.5 per cent", "ten percent", "20-25%", "20 to 25 percent", "between 20% and
  25%" (unit "%"); "percentage points"/"pp" give unit "pp", "basis points" "bp". Two figures that are
  not a range stay two facts: "from 20% to 25%" (a change), "46 percent to 42 percent" or "64%-27%"
  (a score: the first is larger), "0.1 percentage points to 4.2 percent" (two units). No signs.
* Counts: a number in digits or words ("three", "a dozen", "1,200", "2.3 million") followed within
  four words by a plural noun: "three White House insiders" is 3 "insiders" (the noun lower-cased).
  Not counts: "one"/"a" (an article far more often than a figure), a word number after a determiner
  ("the two men" refers back), years (1800-2100 written without a comma), times, hyphenated compounds
  ("62-year-old", "90-day", "ten-point": ages are not extracted), durations and repeats ("three
  weeks", "five times"). A bare scale word is no number ("multi-million dollar").
* Dates: see :mod:`corroborate.facts.dates`.
* ``quantity``, what a figure measures (None when nothing sensible is near): for counts the noun with
  up to two modifiers ("white house insider"); for money and percentages a noun right after the figure
  ("125% tariff" -> "tariff"), else "N% of X" -> "share of x", else the noun phrase before "of",
  "worth", "to the tune of", "totalling", "valued at" ("border taxes of 20-25%" -> "border tax", "the
  cost of the DOGE cuts was" -> "cost of doge cuts"), else a verb: "saved" -> "savings", "spent" ->
  "spending", "paid" -> "payment" and so on, after the subject's head noun ("DOGE has saved $150
  billion" -> "doge savings"; pronouns are dropped); "X rose 5%" -> "x change"; "X rose to 5%", "X
  was 5%" -> "x". Keys are lower case without determiners, the head noun singular.
* Page furniture: nothing overlapping a ``skip`` range is reported.

:func:`find_conflicts` groups facts by (kind, quantity, unit) and reports a group when two different
articles give values more than 2% apart (ranges only when they do not overlap). Amounts in different
currencies are never compared, so a linked pair counts as one value. Dates are not compared.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from corroborate.facts.dates import find_dates
from corroborate.types import Fact, Span, as_objects
from corroborate.words import word_set

__all__ = ["Conflict", "extract_facts", "find_conflicts"]


def _w(words: str) -> tuple[str, ...]:
    return tuple(words.split())


def _table(spec: str) -> dict[str, str]:
    """``"noun: word word; noun: word"`` -> ``{word: noun}``."""
    return {
        w: noun.strip()
        for entry in spec.split(";")
        for noun, words in [entry.split(":")]
        for w in words.split()
    }


_UNITS = _w(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen"
)
_TENS = _w("twenty thirty forty fifty sixty seventy eighty ninety")
_SCALES = {"hundred": 100.0, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_WORDS = sorted([*_UNITS, *_TENS, *_SCALES, "dozen"], key=len, reverse=True)
_W = "|".join(_WORDS)
_WORDNUM = rf"(?i:\b(?=[aezotfsnhmbd])(?:a\s+(?:dozen|hundred|thousand|million|billion)\b|(?:{_W})(?:(?:\s+and\s+|\s+|-)(?:{_W})){{0,8}}\b))"
_AMT = r"(?<![\w.,])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\d,]\d)"
_SCALE_WORD = r"\s+(?i:thousand|million|billion|trillion)\b"
_MSCALE = r"(?:\s?(?i:thousand|million|billion|trillion|tn|trn|bn|mn|mln)\b|(?:[mMbBkK]|bln)\b)"
_SCALE_ABBR = {"k": 1e3, "m": 1e6, "mn": 1e6, "mln": 1e6, "b": 1e9, "bn": 1e9, "bln": 1e9,
               "tn": 1e12, "trn": 1e12}  # fmt: skip

_SYMBOLS = {
    "US$": "USD", "U.S.$": "USD", "A$": "AUD", "AU$": "AUD", "C$": "CAD", "CA$": "CAD", "NZ$": "NZD",
    "HK$": "HKD", "S$": "SGD", "R$": "BRL", "$": "USD", "£": "GBP", "€": "EUR", "¥": "JPY", "₹": "INR",
    "₩": "KRW", "₽": "RUB",
}  # fmt: skip
_CODES = _w("USD GBP EUR JPY CHF CNY AUD CAD INR NZD HKD SGD")
_CUR = "|".join(re.escape(s) for s in sorted(_SYMBOLS, key=len, reverse=True))
_PRE = rf"(?:{_CUR}|\b(?:{'|'.join(_CODES)})\s?)"
_SUFFIX_WORDS = {
    "dollar": "USD", "pound": "GBP", "euro": "EUR", "yen": "JPY", "yuan": "CNY", "renminbi": "CNY",
    "rupee": "INR", "rouble": "RUB", "ruble": "RUB", "franc": "CHF", "cent": "USD", "pence": "GBP",
    "australian dollar": "AUD", "canadian dollar": "CAD", "hong kong dollar": "HKD",
}  # fmt: skip
_MONEY_RX = re.compile(
    rf"(?P<between>(?i:between)\s+)?(?P<cur>{_PRE})(?P<a1>{_AMT})(?P<s1>{_MSCALE})?"
    rf"(?:(?P<join>\s?[-–]\s?|\s(?i:to)\s|(?(between)\s(?i:and)\s|(?!)))(?P<cur2>{_PRE})?(?P<a2>{_AMT})(?P<s2>{_MSCALE})?)?"
    rf"|(?P<a3>{_AMT}|{_WORDNUM})(?P<s3>{_SCALE_WORD})?\s+(?P<suf>(?i:(?:US\s+|U\.S\.\s+|Australian\s+|Canadian\s+|"
    r"Hong\s+Kong\s+)?dollars?|pounds?(?:\s+sterling)?|euros?|yen|yuan|renminbi|rupees?|roubles?|rubles?|"
    r"(?:Swiss\s+)?francs?|cents?|pence)\b|(?:USD|GBP|EUR|JPY|CHF|CNY|AUD|CAD|INR)\b)"
    r"|(?P<a4>(?<![\w.,])\d+(?:\.\d+)?)p\b(?!\.m\b)"
)
_WEIGHT_BEFORE = re.compile(r"\b(?i:weigh\w*|lost|gained|heavier|lighter)\b[^.!?]{0,30}$")
_PCT_UNIT = (
    r"(?:\s(?i:percentage\s+points?|per\s?cent(?:age)?\s+points?)\b|\s?(?:pp|ppts?)\b|\s(?i:basis\s+points?)\b"
    r"|\s?bps\b|\s?%|\s?(?i:per\s?cent|percent|pct)\b|pc\b)"
)
_PCT_RX = re.compile(
    rf"(?P<between>(?i:between)\s+)?(?P<a1>{_AMT}|{_WORDNUM})(?P<u1>{_PCT_UNIT})?"
    rf"(?P<join>(?<=[\d%])\s?[-–]\s?|\s(?i:to)\s|(?(between)\s(?i:and)\s|(?!)))(?P<a2>{_AMT}|{_WORDNUM})(?P<u2>{_PCT_UNIT})"
    rf"|(?P<a3>{_AMT}|{_WORDNUM})(?P<u3>{_PCT_UNIT})"
)
_COUNT_RX = re.compile(
    rf"(?<![$£€¥₹#/:-])(?:(?P<d>{_AMT})(?P<sc>{_SCALE_WORD})?|(?P<w>{_WORDNUM}))(?![-%:/\w])"
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_NEXT_WORDS = re.compile(r"(?:\s+[A-Za-z][A-Za-z'’-]*){1,4}")
_LINK_GAP = re.compile(
    r"\s*(?:\(|,?\s*(?i:or)\s|/)\s*(?i:(?:about|around|roughly|approximately|approx\.?|some|nearly|almost|c\.)\s+)?"
)
_FROM_BEFORE = re.compile(r"\b(?i:from)\s+$")
_LINK_CLOSE = re.compile(r"\s*\)")
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’-]*|[^\sA-Za-z]")
# Windows around a figure (in characters, or in tokens where said) and thresholds.
_QUANTITY_LOOKAHEAD = 80  # characters after a figure searched for the noun it measures ("125% tariff")
_QUANTITY_LOOKBACK = 160  # characters before a figure searched for its clause's subject or verb
_QUANTITY_NOUNS = 2  # tokens right after a figure that may name it ("125% tariff")
_SHARE_OF_WORDS = 4  # tokens after "N% of" looked at for what the share is of
_SHARE_OF_KEPT = 3  # content words kept of them ("share of x y z")
_COUNT_MODIFIERS = 2  # words before a count's noun kept in its quantity ("white house insider")
_WEIGHT_LOOKBACK = 40  # characters before an amount searched for a weighing word ("lost 10 pounds")
_FROM_LOOKBACK = 6  # room for "from " before "20% to 25%", which makes it a change, not a range
_DETERMINER_LOOKBACK = 12  # characters before a number word searched for a determiner ("the two men")
_YEAR_MIN, _YEAR_MAX = 1800, 2100  # a four-digit number in this range is a year, not a count
_CONFLICT_TOLERANCE = 0.02  # figures at most 2% (of the larger) apart agree: rounding, "about"

_DETERMINERS = word_set("the a an this that these those his her its their our my your some")
_STOP = word_set("""a an the this that these those his her its their our my your he she it they we i you who whom which
    what whose there here of to in on at by for from with without into onto about around over under than
    as and or but nor so if then when while where because after before since until during through per
    each every all both any some no not more less most least many much few several such only also just
    even still yet already again is are was were be been being am has have had having do does did will
    would shall should can could may might must said says say told tells according while whether ago
    up down out off than other others another ones same one below above beyond higher lower""")
_IRREGULAR = word_set(
    "people children men women staff personnel police troops cattle sheep fish aircraft data"
)
_NOT_COUNTED = word_set("""seconds minutes hours days weeks months years decades centuries times percent points pence cents
    dollars pounds euros yen others ones thousands millions billions dozens hundreds""")
_IRREGULAR_SINGULAR = {"people": "person", "children": "child", "men": "man", "women": "woman"}
_INVARIANT = word_set("savings earnings news species series politics economics data media")
_APPROX = word_set("""about around roughly approximately nearly almost some over under just only estimated est. total
    record further extra another additional least most up more less than close""")
_VERB_NOUN = _table(  # verb before an amount -> what the amount is
    "savings: save saved saves saving; spending: spend spent spends spending pour poured pours; "
    "cost: cost costs costing; fundraising: raise raised raises raising; payment: pay paid pays paying; "
    "loss: lose lost loses losing; earnings: earn earned earns earning; debt: owe owed owes owing; "
    "investment: invest invested invests investing; borrowing: borrow borrowed borrows; "
    "donation: donate donated donates gave give gives given contribute contributed contributes; "
    "cut: cut cuts slash slashed slashes trimmed; fine: fine fined fines; award: award awarded awards; "
    "budget: allocate allocated budgeted"
)
_CHANGE_VERBS = word_set("""rose rise rises risen fell fall falls fallen grew grow grows grown jumped climbed dropped increased
    decreased declined surged soared slipped plunged tumbled gained""")
_LEVEL_VERBS = word_set("""is are was were be been stood stands reached reach reaches hit hits totalled totaled
    totals topped""")
_AUX = word_set("""has have had will would could can may might should is are was were be been 's ’s reportedly
    already also now just allegedly ever recently previously only not never so far""")
_RIGHT_STOP = word_set("""last next this now here each apiece today yesterday tomorrow year years month months week weeks day
    days annually went go goes came come comes remains remain remained left got gets made makes took takes""")
_PRONOUNS = word_set("he she it they we i you who which that this there")
_VERBS = _CHANGE_VERBS | _LEVEL_VERBS | frozenset(_VERB_NOUN)
_CONNECTORS = tuple(_w(c) for c in ("to the tune of", "valued at", "of", "worth", "totalling", "totaling"))


@dataclass(frozen=True, slots=True)
class Conflict:
    """One quantity given different values by different articles: ``values`` are (article_id, fact)."""

    quantity: str
    unit: str | None
    values: tuple[tuple[int, Fact], ...] = field(metadata=as_objects("article_id", "fact"))


@dataclass(slots=True)
class _Cand:
    kind: str
    start: int
    end: int
    value: float | None = None
    value_high: float | None = None
    unit: str | None = None
    window: tuple[date, date] | None = None
    quantity: str | None = None


def _wordnum(s: str) -> tuple[float, int] | None:
    """Value of a number in words and how many characters of ``s`` it uses (None if invalid)."""
    total = cur = 0.0
    end, prev = 0, ""
    for i, m in enumerate(re.finditer(r"[A-Za-z]+", s)):
        w = m.group().lower()
        small = _UNITS.index(w) if w in _UNITS else 20 + 10 * _TENS.index(w) if w in _TENS else None
        if w == "and" and prev in _SCALES:
            continue  # "one hundred and twenty"
        if not i and (w in _SCALES or w == "dozen"):
            break  # "million dollar" (from "multi-million dollar") is no amount
        if w == "a" and not i:
            cur, prev = 1.0, w
            continue
        if small is not None and not (prev in _UNITS or prev == "a" or prev in _TENS and small >= 10):
            cur += small
        elif w in ("hundred", "dozen") and prev not in ("hundred", "dozen"):
            cur = (cur or 1) * (100 if w == "hundred" else 12)
        elif w in _SCALES and w != "hundred" and (prev not in _SCALES or prev == "hundred"):
            total, cur = total + (cur or 1) * _SCALES[w], 0.0
        else:
            break
        end, prev = m.end(), w
    return None if not end or prev == "a" else (total + cur, end)


def _number(s: str | None, scale: str | None = None) -> float | None:
    """A digits or words amount with an optional scale word or abbreviation; None unless all of ``s`` parses."""
    if not s:
        return None
    if s[0].isdigit():
        value = float(s.replace(",", ""))
    else:
        parsed = _wordnum(s)
        if parsed is None or parsed[1] != len(s):
            return None  # "two and three dollars" is not one amount
        value = parsed[0]
    if scale:
        key = scale.strip().lower()
        value *= _SCALES.get(key) or _SCALE_ABBR.get(key, 1.0)
    return value if math.isfinite(value) else None


def _singular(word: str) -> str:
    w = word.lower().replace("’", "'").removesuffix("'s").removesuffix("'")
    if w in _INVARIANT or w in _IRREGULAR_SINGULAR or len(w) <= 3:
        return _IRREGULAR_SINGULAR.get(w, w)
    if w.endswith("ies") and len(w) > 4:
        return w[:-3] + "y"
    if w.endswith(("sses", "shes", "ches", "xes", "zes")):
        return w[:-2]
    if w.endswith("s") and not w.endswith(("ss", "us", "is")):
        return w[:-1]
    return w


def _is_plural(word: str) -> bool:
    w = word.lower()
    return w in _IRREGULAR or (len(w) > 3 and w[-1] == "s" and not w.endswith(("ss", "us", "is", "'s", "’s")))


def _content(word: str) -> bool:
    w = word.lower()
    return word[0].isalpha() and w not in _STOP and not w.endswith("ly") and not w.endswith("ed")


def _phrase(words: list[str]) -> str | None:
    """Lower-cased key: determiners dropped, the head (last word before any "of") singular."""
    words = [w.lower() for w in words if w.lower() not in _DETERMINERS]
    while words and words[0] == "of":
        words.pop(0)
    while words and words[-1] == "of":
        words.pop()
    if not words:
        return None
    head = words.index("of") - 1 if "of" in words else len(words) - 1
    words[head] = _singular(words[head])
    return " ".join(words)


def _np_before(tokens: list[str], i: int) -> str | None:
    """The noun phrase ending at ``tokens[i]``: up to two content words, or two such groups joined by "of"."""
    words: list[str] = []
    group, groups = 0, 1
    while i >= 0:
        t, low = tokens[i], tokens[i].lower()
        if low in _DETERMINERS and i > 0 and tokens[i - 1].lower() == "of":
            i -= 1
            continue
        if low == "of" and group and groups < 2:
            group, groups = 0, 2
        elif _content(t) and group < 2:
            group += 1
        else:
            break
        words.append(t)
        i -= 1
    return _phrase(words[::-1])


def _subject_head(tokens: list[str], i: int) -> str | None:
    i = _skip_aux(tokens, i)
    if i < 0 or not tokens[i][0].isalpha() or tokens[i].lower() in _PRONOUNS or not _content(tokens[i]):
        return None
    return _singular(tokens[i])


def _quantity(text: str, c: _Cand) -> str | None:
    """A short key for what the figure at ``c`` measures (see the module docstring)."""
    right = _TOKEN.findall(text[c.end : c.end + _QUANTITY_LOOKAHEAD])
    nouns: list[str] = []
    for t in right[:_QUANTITY_NOUNS]:
        if not _content(t) or t[0].isupper() or t.lower() in _RIGHT_STOP or t.lower() in _VERBS:
            break
        nouns.append(t)
    if nouns:
        return _phrase(nouns)
    if c.kind == "percent" and right[:1] == ["of"]:
        tail = [t.lower() for t in right[1 : 1 + _SHARE_OF_WORDS] if t.lower() not in _DETERMINERS]
        tail = tail[: next((k for k, t in enumerate(tail) if not _content(t)), len(tail))][:_SHARE_OF_KEPT]
        if tail:
            return "share of " + " ".join(tail)
    left = text[max(0, c.start - _QUANTITY_LOOKBACK) : c.start]
    tokens = _TOKEN.findall(left[max(left.rfind(ch) for ch in ".!?;\n(") + 1 :])
    low = [t.lower() for t in tokens]

    def connector(i: int) -> tuple[str, ...] | None:
        return next((k for k in _CONNECTORS if tuple(low[max(0, i - len(k) + 1) : i + 1]) == k), None)

    i = len(low) - 1
    while i >= 0 and low[i] in _APPROX | {"a", "an", "the", "by", "to", "at", "of"} and not connector(i):
        i -= 1  # "of around", "by nearly", "to an estimated"
    conn = connector(i)
    if conn:
        return _np_before(tokens, _skip_aux(tokens, i - len(conn)))
    verb = low[i] if i >= 0 else ""
    if verb in _VERB_NOUN:
        subject = _subject_head(tokens, i - 1)
        return f"{subject} {_VERB_NOUN[verb]}" if subject else _VERB_NOUN[verb]
    subject = _np_before(tokens, _skip_aux(tokens, i - 1)) if verb in _CHANGE_VERBS | _LEVEL_VERBS else None
    if subject and verb in _CHANGE_VERBS and not {"to", "at"} & set(low[i + 1 :]):
        return f"{subject} change"  # "rose 5%", but "rose to 5%" is a level
    return subject


def _skip_aux(tokens: list[str], i: int) -> int:
    while i >= 0 and tokens[i].lower() in _AUX:
        i -= 1
    return i


def _is_weight(text: str, start: int, end: int) -> bool:
    return text.startswith(" of", end) or bool(
        _WEIGHT_BEFORE.search(text, max(0, start - _WEIGHT_LOOKBACK), start)
    )


def _money_cands(text: str) -> list[_Cand]:
    out = []
    for m in _MONEY_RX.finditer(text):
        if m["cur"]:
            cur, cur2 = m["cur"].strip(), (m["cur2"] or m["cur"]).strip()
            unit, unit2 = _SYMBOLS.get(cur) or cur, _SYMBOLS.get(cur2) or cur2
            lo = _number(m["a1"], m["s1"] or m["s2"])
            hi = _number(m["a2"], m["s2"]) if m["a2"] else None
            if lo is not None and hi is not None and m["s2"] and not m["s1"] and lo > hi:
                lo = _number(m["a1"], None)  # "$500 to $2 million": the low end had no scale
            bare_to = m["a2"] and m["join"].strip().lower() in ("to", "and") and not (m["cur2"] or m["s2"])
            if m["a2"] and (bare_to or unit2 != unit or lo is None or hi is None or lo > hi):
                # not a range: "$5 to 10 people", "$64.8m to $45.1m" (a score), "$5-£4"
                end = m.end("s1") if m["s1"] else m.end("a1")
                out.append(_Cand("money", m.start("cur"), end, _number(m["a1"], m["s1"]), None, unit))
                if m["cur2"]:
                    high = _number(m["a2"], m["s2"])
                    out.append(_Cand("money", m.start("cur2"), m.end(), high, None, unit2))
                continue
            out.append(_Cand("money", m.start(), m.end(), lo, hi, unit))
        elif m["suf"]:
            word = " ".join(m["suf"].lower().split())
            if word.startswith("pound") and _is_weight(text, m.start(), m.end()):
                continue  # "lost 10 pounds", "5 pounds of flour"
            value = _number(m["a3"], m["s3"])
            if value is None:
                continue
            key = re.sub(r"^(?:us|u\.s\.|swiss) | sterling$", "", word).removesuffix("s")
            unit = m["suf"] if m["suf"] in _CODES else _SUFFIX_WORDS.get(key)
            if key in ("cent", "pence"):
                value /= 100
            out.append(_Cand("money", m.start("a3"), m.end(), value, None, unit))
        else:
            out.append(_Cand("money", m.start(), m.end(), float(m["a4"]) / 100, None, "GBP"))
    return out


def _pct_unit(u: str) -> str:
    u = u.strip().lower()
    if "basis" in u or u.startswith("bp"):
        return "bp"
    return "pp" if "point" in u or u.startswith("pp") else "%"


def _pct_cands(text: str) -> list[_Cand]:
    out = []
    for m in _PCT_RX.finditer(text):
        if m["a3"]:
            value = _number(m["a3"])
            if value is not None:
                out.append(_Cand("percent", m.start(), m.end(), value, None, _pct_unit(m["u3"])))
            continue
        unit, unit1 = _pct_unit(m["u2"]), _pct_unit(m["u1"]) if m["u1"] else None
        lo, hi = _number(m["a1"]), _number(m["a2"])
        if lo is None or hi is None:
            continue
        change = m["join"].strip() == "to" and _FROM_BEFORE.search(
            text, max(0, m.start() - _FROM_LOOKBACK), m.start()
        )
        if change or lo > hi or unit1 not in (None, unit):
            # "from 20% to 25%" is a change and "46 percent to 42 percent" a score: two figures, no range
            if m["u1"] or change:
                end = m.end("u1") if m["u1"] else m.end("a1")
                out.append(_Cand("percent", m.start("a1"), end, lo, None, unit1 or unit))
            out.append(_Cand("percent", m.start("a2"), m.end(), hi, None, unit))
            continue
        out.append(_Cand("percent", m.start(), m.end(), lo, hi, unit))
    return out


def _count_cands(text: str) -> list[_Cand]:
    out = []
    for m in _COUNT_RX.finditer(text):
        if m["d"]:
            value = _number(m["d"], m["sc"])
            if len(m["d"]) == 4 and m["d"].isdigit() and _YEAR_MIN <= int(m["d"]) <= _YEAR_MAX:
                continue  # a year
            end = m.end()
        else:
            parsed = _wordnum(m["w"])
            if parsed is None:
                continue
            value, end = parsed[0], m.start() + parsed[1]
            before = text[max(0, m.start() - _DETERMINER_LOOKBACK) : m.start()].split()
            if value == 1 or (before and before[-1].lower() in _DETERMINERS):
                continue  # "one official" is not a figure; "the two men" refers back
        if value is None or text.startswith("-", end):
            continue
        run = _NEXT_WORDS.match(text, end)  # up to four words; the noun is the first plural among them
        words = [(w.group(), w.end()) for w in _WORD.finditer(text, end, run.end())] if run else []
        noun = next((j for j, (w, _) in enumerate(words) if not _content(w) or _is_plural(w)), None)
        if noun is None or not _content(words[noun][0]) or not _is_plural(words[noun][0]):
            continue
        while noun + 1 < len(words) and _is_plural(words[noun + 1][0]) and _content(words[noun + 1][0]):
            noun += 1  # "three sales executives"
        unit_word = words[noun][0].lower().replace("’", "'")
        if unit_word in _NOT_COUNTED or unit_word.endswith("'s"):
            continue
        quantity = _phrase([w for w, _ in words[max(0, noun - _COUNT_MODIFIERS) : noun + 1]])
        out.append(_Cand("count", m.start(), words[noun][1], value, None, unit_word, quantity=quantity))
    return out


def _link(text: str, facts: list[Fact]) -> list[Fact]:
    """Link consecutive amounts in two currencies given as one ("$277 million (£210 million)")."""
    out = list(facts)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        if a.kind != "money" or b.kind != "money" or a.unit == b.unit or a.linked is not None:
            continue
        gap = _LINK_GAP.fullmatch(text, a.span.end, b.span.start)
        if not gap:
            continue
        if "(" in gap.group() and not _LINK_CLOSE.match(text, b.span.end):
            continue
        quantity = a.quantity or b.quantity
        out[i] = replace(a, linked=i + 1, quantity=quantity)
        out[i + 1] = replace(b, linked=i, quantity=quantity)
    return out


def extract_facts(
    text: str, published: date | None, skip: Sequence[tuple[int, int]] = ()
) -> tuple[Fact, ...]:
    """Money, percentages, counts and dates in ``text``, in text order, none overlapping ``skip``."""
    if not text:
        return ()
    cands = _money_cands(text) + _pct_cands(text)
    cands += [_Cand("date", d.start, d.end, window=d.window) for d in find_dates(text, published)]
    cands += _count_cands(text)
    rank = {"money": 0, "percent": 1, "date": 2, "count": 3}
    cands.sort(key=lambda c: (rank[c.kind], c.start - c.end, c.start))
    used = bytearray(len(text) + 1)
    for s, e in skip:
        s, e = max(0, s), min(len(text), e)
        used[s:e] = b"\x01" * max(0, e - s)
    kept: list[_Cand] = []
    for c in cands:
        if c.kind != "date" and (c.value is None or not math.isfinite(c.value)):
            continue
        if c.start < c.end and not any(used[c.start : c.end]):
            kept.append(c)
            used[c.start : c.end] = b"\x01" * (c.end - c.start)
    facts = [
        Fact(
            c.kind,  # type: ignore[arg-type]
            Span.of(text, c.start, c.end),
            c.value,
            c.value_high,
            c.unit,
            *(c.window or (None, None)),
            future=bool(published and c.window and c.window[0] > published),
            quantity=c.quantity if c.kind in ("count", "date") else _quantity(text, c),
        )
        for c in sorted(kept, key=lambda c: c.start)
    ]
    return tuple(_link(text, facts))


def _differ(a: Fact, b: Fact, tolerance: float = _CONFLICT_TOLERANCE) -> bool:
    """The two figures' intervals are apart by more than ``tolerance`` of the larger magnitude."""
    alo, ahi = a.value or 0.0, a.value_high if a.value_high is not None else a.value or 0.0
    blo, bhi = b.value or 0.0, b.value_high if b.value_high is not None else b.value or 0.0
    slack = tolerance * max(abs(alo), abs(ahi), abs(blo), abs(bhi))
    return ahi + slack < blo or bhi + slack < alo


def find_conflicts(items: Sequence[tuple[int, Fact]]) -> tuple[Conflict, ...]:
    """Quantities given different values (beyond 2%) by different articles, in first-seen order."""
    groups: dict[tuple[str, str, str | None], list[tuple[int, Fact]]] = {}
    for article_id, fact in items:
        if fact.kind == "date" or fact.quantity is None or fact.value is None:
            continue
        group = groups.setdefault((fact.kind, fact.quantity, fact.unit), [])
        if not any(aid == article_id and not _differ(f, fact, 0.0) for aid, f in group):
            group.append((article_id, fact))
    conflicts = []
    for (_, quantity, unit), values in groups.items():
        if any(a[0] != b[0] and _differ(a[1], b[1]) for i, a in enumerate(values) for b in values[i + 1 :]):
            conflicts.append(Conflict(quantity, unit, tuple(values)))
    return tuple(conflicts)
