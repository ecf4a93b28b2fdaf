"""Write small sites into a temporary folder, the way an author would, and build them."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

from site_builder.cli import main as cli_main


def article(
    title: str = "Un article",
    date: str = "2020-10-05",
    source: str = "Block & Files",
    companies: str = "[HPE]",
    body: str = "Le texte de l'article.",
    **fields: str,
) -> str:
    """The text of a Markdown article; extra `fields` are added verbatim (`lang="en"`)."""
    lines = [
        "---",
        f"title: {title}",
        f"date: {date}",
        f"source: {source}",
        f"companies: {companies}",
    ]
    lines += [f"{key}: {value}" for key, value in fields.items()]
    lines += ["---", body, ""]
    return "\n".join(lines)


def write_site(root: Path, files: dict[str, str | bytes]) -> Path:
    """Create `files` (path relative to `root` → text or bytes) and return `root`."""
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(textwrap.dedent(data) if data.startswith("\n") else data, "utf-8")
    return root


def build(root: Path, *args: str) -> int:
    """Run `site-builder build --root ROOT ARGS…` and return its exit code."""
    return cli_main(["build", "--root", str(root), *args])


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` (relative POSIX path → bytes)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def generated_archive(root: Path, n: int, seed: int) -> Path:
    """An archive of `n` articles made by the benchmarks' generator (`bench/generate.py`), the
    same for the same `n` and `seed`; returns `root`."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    try:
        import generate
    finally:
        sys.path.pop(0)
    generate.generate_archive(root, n, seed=seed)
    return root
