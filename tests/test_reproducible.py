"""The same commit gives the same bytes on any machine and any day.

Two cold builds of the sample archive, in separate processes that differ in everything a
machine or a day can differ in, must write identical trees: time zone (UTC-12 and UTC+14, so
the local date of "now" always differs between them), locale and text encoding (a C locale
with UTF-8 mode off makes Python's default encoding ASCII), hash seed, umask, user and home,
current directory, absolute paths of the site and of the output, the wall-clock second, and
SOURCE_DATE_EPOCH. File modes are not compared: static hosts ignore them.

SOURCE_DATE_EPOCH may only show where content gives no date: an empty feed.
"""

from __future__ import annotations

import difflib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from site_builder.config import SiteConfig
from site_builder.pages.views import Feed
from site_builder.render.feeds import render_feed
from support.sites import snapshot

REPO = Path(__file__).resolve().parents[1]
BASE_URL = "https://example.org/archive/"

MACHINE_A = {
    "TZ": "Etc/GMT+12",  # UTC-12
    "LANG": "C.UTF-8",
    "LC_ALL": "C.UTF-8",
    "PYTHONHASHSEED": "0",
    "USER": "alice",
    "LOGNAME": "alice",
}
MACHINE_B = {
    "TZ": "Pacific/Kiritimati",  # UTC+14
    "LANG": "C",
    "LC_ALL": "C",
    "PYTHONCOERCECLOCALE": "0",  # keep the C locale: Python's default encoding becomes ASCII
    "PYTHONUTF8": "0",
    "PYTHONHASHSEED": "4242",
    "USER": "bob",
    "LOGNAME": "bob",
    "SOURCE_DATE_EPOCH": "1700000000",
}


def copy_site(dest: Path) -> Path:
    """The sample site's inputs (content, settings; it uses the default templates) at `dest`."""
    dest.mkdir(parents=True)
    for part in ("content", "site.yaml"):
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, dest / part)
        else:
            shutil.copy(source, dest / part)
    return dest


def build_elsewhere(
    root: Path, output: Path, cwd: Path, env: dict[str, str], umask: str
) -> subprocess.CompletedProcess:
    """`site-builder build` in a fresh process with the environment of another machine."""
    cwd.mkdir(parents=True, exist_ok=True)
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("LC_", "PYTHON")) and k not in {"LANG", "TZ", "SOURCE_DATE_EPOCH"}
    }
    environment.update(env, HOME=str(cwd))
    command = [sys.executable, "-m", "site_builder", "build", "--root", str(root),
               "--output", str(output), "--base-url", BASE_URL]  # fmt: skip
    return subprocess.run(
        ["sh", "-c", f'umask {umask} && exec "$@"', "sh", *command],
        cwd=cwd, env=environment, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip


def differences(a: dict[str, bytes], b: dict[str, bytes]) -> list[str]:
    """Readable differences between two trees: missing files and a few diff lines each."""
    lines = [f"only in the first build: {p}" for p in sorted(a.keys() - b.keys())]
    lines += [f"only in the second build: {p}" for p in sorted(b.keys() - a.keys())]
    for path in sorted(p for p in a.keys() & b.keys() if a[p] != b[p]):
        try:
            diff = difflib.unified_diff(
                a[path].decode().splitlines(), b[path].decode().splitlines(), lineterm="", n=0
            )
            excerpt = [line[:160] for line in list(diff)[2:8]]
        except UnicodeDecodeError:
            excerpt = [f"(binary, {len(a[path])} and {len(b[path])} bytes)"]
        lines += [f"differs: {path}", *(f"    {line}" for line in excerpt)]
    return lines


def test_same_commit_same_bytes_on_two_machines(tmp_path):
    first = build_elsewhere(
        copy_site(tmp_path / "a" / "site"),
        tmp_path / "a" / "site" / "output",
        tmp_path / "a" / "cwd",
        MACHINE_A,
        "022",
    )
    assert first.returncode == 0, first.stderr
    time.sleep(1.0)  # another wall-clock second, whatever the build's speed
    second = build_elsewhere(
        copy_site(tmp_path / "b" / "elsewhere" / "deeper" / "archive-copy"),
        tmp_path / "b" / "published",
        tmp_path / "b" / "some" / "other" / "cwd",
        MACHINE_B,
        "077",
    )
    assert second.returncode == 0, second.stderr
    a = snapshot(tmp_path / "a" / "site" / "output")
    b = snapshot(tmp_path / "b" / "published")
    assert len(a) > 100
    problems = differences(a, b)
    assert not problems, "\n".join(problems)
    # Neither the site's absolute path nor the machine's user leaks into the pages.
    for data in a.values():
        assert str(tmp_path).encode() not in data


@pytest.mark.parametrize(
    ("epoch", "stamp"),
    [
        ("1700000000", "2023-11-14T22:13:20Z"),
        (None, "1970-01-01T00:00:00Z"),
        ("not a number", "1970-01-01T00:00:00Z"),
    ],
)
def test_an_empty_feed_is_dated_by_source_date_epoch(monkeypatch, epoch, stamp):
    """Where content gives no date (a feed without entries), the build's time is
    SOURCE_DATE_EPOCH, or the Unix epoch: never the clock."""
    if epoch is None:
        monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    else:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    feed = render_feed(Feed("feed.xml", "Archive", "", ()), SiteConfig()).decode()
    assert f"<updated>{stamp}</updated>" in feed


def test_an_archive_without_articles_differs_only_by_source_date_epoch(tmp_path):
    """Everything but the empty feed's <updated> is the same whatever SOURCE_DATE_EPOCH is."""
    outputs = {}
    for epoch in ("1700000000", "1800000000"):
        root = tmp_path / epoch
        draft = root / "content" / "2020" / "01" / "brouillon.md"
        draft.parent.mkdir(parents=True)
        draft.write_text(
            "---\ntitle: Brouillon\ndate: 2020-01\nsource: X\ncompanies: [A]\ndraft: true\n"
            "---\nTexte.\n",
            "utf-8",
        )
        result = build_elsewhere(
            root, root / "output", root / "cwd", {**MACHINE_A, "SOURCE_DATE_EPOCH": epoch}, "022"
        )
        assert result.returncode == 0, result.stderr
        outputs[epoch] = snapshot(root / "output")
    a, b = outputs.values()
    assert differences(a, b) == [
        "differs: feed.xml",
        "    @@ -7 +7 @@",
        "    -  <updated>2023-11-14T22:13:20Z</updated>",
        "    +  <updated>2027-01-15T08:00:00Z</updated>",
    ]
