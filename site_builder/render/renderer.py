"""Render page plans to bytes with Jinja2 (autoescape on). Pure: the same plan gives the same
bytes. Templates and static files come from the site's `templates/` folder, and every one it
lacks from the package's defaults (see `templating`).
"""

from __future__ import annotations

import hashlib
import posixpath
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from site_builder.config import SiteConfig
from site_builder.content.markup import RenderedBody, rewrite_markdown_links
from site_builder.i18n import words
from site_builder.pages import urls
from site_builder.pages.views import PagePlan
from site_builder.problems import ContentErrors, Problem
from site_builder.render.html_typography import typeset_html
from site_builder.render.templates import (
    DEFAULT_PREFIX,
    STATIC_DIR,
    as_folders,
    template_files,
    template_loader,
    template_problem,
)

# A site's own style sheet: every page links it after the default one.
SITE_CSS = "site.css"


@dataclass(frozen=True)
class Asset:
    """A static file published under a name that carries its content hash."""

    source: str  # relative to the templates' static/ folder
    path: str  # output path, e.g. assets/style.3f2a9c1b.css
    data: bytes


def collect_assets(templates: Path | Sequence[Path]) -> tuple[Asset, ...]:
    """The static files of the template folders: a site's `templates/static/` adds files to
    the defaults' and replaces those of the same name.

    A JavaScript module's relative imports (`import … from "./search-index.js"`) are
    rewritten to the hashed names of the files they import, and its own name is the hash of
    the rewritten bytes: a module whose imports changed gets a new name too, so every file
    under `assets/` can be cached for ever."""
    found: dict[str, Path] = {}
    for folder in reversed(as_folders(templates)):
        static = folder / STATIC_DIR
        if static.is_dir():
            for file in static.rglob("*"):
                if file.is_file():
                    found[file.relative_to(static).as_posix()] = file
    assets: dict[str, Asset] = {}

    def publish(rel: str, importers: tuple[str, ...] = ()) -> Asset:
        done = assets.get(rel)
        if done is not None:
            return done
        if rel in importers:
            cycle = " → ".join((*importers[importers.index(rel) :], rel))
            why = "their hashed names cannot name each other"
            raise _asset_error(found[rel], f"JavaScript modules import each other ({cycle}): {why}")
        data = found[rel].read_bytes()
        if rel.endswith(MODULE_SUFFIXES):
            data = _rewrite_imports(rel, data, found, lambda dep: publish(dep, (*importers, rel)))
        digest = hashlib.sha256(data).hexdigest()[:10]
        stem, dot, ext = rel.rpartition(".")
        name = f"{stem}.{digest}.{ext}" if dot else f"{rel}.{digest}"
        assets[rel] = Asset(rel, urls.ASSETS + name, data)
        return assets[rel]

    return tuple(publish(rel) for rel in sorted(found))


MODULE_SUFFIXES = (".js", ".mjs")
# A static import or re-export at the start of a line: `import { a } from "./a.js";`,
# `import "./b.js";`, `export { c } from "../c.js";`. Only relative specifiers name files of
# static/; dynamic `import()` is not rewritten.
_IMPORT = re.compile(
    rb"""^(\s*(?:import|export)\b(?:[^;"'`]*?\bfrom)?\s*)(["'])(\.\.?/[^"'\s]+)\2""", re.M
)


def _rewrite_imports(rel: str, data: bytes, found: dict[str, Path], publish) -> bytes:
    """`data` (the module `rel` of static/) with its relative imports naming the published
    files: `./search-index.js` becomes `./search-index.3f2a9c1b0d.js`."""
    folder = posixpath.dirname(rel)

    def hashed(match: re.Match) -> bytes:
        specifier = match.group(3).decode()
        target = posixpath.normpath(posixpath.join(folder, specifier))
        if target not in found:
            missing = f"no file {STATIC_DIR}/{target} in templates/ nor among the default ones"
            raise _asset_error(found[rel], f"imports {specifier!r}: {missing}")
        published = publish(target).path.removeprefix(urls.ASSETS)
        relative = posixpath.relpath(published, folder or ".")
        relative = relative if relative.startswith("../") else "./" + relative
        return match.group(1) + match.group(2) + relative.encode() + match.group(2)

    return _IMPORT.sub(hashed, data)


def _asset_error(file: Path, message: str) -> ContentErrors:
    """A problem of a static file, named from its templates/ folder on."""
    parts = file.parts
    at = len(parts) - 1 - parts[::-1].index(STATIC_DIR) if STATIC_DIR in parts else len(parts) - 1
    return ContentErrors([Problem("/".join(("templates", *parts[at:])), None, None, message)])


def _template_class():
    """Compiled templates that write their output expressions (`{{ value }}`, autoescaped) with
    markupsafe's escaping, without wrapping each text in `Markup`: an output expression only
    writes its result out, into the page or into a buffer that becomes `Markup` as a whole.
    Building a `Markup` object for every output expression was a sizeable share of rendering
    a large site."""
    import jinja2
    from markupsafe import _escape_inner

    def escape_output(value) -> str:
        if type(value) is str:
            return _escape_inner(value)
        if hasattr(value, "__html__"):
            return value.__html__()
        return _escape_inner(str(value))

    class Template(jinja2.Template):
        @classmethod
        def _from_namespace(cls, environment, namespace, globals):
            namespace["escape"] = escape_output
            return super()._from_namespace(environment, namespace, globals)

    return Template


class Renderer:
    """One Jinja2 environment for the whole build. `templates` are the template folders, the
    site's own first (see `content.inputs.template_folders`); problems name files relative to
    `root`."""

    def __init__(
        self,
        templates: Path | Sequence[Path],
        config: SiteConfig,
        assets: tuple[Asset, ...],
        root: Path | None = None,
    ):
        self.folders = as_folders(templates)
        self.config = config
        self.root = root
        self.links = urls.Links(config)
        self.asset_urls = {a.source: self.links.url(a.path) for a in assets}

    @cached_property
    def env(self):
        import jinja2

        env = jinja2.Environment(
            loader=template_loader(self.folders),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            # Templates are read once per build: no stat of three templates for every page.
            auto_reload=False,
        )
        env.template_class = _template_class()

        def asset(name: str) -> str:
            found = self.asset_urls.get(name)
            if found is None:
                raise jinja2.TemplateRuntimeError(
                    f"asset({name!r}): no file {STATIC_DIR}/{name} in templates/ nor among "
                    "the default static files"
                )
            return found

        env.globals.update(
            site={
                "title": self.config.title,
                "description": self.config.description,
                "lang": self.config.language,
                "home": self.links.url(""),
                "companies": self.links.url(urls.COMPANIES),
                "sources": self.links.url(urls.SOURCES),
                "tags": self.links.url(urls.TAGS),
                "search": self.links.url(urls.SEARCH),
                "feed": self.links.url(urls.FEED),
                "base_path": self.links.base_path,
            },
            t=words(self.config.language),
            asset=asset,
            site_css=self.asset_urls.get(SITE_CSS),
        )
        return env

    def template_sources(self) -> dict[str, str]:
        """Template name → hash of its source, to fingerprint pages by what they use: the
        site's own and the defaults, since an override may extend the default it replaces."""
        out = {}
        last = len(self.folders) - 1
        for index, name, path in template_files(self.folders):
            key = f"{DEFAULT_PREFIX}/{name}" if index == last else name
            out[key] = hashlib.sha256(path.read_bytes()).hexdigest()
        return out

    def render(self, plan: PagePlan, body: RenderedBody | None = None) -> bytes:
        """The page's bytes. A template error raises ContentErrors naming the template's file
        and line."""
        try:
            template = self.env.get_template(plan.template)
            body_html = body.html if body is not None else ""
            if plan.context.get("body_links"):
                body_html = rewrite_markdown_links(body_html, dict(plan.context["body_links"]))
            html = template.render(title=plan.title, path=plan.path, body=body_html, **plan.context)
        except Exception as exc:
            problem = template_problem(exc, plan.template, self.root)
            if problem is None:
                raise
            raise ContentErrors([problem]) from None
        # French or English typography on every text node, by the language around it.
        return typeset_html(html, self.config.language).encode("utf-8")

    def compile_problems(self) -> list[Problem]:
        """Every template of the site and of the defaults compiled: the syntax errors and
        unknown filters, found without rendering a page."""
        problems = []
        last = len(self.folders) - 1
        for index, name, _ in template_files(self.folders):
            try:
                self.env.get_template(f"{DEFAULT_PREFIX}/{name}" if index == last else name)
            except Exception as exc:
                problem = template_problem(exc, name, self.root)
                if problem is None:
                    raise
                problems.append(problem)
        return problems


def template_problems(
    renderer: Renderer, plans: Iterable[PagePlan], bodies: Callable[[str], RenderedBody]
) -> list[Problem]:
    """What `check` reports of the templates: every template compiled, and `plans` (a page of
    each kind) rendered, which finds undefined variables and missing includes too."""
    problems = renderer.compile_problems()
    for plan in plans:
        try:
            renderer.render(plan, bodies(plan.body_of) if plan.body_of else None)
        except ContentErrors as errors:
            problems.extend(errors.problems)
    return list(dict.fromkeys(problems))


def sample_pages(paths: Iterable[str]) -> list[int]:
    """The index of the first page of each kind among page `paths` (the front page, an article,
    a company, a company's second page, a month…): what `check` renders to try the
    templates without rendering the whole site."""
    seen: dict[tuple[str, ...], int] = {}
    for index, path in enumerate(paths):
        parts = [p for p in path.split("/") if p]
        shape = tuple(
            "N" if p.isdigit() else p if i == 0 or p == "page" else "x" for i, p in enumerate(parts)
        )
        seen.setdefault(shape, index)
    return sorted(seen.values())
