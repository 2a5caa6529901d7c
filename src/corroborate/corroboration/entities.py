"""One key per named person or body across articles, from the names that attributions' ``source_entity``
carry (each already canonical within its article: "Donald Trump" for "Mr. Trump" and "he").

Across articles a name may be shorter ("Trump" where an article never gave the full name) or carry a title
or article ("President Trump", "the Justice Department"). :func:`entity_keys` normalises each name (case,
"the", possessives, leading titles) and merges a lone word into the one full name ending in it ("Trump" with
"Donald Trump"); two full names that share a last word but not a first one stay two ("Bill Clinton",
"Hillary Clinton"), and a lone word shared by several stays on its own. A known given name alone
("Hillary") joins the one full name that starts with it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from corroborate.attribution.first_names import FEMALE_NAMES, MALE_NAMES
from corroborate.attribution.lexicon import ORG_NAME_WORDS, TITLES

_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
_LEADING = TITLES | {"the", "sen", "rep", "gov", "pres", "mr", "mrs", "ms", "dr"}


def _words(name: str) -> list[str]:
    words = re.findall(r"[\w'\u2019-]+", name.replace(".", "").lower())
    words = [w for w in (re.sub(r"['\u2019]s?$", "", w) for w in words) if w]
    if words and words[0] == "the":
        words = words[1:]
    while len(words) > 1 and words[0] in _LEADING and words[-1] not in ORG_NAME_WORDS:
        words = words[1:]  # "President Trump", not "Justice Department"
    return words


def _person_key(words: list[str]) -> str:
    """Without middle initials: "donald j trump" and "donald trump" are one."""
    return " ".join(w for i, w in enumerate(words) if len(w) > 1 or i in (0, len(words) - 1))


def normal_name(name: str) -> str:
    """A name in the form keys compare: lower case, no "the", title, possessive or full stops."""
    return " ".join(_words(name))


def entity_keys(names: Iterable[str]) -> dict[str, str]:
    """``{name: key}`` for every name; names of one entity share a key (see the module docstring)."""
    normal = {name: _person_key(_words(name)) for name in names}
    full_by_last: dict[str, set[str]] = {}
    for words in (n.split() for n in set(normal.values()) if n):
        if len(words) >= 2 and words[-1] not in _SUFFIXES | ORG_NAME_WORDS:
            full_by_last.setdefault(words[-1], set()).add(" ".join(words))
    keys = {}
    for name, norm in normal.items():
        words = norm.split() or [name.lower()]
        fulls = full_by_last.get(words[-1], set()) if len(words) == 1 else set()
        if len(fulls) == 1:
            keys[name] = next(iter(fulls))
        elif len(words) == 1 and words[0] in MALE_NAMES | FEMALE_NAMES:  # "Hillary"
            firsts = {f for fs in full_by_last.values() for f in fs if f.split()[0] == words[0]}
            keys[name] = next(iter(firsts)) if len(firsts) == 1 else norm
        else:
            keys[name] = norm
    return keys
