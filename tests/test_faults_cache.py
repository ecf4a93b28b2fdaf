"""The build cache is a cache: whatever happens to it (a damaged, missing or foreign file, a
build killed half way, two builds at once), the next build succeeds and gives what a clean
build gives. And it stays where it belongs: `cache_dir` may not point into the site's
inputs, its output or outside the site."""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from test_serve import Preview, get, wait_until

from site_builder.build import build_site
from site_builder.cli import main
from site_builder.output.stages import STAGES
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
        # A file the build did not need (the body of an article whose pages were kept) is
        # found damaged by the next build that needs it: one warning in all.
        code, later = build(root), capsys.readouterr()[1]
        if code != 0 or len(warnings_of(err + later)) > 1:
            failures.append(f"{name}: the build after it failed or warned again\n{later}")
            continue
        if snapshot(root / "output") != clean_build(root):
            failures.append(f"{name}: the build after it differs from a clean build")
            continue
        code = main(["search", "Texte", "--root", str(root)])
        out, err = capsys.readouterr()
        if code != 0 or "results for" not in out:
            failures.append(f"{name}: search after the rebuild: exit {code} {err}")
    assert not failures, "\n".join(failures)


def test_search_on_a_damaged_index_says_to_build_again(built, capsys):
    root, pristine = built
    shutil.rmtree(root)
    shutil.copytree(pristine, root, symlinks=True)
    for segment in (root / ".cache/search/whoosh").glob("*.seg"):
        random_bytes(segment)
    code = main(["search", "Texte", "--root", str(root)])
    err = capsys.readouterr().err
    assert code == 1
    assert "Traceback" not in err
    assert "damaged" in err and "run `site-builder build" in err
    assert build(root) == 0
    assert main(["search", "Texte", "--root", str(root)]) == 0
    assert f"{ARTICLES} results for 'Texte'" in capsys.readouterr().out


def test_a_lock_file_that_is_a_folder_is_replaced(tmp_path, capsys):
    root = small_site(tmp_path / "site")
    (root / ".cache/lock").mkdir(parents=True)
    assert build(root) == 0
    assert (root / ".cache/lock").is_file()
    assert snapshot(root / "output") == clean_build(root)


# -- where the cache may be -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cache_dir", "words"),
    [
        (".", "is the site root"),
        ("..", "is outside the site root"),
        ("/tmp/elsewhere-cache", "is outside the site root"),
        ("content/../../x", "is outside the site root"),
        ("content", "is inside content/, templates/ or static/"),
        ("content/.cache", "is inside content/, templates/ or static/"),
        ("templates/cache", "is inside content/, templates/ or static/"),
        ("static", "is inside content/, templates/ or static/"),
        ("output", "is inside the output folder"),
        ("output/.cache", "is inside the output folder"),
        ("x/../output/c", "is inside the output folder"),
        ("link/cache", "is inside content/, templates/ or static/"),
        ("notes.txt", "is a file, not a folder"),
    ],
)
def test_a_cache_dir_outside_its_place_is_refused(tmp_path, capsys, cache_dir, words):
    """The build (and check) refuse it at its line in site.yaml, and write nothing."""
    root = small_site(tmp_path / "site")
    (root / "link").symlink_to(root / "content")
    (root / "notes.txt").write_text("mes notes\n")
    settings = root / "site.yaml"
    settings.write_text(settings.read_text() + f"cache_dir: '{cache_dir}'\n")
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    assert build(root) == 1
    err = capsys.readouterr().err
    assert f"site.yaml:3: [cache_dir] '{cache_dir}' {words}" in err, err
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before
    assert not Path("/tmp/elsewhere-cache").exists()
    assert main(["check", "--root", str(root)]) == 1
    assert f"site.yaml:3: [cache_dir] '{cache_dir}' {words}" in capsys.readouterr().out


def test_a_cache_dir_inside_the_site_is_used(tmp_path, capsys):
    root = small_site(tmp_path / "site")
    settings = root / "site.yaml"
    settings.write_text(settings.read_text() + "cache_dir: build/cache\n")
    assert build(root) == 0
    assert (root / "build/cache/state.pickle").is_file()
    assert not (root / ".cache").exists()


def test_a_build_into_an_output_folder_holding_the_cache_is_refused(tmp_path, capsys):
    root = small_site(tmp_path / "site")
    settings = root / "site.yaml"
    settings.write_text(settings.read_text() + "cache_dir: public/cache\n")
    assert build(root, "--output", str(root / "public")) == 1
    assert "site.yaml:3: [cache_dir] 'public/cache' is inside the output folder" in (
        capsys.readouterr().err
    )
    assert not (root / "public").exists()


# -- an edit the stats do not show ----------------------------------------------------------------

LONG_AGO = 1_600_000_000_000_000_000  # September 2020, in nanoseconds


def settle(root: Path) -> None:
    """Every content file saved long ago, as in an archive of old articles."""
    for path in (root / "content").rglob("*.md"):
        os.utime(path, ns=(LONG_AGO, LONG_AGO))


def same_size_edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert len(old.encode()) == len(new.encode()) and old in text
    path.write_text(text.replace(old, new), "utf-8")


def page_of(root: Path, n: int) -> str:
    return (root / f"output/2020/{n + 1:02d}/article-{n}/index.html").read_text("utf-8")


def test_an_edit_that_keeps_size_and_mtime_is_rebuilt(tmp_path, capsys):
    """`touch -r`: the author puts the old date back on a corrected file."""
    root = small_site(tmp_path / "site")
    settle(root)
    assert build(root) == 0
    path = root / "content/2020/04/article-3.md"
    same_size_edit(path, "Texte numéro 3.", "Texte numéro Z.")
    os.utime(path, ns=(LONG_AGO, LONG_AGO))
    assert build(root) == 0
    assert "Texte numéro Z." in page_of(root, 3)
    assert snapshot(root / "output") == clean_build(root)


def test_a_file_copied_over_with_its_times_is_rebuilt(tmp_path, capsys):
    """`cp -p` (or `rsync -t`, an archive extracted) of another version of the same size."""
    root = small_site(tmp_path / "site")
    settle(root)
    assert build(root) == 0
    path = root / "content/2020/04/article-3.md"
    other = tmp_path / "article-3.md"
    other.write_text(path.read_text("utf-8").replace("Texte numéro 3.", "Texte numéro R."))
    os.utime(other, ns=(LONG_AGO, LONG_AGO))
    shutil.copy2(other, path)
    assert path.stat().st_mtime_ns == LONG_AGO
    assert build(root) == 0
    assert "Texte numéro R." in page_of(root, 3)
    assert snapshot(root / "output") == clean_build(root)


def test_two_saves_of_one_size_in_one_timestamp_tick_are_both_built(tmp_path, capsys):
    """A file saved, built at once, then saved again with the same size and mtime (a coarse
    clock): the second version is built."""
    root = small_site(tmp_path / "site")
    assert build(root) == 0
    path = root / "content/2020/04/article-3.md"
    same_size_edit(path, "Texte numéro 3.", "Texte numéro A.")
    stamp = path.stat().st_mtime_ns
    assert build(root) == 0
    assert "Texte numéro A." in page_of(root, 3)
    same_size_edit(path, "Texte numéro A.", "Texte numéro B.")
    os.utime(path, ns=(stamp, stamp))
    assert build(root) == 0
    assert "Texte numéro B." in page_of(root, 3)
    assert snapshot(root / "output") == clean_build(root)


def test_a_settled_site_is_not_read_again(tmp_path, capsys):
    """What the stats do show still spares reading: a build that finds nothing changed
    writes nothing and reads no content file again."""
    root = small_site(tmp_path / "site")
    settle(root)
    assert build(root) == 0
    assert build(root) == 0
    capsys.readouterr()
    (root / "content/2020/04/article-3.md").chmod(0)  # unreadable: reading it would fail
    try:
        assert build(root) == 0
        assert "0 written, 0 removed" in capsys.readouterr().out
    finally:
        (root / "content/2020/04/article-3.md").chmod(0o644)


# -- two builds at once ---------------------------------------------------------------------------


def start_build(root: Path, **env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "site_builder", "build", "--root", str(root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **env},
    )


def test_a_second_build_waits_for_the_first_and_says_so(tmp_path):
    root = small_site(tmp_path / "site")
    (root / ".cache").mkdir()
    with open(root / ".cache/lock", "a+") as lock:  # a build of this site under way
        fcntl.flock(lock, fcntl.LOCK_EX)
        lock.write(f"{os.getpid()}\n")
        lock.flush()
        second = start_build(root)
        line = second.stderr.readline()
        assert line == f"waiting for another build of this site to finish (pid {os.getpid()})…\n"
        assert second.poll() is None and not (root / "output").exists()
    _, err = second.communicate(timeout=120)
    assert second.returncode == 0, err
    assert snapshot(root / "output") == clean_build(root)


def test_two_builds_started_at_once_both_end_with_the_clean_site(tmp_path):
    root = small_site(tmp_path / "site")
    assert build(root) == 0
    edit(root)
    builds = [start_build(root), start_build(root)]
    results = [b.communicate(timeout=300) for b in builds]
    assert [b.returncode for b in builds] == [0, 0], results
    assert all("Traceback" not in err for _, err in results)
    assert snapshot(root / "output") == clean_build(root)
    assert build(root) == 0


def test_a_build_run_while_the_preview_rebuilds_ends_with_the_clean_site(tmp_path):
    """`serve` in one terminal rebuilds after an edit while `build` runs in another: both
    take the site's lock in turn, neither fails, and output/ is the clean site."""
    root = small_site(tmp_path / "site")
    running = Preview(root)
    try:
        edit(root, 3, "Une phrase vue par la prévisualisation.")
        second = start_build(root)
        _, err = second.communicate(timeout=300)
        assert second.returncode == 0, err
        assert "Traceback" not in err
        page = running.url + "2020/04/article-3/"
        wait_until(lambda: "Une phrase vue par la prévisualisation." in get(page)[1],
                   timeout=120, what="the preview's rebuild")  # fmt: skip
    finally:
        assert running.stop() == 0
    assert "Traceback" not in "".join(running.err)
    assert snapshot(root / "output") == clean_build(root)


# -- a build killed -------------------------------------------------------------------------------


@pytest.mark.parametrize("stage", STAGES)
def test_a_build_killed_at_any_stage_is_followed_by_a_clean_one(tmp_path, capsys, stage):
    """A build killed (SIGKILL, nothing cleaned up) while it parses, renders, writes or
    indexes: the next build succeeds and gives what a clean build gives, and search works."""
    root = small_site(tmp_path / "site")
    assert build(root) == 0
    edit(root, 3, "Une phrase ajoutée.")
    (root / "content/2020/09/nouveau.md").parent.mkdir(parents=True, exist_ok=True)
    (root / "content/2020/09/nouveau.md").write_text(article(title="Nouveau", date="2020-09-09"))
    killed = start_build(root, SITE_BUILDER_TEST_STOP_AT=stage)
    killed.communicate(timeout=300)
    assert killed.returncode == -signal.SIGKILL
    capsys.readouterr()
    assert build(root) == 0
    assert len(warnings_of(capsys.readouterr().err)) <= 1
    assert snapshot(root / "output") == clean_build(root)
    assert main(["search", "ajoutée", "--root", str(root)]) == 0
    assert "1 result for 'ajoutée'" in capsys.readouterr().out
    assert build(root) == 0
    assert "0 written, 0 removed" in capsys.readouterr().out


def test_a_failure_the_cache_did_not_cause_keeps_the_cache(tmp_path, capsys, monkeypatch):
    """A build that fails from an empty cache too (a bug, not a damaged file) leaves the
    cache as it was: the next build, once it is fixed, is not a cold one."""
    from site_builder.render.renderer import Renderer

    root = small_site(tmp_path / "site")
    assert build(root) == 0
    edit(root)
    kept = snapshot(root / ".cache")

    def broken(self, page, body):
        raise RuntimeError("a bug in rendering")

    with monkeypatch.context() as patch:
        patch.setattr(Renderer, "render", broken)
        with pytest.raises(RuntimeError, match="a bug in rendering"):
            build_site(root)
    after = snapshot(root / ".cache")
    assert after.keys() == kept.keys()
    for name in ("state.pickle", "sources.pickle", "search/postings.sqlite"):
        assert after[name] == kept[name], name
    capsys.readouterr()
    assert build(root) == 0
    out, err = capsys.readouterr()
    assert not warnings_of(err)
    assert "1 article" not in out and snapshot(root / "output") == clean_build(root)


@pytest.mark.parametrize("name", [".cache/search", ".cache/search/whoosh", ".cache/templates"])
def test_a_cache_folder_replaced_by_a_file_is_rebuilt(built, capsys, name):
    root, pristine = built
    shutil.rmtree(root)
    shutil.copytree(pristine, root, symlinks=True)
    shutil.rmtree(root / name)
    (root / name).write_text("pas un dossier\n")
    edit(root)
    capsys.readouterr()
    assert build(root) == 0
    assert warnings_of(capsys.readouterr().err) == [
        f"warning: {name}: damaged, rebuilt from scratch"
    ]
    assert snapshot(root / "output") == clean_build(root)
    assert main(["search", "Texte", "--root", str(root)]) == 0


@pytest.mark.parametrize("name", ["state.pickle", "sources.pickle", "related.pickle"])
def test_a_cache_file_naming_classes_that_moved_is_rebuilt(built, capsys, name):
    """A file of this version whose values name a class no longer where it was (a foreign
    file, or one a local edit of the code left): left out with one warning."""
    import pickle

    from site_builder.output.cache import FORMAT, code_digest

    root, pristine = built
    shutil.rmtree(root)
    shutil.copytree(pristine, root, symlinks=True)
    header = pickle.dumps((FORMAT, code_digest()))
    (root / ".cache" / name).write_bytes(header + b"csite_builder.moved\nThing\n)R.")
    edit(root)
    capsys.readouterr()
    assert build(root) == 0
    assert warnings_of(capsys.readouterr().err) == [
        f"warning: .cache/{name}: damaged, rebuilt from scratch"
    ]
    assert snapshot(root / "output") == clean_build(root)
