"""OpenGraph and schema.org metadata: present on the pages, and safe whatever a title holds."""

import json
import re
from pathlib import Path

from site_builder.render.opengraph import news_article, script_json
from support.sites import article, build, write_site

AWKWARD = Path(__file__).parent / "fixtures" / "awkward"


def test_script_json_cannot_close_its_script():
    text = script_json({"headline": "</script><script>alert(1)</script> & <!--"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text)["headline"] == "</script><script>alert(1)</script> & <!--"


def test_news_article_keeps_the_date_s_precision():
    data = json.loads(
        news_article(
            headline="T",
            url="https://a.example/x/",
            date="2020-10",
            lang="fr",
            description="D",
            publisher=("Archive", "https://a.example/"),
            source=("Block & Files", "https://blocksandfiles.com"),
            original_url="https://blocksandfiles.com/x",
            about=(("HPE", "https://a.example/c/"),),
            keywords=("stockage",),
        )
    )
    assert data["@type"] == "NewsArticle" and data["datePublished"] == "2020-10"
    assert data["isBasedOn"]["publisher"]["name"] == "Block & Files"


def test_article_pages_carry_open_graph_and_json_ld(tmp_path):
    write_site(tmp_path, {"content/a.md": article(title="'</script> « x » & y'")})
    assert build(tmp_path) == 0
    page = next((tmp_path / "output/2020/10").glob("*/index.html")).read_text("utf-8")
    assert '<meta property="og:type" content="article">' in page
    assert '<meta property="article:published_time" content="2020-10-05">' in page
    assert '<meta property="og:title" content="&lt;/script&gt; « x » &amp; y">' in page
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert script and json.loads(script.group(1))["headline"] == "</script> « x » & y"
    assert page.count("</script>") == 1


def test_every_other_page_has_open_graph(tmp_path):
    assert build(AWKWARD, "--output", str(tmp_path / "o")) == 0
    for page in (tmp_path / "o").rglob("index.html"):
        text = page.read_text("utf-8")
        if "/search/" not in page.as_posix():
            assert 'property="og:url"' in text, page
