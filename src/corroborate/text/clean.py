"""Page furniture and extraction damage: found, located, never repaired.

Both entry points are pure functions over the article text. Every offset is a Python
``str`` index into that text (end exclusive), so the text can be masked or sliced with them.

* :func:`find_boilerplate` returns whole-line ranges of page furniture that survived
  extraction ("READ MORE:", "You may also like" link lists, share/subscribe prompts ...).
  ``Boilerplate.snippet`` is exactly ``text[start:end]``.
* :func:`find_damage` flags damage done by the scraper: dropped link text, glued words and
  paragraphs that stop mid-sentence. ``DamageFlag.snippet`` is a context window:
  ``text[max(line_start, start - CONTEXT_CHARS):min(line_end, end + CONTEXT_CHARS)]``
  where ``line_start``/``line_end`` bound the line holding the flag (newline excluded).

Both are deliberately conservative: ordinary prose that merely mentions reading, following
or sharing is left alone.
"""

from __future__ import annotations

import logging
import math
import re
from bisect import bisect_right
from collections.abc import Iterator
from functools import lru_cache

from corroborate.types import Boilerplate, DamageFlag
from corroborate.words import word_set

log = logging.getLogger(__name__)

CONTEXT_CHARS = 20  # characters of context on each side of a damage flag's snippet

_QUOTES_OPEN = "\"'“‘«"
_CLOSERS = "\"'”’»)]"

# --------------------------------------------------------------------------- lines


def _lines(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every line; ``end`` excludes the line break (``\\n``, ``\\r\\n``, ``\\r``)."""
    out: list[tuple[int, int]] = []
    pos = 0
    for m in _LINE_BREAK.finditer(text):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, len(text)))
    return out


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


# --------------------------------------------------------------------------- boilerplate

_SOCIAL = (
    r"facebook|twitter|x|instagram|youtube|tiktok|linkedin|threads|bluesky|whatsapp|telegram|snapchat"
    r"|pinterest|reddit|google news|flipboard|social media|email|e-mail|messenger"
)
_SHARE_WORDS = word_set(
    "share shares sharing this article story page post video link copy the on via to with by in new window tab opens"
    " facebook twitter x instagram whatsapp telegram linkedin reddit pinterest email e-mail messenger print"
    " comment comments tweet flipboard bluesky threads sms"
)
_READ_MORE_BARE = (
    r"(?i)(?:read more|read more here|read next|continue reading|click here to read more)[\s:：\-–—|>»›.]*"
)
_READ_ALSO = (
    r"(?i)(?:read also|also read|see also|also see|(?-i:Also on [A-Z]\w*(?: [A-Z]\w*){0,3})|don.t miss)"
    r"\s*(?:[:：\-–—|>»›].*)?"
)
# (kind, pattern the whole stripped line must match, most words the line may have); first hit wins.
_LINE_RULES: tuple[tuple[str, re.Pattern[str], int], ...] = tuple(
    (kind, re.compile(pattern), max_words)
    for kind, pattern, max_words in (
        ("read_more", _READ_MORE_BARE, 10),
        ("read_more", r"(?i)(?:read more|read next|continue reading|more on this)\s*[:：\-–—|>»›].*", 30),
        ("read_also", _READ_ALSO, 40),
        (
            "related_links",
            r"(?i)related(?: (?:article|articles|story|stories|content|coverage|news|reading|link|links))?"
            r"\s*[:：\-–—|]\s*(?-i:[A-Z0-9\"“‘']).*",
            40,
        ),
        (
            "breaking_follow",
            r"(?i)(?:(?:this is a (?:breaking|developing) (?:news )?story|this (?:story|article) is (?:developing|"
            r"breaking)|this (?:story|article) (?:will be|is being|may be) updated)\b.*"
            r"|(?:breaking(?: news)?|more to follow|developing story)[\s:!.…]*)",
            50,
        ),
        (
            "follow_prompt",
            r"(?:(?i:follow) (?:us|[A-Z][\w.'’&-]*(?: [A-Z][\w.'’&-]*){0,3})|(?i:like|join) us) (?i:on)\b"
            rf".*(?:\b(?i:{_SOCIAL})\b|,\s*,).*|(?i:follow) (?:us |[A-Z][\w.'’&-]* )?(?:(?i:on) )?@\w+.{{0,60}}",
            30,
        ),
        (
            "share_prompt",
            r"(?i)(?:tweet|email|e-mail|print|facebook|twitter|whatsapp|linkedin|pinterest|copy link|copied|share)"
            r"[\s:!.]*",
            3,
        ),
        (
            "subscribe_prompt",
            r"(?i)(?:subscribe|sign up|sign in|log in|register)(?: (?:now|here|today|for free|free))?[\s.!:]*"
            r"|(?i:sign up|subscribe|click here|tap here|enter your email|don.t miss|never miss|register"
            r"|(?:get|join|receive|want) (?:our|the latest|more|free|exclusive|breaking))\b"
            r".*\b(?i:newsletters?|subscribe|subscription|subscriber|inbox|email alerts|news alerts|our app|sign up)\b.*",
            30,
        ),
        ("click_prompt", r"(?i)(?:click|tap) here\b.*", 20),
        (
            "advertisement",
            r"(?i)(?:advertisements?|advert|ads?|sponsored(?: content)?|paid content|promoted"
            r"|(?:story|article) continues (?:below|after)(?: (?:this|the))? (?:advertisement|advert|ad)"
            r"|article continues below|continue reading below|scroll to continue(?: with content)?"
            r"|advertisement\W+scroll to continue(?: with content)?|skip advert(?:isement)?|remove ads)[\s:.\-–—]*",
            8,
        ),
        (
            "cookie_notice",
            r"(?i).*\b(?:we use cookies|this (?:web)?site uses cookies|accept (?:all )?cookies"
            r"|cookie (?:policy|settings|preferences)|manage (?:your )?cookies)\b.*",
            60,
        ),
        (
            "image_credit",
            r"(?i)\(?(?:images?|photos?|pictures?|photograph|credit)(?: credit)?\s*:\s*[^.!?]{1,60}\)?",
            12,
        ),
        ("copyright", r"(?i)(?:©|\(c\)\s|copyright\s*(?:©|\(c\)|\d{4})).{0,150}|all rights reserved\.?", 30),
        (
            "comments_prompt",
            r"(?i)(?:\d+ )?comments?|show comments|view comments|join the conversation|leave a comment|add a comment",
            4,
        ),
    )
)
_BARE_LEAD = re.compile(
    rf"{_READ_MORE_BARE}|(?i:read also|also read|see also|also see|don.t miss)\s*[:：\-–—|>»›]?\s*"
)
_BLOCK_HEADER = re.compile(
    r"(?i)(?:you (?:may|might) (?:also )?like|you may also be interested in|recommended(?: for you| stories| articles| reading| videos)?"
    r"|most (?:read|popular|viewed|shared|watched)|trending(?: now| stories| news)?"
    r"|related(?: articles| stories| content| coverage| news| topics| links| reading)?|more (?:stories|news)"
    r"|top stories|latest (?:news|stories)|more on this story|(?:what to )?read next|up next|popular now"
    r"|editor.?s.? picks|(?:from )?around the web|(?:sponsored|promoted) (?:stories|content|links))\s*[:：]?"
    # "More from Business", "More from The Guardian": the rest must look like a section/outlet name.
    r"|(?:More|MORE) (?:from|FROM|in|IN) (?:the |The |THE )?[A-Z0-9][\w&'’.-]*(?: [A-Z0-9&][\w&'’.-]*){0,3}:?"
)

_SENTENCE_BREAK = re.compile(r"(?<![\w.])([\w.]+)[.!?][\"'”’)]*\s+[\"“‘(]?[A-Z]")
_ABBREV = word_set("mr mrs ms dr st jr sr vs gen col sgt lt gov sen rep rev prof inc ltd co corp no")
_INITIAL_MAX_LEN = 2  # a word this short before a full stop is an initial or abbreviation ("J.", "Mr.")
_HEADLINE_MAX_WORDS = 25  # a link headline is short: a longer line is prose
_HEADLINE_MAX_CHARS = 200  # nor is a link headline longer than this many characters
_SHARE_MAX_WORDS = 14  # a share prompt lists a few networks; a longer line starting "Share" is prose
_READ_MORE_NEXT_MAX_WORDS = 20  # a bare "READ MORE:" takes the next line as its headline up to this length


def _has_sentence_break(s: str) -> bool:
    for m in _SENTENCE_BREAK.finditer(s):
        word = m.group(1).rstrip(".")
        if len(word) <= _INITIAL_MAX_LEN or word.lower() in _ABBREV or "." in word:
            continue  # "U.S. Supreme", "Mr. Smith", "J. Doe"
        return True
    return False


def _headline_like(s: str) -> bool:
    """A short link-headline line: one sentence, no final full stop, not prose."""
    words = s.split()
    if not 1 <= len(words) <= _HEADLINE_MAX_WORDS or len(s) > _HEADLINE_MAX_CHARS:
        return False
    if s[-1] in ".,;:":
        return False
    if not (s[0].isupper() or s[0].isdigit() or s[0] in _QUOTES_OPEN or s[0] in "£$€#"):
        return False
    return not _has_sentence_break(s)


def _share_line(s: str) -> bool:
    if s[:5].lower() != "share":
        return False
    words = re.findall(r"[\w'’-]+", s.lower())
    if not words or words[0] != "share" or len(words) > _SHARE_MAX_WORDS:
        return False
    return all(w in _SHARE_WORDS for w in words)


def _single_line_kind(s: str) -> str | None:
    """Kind of a stripped line that is furniture on its own, or ``None``."""
    n_words = len(s.split())
    if _share_line(s):
        return "share_prompt"
    for kind, rx, max_words in _LINE_RULES:
        if n_words <= max_words and rx.fullmatch(s):
            return kind
    return None


def _stripped(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink ``(start, end)`` past surrounding whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def find_boilerplate(text: str) -> tuple[Boilerplate, ...]:
    """Page furniture that survived extraction, as whole-line ranges sorted by start.

    A range runs from the start of a line to the end of a line, line break excluded; ranges
    never overlap. A block ("You may also like" and its link list, "READ MORE:" and its
    headline) is one range spanning its lines. ``snippet == text[start:end]``.
    """
    lines = _lines(text)
    rows = [text[a:b].strip() for a, b in lines]
    found: list[Boilerplate] = []
    i = 0
    while i < len(rows):
        s, kind, last = rows[i], None, i
        if s and _BLOCK_HEADER.fullmatch(s):
            kind, last = "related_links", _block_end(rows, i)
        elif s:
            kind = _single_line_kind(s)
            # A bare "READ MORE:" takes the very next line only when it is clearly a link headline.
            nxt = rows[i + 1] if kind and i + 1 < len(rows) and _BARE_LEAD.fullmatch(s) else ""
            if (
                nxt
                and len(nxt.split()) <= _READ_MORE_NEXT_MAX_WORDS
                and _headline_like(nxt)
                and not _furniture_line(nxt)
            ):
                last = i + 1
        if kind is not None:
            start, end = lines[i][0], lines[last][1]
            found.append(Boilerplate(kind, start, end, text[start:end]))
        i = last + 1
    return tuple(found)


def _furniture_line(s: str) -> bool:
    return bool(_BLOCK_HEADER.fullmatch(s)) or _single_line_kind(s) is not None


def _block_end(rows: list[str], i: int) -> int:
    """Index of the last line of a link list whose header is ``rows[i]``: the run of headline
    (or furniture) lines after it; one blank line may follow the header, none between items."""
    j = i + 2 if i + 2 < len(rows) and not rows[i + 1] else i + 1
    last = i
    while j < len(rows) and rows[j] and not _BLOCK_HEADER.fullmatch(rows[j]):
        if not (_headline_like(rows[j]) or _single_line_kind(rows[j]) is not None):
            break
        last, j = j, j + 1
    return last


# --------------------------------------------------------------------------- damage: dropped slots

# Words that cannot stand right before a comma/full stop/colon: the scraper removed what followed.
_SLOT_WORD_SET = word_set(
    "the a an his their its our my your every each "
    "of to for with by from on in at into onto about across between among against via per towards toward "
    "through including like than amid despite during without within upon "
    "and or nor told tells telling"
)
_DETERMINERS = word_set("the a an his their its our my your this these those")
# Whitespace before a comma/colon/full stop (not an ellipsis ". . .", not ".com"/".5"), plus any
# run of empty list slots after it: "to , Trump", "on , , , , or".
_GAP = re.compile(r"(?<=[A-Za-z'’-])[ \t]+[,;:.](?![.\w]|[ \t]+\.)(?:[ \t]*,(?![.\w]))*")
_LAST_WORD = re.compile(r"(?<![\w'’-])[A-Za-z][\w'’-]*$")
_PRE_WORDS = re.compile(r"([A-Za-z][\w'’-]*)[ \t]+$")
_EMPTY_LIST = re.compile(r",[ \t]+,(?:[ \t]*,)*")
_DASH_GAP = re.compile(r"(?<=[A-Za-z])[ \t]+[-–—](?=[ \t])")
_DASH_DETERMINERS = word_set("the a an his their its our my your")
# "( )" anywhere, or "()" standing between words as prose does (not "f()" / "function () {" code).
_EMPTY_BRACKETS = re.compile(r"\([ \t]+\)|\[[ \t]+\]|(?<=[ \t])(?:\(\)|\[\])(?=[ \t]+[A-Za-z]|[,.;:](?!\w))")
_AUX = r"(?:is|are|was|were|has|have|had|will|would|can|could|should|may|might|must|does|did|shall)"
# A subordinator straight before a finite verb: the subject (a linked name) was dropped.
_SUBORD_AUX = re.compile(
    rf"\b(?:(?:because|although|though|unless|whereas|while)[ \t]+{_AUX}\b"
    r"|(?:before|after|since|until|once)[ \t]+(?:is|are|was|were)(?=[ \t]+(?:expected|set|due|likely|scheduled"
    r"|said|reported|believed|understood|thought|poised|about|going|planning|preparing|seen|known|rumou?red)\b))"
)


_ADJ_SUFFIX = re.compile(r"(?:al|ic|ive|ous|ful|less|able|ible|ary|ian|ese|ish|ern|ent|ant|est|ier)$")
_ADJECTIVES = word_set(
    "new old big major key top huge large small great former latest last next first second third other "
    "same further whole possible recent senior top-level high low full real certain"
)


def _adjective_like(word: str) -> bool:
    """ "global", "new", "economic": a word that wants a noun after it ("a new global .")."""
    return word in _ADJECTIVES or bool(_ADJ_SUFFIX.search(word))


_SLOT_LOOKBACK = 80  # characters before a gap (on its line) searched for the word left dangling
_SLOT_DETERMINER_WORDS = 3  # lowercase words back to the determiner of an unfinished noun phrase
_DASH_LOOKBACK = 12  # characters before a dash gap: room for the one determiner it follows ("their -")


def _dropped_slots(text: str) -> Iterator[tuple[int, int]]:
    for m in _GAP.finditer(text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        before = text[max(line_start, m.start() - _SLOT_LOOKBACK) : m.start()]
        wm = _LAST_WORD.search(before)
        if wm is None:
            continue
        word = wm.group()
        start = m.start() - len(word)
        if word.lower() in _SLOT_WORD_SET and not (word.isupper() and len(word) > 1):
            yield start, m.end()
            continue
        if not word.islower():
            continue
        # "a new global ." - a determiner opens a noun phrase that never gets its noun.
        before = before[: wm.start()]
        for _ in range(_SLOT_DETERMINER_WORDS):
            pm = _PRE_WORDS.search(before)
            if pm is None:
                break
            prev = pm.group(1)
            if prev.lower() in _DETERMINERS:
                if _adjective_like(word):
                    yield start, m.end()
                break
            if not prev.islower():
                break
            before = before[: pm.start()]
    for m in _DASH_GAP.finditer(text):
        wm = _LAST_WORD.search(text, max(0, m.start() - _DASH_LOOKBACK), m.start())
        if wm is not None and wm.group().lower() in _DASH_DETERMINERS:
            yield wm.start(), m.end()
    for rx in (_EMPTY_LIST, _EMPTY_BRACKETS, _SUBORD_AUX):
        for m in rx.finditer(text):
            yield m.start(), m.end()


# --------------------------------------------------------------------------- damage: glued words

_GLUE_HEADS = word_set(
    "the and since that this with from when where which while whose their about because been were than "
    "they there these those what"
)
# Words that also work as productive prefixes/suffixes ("counterevidence", "showerproof").
_PREFIXES = word_set(
    "counter super inter under over multi after cyber micro ultra anti semi mega self trans extra"
)
_SUFFIXES = word_set(
    "proof like long less wide free based style wise worthy wards fold some hood ship side made"
)
_MAX_GLUED = 32  # longer runs of letters are not two glued words
_GLUE_MIN_PART = 3  # neither of two glued words is shorter than this
_FUNCTION_GLUE_ZIPF = 3.5  # a word glued to a function word ("theeconomy") is at least this common (Zipf)
_FUNCTION_GLUE_MIN_HEAD = 4  # and, before a function-word tail ("economythe"), at least this long
_LONG_GLUE_MIN_LEN = 5  # two glued content words are each at least this long
_LONG_GLUE_ZIPF = 4.5  # and both at least this common (Zipf), so rare compounds are not split
_CAMEL_GLUE_ZIPF = 4.0  # "wordAnother" is glued when its lowercase head is at least this common (Zipf)
_GLUE_TAILS = word_set("the and that with from this their which when where said")
# A glue candidate is a bare lowercase word standing between separators (space, brackets,
# quotes, sentence punctuation): no @, #, /, digits, hyphens, inner dots or apostrophes, so
# handles, hashtags, URLs, names and numbers never qualify.
_OPEN = r"(?<![^\s(\[{\"“‘«])"
_CLOSE = r"(?=[.’'…]*(?:[\s,;:!?)\]}\"”»]|\Z))"
_LOWER_WORD = re.compile(rf"{_OPEN}[a-z]{{6,}}{_CLOSE}")
_CAMEL_WORD = re.compile(rf"{_OPEN}([a-z]{{3,}})[A-Z][a-z]{{2,}}{_CLOSE}")


@lru_cache(maxsize=1)
def _zipf_table() -> dict[str, float]:
    """Zipf frequency (log10 per billion words) of lowercase alphabetic English words, from wordfreq."""
    try:
        from wordfreq import get_frequency_dict
    except ImportError:  # pragma: no cover - install problem
        log.warning("wordfreq is not installed: glued words will not be flagged")
        return {}
    return {w: math.log10(f) + 9.0 for w, f in get_frequency_dict("en").items() if w.isalpha() and f > 0}


def _is_glued(token: str) -> bool:
    """Whether an unknown lowercase token splits into two well-known words."""
    table = _zipf_table()
    if token in table or len(token) > _MAX_GLUED:
        return False
    for k in range(_GLUE_MIN_PART, len(token) - _GLUE_MIN_PART + 1):
        head, tail = token[:k], token[k:]
        zh, zt = table.get(head, 0.0), table.get(tail, 0.0)
        function_word_glue = (
            head in _GLUE_HEADS and len(tail) >= _GLUE_MIN_PART and zt >= _FUNCTION_GLUE_ZIPF
        ) or (tail in _GLUE_TAILS and len(head) >= _FUNCTION_GLUE_MIN_HEAD and zh >= _FUNCTION_GLUE_ZIPF)
        long_words_glue = (
            len(head) >= _LONG_GLUE_MIN_LEN
            and len(tail) >= _LONG_GLUE_MIN_LEN
            and min(zh, zt) >= _LONG_GLUE_ZIPF
            and head not in _PREFIXES
            and tail not in _SUFFIXES
        )
        if function_word_glue or long_words_glue:
            return True
    return False


def _glued(text: str) -> Iterator[tuple[int, int]]:
    table = _zipf_table()
    if not table:
        return
    for m in _LOWER_WORD.finditer(text):
        if _is_glued(m.group()):
            yield m.span()
    for m in _CAMEL_WORD.finditer(text):
        if m.group().lower() not in table and table.get(m.group(1), 0.0) >= _CAMEL_GLUE_ZIPF:
            yield m.span()


# --------------------------------------------------------------------------- damage: truncation

_DANGLING = word_set(
    "the a an and or but nor of his their its our my your than whose very such "
    "to with from by for into at in on as that which who is was are were will would has have had"
)
_STRONG_DANGLING = word_set("the a an and or but nor of his their its our my your than whose")
_SMALL = word_set("a an the and or but nor of to in on at by for with from as is vs v")
_TITLE_CASE_SHARE = 0.75  # a line is title case when this share of its content words is capitalised
_DANGLING_MIN_WORDS = 8  # a weak dangling word ("to", "is") marks a cut only in a line this long
_CUT_CLAUSE_MIN_WORDS = 5  # a clause this long after a finished sentence is a paragraph cut short


def _title_case(words: list[str]) -> bool:
    content = [w for w in words if w.strip(_QUOTES_OPEN + _CLOSERS + ":-–—").lower() not in _SMALL]
    if not content:
        return False
    caps = sum(1 for w in content if w.lstrip(_QUOTES_OPEN + "(")[:1].isupper() or w[:1].isdigit())
    return caps / len(content) >= _TITLE_CASE_SHARE


_ANY_QUOTE = _QUOTES_OPEN + _CLOSERS
# “...,” ― Name   (a quote followed by its attribution)
_ATTRIBUTION_TAIL = re.compile(r"[.!?…,][\"'”’“‘]+\s*[―—–-]\s*[^!?]{1,60}$")
# Picture captions: "Welcoming: The bedroom ...", "... (left) and ... (right)", "pictured".
_CAPTION = re.compile(
    r"^[A-Z][\w'’-]*(?: [\w'’-]+){0,3}: |\((?:left|right|centre|center|above|below|inset|pictured|top|bottom)\b"
    r"|\bpictured\b|\b(?:Photo|Image|Picture)s?(?: credit)?: "
)
_NOT_PROSE_TOKEN = re.compile(r"^[#@]|://|^www\.|\.[a-z]{2,4}(?:/|$)|/|^[\d.,:/%-]+$")


def _complete_ending(s: str) -> bool:
    core = s.rstrip(_ANY_QUOTE + " \t\u00a0\ufeff")
    if core != s:
        tail = s[len(core) :]
        return any(c in _CLOSERS for c in tail) or core[-1:] in ".!?…,:;"
    return s[-1] in ".!?…:;"


def _truncation(s: str, continues: bool) -> bool:
    """Whether a stripped, non-empty line stops mid-sentence.

    ``continues``: the next line carries on the sentence, so this line was wrapped, not cut.
    """
    if continues or _complete_ending(s) or _ATTRIBUTION_TAIL.search(s):
        return False
    if _CAPTION.search(s) and s[-1] != ",":
        return False
    words = s.split()
    final = words[-1].strip(_ANY_QUOTE)
    if s[-1] == ",":
        return True
    if not final or not final[-1].isalpha() or _NOT_PROSE_TOKEN.search(final):
        return False  # a date, number, hashtag, handle, URL or symbol: a caption or embed line
    if final[:1].isupper() and _title_case(words):
        return False  # a heading or headline
    if final.lower() in _STRONG_DANGLING or (
        final.lower() in _DANGLING and len(words) >= _DANGLING_MIN_WORDS
    ):
        return True
    # A finished sentence followed by a real clause, or a long line: a paragraph cut short.
    tail = _SENTENCE_TAIL.split(s)[-1]
    if tail != s and len(tail.split()) >= _CUT_CLAUSE_MIN_WORDS and not _title_case(tail.split()):
        return True
    return len(words) >= _LONG_LINE_WORDS


_LONG_LINE_WORDS = 20
_SENTENCE_TAIL = re.compile(r"(?<=[a-z0-9][.!?])[\"'”’)]*\s+(?=[\"“‘(]?[A-Z])")


def _truncated(
    text: str, lines: list[tuple[int, int]], skip: list[tuple[int, int]]
) -> Iterator[tuple[int, int]]:
    spans = [_stripped(text, *line) for line in lines]
    next_first = [""] * len(spans)  # first character of the next non-blank line
    following = ""
    for k in range(len(spans) - 1, -1, -1):
        next_first[k] = following
        a, b = spans[k]
        if a < b:
            following = text[a]
    p = 0  # boilerplate ranges are sorted and disjoint: walk them alongside the lines
    for k, (a, b) in enumerate(spans):
        while p < len(skip) and skip[p][1] <= a:
            p += 1
        if a >= b or (p < len(skip) and skip[p][0] < b):
            continue
        line = text[a:b]
        nxt = next_first[k]
        # A hard-wrapped paragraph, or "he added," with the quote on the next line.
        continues = nxt.islower() or (line[-1] in ",:" and nxt in _QUOTES_OPEN)
        if _truncation(line, continues):
            cut = text.rfind(" ", a, b) + 1
            yield max(a, cut), b


# --------------------------------------------------------------------------- damage: entry point


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _snippet(text: str, starts: list[int], lines: list[tuple[int, int]], start: int, end: int) -> str:
    ls, le = lines[bisect_right(starts, start) - 1]
    return text[max(ls, start - CONTEXT_CHARS) : min(max(le, end), end + CONTEXT_CHARS)]


def find_damage(text: str, boilerplate: tuple[Boilerplate, ...] = ()) -> tuple[DamageFlag, ...]:
    """Extraction damage in ``text``, flagged and never repaired, sorted by start.

    ``dropped_slot`` and ``glued_words`` are reported wherever they occur (inside
    boilerplate too: "Follow us on , , ," is evidence of dropped links); ``truncated_sentence``
    is not reported for lines in ``boilerplate`` (link headlines carry no full stop).
    """
    lines = _lines(text)
    starts = [a for a, _ in lines]
    skip = sorted((b.start, b.end) for b in boilerplate)
    flags: list[tuple[int, int, str]] = []
    flags += [(s, e, "dropped_slot") for s, e in _merge(list(_dropped_slots(text)))]
    flags += [(s, e, "glued_words") for s, e in _glued(text)]
    flags += [(s, e, "truncated_sentence") for s, e in _truncated(text, lines, skip)]
    flags.sort()
    return tuple(DamageFlag(kind, s, e, _snippet(text, starts, lines, s, e)) for s, e, kind in flags)
