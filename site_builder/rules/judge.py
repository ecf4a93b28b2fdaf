"""The content rules as a build applies them to a planned site: what `check` would report,
with the bodies' facts kept in the build cache so an edit scans only the bodies it changed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from site_builder.problems import Problem

if TYPE_CHECKING:
    from site_builder.build import SitePlan
    from site_builder.output.cache import BuildCache


def judge_site(
    site: SitePlan,
    files: dict[str, tuple[int, int]],
    cache: BuildCache | None,
    last_page_paths: tuple[str, ...],
) -> list[Problem]:
    """What the content rules a build applies find in `site` (errors and warnings), as
    `check` reports them. The bodies' facts come from the build cache: an edit scans only the
    bodies that changed."""
    import datetime as dt
    from urllib.parse import urlsplit

    from site_builder.content.body_facts import facts_of
    from site_builder.rules import Subject, apply_rules

    config = site.config
    every = list(site.archive.articles) + list(site.drafts)
    facts = facts_of(
        every,
        site.loaded.bodies,
        urlsplit(config.base_url).netloc,
        config.allow_raw_html,
        cache.directory if cache is not None else None,
    )
    # Without pages, the frame is the last build's: so are its pages.
    pages = site.pages

    def page_paths():
        return last_page_paths if pages is None else (p.path for p in pages)

    subject = Subject(site, site.archive.articles, facts, files, page_paths,
                      dt.datetime.now(dt.UTC))  # fmt: skip
    return apply_rules(subject, build=True)
