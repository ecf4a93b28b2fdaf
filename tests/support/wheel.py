"""site-builder as a user gets it: the sdist and the wheel built from a clean copy of the tree,
the wheel installed (not editable) into a fresh venv with the pinned dependencies.

The build and the install happen once per test run, whichever test or xdist worker asks first:
the others wait on a lock file and reuse the result (or fail with the same error).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CONSTRAINTS = REPO / "constraints.txt"
PACKAGE = "site_builder"
# Building or installing takes a minute or two here; anything past this is stuck.
COMMAND_TIMEOUT = 900


class WheelSetupError(RuntimeError):
    """Building or installing the distributions failed: a test failure, never a skip."""


@dataclass(frozen=True)
class Distributions:
    wheel: Path
    sdist: Path
    # Every git-tracked file of the tree the two were built from (POSIX paths from its root).
    tracked: tuple[str, ...]
    # The venv's bin/ folder, with the wheel installed.
    bin: Path

    def wheel_names(self) -> set[str]:
        with zipfile.ZipFile(self.wheel) as archive:
            return set(archive.namelist())

    def sdist_names(self) -> set[str]:
        """Paths inside the sdist, without its top folder (`site_builder-0.1.0/`)."""
        with tarfile.open(self.sdist) as archive:
            return {name.partition("/")[2] for name in archive.getnames() if "/" in name}


def installed_site_builder(tmp_path_factory) -> Path:
    """The `bin/` folder of a venv holding the wheel of this tree: `bin / "site-builder"` is the
    command as a user installs it. Built and installed once per test run."""
    return built_distributions(tmp_path_factory).bin


def built_distributions(tmp_path_factory) -> Distributions:
    """The sdist and wheel of this tree and the venv the wheel is installed in (once per run)."""
    base = tmp_path_factory.getbasetemp()
    # xdist workers each have their own basetemp inside the run's folder: share that folder.
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    folder = shared / "site-builder-wheel"
    folder.mkdir(exist_ok=True)
    with (shared / "site-builder-wheel.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        record = folder / "record.json"
        if record.exists():
            return _from_record(json.loads(record.read_text("utf-8")))
        failure = folder / "failure.txt"
        if failure.exists():
            raise WheelSetupError(failure.read_text("utf-8"))
        try:
            made = _build_and_install(folder)
        except WheelSetupError as error:
            failure.write_text(str(error), "utf-8")
            raise
        record.write_text(json.dumps(_to_record(made)), "utf-8")
        return made


def clean_environment() -> dict[str, str]:
    """The environment for the installed command: nothing points Python at the checkout."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env["PYTHONNOUSERSITE"] = "1"
    return env


def _build_and_install(folder: Path) -> Distributions:
    source = folder / "source"
    tracked = _copy_tracked_files(source)
    dist = folder / "dist"
    # Without --sdist/--wheel, build makes the sdist, then the wheel from the unpacked sdist:
    # a file missing from the sdist cannot hide behind the source tree.
    _run([sys.executable, "-m", "build", "--outdir", str(dist), str(source)], cwd=folder)
    wheels, sdists = sorted(dist.glob("*.whl")), sorted(dist.glob("*.tar.gz"))
    if len(wheels) != 1 or len(sdists) != 1:
        raise WheelSetupError(
            f"expected one wheel and one sdist in {dist}: {sorted(dist.iterdir())}"
        )
    venv = folder / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], cwd=folder)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check"]
    _run([*pip, "-c", str(CONSTRAINTS), str(wheels[0])], cwd=folder)
    return Distributions(wheels[0], sdists[0], tracked, venv / "bin")


def _copy_tracked_files(dest: Path) -> tuple[str, ...]:
    """Copy the files git tracks (as they are in the work tree) to `dest`: no build output,
    caches or stray local files reach the distributions."""
    try:
        listed = subprocess.run(
            ["git", "-C", str(REPO), "ls-files", "-z"],
            capture_output=True, check=True, timeout=60,
        ).stdout  # fmt: skip
    except (OSError, subprocess.CalledProcessError) as error:
        raise WheelSetupError(f"cannot list the files of {REPO} with git: {error}") from error
    tracked = []
    for name in sorted(filter(None, listed.decode("utf-8").split("\0"))):
        path = REPO / name
        # A symlink (node_modules) or a file deleted in the work tree is not part of the package.
        if path.is_symlink() or not path.is_file():
            continue
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
        tracked.append(name)
    return tuple(tracked)


def _run(command: list[str], cwd: Path) -> None:
    # The pinned build backend in the isolated build environment, too.
    env = {**os.environ, "PIP_CONSTRAINT": str(CONSTRAINTS)}
    env.pop("PYTHONPATH", None)
    try:
        done = subprocess.run(
            command, cwd=cwd, env=env, capture_output=True, text=True, timeout=COMMAND_TIMEOUT,
            check=False,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired) as error:
        raise WheelSetupError(f"{' '.join(command)}: {error}") from error
    if done.returncode != 0:
        raise WheelSetupError(
            f"{' '.join(command)} exited {done.returncode}\n{done.stdout[-4000:]}\n"
            f"{done.stderr[-4000:]}"
        )


def _to_record(made: Distributions) -> dict:
    return {
        "wheel": str(made.wheel),
        "sdist": str(made.sdist),
        "tracked": list(made.tracked),
        "bin": str(made.bin),
    }


def _from_record(record: dict) -> Distributions:
    return Distributions(
        Path(record["wheel"]), Path(record["sdist"]), tuple(record["tracked"]), Path(record["bin"])
    )
