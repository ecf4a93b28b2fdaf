"""Real judges look at the sample site: the Nu HTML checker, feedparser, and a crawler that
follows every link over HTTP, at the root and under a subpath."""

from pathlib import Path

import feedparser
import pytest

from support.crawl import crawl
from support.server import serve_directory
from support.sites import build
from support.vnu import validate_html

REPO = Path(__file__).resolve().parent.parent
AWKWARD = Path(__file__).parent / "fixtures" / "awkward"


@pytest.fixture(scope="module")
def sample_sites(tmp_path_factory):
    """The sample archive built at the root of a host, and under /archive/."""
    base = tmp_path_factory.mktemp("judged")
    root_out, sub_out = base / "root", base / "sub"
    assert build(REPO, "--output", str(root_out), "--base-url", "http://127.0.0.1/") == 0
    assert build(REPO, "--output", str(sub_out), "--base-url",
                 "https://example.org/archive/") == 0  # fmt: skip
    return root_out, sub_out


@pytest.mark.slow
def test_every_page_passes_the_nu_html_checker(sample_sites, tmp_path):
    awkward_out = tmp_path / "awkward"
    assert build(AWKWARD, "--output", str(awkward_out)) == 0
    pages = [*sample_sites[0].rglob("*.html"), *awkward_out.rglob("*.html")]
    assert len(pages) > 100
    errors = validate_html(pages)
    assert not errors, "\n".join(errors)


def test_every_feed_parses_cleanly(sample_sites):
    feeds = sorted(sample_sites[1].rglob("*.xml"))
    feeds = [f for f in feeds if "sitemap" not in f.name]
    assert len(feeds) > 20
    for path in feeds:
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, f"{path}: {parsed.get('bozo_exception')}"
        assert parsed.feed.title
        for entry in parsed.entries:
            assert entry.link.startswith("https://example.org/archive/")
            assert entry.title and entry.updated
    site = feedparser.parse((sample_sites[1] / "feed.xml").read_bytes())
    assert len(site.entries) == min(22, 50)
    assert site.entries[0].updated >= site.entries[-1].updated


@pytest.mark.slow
@pytest.mark.parametrize(("which", "prefix"), [(0, "/"), (1, "/archive/")])
def test_every_internal_link_and_asset_resolves(sample_sites, which, prefix):
    with serve_directory(sample_sites[which], prefix=prefix) as base_url:
        report = crawl(base_url)
    assert report.ok, "\n".join(report.problems())
    assert len(report.pages) > 100
    assert any(url.endswith(".css") for url in report.assets)
    assert any(url.endswith("feed.xml") for url in report.assets)


@pytest.mark.slow
def test_the_404_page_works_at_any_depth(sample_sites):
    page = (sample_sites[1] / "404.html").read_text("utf-8")
    assert 'href="/archive/assets/style.' in page
    assert 'href="/archive/"' in page
