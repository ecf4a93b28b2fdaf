"""A user installs site-builder from its wheel, not from a checkout: the distributions carry the
whole package, and the installed command starts, builds and searches a new site on its own.

Nothing here is skipped: a wheel that cannot be built or installed is a failed test."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from site_builder import __version__
from support.wheel import PACKAGE, REPO, built_distributions, clean_environment


@pytest.fixture(scope="session")
def distributions(tmp_path_factory):
    return built_distributions(tmp_path_factory)


def run(command: list[str | Path], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(part) for part in command], cwd=cwd, env=clean_environment(),
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def test_the_wheel_and_the_sdist_hold_every_file_of_the_package(distributions):
    package_files = [name for name in distributions.tracked if name.startswith(f"{PACKAGE}/")]
    assert f"{PACKAGE}/templates/base.html" in package_files
    wheel, sdist = distributions.wheel_names(), distributions.sdist_names()
    assert [name for name in package_files if name not in wheel] == []
    assert [name for name in package_files if name not in sdist] == []
    assert {"pyproject.toml", "README.md"} <= sdist
    assert not [name for name in wheel if "__pycache__" in name or name.endswith(".pyc")]


def test_the_installed_command_starts_builds_and_searches_a_new_site(distributions, tmp_path):
    bin_dir = distributions.bin
    assert not tmp_path.is_relative_to(REPO)

    shown = run([bin_dir / "site-builder", "--version"], cwd=tmp_path)
    assert (shown.returncode, shown.stdout.strip()) == (0, f"site-builder {__version__}")
    imported = run([bin_dir / "python", "-c", "import site_builder; print(site_builder.__file__)"],
                   cwd=tmp_path)  # fmt: skip
    assert not Path(imported.stdout.strip()).is_relative_to(REPO), "ran the checkout's code"

    # A new site, as a newcomer starts one.
    made = run([bin_dir / "site-builder", "init", "SITE", "--title", "Mon archive"], cwd=tmp_path)
    assert made.returncode == 0, made.stdout + made.stderr
    site = tmp_path / "SITE"
    title = "HPE supprime au moins 500 postes aux États-Unis"
    example = site / "content/2020/10/hpe-licenciements.md"
    example.parent.mkdir(parents=True)
    example.write_text(
        f"---\ntitle: {title}\ndate: 2020-10\nsource: Block & Files\ncompanies: [HPE]\n"
        "---\nRéduction d'effectifs dans les serveurs et le stockage.\n",
        "utf-8",
    )

    built = run(
        [bin_dir / "site-builder", "build", "--root", "SITE", "--base-url", "https://example.org/"],
        cwd=tmp_path,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    # Pages set the title in typography (’ for '): look for its longest word.
    word = max(re.findall(r"\w+", title), key=len)
    output = site / "output"
    assert word in (output / "index.html").read_text("utf-8")
    assert word in (output / "feed.xml").read_text("utf-8")

    found = run([bin_dir / "site-builder", "search", word, "--root", "SITE"], cwd=tmp_path)
    assert found.returncode == 0, found.stdout + found.stderr
    assert not found.stdout.startswith("0 results"), found.stdout
    assert title in found.stdout
