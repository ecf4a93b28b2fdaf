"""A build removes every file it did not produce, even one put in `output/` by hand, without
walking the whole output folder: it looks into the folders that changed since last time."""

import os

from site_builder.build import build_site
from support.sites import article, snapshot, write_site


def settle(folder):
    """Date every file and folder a while back, as if the last build ran minutes ago."""
    for path in [folder, *folder.rglob("*")]:
        os.utime(path, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))


def edit(root, body):
    path = root / "content/a.md"
    path.write_text(article(title="A", body=body), "utf-8")
    os.utime(path, ns=(1_100_000_000_000_000_000, 1_100_000_000_000_000_000))


def test_files_and_folders_put_by_hand_are_removed(tmp_path):
    write_site(tmp_path, {"content/a.md": article(title="A"), "content/b.md": article(title="B")})
    build_site(tmp_path)
    out = tmp_path / "output"
    settle(out)
    build_site(tmp_path)  # records the settled folders
    (out / "stray.txt").write_text("x")
    (out / "2020/10/b/stray.txt").write_text("x")
    (out / "hand/made").mkdir(parents=True)
    (out / "hand/made/file.txt").write_text("x")
    (out / "empty").mkdir()
    edit(tmp_path, "Nouveau texte.")
    summary = build_site(tmp_path)
    assert {"stray.txt", "2020/10/b/stray.txt", "hand/made/file.txt"} <= set(summary.report.removed)
    assert not (out / "hand").exists() and not (out / "empty").exists()
    build_site(tmp_path, output=tmp_path / "clean", use_cache=False)
    assert snapshot(out) == snapshot(tmp_path / "clean")


def test_a_deleted_article_leaves_no_folder(tmp_path):
    write_site(tmp_path, {"content/a.md": article(title="A"), "content/b.md": article(title="B")})
    build_site(tmp_path)
    settle(tmp_path / "output")
    build_site(tmp_path)
    (tmp_path / "content/b.md").unlink()
    summary = build_site(tmp_path)
    assert "2020/10/b/index.html" in summary.report.removed
    assert not (tmp_path / "output/2020/10/b").exists()
    build_site(tmp_path, output=tmp_path / "clean", use_cache=False)
    assert snapshot(tmp_path / "output") == snapshot(tmp_path / "clean")


def test_a_changed_page_takes_the_old_ones_place_by_a_rename_never_through_a_link(tmp_path):
    """A rebuild writes a changed page beside the old file and renames it into place, so a
    server reading the old one never sees it torn; a deploy tool's hard-linked snapshot of
    `output/` and a file a symbolic link points to keep their bytes."""
    write_site(tmp_path, {"content/a.md": article(title="A"), "content/b.md": article(title="B")})
    build_site(tmp_path)
    out = tmp_path / "output"
    page_a, page_b = out / "2020/10/a/index.html", out / "2020/10/b/index.html"
    snapshot_a = tmp_path / "snapshot-a.html"
    os.link(page_a, snapshot_a)  # as `cp -al output snapshot` does
    elsewhere = tmp_path / "elsewhere.html"
    elsewhere.write_bytes(page_b.read_bytes())
    page_b.unlink()
    page_b.symlink_to(elsewhere)
    old_a, old_b = snapshot_a.read_bytes(), elsewhere.read_bytes()
    inode_of_feed = (out / "feed.xml").stat().st_ino

    edit(tmp_path, "Nouveau texte.")
    (tmp_path / "content/b.md").write_text(article(title="B", body="Autre texte."), "utf-8")
    summary = build_site(tmp_path)

    changed = set(summary.report.changed)
    assert {"2020/10/a/index.html", "2020/10/b/index.html", "feed.xml"} <= changed
    assert "Nouveau texte." in page_a.read_text("utf-8")
    assert "Autre texte." in page_b.read_text("utf-8") and not page_b.is_symlink()
    assert snapshot_a.read_bytes() == old_a and elsewhere.read_bytes() == old_b
    assert (out / "feed.xml").stat().st_ino != inode_of_feed, "the feed was written in place"
    assert not list(tmp_path.glob(".output*")), "no staging folder is left behind"
    build_site(tmp_path, output=tmp_path / "clean", use_cache=False)
    assert snapshot(out) == snapshot(tmp_path / "clean")


def test_a_folder_put_where_a_page_belongs_gives_way_to_the_page(tmp_path):
    write_site(tmp_path, {"content/a.md": article(title="A")})
    build_site(tmp_path)
    page = tmp_path / "output/2020/10/a/index.html"
    page.unlink()
    (page / "stray.txt").parent.mkdir()
    (page / "stray.txt").write_text("x")
    summary = build_site(tmp_path)
    assert "2020/10/a/index.html" in summary.report.added
    assert page.is_file() and "<h1" in page.read_text("utf-8")
    build_site(tmp_path, output=tmp_path / "clean", use_cache=False)
    assert snapshot(tmp_path / "output") == snapshot(tmp_path / "clean")
