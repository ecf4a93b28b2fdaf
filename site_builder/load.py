"""Read `content/`: every Markdown file becomes an `Article` or a list of located problems.

The loader is the only stage that reads the content folder. Parsing one file is a pure function
of its bytes and the settings, so results can be cached by content hash and computed in
parallel.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from site_builder.config import SiteConfig
from site_builder.dates import DateError, parse_date
from site_builder.frontmatter import FrontMatterError, split_front_matter
from site_builder.markup import RenderedBody, first_paragraph, render_markdown, shorten
from site_builder.model import Article, SourceRef
from site_builder.problems import Problem
from site_builder.registry import REGISTRY_FILE, CompanyRegistry, parse_registry
from site_builder.slugs import is_valid_slug, slugify

CONTENT_DIR = "content"
KNOWN_FIELDS = (
    "title", "date", "source", "companies", "tags", "lang", "summary", "url", "slug", "draft",
)  # fmt: skip
REQUIRED_FIELDS = ("title", "date", "source", "companies")
_LANG_RE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")


@dataclass(frozen=True)
class ParsedFile:
    """What one content file gave: an article and its rendered body, or problems."""

    article: Article | None
    body: RenderedBody | None
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class LoadResult:
    articles: tuple[Article, ...]
    registry: CompanyRegistry
    problems: tuple[Problem, ...]
    bodies: BodyStore = field(compare=False, repr=False)


class BodyStore:
    """Rendered article bodies by article path."""

    def __init__(self, bodies: dict[str, RenderedBody] | None = None):
        self._bodies = dict(bodies or {})

    def get(self, article: Article) -> RenderedBody:
        return self._bodies[article.path]

    def get_path(self, path: str) -> RenderedBody:
        return self._bodies[path]

    def __contains__(self, path: str) -> bool:
        return path in self._bodies


def content_files(root: Path) -> list[str]:
    """Every Markdown file under `root/content`, as sorted POSIX paths relative to `root`.

    Hidden files and folders (starting with `.`) are skipped.
    """
    base = root / CONTENT_DIR
    found = []
    for path in base.rglob("*.md"):
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if path.is_file():
            found.append(rel.as_posix())
    return sorted(found)


def parse_file(relpath: str, raw: bytes, config: SiteConfig) -> ParsedFile:
    """Validate one content file against the content contract. Never raises for bad content."""
    problems: list[Problem] = []

    def fail(line: int | None, fld: str | None, message: str) -> ParsedFile:
        return ParsedFile(None, None, (Problem(relpath, line, fld, message),))

    if raw.startswith(b"\xef\xbb\xbf"):
        return fail(1, None, "the file starts with a byte order mark (BOM): save it as UTF-8 "
                    "without BOM")  # fmt: skip
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return fail(line, None, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset "
                    f"{exc.start}): save the file as UTF-8")  # fmt: skip
    if "\r" in text:
        line = text[: text.index("\r")].count("\n") + 1
        return fail(line, None, "Windows (CRLF) or old Mac (CR) line ends: save the file with "
                    "Unix (LF) line ends")  # fmt: skip
    if "\x00" in text:
        return fail(text[: text.index("\x00")].count("\n") + 1, None, "the file contains a NUL "
                    "character")  # fmt: skip
    try:
        fm = split_front_matter(text)
    except FrontMatterError as exc:
        return fail(exc.line, None, str(exc))

    data, lines = fm.data, fm.lines

    def problem(fld: str | None, message: str) -> None:
        problems.append(Problem(relpath, lines.get(fld, 1) if fld else 1, fld, message))

    for key in data:
        if not isinstance(key, str) or key not in KNOWN_FIELDS:
            hint = difflib.get_close_matches(str(key), KNOWN_FIELDS, n=1, cutoff=0.6)
            extra = f"; did you mean '{hint[0]}'?" if hint else ""
            problems.append(
                Problem(relpath, lines.get(str(key), 1), str(key), f"unknown field{extra}")
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
        if isinstance(value, str) and _LANG_RE.match(value.strip()):
            lang = value.strip()
        else:
            problem("lang", f"{value!r} is not a language code such as fr, en or pt-BR")
    url = None
    if data.get("url") is not None:
        url = data["url"]
        if not _is_http_url(url):
            problem("url", f"{url!r} is not an absolute http(s) URL")
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
            problem("slug", f"{value!r} is not a slug: use lowercase ASCII letters, digits and -")
    summary = None
    if "summary" in data:
        summary = _text(data.get("summary"), "summary", problem)

    if problems or title is None or date is None or source is None or not companies:
        return ParsedFile(None, None, tuple(problems))
    if slug is None:
        slug = slugify(title)
        if not slug:
            problem("title", "the title gives an empty slug: add a 'slug' field")
            return ParsedFile(None, None, tuple(problems))

    body = render_markdown(fm.body, allow_raw_html=config.allow_raw_html)
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
    )
    return ParsedFile(article, body, ())


def _text(value, fld, problem) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        problem(fld, f"expected a text, got {_kind(value)}: put it in quotes")
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
            problem("source", f"unknown key {unknown[0]!r}: a source has 'name' and 'url'")
            return None
        name = value.get("name")
        if not isinstance(name, str) or not name.strip():
            problem("source", "a source needs a 'name' text")
            return None
        url = value.get("url")
        if url is not None and not _is_http_url(url):
            problem("source", f"{url!r} is not an absolute http(s) URL")
            return None
        return SourceRef(" ".join(name.split()), url)
    problem("source", f"expected a name or {{name: …, url: …}}, got {_kind(value)}")
    return None


def _names(value, fld, problem, required: bool) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        problem(fld, f"expected a list of names, got {_kind(value)}")
        return ()
    names: list[str] = []
    for item in value:
        if not isinstance(item, str) or not item.strip():
            problem(fld, f"every entry must be a non-empty text, got {item!r}")
            return ()
        name = " ".join(item.split())
        if name not in names:
            names.append(name)
    if required and not names:
        problem(fld, "needs at least one name")
    return tuple(names)


def _kind(value) -> str:
    return {bool: "true/false", int: "a number", float: "a number", list: "a list",
            dict: "a mapping"}.get(type(value), type(value).__name__)  # fmt: skip


def _is_http_url(value) -> bool:
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    return parts.scheme in {"http", "https"} and bool(parts.netloc)


def load_registry(root: Path) -> tuple[CompanyRegistry, list[Problem]]:
    path = root / REGISTRY_FILE
    if not path.exists():
        return CompanyRegistry(), []
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return CompanyRegistry(), [Problem(REGISTRY_FILE, None, None, "not valid UTF-8")]
    try:
        fm = split_front_matter("---\n" + text.replace("\r\n", "\n") + "\n---\n")
    except FrontMatterError as exc:
        line = exc.line - 1 if exc.line else None
        return CompanyRegistry(), [Problem(REGISTRY_FILE, line, None, str(exc))]
    lines = {k: v - 1 for k, v in fm.lines.items()}
    return parse_registry(fm.data, lines)


def load_site(
    root: Path, config: SiteConfig, drafts: bool = False, files: Iterable[str] | None = None
) -> LoadResult:
    """Load and validate every content file and the registry; collect every problem."""
    registry, problems = load_registry(root)
    articles: list[Article] = []
    bodies: dict[str, RenderedBody] = {}
    for relpath in files if files is not None else content_files(root):
        parsed = parse_file(relpath, (root / relpath).read_bytes(), config)
        problems.extend(parsed.problems)
        if parsed.article is not None and (drafts or not parsed.article.draft):
            articles.append(parsed.article)
            bodies[relpath] = parsed.body
    return LoadResult(tuple(articles), registry, tuple(sorted(problems)), BodyStore(bodies))
