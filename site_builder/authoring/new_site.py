"""`site-builder init`: the files of a new site, from the skeleton shipped in the package.

The skeleton holds files common to every site (`skeleton/common/`: settings, workflows,
`.gitignore`) and, per language, the example article, the company registry and a README.
A few words are filled in (`@TITLE@`, …); `requirements.txt` is written from the running
install, so the site's workflows install the site-builder that made it.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from site_builder import __version__

SKELETON = Path(__file__).parent / "skeleton"
LANGUAGES = ("fr", "en")
DISTRIBUTION = "site-builder"

DEFAULT_TITLE = {"fr": "Mon archive", "en": "My archive"}
DESCRIPTION = {
    "fr": "Une archive choisie d'actualités sur les entreprises.",
    "en": "A curated archive of news about companies.",
}
# What the commented-out line says when init is given no --base-url.
UNSET_BASE_URL = "# base_url: https://example.org/archive/"


class SiteExists(Exception):
    """The target folder is not empty (or not a folder): init writes nothing there."""


@dataclass(frozen=True)
class SiteFile:
    """One file of the new site: its path inside the site and its text."""

    path: str
    text: str


def site_files(
    lang: str, title: str | None = None, base_url: str | None = None,
    requirement: str | None = None,
) -> tuple[SiteFile, ...]:  # fmt: skip
    """Every file `init` writes for a site in `lang`, sorted by path."""
    title = title if title is not None else DEFAULT_TITLE[lang]
    words = {
        # YAML reads a JSON string as a double-quoted scalar: any title is safe in site.yaml.
        "@TITLE@": title,
        "@YAML_TITLE@": json.dumps(title, ensure_ascii=False),
        "@DESCRIPTION@": json.dumps(DESCRIPTION[lang], ensure_ascii=False),
        "@LANGUAGE@": lang,
        "@BASE_URL@": f"base_url: {json.dumps(base_url)}" if base_url else UNSET_BASE_URL,
        "@VERSION@": __version__,
    }
    files = {}
    for folder in (SKELETON / "common", SKELETON / lang):
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            text = path.read_text("utf-8")
            if path.name in ("site.yaml", "README.md"):
                text = _fill(text, words)
            files[path.relative_to(folder).as_posix()] = text
    files["requirements.txt"] = requirements(requirement)
    return tuple(SiteFile(name, files[name]) for name in sorted(files))


def _fill(text: str, words: dict[str, str]) -> str:
    return re.sub("|".join(map(re.escape, words)), lambda m: words[m.group()], text)


def requirements(requirement: str | None = None) -> str:
    """`requirements.txt`: site-builder (this version, or `requirement`), then the versions of
    its dependencies installed here, so the workflows build with what ran `init`."""
    lines = [
        "# What the workflows in .github/workflows/ install: site-builder, then the versions of",
        "# its dependencies that created this site. Change them here to upgrade; the Check",
        "# workflow builds a pull request with them before anything is published.",
        requirement or f"{DISTRIBUTION}=={__version__}",
    ]
    lines += [f"{name}=={version}" for name, version in _installed_dependencies()]
    return "\n".join(lines) + "\n"


def _installed_dependencies() -> list[tuple[str, str]]:
    try:
        declared = metadata.requires(DISTRIBUTION) or []
    except metadata.PackageNotFoundError:  # running from a source tree that is not installed
        return []
    found = []
    for requirement in declared:
        if "extra ==" in requirement:  # the test tools
            continue
        name = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement).group()
        try:
            found.append((name.lower(), metadata.version(name)))
        except metadata.PackageNotFoundError:
            continue
    return sorted(found)


def create_site(target: Path, files: tuple[SiteFile, ...]) -> None:
    """Write `files` under `target`, which must be missing or an empty folder. Nothing is ever
    overwritten; when a write fails (a full disk), what was created is removed again."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        what = "a folder that is not empty" if target.is_dir() else "not a folder"
        raise SiteExists(f"{target} is {what}: init writes a new site into a new or empty folder")
    created_folders: list[Path] = []
    created_files: list[Path] = []
    try:
        if not target.exists():
            target.mkdir(parents=True)
            created_folders.append(target)
        for file in files:
            path = target / file.path
            for folder in reversed(path.parents):
                if folder.is_relative_to(target) and not folder.exists():
                    folder.mkdir()
                    created_folders.append(folder)
            # "x": fails rather than replaces, should anything appear meanwhile.
            with open(path, "x", encoding="utf-8", newline="\n") as stream:
                created_files.append(path)
                stream.write(file.text)
    except BaseException:
        for path in reversed(created_files):
            path.unlink(missing_ok=True)
        for folder in reversed(created_folders):
            with contextlib.suppress(OSError):  # not empty: someone else wrote there
                os.rmdir(folder)
        raise
