"""Regenerate the golden output: `python3 tests/golden.py`, then review `git diff tests/golden`.

The golden site is the awkward fixture (tests/fixtures/awkward) built into tests/golden/awkward.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

FIXTURE = HERE / "fixtures" / "awkward"
GOLDEN = HERE / "golden" / "awkward"
# A fixed build time for anything that would carry one (empty feeds).
ENVIRONMENT = {"SOURCE_DATE_EPOCH": "1600000000"}


def build_fixture(output: Path) -> None:
    import os

    from site_builder.build import build_site

    previous = {k: os.environ.get(k) for k in ENVIRONMENT}
    os.environ.update(ENVIRONMENT)
    try:
        build_site(FIXTURE, output=output)
    finally:
        for key, value in previous.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "output"
        build_fixture(out)
        if GOLDEN.exists():
            shutil.rmtree(GOLDEN)
        shutil.copytree(out, GOLDEN)
    print(f"wrote {sum(1 for p in GOLDEN.rglob('*') if p.is_file())} files to {GOLDEN}")


if __name__ == "__main__":
    main()
