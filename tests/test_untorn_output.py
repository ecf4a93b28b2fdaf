"""A build never leaves a torn page in `output/`: a disk that fills up while the new pages are
written leaves the previous site as it was, and a build stopped while it puts them in place
leaves each file wholly old or wholly new, which the next build completes."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from site_builder.build import build_site
from site_builder.output import transaction
from support.sites import article, build, snapshot, write_site

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


def mount_tmpfs(mount: Path, size: str) -> None:
    """Mount a tmpfs of `size` (`4m`, `900k`) at `mount`, or remount it with that size. The
    suite runs as root, as CI does: only a run that is neither is skipped."""
    options = f"remount,size={size}" if os.path.ismount(mount) else f"size={size}"
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        if os.geteuid() != 0 and os.environ.get("CI", "") in ("", "0", "false"):
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
        pytest.fail(f"cannot mount a tmpfs: {done.stderr.strip()}")


@pytest.fixture
def small_disk(tmp_path):
    """A 4 MB tmpfs, mounted for the test."""
    mount = tmp_path / "disk"
    mount.mkdir()
    mount_tmpfs(mount, "4m")
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
    assert "the output folder was left as it was" in done.stderr
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


def temporaries(folder: Path) -> list[str]:
    """The files and folders under `folder` a commit names for a while only."""
    return [
        os.path.join(path, name)
        for path, folders, files in os.walk(folder)
        for name in folders + files
        if transaction.TEMPORARY_SUFFIX in name
    ]


def swap_by_hand(output: Path) -> tuple[str, str]:
    """Put a file where the build makes a folder (an article's), and a folder where it makes
    a file (the feed), as a build of another site could have left them. Returns their paths."""
    folder = "2020/03/article-2"
    shutil.rmtree(output / folder)
    (output / folder).write_bytes(b"a file where a folder goes\n")
    (output / "feed.xml").unlink()
    (output / "feed.xml").mkdir()
    (output / "feed.xml/old.txt").write_bytes(b"in a folder where a file goes\n")
    return folder, "feed.xml/old.txt"


def used(disk: Path) -> int:
    stats = os.statvfs(disk)
    return (stats.f_blocks - stats.f_bfree) * stats.f_frsize


def test_a_disk_that_fills_up_during_the_commit_of_a_large_site_leaves_every_file_old(tmp_path):
    """The output folder is a small disk of its own (the staging folder, beside it, is not):
    the disk fills while the changed pages are written beside the old ones. Every file, even
    one where the new site has a folder or the reverse, is left as the last build wrote it;
    with room again, the next build gives what a clean build gives."""
    root = write_site(
        tmp_path / "site", {"site.yaml": "title: Archive\nbase_url: https://example.org/\n"}
    )
    for n in range(1000):
        month = f"{n % 12 + 1:02d}"
        (root / f"content/2020/{month}").mkdir(parents=True, exist_ok=True)
        (root / f"content/2020/{month}/article-{n}.md").write_text(
            article(title=f"Article {n}", date=f"2020-{month}-05", body="Texte. " * 200)
        )
    disk = tmp_path / "disk"
    disk.mkdir()
    mount_tmpfs(disk, "64m")
    try:
        build_site(root, output=disk)
        files_where_folders_go = swap_by_hand(disk)
        old = snapshot(disk)
        retitle(root, "Archive de presse")
        build_site(root, output=tmp_path / "new", use_cache=False)
        new = snapshot(tmp_path / "new")
        pages = sum(-(-len(data) // 4096) * 4096 for p, data in new.items() if old.get(p) != data)
        assert pages > 8 * 2**20
        mount_tmpfs(disk, f"{(used(disk) + pages // 2) // 1024}k")  # room for half of them
        done = subprocess.run(
            [sys.executable, "-m", "site_builder", "build", "--root", str(root),
             "--output", str(disk)],
            capture_output=True, text=True, cwd=tmp_path,
        )  # fmt: skip

        assert done.returncode == 1, done.stderr
        assert f"error: cannot write {disk}/" in done.stderr
        assert "No space left on device" in done.stderr
        assert "the output folder was left as it was" in done.stderr
        assert "Traceback" not in done.stderr
        after = snapshot(disk)
        assert all(after[p] in (old.get(p), new.get(p)) for p in after), "a file is torn"
        assert after == old, "no file is new"
        assert temporaries(disk) == []
        assert not (tmp_path / ".disk.staging").exists()

        mount_tmpfs(disk, "64m")
        summary = build_site(root, output=disk)
        assert set(files_where_folders_go) <= set(summary.report.removed)
        assert snapshot(disk) == new
        build_site(root, output=tmp_path / "clean", use_cache=False)
        assert snapshot(disk) == snapshot(tmp_path / "clean")
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def fail_when(monkeypatch, name: str, when) -> None:
    """Make `os.<name>(source, target)` fail with an I/O error when `when(source, target)`."""
    real = getattr(os, name)

    def failing(source, target):
        if when(str(source), str(target)):
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        return real(source, target)

    monkeypatch.setattr(transaction.os, name, failing)


def temporary(source: str) -> bool:
    return source.endswith(transaction.TEMPORARY_SUFFIX) and ".old." not in source


def after_25_pages():
    count = 0

    def when(source: str, target: str) -> bool:
        nonlocal count
        count += temporary(source)
        return count > 25

    return when


FAILURES = {
    "a page renamed into place": ("replace", after_25_pages),
    "a folder where a file was": (
        "rename",
        lambda: lambda source, target: temporary(source) and target.endswith("/article-2"),
    ),
    "a file where a folder was": (
        "rename",
        lambda: lambda source, target: temporary(source) and target.endswith("/feed.xml"),
    ),
}


@pytest.mark.parametrize("failure", FAILURES)
def test_a_commit_failing_past_the_point_of_no_return_says_so_and_the_next_build_completes(
    tmp_path, monkeypatch, capsys, failure
):
    """Once every new file is written, the renames can still fail (an I/O error, a folder
    made read-only): the build stops with a message, leaves no temporary file, every file is
    wholly old or wholly new (what was in the way of a new file or folder is put back), and
    the next build completes the site."""
    root = archive(tmp_path / "site", "Archive")
    output = root / "output"
    build_site(root)
    folder, in_folder = swap_by_hand(output)
    old = snapshot(output)
    retitle(root, "Archive de presse")
    build_site(root, output=tmp_path / "new", use_cache=False)
    new = snapshot(tmp_path / "new")

    name, when = FAILURES[failure]
    fail_when(monkeypatch, name, when())
    assert build(root) == 1
    monkeypatch.undo()
    err = capsys.readouterr().err
    assert "error: cannot write" in err and "Input/output error" in err
    assert "the others as they were: build again" in err
    assert "Traceback" not in err

    after = snapshot(output)
    assert all(after[p] in (old.get(p), new.get(p)) for p in after), "a file is torn"
    assert any(after[p] == new.get(p) != old.get(p) for p in after), "no file is new"
    assert any(after[p] == old.get(p) != new.get(p) for p in after), "no file is old"
    assert temporaries(output) == []
    if failure == "a folder where a file was":
        assert after.get(folder) == old[folder], "the file in its way is put back"
    if failure == "a file where a folder was":
        assert after.get(in_folder) == old[in_folder], "the folder in its way is put back"

    build_site(root)
    assert snapshot(output) == new


def test_a_stale_file_that_cannot_be_removed_stops_the_build_and_the_next_removes_it(
    tmp_path, monkeypatch, capsys
):
    root = archive(tmp_path / "site", "Archive")
    output = root / "output"
    build_site(root)
    (root / "content/2020/03/article-2.md").unlink()
    stale = f"{output}/2020/03/article-2/index.html"
    real_unlink = os.unlink

    def unlink(path, *args, **kwargs):
        if str(path) == stale:
            raise OSError(errno.EIO, os.strerror(errno.EIO), str(path))
        return real_unlink(path, *args, **kwargs)

    monkeypatch.setattr(transaction.os, "unlink", unlink)
    assert build(root) == 1
    monkeypatch.undo()
    err = capsys.readouterr().err
    assert f"error: cannot remove {stale}: Input/output error; " in err
    assert "the others as they were: build again" in err and "Traceback" not in err
    assert temporaries(output) == []

    summary = build_site(root)
    assert "2020/03/article-2/index.html" in summary.report.removed
    build_site(root, output=tmp_path / "clean", use_cache=False)
    assert snapshot(output) == snapshot(tmp_path / "clean")


def test_a_build_stopped_while_writing_leaves_the_previous_site_and_no_temporary_file(
    tmp_path, monkeypatch
):
    """Stopped while the new files are written, once even those where a file or a folder of
    the last build is in the way are: nothing of `output/` was removed or replaced yet."""
    root = archive(tmp_path / "site", "Archive")
    output = root / "output"
    build_site(root)
    swap_by_hand(output)
    old = snapshot(output)
    retitle(root, "Archive de presse")
    real_create = transaction._create_new
    written: list[str] = []

    def create_then_stop(path, data):
        swapped = ("/.article-2.", "/.feed.xml.")
        if all(any(part in p for p in written) for part in swapped):
            raise KeyboardInterrupt  # once both are written, before the next file
        written.append(path)
        real_create(path, data)

    monkeypatch.setattr(transaction, "_create_new", create_then_stop)
    with pytest.raises(KeyboardInterrupt):
        build_site(root)
    monkeypatch.undo()
    assert snapshot(output) == old
    assert temporaries(output) == []


def test_temporary_files_a_killed_build_left_are_removed_by_the_next(tmp_path):
    root = archive(tmp_path / "site", "Archive")
    output = root / "output"
    build_site(root)
    for left in (
        ".index.html.99999.site-builder-tmp",
        "2020/03/.article-2.99999.site-builder-tmp/index.html",
    ):
        (output / left).parent.mkdir(parents=True, exist_ok=True)
        (output / left).write_bytes(b"half a page")
    done = subprocess.run(
        [sys.executable, "-m", "site_builder", "validate", "--root", str(root)],
        capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 1
    assert sorted(done.stdout.splitlines()) == [
        f"error: {left}: left by a build that was stopped: build the site again"
        for left in (
            ".index.html.99999.site-builder-tmp",
            "2020/03/.article-2.99999.site-builder-tmp",
        )
    ], done.stdout
    retitle(root, "Archive de presse")
    build_site(root)
    assert temporaries(output) == []
    build_site(root, output=tmp_path / "clean", use_cache=False)
    assert snapshot(output) == snapshot(tmp_path / "clean")


def test_a_changed_file_is_a_new_inode_and_an_unchanged_one_is_not_touched(tmp_path):
    """What no torn read needs: a changed file is renamed into place (a reader of the old one
    keeps reading it whole), and a file whose bytes did not change is not written at all."""
    root = archive(tmp_path / "site", "Archive")
    output = root / "output"
    build_site(root)
    edited, other = output / "2020/03/article-2/index.html", output / "2020/04/article-3/index.html"
    before = {page: page.stat() for page in (edited, other)}
    old = edited.read_bytes()
    with open(edited, "rb") as reader:  # a server that opened the page before the build
        path = root / "content/2020/03/article-2.md"
        path.write_text(path.read_text().replace("Texte.", "Autre texte.", 1))
        summary = build_site(root)
        assert reader.read() == old
    assert "Autre texte." in edited.read_text()
    assert "2020/03/article-2/index.html" in summary.report.changed
    assert edited.stat().st_ino != before[edited].st_ino
    assert (other.stat().st_ino, other.stat().st_mtime_ns) == (
        before[other].st_ino,
        before[other].st_mtime_ns,
    )


KILLED_BUILD = """
import os, sys
from pathlib import Path
from site_builder.build import build_site
from site_builder.output import transaction as write

real_create, calls = write._create_new, 0

def create_then_die(path, data):
    global calls
    calls += 1
    if calls == 30:
        os._exit(9)  # as a killed build: nothing is cleaned up
    real_create(path, data)

write._create_new = create_then_die
build_site(Path(sys.argv[1]))
"""


def test_temporary_files_of_a_killed_build_are_removed_even_when_nothing_changed_since(tmp_path):
    """A build killed while it wrote the new files leaves the old ones and its temporary files;
    the next build removes them, even one that finds its inputs as the last successful build
    left them (back to the old title) and would otherwise have nothing to do."""
    root = archive(tmp_path / "site", "Archive")
    output = root / "output"
    build_site(root)
    old = snapshot(output)
    settings = root / "site.yaml"
    text, stat = settings.read_bytes(), settings.stat()
    retitle(root, "Archive de presse")
    done = subprocess.run([sys.executable, "-c", KILLED_BUILD, str(root)], cwd=tmp_path)
    assert done.returncode == 9
    left = temporaries(output)
    assert len(left) > 1
    assert {
        p: data for p, data in snapshot(output).items() if transaction.TEMPORARY_SUFFIX not in p
    } == old

    settings.write_bytes(text)
    os.utime(settings, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    build_site(root)
    assert temporaries(output) == []
    assert snapshot(output) == old
