"""Claim check as the surfaces use it: retrieve candidates from the store, ask the stance model about them,
and hand both to the pure :func:`corroborate.corroboration.check.check_claim`.

The CLI (single and batch), the JSON API and the web page all call :func:`check`. The stance model is
loaded once per process (``stance.load_model`` is cached), so a batch pays for it once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from corroborate.corroboration.check import (
    MIN_COVERAGE,
    MIN_RANK,
    CheckCandidate,
    CheckResult,
    check_claim,
    claim_terms,
    coverage,
)
from corroborate.corroboration.stance import STANCES, StanceModel, load_model, probability_matrix
from corroborate.corroboration.stance_features import STOP_WORDS, tokenize
from corroborate.errors import UsageError
from corroborate.store.articles import Store
from corroborate.store.search import candidate_ids, candidate_rows

DEFAULT_LIMIT = 50  # articles listed at most
POOL = 100  # candidates the stance model judges (the best-ranked full-text matches)
MAX_CLAIM_CHARS = 1000


@dataclass(frozen=True, slots=True)
class CheckOptions:
    since: date | None = None
    until: date | None = None
    limit: int = DEFAULT_LIMIT
    pool: int = POOL
    min_rank: float = MIN_RANK
    min_coverage: float = MIN_COVERAGE


def validate_claim(claim: object) -> str:
    """The claim as checked (whitespace collapsed); UsageError if it is not a non-empty string."""
    if not isinstance(claim, str):
        raise UsageError("the claim must be a string", input_name="claim")
    text = " ".join(claim.split())
    if not text:
        raise UsageError("the claim is empty", input_name="claim")
    if len(text) > MAX_CLAIM_CHARS:
        raise UsageError(f"the claim is longer than {MAX_CLAIM_CHARS} characters", input_name="claim")
    return text


def query_terms(claim: str) -> list[str]:
    """The words the full-text query uses: the claim's words that are not stop words."""
    return [t for t in tokenize(claim) if t not in STOP_WORDS and t.isalnum()]


def check(
    store: Store, claim: str, options: CheckOptions | None = None, model: StanceModel | None = None
) -> CheckResult:
    """Check one claim against the stored articles (see ``docs/check.md``)."""
    options = options or CheckOptions()
    claim = validate_claim(claim)
    ranked = candidate_ids(
        store,
        query_terms(claim),
        since=options.since,
        until=options.until,
        limit=max(options.pool, options.limit),
    )
    # Candidates below the rank or coverage threshold would be left out anyway: the model never sees them.
    rows = candidate_rows(store, [(i, rank) for i, rank in ranked if rank >= options.min_rank])
    terms = claim_terms(claim)
    shares = {r.id: coverage(terms, f"{r.title or ''}\n{r.text}") for r in rows}
    rows = [r for r in rows if shares[r.id] >= options.min_coverage]
    thresholds = {"limit": options.limit, "min_rank": options.min_rank, "min_coverage": options.min_coverage}
    if not rows:
        return check_claim(claim, [], [], **thresholds)
    probs = probability_matrix([(claim, r.text) for r in rows], model or load_model())
    unrelated = STANCES.index("unrelated")
    keep = [i for i in range(len(rows)) if int(probs[i].argmax()) != unrelated]
    analyses = dict(store.load_many([rows[i].id for i in keep])) if keep else {}
    candidates, kept_probs = [], []
    for i in keep:
        row = rows[i]
        if row.id in analyses:
            candidates.append(CheckCandidate(row.id, analyses[row.id], row.copy_of, row.rank, shares[row.id]))
            kept_probs.append(probs[i])
    return check_claim(claim, candidates, kept_probs, **thresholds)
