"""Related articles: shared companies first, rarer companies weigh more, deterministic ties,
and a place for text similarity from the search index."""

from site_builder.archive.model import build_archive
from site_builder.archive.related import related_articles
from site_builder.config import SiteConfig
from site_builder.content.dates import ArticleDate
from site_builder.content.model import Article, SourceRef
from site_builder.content.registry import CompanyRegistry


def art(name: str, day: int, *companies: str) -> Article:
    return Article(
        path=f"content/{name}.md", title=name, date=ArticleDate(2020, 10, day),
        source=SourceRef("S"), companies=companies, tags=(), lang="fr", summary="", url=None,
        slug=name, draft=False, content_hash=name,
    )  # fmt: skip


def archive_of(*articles):
    archive, problems = build_archive(articles, CompanyRegistry(), SiteConfig())
    assert not problems
    return archive


def paths(related, name):
    return [
        r.path.removeprefix("content/").removesuffix(".md") for r in related[f"content/{name}.md"]
    ]


def test_more_companies_in_common_rank_first():
    archive = archive_of(
        art("me", 10, "HPE", "Juniper"),
        art("both", 1, "HPE", "Juniper"),
        art("one", 9, "HPE"),
        art("none", 11, "Apple"),
    )
    related = related_articles(archive)
    assert paths(related, "me") == ["both", "one"]
    assert related["content/me.md"][0].shared == ("HPE", "Juniper")


def test_a_rare_company_in_common_weighs_more_than_a_common_one():
    common = [art(f"c{i}", i + 1, "Big") for i in range(6)]
    archive = archive_of(art("me", 20, "Big", "Rare"), art("rare", 2, "Rare"), *common)
    assert paths(related_articles(archive), "me")[0] == "rare"


def test_ties_break_on_nearness_in_time_then_newer():
    archive = archive_of(
        art("me", 10, "X"), art("near", 9, "X"), art("far", 1, "X"), art("after", 11, "X")
    )
    assert paths(related_articles(archive), "me") == ["after", "near", "far"]


def test_text_similarity_plugs_in():
    archive = archive_of(art("me", 10, "X"), art("same-co", 1, "X"), art("same-text", 5, "Y"))

    def neighbours(path):
        return [("content/same-text.md", 3.0)] if path == "content/me.md" else []

    assert paths(related_articles(archive, text_neighbours=neighbours), "me") == [
        "same-text", "same-co",
    ]  # fmt: skip
    assert paths(related_articles(archive), "me") == ["same-co"]


def test_the_limit_and_the_window_bound_the_work():
    many = [art(f"a{i:02d}", (i % 28) + 1, "X") for i in range(60)]
    related = related_articles(archive_of(*many), limit=3, window=5)
    assert all(len(r) == 3 for r in related.values())
