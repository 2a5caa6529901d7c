"""The "Check a claim" page's view model: a check's JSON grouped by stance, each evidence passage cut into
pieces so that its source is highlighted, with a link that shows the passage in its article."""

from __future__ import annotations

from datetime import date
from typing import Any

from corroborate.errors import UsageError

_STANCE_LABELS = (("supports", "Supports"), ("refutes", "Refutes"), ("discusses", "Discusses"))
VERDICT_HELP = {
    "refuted": "refutation outweighs support, or an on-record denial stands unanswered",
    "contested": "credible support and credible refutation both",
    "corroborated": "at least two independent sources support it",
    "unverified": "no two independent sources support it, and nothing refutes it",
}


def form_date(value: str | None, name: str) -> date | None:
    """A date field of the form: empty is none; anything but an ISO date is a UsageError (400)."""
    if value is None or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError as exc:
        raise UsageError(f"not an ISO 8601 date: {value!r}", input_name=name) from exc


def _pieces(ev: dict) -> list[dict]:
    """The passage as pieces: the source span (when it lies inside the passage) marked ``hl-source``."""
    text, start = ev["text"], ev["start"]
    src = ev.get("source")
    if src and start <= src["start"] < src["end"] <= ev["end"]:
        a, b = src["start"] - start, src["end"] - start
        parts = [(text[:a], ""), (text[a:b], "hl-source"), (text[b:], "")]
        return [{"text": t, "css": c} for t, c in parts if t]
    return [{"text": text, "css": ""}]


def _link(article_id: int, ev: dict) -> str:
    link = f"/articles/{article_id}?mention={ev['start']}-{ev['end']}"
    src = ev.get("source")
    if src:
        link += f"&source={src['start']}-{src['end']}"
    return link + "#hl"


def check_context(result: dict[str, Any] | None) -> dict[str, Any]:
    """Template variables of the page (``result``: a check's JSON, or None before a claim is asked)."""
    if result is None:
        return {"result": None, "groups": [], "verdict_help": ""}
    groups = []
    for stance, label in _STANCE_LABELS:
        arts = []
        for art in result["articles"]:
            if art["stance"] != stance:
                continue
            evidence = [{**ev, "pieces": _pieces(ev), "link": _link(art["id"], ev)} for ev in art["evidence"]]
            arts.append({**art, "evidence": evidence})
        groups.append({"stance": stance, "label": label, "articles": arts})
    return {"result": result, "groups": groups, "verdict_help": VERDICT_HELP[result["verdict"]]}
