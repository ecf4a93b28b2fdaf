"""Rules on one article at a time: dates in the future, placeholders, empty bodies."""

from __future__ import annotations

from site_builder.authoring.entries import PLACEHOLDER
from site_builder.problems import Problem
from site_builder.rules.subject import WARNING, Subject, severity


def check_dates(subject: Subject) -> list[Problem]:
    """A date whose period starts after `now` (in the site's time zone) is an error in a
    published article and a warning in a draft: news happened in the past."""
    config = subject.site.config
    tz = config.tz
    today = subject.now.astimezone(tz)
    problems = []
    for article in subject.judged:
        if article.date.start(tz) > today:
            problems.append(
                Problem(article.path, subject.sources.line_of(article.path, "date"), "date",
                        f"{article.date.iso()} is in the future (today is "
                        f"{today.date().isoformat()} in {config.timezone})", severity(article))
            )  # fmt: skip
    return problems


def check_placeholders(subject: Subject) -> list[Problem]:
    """`new` and `import` write `PLACEHOLDER` for what they could not decide: a warning while
    the article is a draft, an error once it would be published."""
    problems = []
    for article in subject.judged:
        fields = []
        if article.source.name == PLACEHOLDER:
            fields.append("source")
        if PLACEHOLDER in article.companies:
            fields.append("companies")
        for field in fields:
            state = "still a draft" if article.draft else "published"
            problems.append(
                Problem(article.path, subject.sources.line_of(article.path, field), field,
                        f"{PLACEHOLDER!r} is a placeholder to replace ({state})",
                        severity(article))
            )  # fmt: skip
    return problems


def check_empty_bodies(subject: Subject) -> list[Problem]:
    """An article with nothing after its front matter is published as a title alone: worth a
    look, never a failure (a short notice may be all there is)."""
    message = "the article has no text after its front matter (its page shows the title alone)"
    return [
        Problem(article.path, None, "body", message, WARNING)
        for article in subject.judged
        if subject.facts[article.path].empty
    ]
