"""A site changes its look with only the templates it changes: the defaults fill in the rest.
A mistake in a template is reported at its file and line, in `build`, `check` and the
preview, never as a traceback."""

from __future__ import annotations

import re
import shutil

import pytest

from site_builder.build import build_site
from site_builder.cli import main
from site_builder.content import inputs
from site_builder.output import produce
from site_builder.preview.server import PreviewBuild
from support.sites import article, build, snapshot, write_site

ARTICLE_PAGE = "2020/10/un-article/index.html"
SITE = {
    "content/2020/10/a.md": article(title="Un article", body="Le texte de l'article."),
    "content/2020/11/b.md": article(title="Un autre", date="2020-11-02"),
}


def page(root, path=ARTICLE_PAGE) -> str:
    return (root / "output" / path).read_text("utf-8")


def test_a_site_overriding_only_the_article_template_builds(tmp_path, capsys):
    write_site(tmp_path, {**SITE, "templates/article.html": (
        '{% extends "base.html" %}\n{% block main %}<p class="mine">{{ article.title }}</p>'
        "{{ body | safe }}{% endblock %}\n"
    )})  # fmt: skip
    assert build(tmp_path) == 0, capsys.readouterr().err
    html = page(tmp_path)
    assert '<p class="mine">Un article</p><p>Le texte de l’article.</p>' in html
    assert '<header class="site-header">' in html  # the default base around it
    assert 'class="mine"' not in page(tmp_path, "index.html")  # other pages: the defaults


def test_an_override_can_extend_the_default_it_replaces(tmp_path):
    write_site(tmp_path, {**SITE, "templates/article.html": (
        '{% extends "default/article.html" %}\n'
        '{% block main %}<p class="avant">Archives</p>\n{{ super() }}{% endblock %}\n'
    )})  # fmt: skip
    assert build(tmp_path) == 0
    html = page(tmp_path)
    assert '<p class="avant">Archives</p>' in html
    assert "<h1>Un article</h1>" in html  # the default article's content, kept


def test_a_site_base_frames_the_default_pages(tmp_path):
    write_site(tmp_path, {**SITE, "templates/base.html": (
        '{% extends "default/base.html" %}\n'
        '{% block head %}<meta name="edition" content="spéciale">{% endblock %}\n'
    )})  # fmt: skip
    assert build(tmp_path) == 0
    # Every page whose own template leaves the block alone (search.html fills it itself).
    for path in (ARTICLE_PAGE, "index.html", "companies/hpe/index.html", "2020/index.html"):
        assert '<meta name="edition" content="spéciale">' in page(tmp_path, path), path


def test_static_files_add_to_and_replace_the_defaults(tmp_path):
    write_site(tmp_path, {
        **SITE,
        "templates/static/site.css": ".article h1 { color: darkred; }\n",
        "templates/static/logo.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>\n",
        "templates/static/search.css": "/* the site's own search style */\n",
    })  # fmt: skip
    assert build(tmp_path) == 0
    assets = {p.name for p in (tmp_path / "output/assets").iterdir()}
    site_css = next(name for name in assets if name.startswith("site."))
    assert any(name.startswith("style.") for name in assets)  # the default style stays
    assert any(name.startswith("logo.") and name.endswith(".svg") for name in assets)
    search_css = next(name for name in assets if name.startswith("search.") and "css" in name)
    assert (tmp_path / "output/assets" / search_css).read_text() == (
        "/* the site's own search style */\n"
    )
    for path in (ARTICLE_PAGE, "index.html", "search/index.html"):
        links = re.findall(r'<link rel="stylesheet" href="([^"]+)">', page(tmp_path, path))
        assert links[:2] == [links[0], f"/assets/{site_css}"], path  # after the default one
        assert links[0].startswith("/assets/style.")


def test_without_a_site_css_pages_link_only_the_default_style(tmp_path):
    write_site(tmp_path, SITE)
    assert build(tmp_path) == 0
    links = re.findall(r'<link rel="stylesheet" href="([^"]+)">', page(tmp_path))
    assert len(links) == 1 and links[0].startswith("/assets/style.")


TEMPLATE_ERRORS = [
    ("{% extends \"base.html\" %}\n{% block main %}\n{% for x in article.companies %}\n"
     "{% endblock %}\n",
     "templates/article.html:4: Encountered unknown tag 'endblock'. You probably made a "
     "nesting mistake. Jinja is expecting this tag, but currently looking for 'endfor' or "
     "'else'. The innermost block that needs to be closed is 'for'."),
    ("{% extends \"base.html\" %}\n{% block main %}\n{{ article.title | shout }}\n"
     "{% endblock %}\n",
     "templates/article.html:3: No filter named 'shout'."),
    ("{% extends \"base.html\" %}\n{% block main %}\n\n<p>{{ auteur }}</p>\n{% endblock %}\n",
     "templates/article.html:4: 'auteur' is undefined"),
    ("{% extends \"base.html\" %}\n{% block main %}\n{% include \"encart.html\" %}\n"
     "{% endblock %}\n",
     "templates/article.html:3: no template 'encart.html' in templates/ nor among the default "
     "templates"),
    ("{% extends \"base.html\" %}\n{% block head %}\n"
     "<link rel=\"stylesheet\" href=\"{{ asset('maison.css') }}\">\n{% endblock %}\n",
     "templates/article.html:3: asset('maison.css'): no file static/maison.css in templates/ "
     "nor among the default static files"),
    ("{% extends \"article.html\" %}\n",
     "templates/article.html:1: this template extends or includes itself without end: to "
     "build on the default one of the same name, write {% extends \"default/article.html\" %}"),
]  # fmt: skip


@pytest.mark.parametrize(("template", "expected"), TEMPLATE_ERRORS)
def test_a_template_error_is_located_in_build_and_check(tmp_path, capsys, template, expected):
    write_site(tmp_path, SITE)
    assert build(tmp_path) == 0
    before = snapshot(tmp_path / "output")
    write_site(tmp_path, {"templates/article.html": template})
    capsys.readouterr()

    assert build(tmp_path) == 1
    out = capsys.readouterr()
    assert out.err == f"error: {expected}\n1 error in 1 file; nothing was written\n"
    assert snapshot(tmp_path / "output") == before

    assert main(["check", "--root", str(tmp_path)]) == 1
    out = capsys.readouterr()
    assert f"error: {expected}\n" in out.out
    assert "Traceback" not in out.out + out.err


def test_a_template_error_in_a_render_worker_is_located_too(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(produce, "PARALLEL_FROM", 1)
    write_site(tmp_path, {**SITE, "templates/article.html": TEMPLATE_ERRORS[2][0]})
    assert build(tmp_path) == 1
    err = capsys.readouterr().err
    assert err == f"error: {TEMPLATE_ERRORS[2][1]}\n1 error in 1 file; nothing was written\n"


def test_the_preview_shows_a_template_error_with_its_place(tmp_path):
    write_site(tmp_path, {**SITE, "templates/article.html": TEMPLATE_ERRORS[2][0]})
    preview = PreviewBuild(tmp_path, tmp_path / ".cache/preview", "http://127.0.0.1:8000/")
    state = preview.rebuild()
    preview.close()
    assert [(p.file, p.line, p.message) for p in state.problems] == [
        ("templates/article.html", 4, "'auteur' is undefined")
    ]
    assert '"file": "templates/article.html", "line": 4' in state.event()


def test_an_edit_of_an_override_or_of_a_default_renders_again(tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_BUILDER_VERIFY_KEYS", "1")
    defaults = tmp_path / "defaults"
    shutil.copytree(inputs.default_templates_dir(), defaults,
                    ignore=shutil.ignore_patterns("__init__.py", "__pycache__"))  # fmt: skip
    monkeypatch.setattr(inputs, "default_templates_dir", lambda: defaults)
    root = write_site(tmp_path / "site", {**SITE, "templates/article.html": (
        '{% extends "default/article.html" %}\n'
        '{% block main %}<p class="v">un</p>{{ super() }}{% endblock %}\n'
    )})  # fmt: skip

    def built() -> dict[str, bytes]:
        build_site(root)
        build_site(root, output=tmp_path / "clean", use_cache=False)
        assert snapshot(root / "output") == snapshot(tmp_path / "clean")
        return snapshot(root / "output")

    assert b'<p class="v">un</p>' in built()[ARTICLE_PAGE]
    override = root / "templates/article.html"
    override.write_text(override.read_text().replace(">un<", ">deux<"))
    assert b'<p class="v">deux</p>' in built()[ARTICLE_PAGE]
    # The default this override extends, and the default base of every page.
    default_article = defaults / "article.html"
    default_article.write_text(default_article.read_text().replace("<h1>", '<h1 class="t">'))
    assert b'<h1 class="t">Un article</h1>' in built()[ARTICLE_PAGE]
    default_base = defaults / "base.html"
    default_base.write_text(default_base.read_text().replace("<main ", '<main data-v="3" '))
    site = built()
    assert b'<main data-v="3" ' in site[ARTICLE_PAGE] and b'<main data-v="3" ' in site["index.html"]
