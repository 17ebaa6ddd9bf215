"""Distil the static embedding model from the installed MiniLM (no downloads).

Usage: .venv/bin/python scripts/distill_static_model.py [TARGET_DIR]

Writes a model2vec StaticModel (256-d, float16, ~15 MB) to TARGET_DIR, default
$STORYWEAVE_STATIC_MODEL or ~/.cache/storyweave/static-minilm-256. Takes a few
minutes on two cores; `make install` should run it once. Skips when present.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from storyweave.link.embeddings import distill_static, static_model_dir


def main() -> None:
    logging.basicConfig(level=logging.INFO)
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else static_model_dir()
    if (target / "model.safetensors").is_file():
        print(f"static model already at {target}")
        return
    print(f"static model written to {distill_static(target)}")


if __name__ == "__main__":
    main()
