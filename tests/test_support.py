"""Self-tests of tests/support: each helper must catch the problem it exists to catch."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest

from support.browser import run_axe
from support.crawl import crawl
from support.server import serve_directory
from support.vnu import validate_html

HEAD = '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>{extra}'


def page_html(title: str, body: str, extra: str = "") -> str:
    return HEAD.format(title=title, extra=extra) + f"</head><body>{body}</body></html>"


def write(root: Path, rel: str, text: str) -> None:
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture
def tiny_site(tmp_path: Path) -> Path:
    """A clean four-page site using every kind of reference the crawler follows."""
    site = tmp_path / "site"
    write(
        site,
        "index.html",
        page_html(
            "Home",
            '<nav id="top-nav"><a href="a/">A</a> <a href="#main">skip</a></nav>'
            '<main id="main"><a href="a/#section">A, section</a>'
            '<img src="img/logo.png" srcset="img/logo.png 1x, img/logo-2x.png 2x" alt="logo">'
            '<a href="mailto:desk@example.org">mail</a> <a href="https://example.org/x">out</a>'
            "</main>",
            '<link rel="stylesheet" href="style.css">'
            '<link rel="alternate" type="application/atom+xml" href="feed.xml">'
            '<script src="app.js"></script>',
        ),
    )
    write(site, "a/index.html", page_html("A", '<h2 id="section">S</h2><a href="../">home</a>'))
    write(site, "style.css", "body { color: black }")
    write(site, "app.js", "")
    write(site, "feed.xml", '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"/>')
    write(site, "img/logo.png", "png")
    write(site, "img/logo-2x.png", "png")
    return site


# --- server -------------------------------------------------------------------------------------


def test_prefix_server_serves_inside_and_404s_outside(tiny_site: Path) -> None:
    with serve_directory(tiny_site, prefix="/archive/") as base_url:
        root = base_url.removesuffix("archive/")
        assert base_url.endswith("/archive/")
        assert status_of(base_url) == 200
        assert status_of(base_url + "style.css") == 200
        assert status_of(root) == 404
        assert status_of(root + "style.css") == 404
        assert status_of(root + "index.html") == 404
        assert status_of(base_url + "missing.html") == 404


def test_server_gives_404_not_a_listing_for_folders_without_index(tmp_path: Path) -> None:
    write(tmp_path, "empty/readme.txt", "no index here")
    with serve_directory(tmp_path) as base_url:
        assert status_of(base_url + "empty/") == 404


# --- crawl --------------------------------------------------------------------------------------


def test_crawl_passes_a_clean_site(tiny_site: Path) -> None:
    with serve_directory(tiny_site) as base_url:
        report = crawl(base_url)
    assert report.problems() == []
    assert sorted(p.removeprefix(base_url) for p in report.pages) == ["", "a/"]
    fetched = {a.removeprefix(base_url) for a in report.assets}
    assert {"style.css", "feed.xml", "app.js", "img/logo.png", "img/logo-2x.png"} <= fetched


def test_crawl_reports_broken_links_and_missing_anchors(tiny_site: Path) -> None:
    write(
        tiny_site,
        "a/index.html",
        page_html(
            "A",
            '<h2 id="section">S</h2><a href="../missing/">gone</a>'
            '<a href="../#no-such-id">bad anchor</a><img src="/img/nope.png" alt="x">',
        ),
    )
    with serve_directory(tiny_site) as base_url:
        report = crawl(base_url)
    broken = {(b.url.removeprefix(base_url), b.status) for b in report.broken}
    assert broken == {("missing/", 404), ("img/nope.png", 404)}
    assert all(b.referrers == (base_url + "a/",) for b in report.broken)
    anchors = [(m.url, m.fragment, m.referrers) for m in report.missing_anchors]
    assert anchors == [(base_url, "no-such-id", (base_url + "a/",))]
    assert not report.ok
    assert len(report.problems()) == 3


def test_crawl_under_prefix_catches_links_that_forget_the_prefix(tiny_site: Path) -> None:
    write(tiny_site, "a/index.html", page_html("A", '<a href="/style.css">root-relative</a>'))
    with serve_directory(tiny_site, prefix="/archive/") as base_url:
        report = crawl(base_url)
    assert [
        (b.url.removeprefix(base_url.removesuffix("archive/")), b.status) for b in report.broken
    ] == [("style.css", 404)]


def test_crawl_counts_a_truncated_crawl_as_a_problem(tiny_site: Path) -> None:
    with serve_directory(tiny_site) as base_url:
        report = crawl(base_url, max_pages=1)
    assert report.truncated
    assert not report.ok


# --- vnu ----------------------------------------------------------------------------------------


@pytest.mark.slow
def test_vnu_reports_invalid_html_and_accepts_valid_html(tmp_path: Path) -> None:
    write(tmp_path, "good.html", page_html("Good", "<p>fine</p>"))
    write(tmp_path, "bad.html", page_html("Bad", "<p><div>block in p</div></p>"))
    bad = str(tmp_path / "bad.html")
    errors = validate_html([tmp_path / "good.html", bad])
    assert errors, "vnu found no error in bad.html"
    assert all(e.startswith(f"{bad}:1: ") for e in errors), errors
    assert any("“p” end tag" in e for e in errors), errors
    assert validate_html([tmp_path / "good.html"]) == []


@pytest.mark.slow
def test_vnu_reports_a_file_that_does_not_exist(tmp_path: Path) -> None:
    assert validate_html([tmp_path / "nope.html"]) == [f"{tmp_path / 'nope.html'}: file not found"]


# --- browser + axe ------------------------------------------------------------------------------


@pytest.mark.browser
def test_browser_loads_a_served_page_and_axe_flags_an_image_without_alt(
    page, tmp_path: Path
) -> None:
    write(
        tmp_path,
        "ok.html",
        page_html("Fine", '<main><h1>Fine</h1><img src="x.png" alt="x"></main>'),
    )
    write(
        tmp_path, "bad.html", page_html("No alt", '<main><h1>No alt</h1><img src="x.png"></main>')
    )
    write(tmp_path, "x.png", "")
    with serve_directory(tmp_path) as base_url:
        page.goto(base_url + "ok.html")
        assert page.title() == "Fine"
        assert [v["id"] for v in run_axe(page)] == []
        page.goto(base_url + "bad.html")
        assert page.locator("h1").inner_text() == "No alt"
        violations = run_axe(page)
    assert [v["id"] for v in violations] == ["image-alt"]
    assert violations[0]["nodes"][0]["target"] == ["img"]
