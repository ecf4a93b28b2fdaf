"""The awkward fixture site's whole output, compared file by file with tests/golden/awkward.

After an intended change to the output, regenerate with `python3 tests/golden.py` and review
the diff of tests/golden before committing it.
"""

import difflib

from golden import GOLDEN, build_fixture
from support.sites import snapshot


def test_the_output_matches_the_golden_site_file_by_file(tmp_path):
    out = tmp_path / "output"
    build_fixture(out)
    built, golden = snapshot(out), snapshot(GOLDEN)
    assert sorted(built) == sorted(golden), "files added or missing: python3 tests/golden.py"
    for path in sorted(golden):
        if built[path] != golden[path]:
            diff = difflib.unified_diff(
                golden[path].decode("utf-8", "replace").splitlines(),
                built[path].decode("utf-8", "replace").splitlines(),
                f"golden/{path}",
                f"built/{path}",
                lineterm="",
            )
            raise AssertionError("\n".join(list(diff)[:60]) + "\n(python3 tests/golden.py)")
