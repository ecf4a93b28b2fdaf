"""End to end: an author's folder becomes a complete site a reader can browse."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from support.sites import article, build, snapshot, write_site

REPO = Path(__file__).resolve().parent.parent
AWKWARD = Path(__file__).parent / "fixtures" / "awkward"


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sample") / "output"
    assert build(REPO, "--output", str(out)) == 0
    return out


@pytest.fixture(scope="module")
def awkward(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("awkward") / "output"
    assert build(AWKWARD, "--output", str(out)) == 0
    return out


def read(out: Path, path: str) -> str:
    return (out / path).read_text("utf-8")


def test_the_story_that_started_the_archive_has_its_page(sample):
    page = read(sample, "2020/10/hpe-supprime-au-moins-500-postes-aux-etats-unis/index.html")
    assert "<h1>HPE supprime au moins 500 postes aux États-Unis</h1>" in page
    assert '<time datetime="2020-10">octobre 2020</time>' in page
    assert '<a href="/sources/block-and-files/">Block &amp; Files</a>' in page
    assert '<a href="/companies/hewlett-packard-enterprise/">Hewlett Packard Enterprise</a>' in page
    assert 'rel="prev"' in page and 'rel="next"' in page


def test_aliases_meet_on_one_company_page(sample):
    page = read(sample, "companies/hewlett-packard-enterprise/index.html")
    # Written as "HPE" in some entries and "Hewlett Packard Enterprise" in others.
    assert "HPE supprime au moins 500 postes" in page
    assert "Juniper" in page
    assert "https://www.hpe.com" in page
    assert not (sample / "companies/hpe").exists()


def test_every_kind_of_page_exists(sample):
    for path in [
        "index.html",
        "page/1/index.html",
        "companies/index.html",
        "sources/index.html",
        "tags/index.html",
        "sources/block-and-files/index.html",
        "2020/index.html",
        "2020/10/index.html",
        "404.html",
        "sitemap.xml",
        "robots.txt",
        "feed.xml",
        "companies/hewlett-packard-enterprise/feed.xml",
        "sources/block-and-files/feed.xml",
        "search/index.html",
    ]:
        assert (sample / path).is_file(), path
    assert "Sitemap: https://archive.example.org/sitemap.xml" in read(sample, "robots.txt")


def test_feeds_are_announced_on_their_pages(sample):
    page = read(sample, "companies/hewlett-packard-enterprise/index.html")
    assert (
        '<link rel="alternate" type="application/atom+xml" '
        'href="/companies/hewlett-packard-enterprise/feed.xml"' in page
    )
    assert '<link rel="alternate" type="application/atom+xml" href="/feed.xml"' in page


def test_the_front_page_is_paginated_with_stable_older_pages(tmp_path):
    files = {f"content/a{i:02d}.md": article(title=f"Article {i}", date=f"2020-01-{i + 1:02d}")
             for i in range(5)}  # fmt: skip
    write_site(tmp_path, {"site.yaml": "per_page: 2\n", **files})
    assert build(tmp_path) == 0
    out = tmp_path / "output"
    front = read(out, "index.html")
    assert "Article 4" in front and "Article 3" in front and "Article 2" not in front
    # Page 1 holds the two oldest articles, page 3 the newest one.
    assert "Article 0" in read(out, "page/1/index.html")
    assert "Article 1" in read(out, "page/1/index.html")
    assert "Article 4" in read(out, "page/3/index.html")
    assert 'href="/page/2/">Articles plus anciens' in front
    page1 = (out / "page/1/index.html").read_bytes()

    write_site(tmp_path, {"content/new.md": article(title="Nouveau", date="2020-02-01")})
    assert build(tmp_path) == 0
    assert (out / "page/1/index.html").read_bytes() == page1, "older pages do not move"
    assert "Nouveau" in read(out, "index.html")


def test_awkward_names_are_escaped_everywhere(awkward):
    page = read(awkward, "2020/10/script-title/index.html")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    # The source name is escaped; its apostrophe is typeset (’) in the text of the page.
    assert "L’Écho &amp; &lt;Cie&gt;" in page
    assert "<Cie>" not in page
    assert "Procter &amp; Gamble" in page
    feed = read(awkward, "feed.xml")
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>" in feed
    for path, data in snapshot(awkward).items():
        if path.endswith((".html", ".xml")):
            assert b"<script>alert" not in data, path
            assert b"onclick" not in data, path


@given(st.text(alphabet="a&<>\"'\n\r\t\u00e9 ]", max_size=20))
def test_feed_text_and_attributes_are_escaped_as_the_xml_library_does(text):
    from xml.sax.saxutils import escape, quoteattr

    from site_builder.render import xmltext

    assert xmltext.escape(text) == escape(text)
    assert xmltext.quoteattr(text) == quoteattr(text)


def test_raw_html_in_bodies_is_sanitised_by_default(awkward, tmp_path):
    page = read(awkward, "2020/10/script-title/index.html")
    assert "<b>HTML brut</b>" in page
    assert "alert(3)" not in page and "alert(2)" not in page


def test_a_trusted_archive_may_allow_raw_html(tmp_path):
    body = (
        'Un <span class="x" data-y="1">passage</span> <iframe src="https://example.org/"></iframe>'
    )
    write_site(tmp_path, {"site.yaml": "allow_raw_html: true\n",
                          "content/a.md": article(body=body)})  # fmt: skip
    assert build(tmp_path) == 0
    page = read(tmp_path / "output", "2020/10/un-article/index.html")
    assert '<span class="x" data-y="1">passage</span>' in page
    assert '<iframe src="https://example.org/"></iframe>' in page


def test_an_english_article_in_a_french_site_carries_its_own_lang(awkward):
    page = read(awkward, "2019/p-and-gs-quarter-in-review/index.html")
    assert '<html lang="fr">' in page
    assert '<article class="article" lang="en">' in page
    assert '<time datetime="2019">2019</time>' in page
    assert 'href="https://www.theregister.com/" rel="external">Read the original' not in page


def test_month_only_dates_are_never_given_an_invented_day(awkward):
    page = read(awkward, "2020/10/hpe-supprime-au-moins-500-postes-aux-etats-unis/index.html")
    # The article's own header (related articles further down may be dated 1 October).
    start = page.index('<article class="article"')
    header = page[start : page.index("</header>", start)]
    assert '<time datetime="2020-10">octobre 2020</time>' in header
    assert "1er octobre 2020" not in header
    first = read(
        awkward,
        "2020/10/hewlett-packard-enterprise-pousse-greenlake-chez-les-revendeurs/index.html",
    )
    assert "1er octobre 2020" in first


def test_drafts_are_built_only_on_request(tmp_path):
    write_site(tmp_path, {"content/a.md": article(), "content/b.md": article(title="Brouillon",
               draft="true")})  # fmt: skip
    assert build(tmp_path) == 0
    assert not (tmp_path / "output/2020/10/brouillon").exists()
    assert build(tmp_path, "--drafts") == 0
    assert (tmp_path / "output/2020/10/brouillon/index.html").exists()


def test_a_site_under_a_subpath_links_everything_under_it(awkward):
    page = read(awkward, "companies/procter-and-gamble/index.html")
    assert 'href="/archive/2019/p-and-gs-quarter-in-review/"' in page
    assert 'href="/archive/assets/style.' in page
    assert "https://example.org/archive/sitemap.xml" in read(awkward, "robots.txt")
    assert "<loc>https://example.org/archive/</loc>" in read(awkward, "sitemap.xml")


def test_base_url_on_the_command_line_wins(tmp_path):
    write_site(tmp_path, {"site.yaml": "base_url: https://a.example/\n", "content/a.md": article()})
    assert build(tmp_path, "--base-url", "https://b.example/sub") == 0
    page = read(tmp_path / "output", "index.html")
    assert 'href="/sub/2020/10/un-article/"' in page
    assert '<link rel="canonical" href="https://b.example/sub/">' in page


def test_a_root_with_only_content_builds_with_default_templates(tmp_path):
    write_site(tmp_path, {"content/a.md": article()})
    assert build(tmp_path) == 0
    assert (tmp_path / "output/index.html").exists()
    assert any((tmp_path / "output/assets").glob("style.*.css"))


def test_the_same_input_gives_byte_identical_output(tmp_path):
    outputs = []
    for n, seed in enumerate(["1", "2"]):
        out = tmp_path / f"out{n}"
        env = {**os.environ, "PYTHONHASHSEED": seed, "TZ": ["UTC", "Asia/Tokyo"][n]}
        subprocess.run(
            [sys.executable, "-m", "site_builder", "build", "--root", str(AWKWARD), "--output",
             str(out)], check=True, env=env, cwd=REPO, capture_output=True,
        )  # fmt: skip
        outputs.append(snapshot(out))
    assert outputs[0] == outputs[1]


def test_pages_of_deleted_articles_disappear(tmp_path):
    write_site(tmp_path, {"content/a.md": article(title="Reste"),
                          "content/b.md": article(title="Part", companies="[Partie]")})  # fmt: skip
    assert build(tmp_path) == 0
    out = tmp_path / "output"
    assert (out / "2020/10/part/index.html").exists()
    (tmp_path / "content/b.md").unlink()
    assert build(tmp_path) == 0
    assert not (out / "2020/10/part").exists()
    assert not (out / "companies/partie").exists()
    assert "Part" not in read(out, "index.html")


def test_unchanged_files_are_not_rewritten(tmp_path):
    write_site(tmp_path, {"content/a.md": article(title="Un"), "content/b.md": article(title="Deux",
               date="2019-01-01", companies="[Autre]")})  # fmt: skip
    assert build(tmp_path) == 0
    out = tmp_path / "output"
    untouched = out / "companies/autre/index.html"
    stamp = untouched.stat().st_mtime_ns
    write_site(tmp_path, {"content/a.md": article(title="Un", body="Texte modifié.")})
    assert build(tmp_path) == 0
    assert untouched.stat().st_mtime_ns == stamp
    assert "Texte modifié." in read(out, "2020/10/un/index.html")


def test_the_build_ends_with_one_summary_line(tmp_path, capsys):
    write_site(tmp_path, {"content/a.md": article()})
    assert build(tmp_path) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("1 article, 1") and lines[0].endswith(" s")


def test_links_to_other_markdown_files_lead_to_their_pages(tmp_path):
    # The link to no article is in a draft (in a published article the build refuses it, as
    # `check` does): built with --drafts, it stays as written, and the build warns about it.
    write_site(tmp_path, {
        "content/2020/10/a.md": article(title="Premier", body="Voir [la suite](../11/b.md#detail) et [ailleurs](nulle-part.md).", draft="true"),
        "content/2020/11/b.md": article(title="Suite", date="2020-11-02", body="## Détail\n\nTexte."),
    })  # fmt: skip
    assert build(tmp_path, "--drafts") == 0
    page = read(tmp_path / "output", "2020/10/premier/index.html")
    assert 'href="/2020/11/suite/#detail"' in page
    assert 'id="detail"' in read(tmp_path / "output", "2020/11/suite/index.html")
    # A link to no article stays as written, for `check` to report.
    assert 'href="nulle-part.md"' in page
