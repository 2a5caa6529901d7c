"""``scripts/train_encoder.py`` on a box without spaCy (through :mod:`shim`); same arguments."""

import runpy
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import shim  # noqa: E402

sys.argv = ["train_encoder.py", *sys.argv[1:]]
runpy.run_path(str(shim.ROOT / "scripts" / "train_encoder.py"), run_name="__main__")
