"""A build never leaves a torn page in `output/`: a disk that fills up while the new pages are
written leaves the previous site as it was, and a build stopped while it puts them in place
leaves each file wholly old or wholly new, which the next build completes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from site_builder.build import build_site
from site_builder.output import transaction
from support.sites import article, snapshot, write_site

ARTICLES = 60


def archive(root: Path, title: str) -> Path:
    files = {"site.yaml": f"title: {title}\nbase_url: https://example.org/\n"}
    for n in range(ARTICLES):
        files[f"content/2020/{n % 12 + 1:02d}/article-{n}.md"] = article(
            title=f"Article {n}", date=f"2020-{n % 12 + 1:02d}-05", body="Texte. " * 200
        )
    return write_site(root, files)


def retitle(root: Path, title: str) -> None:
    """A change of the site's title: every page is written again."""
    (root / "site.yaml").write_text(f"title: {title}\nbase_url: https://example.org/\n")


@pytest.fixture
def small_disk(tmp_path):
    """A 4 MB tmpfs, mounted for the test (the suite runs as root, as CI does)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        if os.environ.get("CI") == "true":
            pytest.fail(f"cannot mount a tmpfs: {done.stderr.strip()}")
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path, leave: int) -> Path:
    """Fill `disk` until only about `leave` bytes are free."""
    stats = os.statvfs(disk)
    free = stats.f_bavail * stats.f_frsize
    filler = disk / "filler"
    with open(filler, "wb") as file:
        file.write(b"\0" * max(free - leave, 0))
    return filler


@pytest.mark.parametrize(
    "room",
    [0.3, 1.5],
    ids=["full while the new pages are staged", "full while they are put beside the old ones"],
)
def test_a_disk_that_fills_up_leaves_the_previous_site(tmp_path, small_disk, room):
    root = archive(tmp_path / "site", "Archive")
    output = small_disk / "output"  # its staging folder is on the same small disk
    build_site(root, output=output)
    before = snapshot(output)
    assert sum(1 for p in before if p.endswith(".html")) > ARTICLES

    retitle(root, "Archive de presse")
    build_site(root, output=tmp_path / "new", use_cache=False)
    new = snapshot(tmp_path / "new")
    changed = sum(len(data) for path, data in new.items() if before.get(path) != data)
    # The new bytes are staged, then written beside the old files: 0.3× fails the first
    # step, 1.5× the second.
    filler = fill(small_disk, leave=int(room * changed))
    done = subprocess.run(
        [sys.executable, "-m", "site_builder", "build", "--root", str(root),
         "--output", str(output)],
        capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip

    assert done.returncode == 1
    assert "No space left on device" in done.stderr
    assert "the previous site was left as it was" in done.stderr
    assert "Traceback" not in done.stderr
    failed_in = "staging" if ".output.staging/" in done.stderr else "commit"
    assert failed_in == ("staging" if room < 1 else "commit")
    filler.unlink()
    assert snapshot(output) == before  # no page new, none torn, no temporary file left

    build_site(root, output=output)
    build_site(root, output=tmp_path / "clean", use_cache=False)
    assert snapshot(output) == snapshot(tmp_path / "clean")


def test_a_build_stopped_while_renaming_leaves_whole_files_and_the_next_build_completes(
    tmp_path, monkeypatch
):
    root = archive(tmp_path / "site", "Archive")
    output = root / "output"
    build_site(root)
    old = snapshot(output)
    retitle(root, "Archive de presse")
    build_site(root, output=tmp_path / "new", use_cache=False)
    new = snapshot(tmp_path / "new")

    renames = 0
    real_replace = os.replace

    def replace_then_stop(source, target):
        nonlocal renames
        if str(source).endswith(transaction.TEMPORARY_SUFFIX):
            if renames == 25:
                raise KeyboardInterrupt  # as if the build were stopped here
            renames += 1
        real_replace(source, target)

    monkeypatch.setattr(transaction.os, "replace", replace_then_stop)
    with pytest.raises(KeyboardInterrupt):
        build_site(root)
    monkeypatch.undo()

    after = snapshot(output)
    written = [p for p in after if not p.endswith(transaction.TEMPORARY_SUFFIX)]
    assert all(after[p] in (old.get(p), new.get(p)) for p in written)
    assert sum(after[p] == new[p] != old.get(p) for p in written) == 25

    build_site(root)
    assert snapshot(output) == new
