"""The build cache is a cache: whatever happens to it (a damaged, missing or foreign file, a
build killed half way, two builds at once), the next build succeeds and gives what a clean
build gives. And it stays where it belongs: `cache_dir` may not point into the site's
inputs, its output or outside the site."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from site_builder.build import build_site
from site_builder.cli import main
from support.sites import article, build, snapshot, write_site

ARTICLES = 8


def small_site(root: Path) -> Path:
    files = {"site.yaml": "title: Archive\nbase_url: https://example.org/\n"}
    for n in range(ARTICLES):
        files[f"content/2020/{n + 1:02d}/article-{n}.md"] = article(
            title=f"Article {n}", date=f"2020-{n + 1:02d}-05", body=f"Texte numéro {n}. " * 20
        )
    return write_site(root, files)


def clean_build(root: Path) -> dict[str, bytes]:
    """The files a build of the site at `root` gives from a copy of its sources alone."""
    clean = root.parent / f"{root.name}-clean"
    shutil.rmtree(clean, ignore_errors=True)
    shutil.copytree(root, clean, ignore=shutil.ignore_patterns(".cache", "output"))
    build_site(clean, use_cache=False)
    return snapshot(clean / "output")


def edit(root: Path, n: int = 3, text: str = "Une phrase ajoutée.") -> None:
    path = root / f"content/2020/{n + 1:02d}/article-{n}.md"
    path.write_text(path.read_text("utf-8") + f"\n{text}\n", "utf-8")


def warnings_of(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("warning:")]


# -- a damaged cache ------------------------------------------------------------------------------


def random_bytes(path: Path) -> None:
    size = max(path.stat().st_size, 64)
    path.write_bytes(os.urandom(size))


def truncate(path: Path) -> None:
    with open(path, "r+b") as f:
        f.truncate(path.stat().st_size // 2)


def delete(path: Path) -> None:
    path.unlink()


def folder(path: Path) -> None:
    path.unlink()
    path.mkdir()
    (path / "x").write_text("x")


DAMAGES = {"random bytes": random_bytes, "truncated": truncate, "deleted": delete,
           "a folder": folder}  # fmt: skip


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    """A site built once with its cache (`root`), and a copy of it as built (`pristine`)."""
    folder = tmp_path_factory.mktemp("built")
    root = small_site(folder / "site")
    assert build(root) == 0
    shutil.copytree(root, folder / "pristine", symlinks=True)
    return root, folder / "pristine"


def cache_files(root: Path) -> list[str]:
    cache = root / ".cache"
    return sorted(p.relative_to(root).as_posix() for p in cache.rglob("*") if p.is_file())


@pytest.mark.parametrize("then", ["nothing changed", "an article edited"])
@pytest.mark.parametrize("damage", DAMAGES)
def test_a_damaged_cache_file_is_rebuilt_with_one_warning(built, capsys, damage, then):
    """Each file of the cache in turn is damaged; the next build succeeds, warns at most once
    and gives what a clean build gives; so does the one after, and the search command."""
    root, pristine = built
    files = cache_files(pristine)
    assert any(name.endswith("postings.sqlite") for name in files), files
    failures = []
    for name in files:
        shutil.rmtree(root)
        shutil.copytree(pristine, root, symlinks=True)  # at the same place, stats and all
        DAMAGES[damage](root / name)
        if then == "an article edited":
            edit(root)
        capsys.readouterr()
        try:
            code = build(root)
        except Exception as exc:  # reported with the file that caused it
            failures.append(f"{name}: {type(exc).__name__}: {exc}")
            continue
        out, err = capsys.readouterr()
        if code != 0 or len(warnings_of(err)) > 1 or "Traceback" in err:
            failures.append(f"{name}: exit {code}\n{err}")
            continue
        if snapshot(root / "output") != clean_build(root):
            failures.append(f"{name}: output differs from a clean build")
            continue
        if build(root) != 0 or warnings_of(capsys.readouterr()[1]):
            failures.append(f"{name}: the build after it failed or warned again")
            continue
        code = main(["search", "Texte", "--root", str(root)])
        out, err = capsys.readouterr()
        if code != 0 or "results for" not in out:
            failures.append(f"{name}: search after the rebuild: exit {code} {err}")
    assert not failures, "\n".join(failures)
