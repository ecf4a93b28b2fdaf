"""The Nu HTML checker (vnu) over many files in one JVM.

>>> errors = validate_html(sorted(output.rglob("*.html")))
>>> assert not errors, "\\n".join(errors)

Uses ``node_modules/vnu-jar/build/dist/vnu.jar`` (npm ``vnu-jar``, pinned in package.json) and
``java`` from PATH, both installed by ``bash scripts/install.sh --with-test-tools``. Without
them the calling test is skipped, or fails under ``CI=true``.

Only errors are reported (``--errors-only``): warnings and info messages are dropped.
A JVM start costs about a second, so pass all files in one call (about 7 s for 1,000 pages).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote

from . import tool_missing

REPO_ROOT = Path(__file__).resolve().parents[2]
VNU_JAR = REPO_ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

# Keep one command line well under Linux's 2 MiB limit for arguments + environment.
_MAX_ARGV_BYTES = 1_000_000


def _batches(paths: list[str]) -> Iterable[list[str]]:
    batch: list[str] = []
    size = 0
    for path in paths:
        if batch and size + len(path.encode()) + 1 > _MAX_ARGV_BYTES:
            yield batch
            batch, size = [], 0
        batch.append(path)
        size += len(path.encode()) + 1
    if batch:
        yield batch


def _run_vnu(java: str, files: list[str], timeout: float) -> list[dict]:
    command = [
        java,
        "-jar",
        str(VNU_JAR),
        "--errors-only",
        "--no-langdetect",  # language guessing only produces warnings; skip its cost
        "--format",
        "json",
        "--stdout",
        *files,
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    # vnu exits 0 when clean, 1 when it reported errors; anything else is a crash.
    if result.returncode not in (0, 1):
        raise RuntimeError(f"vnu failed (exit {result.returncode}):\n{result.stderr[-4000:]}")
    try:
        return json.loads(result.stdout or '{"messages": []}')["messages"]
    except (ValueError, KeyError) as error:
        raise RuntimeError(
            f"unreadable vnu output ({error}):\n{result.stdout[-2000:]}{result.stderr[-2000:]}"
        ) from error


def validate_html(paths: Iterable[str | os.PathLike[str]], *, timeout: float = 900) -> list[str]:
    """Check HTML files with vnu; return one ``file:line: message`` string per error.

    An empty list means every file is valid. Paths are reported as given; a path that does not
    exist is an error too (vnu itself would silently skip it). A folder is checked recursively.
    """
    java = shutil.which("java")
    if java is None:
        tool_missing("java is not installed (needed by the Nu HTML checker)")
    if not VNU_JAR.is_file():
        tool_missing(f"{VNU_JAR.relative_to(REPO_ROOT)} is missing (npm ci --ignore-scripts)")

    given = [str(p) for p in paths]
    # vnu says nothing at all about a path that does not exist: report it ourselves.
    errors = [f"{p}: file not found" for p in given if not Path(p).exists()]
    present = [p for p in given if Path(p).exists()]
    if not present:
        return errors
    shown = {Path(p).resolve(): p for p in present}
    messages: list[dict] = []
    for batch in _batches([str(Path(p).resolve()) for p in present]):
        messages += _run_vnu(java, batch, timeout)

    for message in messages:
        if message.get("type") not in ("error", "non-document-error"):
            continue
        url = message.get("url", "")
        path = Path(unquote(url.removeprefix("file:"))) if url.startswith("file:") else None
        where = shown.get(path, url) if path else url or "?"
        line = message.get("lastLine") or message.get("firstLine")
        text = " ".join(str(message.get("message", "")).split())
        errors.append(f"{where}:{line}: {text}" if line else f"{where}: {text}")
    return errors
