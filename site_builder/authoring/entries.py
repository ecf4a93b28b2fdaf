"""New content entries: the front matter an author would write, at the path the habit wants.

`new` and `import` both end here. An entry is written with an exclusive create, so an existing
file is never overwritten, and its front matter is read back through the loader's own YAML
before anything touches the disk, so what is written always loads.

An entry that lacks something the content contract requires (no source, no company) is still
written, as a draft, with `PLACEHOLDER` in the missing field: the file loads, `build --drafts`
and `serve` show it, and `check` reports the placeholder (a warning in a draft, an error once
`draft: true` is removed).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from site_builder.archive.slugs import slugify
from site_builder.config import SiteConfig
from site_builder.content.dates import ArticleDate, DateError, parse_date
from site_builder.content.frontmatter import YAMLError, parse_yaml
from site_builder.content.inputs import CONTENT_DIR
from site_builder.content.parse import parse_file

PLACEHOLDER = "À compléter"


class EntryError(Exception):
    """An entry that cannot be written; the message says why and names the path if known."""


@dataclass(frozen=True)
class Entry:
    """What goes into a new content file. `date` is kept as written (`2020`, `2020-10`, …)."""

    title: str
    date: str
    source: str
    companies: tuple[str, ...]
    lang: str
    body: str = ""
    draft: bool = False
    slug: str | None = None


def today(config: SiteConfig, now: dt.datetime | None = None) -> str:
    """Today's date (`YYYY-MM-DD`) in the site's time zone."""
    now = now or dt.datetime.now(dt.UTC)
    return now.astimezone(config.tz).date().isoformat()


def parse_entry_date(text: str, config: SiteConfig, origin: str = "--date:") -> ArticleDate:
    """A date as `new --date` accepts it: `YYYY`, `YYYY-MM`, `YYYY-MM-DD` or an ISO date-time,
    in the years the loader accepts. `origin` starts the message: what gave the date."""
    try:
        return parse_date(text, config.tz)
    except DateError as exc:
        raise EntryError(f"{origin} {exc}") from None


def entry_path(entry: Entry, config: SiteConfig, date_origin: str = "--date:") -> str:
    """`content/YYYY/MM/<slug>.md` (`content/YYYY/<slug>.md` for a year-only date)."""
    date = parse_entry_date(entry.date, config, date_origin)
    slug = entry.slug or slugify(entry.title)
    if not slug:
        raise EntryError(f"the title {entry.title!r} gives an empty file name: add letters")
    if date.month is None:
        return f"{CONTENT_DIR}/{date.year:04d}/{slug}.md"
    return f"{CONTENT_DIR}/{date.year:04d}/{date.month:02d}/{slug}.md"


def yaml_scalar(value: str, in_list: bool = False) -> str:
    """`value` as a YAML scalar that reads back as exactly `value`: plain when that is safe,
    double-quoted otherwise (a JSON string is a valid YAML double-quoted scalar)."""
    plain = value == value.strip() and "\n" not in value and "#" not in value
    if plain:
        probe = f"k: [{value}]" if in_list else f"k: {value}"
        try:
            loaded = parse_yaml(probe)
        except YAMLError:
            loaded = None
        expected = [value] if in_list else value
        if loaded == {"k": expected}:
            return value
    return json.dumps(value, ensure_ascii=False)


def render_entry(entry: Entry) -> str:
    """The whole file: front matter between `---` fences, then the body (may be empty)."""
    companies = ", ".join(yaml_scalar(c, in_list=True) for c in entry.companies)
    lines = [
        "---",
        f"title: {yaml_scalar(entry.title)}",
        f"date: {entry.date}",  # validated by entry_path: YAML reads it back as a date
        f"source: {yaml_scalar(entry.source)}",
        f"companies: [{companies}]",
        f"lang: {yaml_scalar(entry.lang)}",
    ]
    if entry.slug:
        lines.append(f"slug: {entry.slug}")
    if entry.draft:
        lines.append("draft: true")
    lines.append("---")
    body = entry.body.strip("\n")
    return "\n".join(lines) + "\n" + (body + "\n" if body else "")


def complete(
    title: str,
    date: str,
    source: str | None,
    companies: Sequence[str],
    lang: str,
    body: str = "",
    draft: bool = False,
) -> tuple[Entry, list[str]]:
    """An `Entry` with placeholders for a missing source or company, and the list of what is
    missing. An entry with a placeholder is always a draft."""
    missing = []
    if not source or not source.strip():
        missing.append("source")
        source = PLACEHOLDER
    names = tuple(dict.fromkeys(" ".join(c.split()) for c in companies if c.strip()))
    if not names:
        missing.append("companies")
        names = (PLACEHOLDER,)
    entry = Entry(
        title=" ".join(title.split()),
        date=date,
        source=" ".join(source.split()),
        companies=names,
        lang=lang,
        body=body,
        draft=draft or bool(missing),
    )
    return entry, missing


def create_entry(root: Path, entry: Entry, config: SiteConfig, date_origin: str = "--date:") -> str:
    """Write `entry` under `root/content/` and return its path relative to `root`.

    Never overwrites: an existing file raises `EntryError` naming it. The text is validated
    with the loader first, so a file is written only if it loads cleanly.
    """
    relpath = entry_path(entry, config, date_origin)
    text = render_entry(entry)
    parsed = parse_file(relpath, text.encode("utf-8"), config)
    if parsed.problems:
        raise EntryError("; ".join(str(p) for p in parsed.problems))
    target = root / relpath
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(target, "x", encoding="utf-8", newline="\n") as out:
            out.write(text)
    except FileExistsError:
        raise EntryError(f"{relpath} already exists: nothing was written") from None
    return relpath
