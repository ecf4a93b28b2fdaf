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
