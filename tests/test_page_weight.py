"""Pages stay lean: under 50 KB transferred (gzip, as hosts serve HTML), search shards aside,
for the sample and for a generated archive of a few thousand articles; and the work done for
related articles and "most covered" companies grows with the archive, not with its square."""

import gzip
import random
import time
from pathlib import Path

import pytest

from site_builder.archive.model import build_archive
from site_builder.archive.related import related_articles
from site_builder.config import SiteConfig
from site_builder.content.dates import ArticleDate
from site_builder.content.model import Article, SourceRef
from site_builder.content.registry import CompanyRegistry
from site_builder.pages.keys import plan_pages
from support.sites import build

REPO = Path(__file__).resolve().parent.parent
LIMIT = 50 * 1024


def weights(out: Path) -> dict[str, tuple[int, int]]:
    """Page → (bytes, gzip bytes) for every HTML page and the stylesheet."""
    found = {}
    for path in [*out.rglob("*.html"), *out.glob("assets/*.css")]:
        data = path.read_bytes()
        found[path.relative_to(out).as_posix()] = (len(data), len(gzip.compress(data, 6)))
    return found


def test_every_sample_page_weighs_under_50_kb(tmp_path):
    out = tmp_path / "out"
    assert build(REPO, "--output", str(out)) == 0
    found = weights(out)
    heavy = {p: w for p, w in found.items() if w[0] > LIMIT}
    assert not heavy, heavy
    # The front page with its chart: a few KB compressed, page and stylesheet together.
    css = next(w for p, w in found.items() if p.endswith(".css"))
    assert found["index.html"][1] + css[1] < 20 * 1024


def synthetic_articles(n: int, companies: int = 60, seed: int = 7) -> tuple[Article, ...]:
    rng = random.Random(seed)
    names = [f"Company {i:02d}" for i in range(companies)]
    weights_ = [1 / (i + 1) for i in range(companies)]  # a few companies in most stories
    articles = []
    for i in range(n):
        year, month, day = 2005 + i * 20 // n, rng.randint(1, 12), rng.randint(1, 28)
        picked = tuple(dict.fromkeys(rng.choices(names, weights_, k=rng.randint(1, 3))))
        articles.append(
            Article(
                path=f"content/{year}/{month:02d}/a{i}.md",
                title=f"Story {i} about {' & '.join(picked)}",
                date=ArticleDate(year, month, day),
                source=SourceRef(f"Source {i % 12}", f"https://s{i % 12}.example/"),
                companies=picked,
                tags=(f"tag{i % 40}",),
                lang="fr" if i % 3 else "en",
                summary="Un résumé de l’article, assez long pour ressembler à un vrai. " * 3,
                url=f"https://s{i % 12}.example/{i}",
                slug=f"story-{i}",
                draft=False,
                content_hash=str(i),
            )
        )
    return tuple(articles)


@pytest.fixture(scope="module")
def big_archive():
    config = SiteConfig(per_page=20)
    archive, problems = build_archive(synthetic_articles(6000), CompanyRegistry(), config)
    assert not problems
    return archive, config


def test_related_articles_scale_linearly(big_archive):
    archive, _ = big_archive
    started = time.perf_counter()
    related = related_articles(archive)
    seconds = time.perf_counter() - started
    assert len(related) == 6000
    assert all(len(r) == 5 for r in related.values())
    assert seconds < 10, f"{seconds:.1f} s for 6,000 articles"


def test_related_articles_prefer_more_and_rarer_companies_in_common(big_archive):
    archive, _ = big_archive
    related = related_articles(archive)
    for article in archive.articles[:200]:
        mine = set(archive.company_names[article.path])
        scores = [r.score for r in related[article.path]]
        assert scores == sorted(scores, reverse=True)
        for r in related[article.path]:
            assert set(r.shared) <= mine and r.shared


def test_pages_of_a_large_archive_stay_under_50_kb(big_archive, tmp_path):
    from site_builder.content.inputs import default_templates_dir
    from site_builder.render.renderer import Renderer, collect_assets

    archive, config = big_archive
    pages = {p.path: p for p in plan_pages(archive, config)}
    templates = default_templates_dir()
    renderer = Renderer(templates, config, collect_assets(templates))
    biggest = max(archive.companies, key=lambda t: len(t.articles))
    sample = ["", "companies/", "tags/", "2015/", "2015/06/", f"companies/{biggest.slug}/"]
    sample += [urls for urls in pages if urls.count("/") == 3][:5]  # articles
    for path in sample:
        data = renderer.render(pages[path])
        assert len(gzip.compress(data, 6)) < LIMIT, path
        assert len(data) < 2 * LIMIT, path
