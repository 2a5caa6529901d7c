"""The extraction modes: one registry, from which the CLI's choices, the pipeline, the web app, batch
jobs and the worker processes all read. A mode's loader returns its extractor and the version string
recorded with every attribution it finds.

``encoder`` (the default, in the default install) is the fine-tuned MiniLM combined with the CRF, served
by ONNX Runtime; ``crf`` is the CRF model alone (``accurate``, its old name, is still accepted); ``fast``
is the dependency rules; ``large`` is all-mpnet-base-v2 with LoRA on torch (the optional ``large`` extra).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from corroborate.attribution import rules
from corroborate.attribution.learned import crf, encoder_onnx, large
from corroborate.errors import ModelError, UsageError
from corroborate.types import Attribution

Extractor = Callable[[object], tuple[Attribution, ...]]


@dataclass(frozen=True, slots=True)
class Mode:
    name: str
    summary: str  # for --help
    load: Callable[[], tuple[Extractor, str]]  # the model loaded now; its extractor and version
    torch: bool = False  # runs a torch model: one torch thread per worker process


def _loaded(mode: str, load: Callable[[], object]) -> None:
    """Load a mode's model now: a missing extra stays its own ModelError; any other failure (a missing or
    damaged model file) becomes one naming the mode."""
    try:
        load()
    except ModelError:
        raise
    except Exception as exc:
        raise ModelError(f"cannot load the {mode} model: {exc}", input_name=f"{mode} mode") from exc


def _encoder() -> tuple[Extractor, str]:
    _loaded("encoder", encoder_onnx.load_onnx_encoder)
    return encoder_onnx.extract_attributions_onnx, encoder_onnx.load_onnx_encoder().meta["version"]


def _crf() -> tuple[Extractor, str]:
    _loaded("crf", crf.load_models)
    return crf.extract_attributions_model, crf.MODEL_VERSION


def _fast() -> tuple[Extractor, str]:
    return rules.extract_attributions, rules.EXTRACTOR_VERSION


def _large() -> tuple[Extractor, str]:
    _loaded("large", large.load_large)
    return large.extract_attributions_large, large.MODEL_VERSION


MODES: dict[str, Mode] = {
    m.name: m
    for m in (
        Mode("encoder", "fine-tuned MiniLM with the CRF on ONNX Runtime; the default", _encoder),
        Mode("crf", "CRF model trained on PolNeAR; 'accurate' is its old name", _crf),
        Mode("fast", "dependency rules; the fastest", _fast),
        Mode(
            "large",
            "MPNet-base with LoRA on torch; needs the large extra; the most accurate",
            _large,
            torch=True,
        ),
    )
}
ALIASES: dict[str, str] = {"accurate": "crf"}  # old names, still accepted wherever a mode is named
DEFAULT_MODE = "encoder"


def mode_named(name: str) -> Mode:
    """The registered mode ``name`` (or its alias); a UsageError naming the choices otherwise."""
    try:
        return MODES[ALIASES.get(name, name)]
    except KeyError:
        raise UsageError(
            f"unknown mode {name!r}; choose one of {', '.join(MODES)}", input_name="--mode"
        ) from None
