"""How many threads an ONNX Runtime session may use: ``$CORROBORATE_THREADS``, else the usable cores."""

from __future__ import annotations

import os

THREADS_ENV = "CORROBORATE_THREADS"  # intra-op threads of a session; worker processes set 1


def usable_cores() -> int:
    if os.environ.get(THREADS_ENV, "").isdigit() and int(os.environ[THREADS_ENV]) > 0:
        return int(os.environ[THREADS_ENV])
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1
