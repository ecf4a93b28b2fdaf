"""One content file against the content contract: its bytes become an `Article` and its
rendered body, or the problems found, each with its line and field. A pure function of the
bytes and the settings, so `load.py` caches it by content hash and runs it in parallel.
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass

from site_builder.archive.slugs import is_valid_slug, slugify
from site_builder.config import LANGUAGE_CODE, SiteConfig, is_http_url
from site_builder.content.body_limits import body_limits
from site_builder.content.characters import cut, excerpt, first_forbidden, kind_of
from site_builder.content.dates import DateError, parse_date
from site_builder.content.frontmatter import FrontMatterError, split_front_matter
from site_builder.content.markup import (
    BodyTooDeep,
    RenderedBody,
    first_paragraph,
    markdown_links,
    render_markdown,
    shorten,
)
from site_builder.content.model import Article, SourceRef
from site_builder.content.textfile import NotUTF8, decode_text
from site_builder.problems import Problem

KNOWN_FIELDS = (
    "title", "date", "source", "companies", "tags", "lang", "summary", "url", "slug", "draft",
)  # fmt: skip
REQUIRED_FIELDS = ("title", "date", "source", "companies")


@dataclass(frozen=True)
class ParsedFile:
    """What one content file gave: an article and its rendered body, or problems."""

    article: Article | None
    body: RenderedBody | None
    problems: tuple[Problem, ...] = ()


def parse_file(relpath: str, raw: bytes, config: SiteConfig) -> ParsedFile:
    """Validate one content file against the content contract. Never raises for bad content."""
    problems: list[Problem] = []

    def fail(line: int | None, fld: str | None, message: str) -> ParsedFile:
        return ParsedFile(None, None, (Problem(relpath, line, fld, message),))

    try:
        # A byte order mark and CRLF or CR line ends read as the LF file would.
        text = decode_text(raw)
    except NotUTF8 as exc:
        return fail(exc.line, None, str(exc))
    try:
        fm = split_front_matter(text)
    except FrontMatterError as exc:
        return fail(exc.line, exc.field, str(exc))
    found = first_forbidden(fm.body)
    if found is not None:
        return fail(fm.body_line + found[0] - 1, "body", found[1])

    data, lines = fm.data, fm.lines

    def problem(fld: str | None, message: str) -> None:
        problems.append(Problem(relpath, lines.get(fld, 1) if fld else 1, fld, message))

    for key in data:
        if not isinstance(key, str) or key not in KNOWN_FIELDS:
            hint = difflib.get_close_matches(str(key), KNOWN_FIELDS, n=1, cutoff=0.6)
            extra = f"; did you mean '{hint[0]}'?" if hint else ""
            problems.append(
                Problem(relpath, lines.get(str(key), 1), cut(str(key)), f"unknown field{extra}")
            )
    for key in REQUIRED_FIELDS:
        if key not in data or data[key] is None:
            problems.append(Problem(relpath, 1, key, f"required field '{key}' is missing"))

    title = _text(data.get("title"), "title", problem)
    date = None
    if data.get("date") is not None:
        try:
            date = parse_date(data["date"], config.tz)
        except DateError as exc:
            problem("date", str(exc))
    source = _source(data.get("source"), problem)
    companies = _names(data.get("companies"), "companies", problem, required=True)
    tags = _names(data.get("tags"), "tags", problem, required=False) if "tags" in data else ()
    lang = config.language
    if "lang" in data:
        value = data["lang"]
        if isinstance(value, str) and LANGUAGE_CODE.match(value.strip()):
            lang = value.strip()
        else:
            problem("lang", f"{excerpt(value)} is not a language code such as fr, en or pt-BR")
    url = None
    if data.get("url") is not None:
        url = data["url"]
        if not is_http_url(url):
            problem("url", f"{excerpt(url)} is not an absolute http(s) URL")
            url = None
    draft = False
    if "draft" in data:
        if isinstance(data["draft"], bool):
            draft = data["draft"]
        else:
            problem("draft", "expected true or false")
    slug = None
    if "slug" in data:
        value = data["slug"]
        if isinstance(value, str) and is_valid_slug(value):
            slug = value
        else:
            shown = excerpt(value)
            problem("slug", f"{shown} is not a slug: use lowercase ASCII letters, digits and -")
    summary = None
    if "summary" in data:
        summary = _text(data.get("summary"), "summary", problem)

    for limit in body_limits(fm.body):
        problems.append(Problem(relpath, fm.body_line + limit.line - 1, "body", limit.message))
    if problems or title is None or date is None or source is None or not companies:
        return ParsedFile(None, None, tuple(problems))
    if slug is None:
        slug = slugify(title)
        if not slug:
            problem("title", "the title gives an empty slug: add a 'slug' field")
            return ParsedFile(None, None, tuple(problems))

    try:
        body = render_markdown(fm.body, allow_raw_html=config.allow_raw_html)
    except BodyTooDeep as exc:
        return fail(fm.body_line, "body", str(exc))
    if summary is None:
        summary = shorten(first_paragraph(body.text))
    article = Article(
        path=relpath,
        title=title,
        date=date,
        source=source,
        companies=companies,
        tags=tags,
        lang=lang,
        summary=summary,
        url=url,
        slug=slug,
        draft=draft,
        content_hash=hashlib.sha256(raw).hexdigest(),
        links=markdown_links(body.html),
    )
    return ParsedFile(article, body, ())


def _text(value, fld, problem) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        problem(fld, f"expected a text, got {kind_of(value)}: put it in quotes")
        return None
    value = " ".join(value.split())
    if not value:
        problem(fld, "must not be empty")
        return None
    return value


def _source(value, problem) -> SourceRef | None:
    if value is None:
        return None
    if isinstance(value, str):
        name = " ".join(value.split())
        if not name:
            problem("source", "must not be empty")
            return None
        return SourceRef(name)
    if isinstance(value, dict):
        unknown = [k for k in value if k not in {"name", "url"}]
        if unknown:
            problem("source", f"unknown key {excerpt(unknown[0])}: a source has 'name' and 'url'")
            return None
        name = value.get("name")
        if not isinstance(name, str) or not name.strip():
            problem("source", "a source needs a 'name' text")
            return None
        url = value.get("url")
        if url is not None and not is_http_url(url):
            problem("source", f"{excerpt(url)} is not an absolute http(s) URL")
            return None
        return SourceRef(" ".join(name.split()), url)
    problem("source", f"expected a name or {{name: …, url: …}}, got {kind_of(value)}")
    return None


def _names(value, fld, problem, required: bool) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        problem(fld, f"expected a list of names, got {kind_of(value)}")
        return ()
    names: list[str] = []
    for item in value:
        if not isinstance(item, str) or not item.strip():
            problem(fld, f"every entry must be a non-empty text, got {excerpt(item)}")
            return ()
        name = " ".join(item.split())
        if name not in names:
            names.append(name)
    if required and not names:
        problem(fld, "needs at least one name")
    return tuple(names)
