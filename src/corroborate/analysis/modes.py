"""The extraction modes: one registry, from which the CLI's choices, the pipeline, the web app, batch
jobs and the worker processes all read. A mode's loader returns its extractor and the version string
recorded with every attribution it finds."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from corroborate.attribution import rules
from corroborate.attribution.learned import crf, encoder, large
from corroborate.errors import ModelError, UsageError
from corroborate.types import Attribution

Extractor = Callable[[object], tuple[Attribution, ...]]


@dataclass(frozen=True, slots=True)
class Mode:
    name: str
    summary: str  # for --help
    load: Callable[[], tuple[Extractor, str]]  # the model loaded now; its extractor and version
    torch: bool = False  # runs a torch model: one torch thread per worker process


def _fast() -> tuple[Extractor, str]:
    return rules.extract_attributions, rules.EXTRACTOR_VERSION


def _crf() -> tuple[Extractor, str]:
    try:
        crf.load_models()
    except Exception as exc:  # a missing or damaged model file
        raise ModelError(f"cannot load the attribution model: {exc}", input_name="accurate mode") from exc
    return crf.extract_attributions_model, crf.MODEL_VERSION


def _torch_mode(load, extract, version: str, mode: str) -> tuple[Extractor, str]:
    """An optional-extra mode's extractor, its model loaded now: a missing extra stays its own ModelError,
    any other load failure (a missing or damaged weights file) becomes one naming the mode."""
    try:
        load()
    except ModelError:
        raise
    except Exception as exc:
        raise ModelError(f"cannot load the {mode} model: {exc}", input_name=f"{mode} mode") from exc
    return extract, version


def _encoder() -> tuple[Extractor, str]:
    return _torch_mode(
        encoder.load_encoder, encoder.extract_attributions_encoder, encoder.MODEL_VERSION, "encoder"
    )


def _large() -> tuple[Extractor, str]:
    return _torch_mode(large.load_large, large.extract_attributions_large, large.MODEL_VERSION, "large")


MODES: dict[str, Mode] = {
    m.name: m
    for m in (
        Mode("accurate", "CRF model trained on PolNeAR", _crf),
        Mode("fast", "dependency rules", _fast),
        Mode("encoder", "fine-tuned MiniLM; needs the encoder extra", _encoder, torch=True),
        Mode(
            "large", "MPNet-base with LoRA; needs the large extra; slowest, most accurate", _large, torch=True
        ),
    )
}
DEFAULT_MODE = "accurate"


def mode_named(name: str) -> Mode:
    """The registered mode ``name``; a UsageError naming the choices otherwise."""
    try:
        return MODES[name]
    except KeyError:
        raise UsageError(
            f"unknown mode {name!r}; choose one of {', '.join(MODES)}", input_name="--mode"
        ) from None
