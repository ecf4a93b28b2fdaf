"""Render page plans to bytes with Jinja2 (autoescape on). Pure: the same plan gives the same
bytes. Templates come from the site's `templates/` folder or the package's defaults.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from site_builder import urls
from site_builder.config import SiteConfig
from site_builder.i18n import words
from site_builder.markup import RenderedBody, rewrite_markdown_links
from site_builder.plan import PagePlan
from site_builder.typography import typeset_html

STATIC_DIR = "static"


@dataclass(frozen=True)
class Asset:
    """A static file published under a name that carries its content hash."""

    source: str  # relative to the templates' static/ folder
    path: str  # output path, e.g. assets/style.3f2a9c1b.css
    data: bytes


def collect_assets(template_root: Path) -> tuple[Asset, ...]:
    static = template_root / STATIC_DIR
    assets = []
    if static.is_dir():
        for file in sorted(p for p in static.rglob("*") if p.is_file()):
            rel = file.relative_to(static).as_posix()
            data = file.read_bytes()
            digest = hashlib.sha256(data).hexdigest()[:10]
            stem, dot, ext = rel.rpartition(".")
            name = f"{stem}.{digest}.{ext}" if dot else f"{rel}.{digest}"
            assets.append(Asset(rel, urls.ASSETS + name, data))
    return tuple(assets)


def _template_class():
    """Compiled templates that write their output expressions (`{{ value }}`, autoescaped) with
    markupsafe's escaping, without wrapping each text in `Markup`: an output expression only
    writes its result out, into the page or into a buffer that becomes `Markup` as a whole.
    Building 2.5 million `Markup` objects was a tenth of rendering a 10,000-article site."""
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
    """One Jinja2 environment for the whole build."""

    def __init__(self, template_root: Path, config: SiteConfig, assets: tuple[Asset, ...]):
        self.template_root = template_root
        self.config = config
        self.links = urls.Links(config)
        self.asset_urls = {a.source: self.links.url(a.path) for a in assets}

    @cached_property
    def env(self):
        import jinja2

        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(self.template_root)),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            # Templates are read once per build: no stat of three templates for every page.
            auto_reload=False,
        )
        env.template_class = _template_class()
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
            asset=self.asset_urls.__getitem__,
        )
        return env

    def template_sources(self) -> dict[str, str]:
        """Template name → hash of its source, to fingerprint pages by what they use."""
        out = {}
        for file in sorted(self.template_root.glob("*.html")):
            out[file.name] = hashlib.sha256(file.read_bytes()).hexdigest()
        return out

    def render(self, plan: PagePlan, body: RenderedBody | None = None) -> bytes:
        template = self.env.get_template(plan.template)
        body_html = body.html if body is not None else ""
        if plan.context.get("body_links"):
            body_html = rewrite_markdown_links(body_html, dict(plan.context["body_links"]))
        html = template.render(title=plan.title, path=plan.path, body=body_html, **plan.context)
        # French or English typography on every text node, by the language around it.
        return typeset_html(html, self.config.language).encode("utf-8")
