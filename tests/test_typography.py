"""French typography on French text, English rules on English text, checked on rendered pages.

Conventions (see site_builder/render/html_typography.py): « guillemets » with U+00A0 inside, U+202F before
; ! ?, U+00A0 before :, and ’ for the apostrophe; English gets “ ” ‘ ’ and no added spaces.
"""

from html.parser import HTMLParser
from pathlib import Path

import pytest

from site_builder.render.html_typography import typeset_html
from site_builder.render.typography_rules import NBSP, NNBSP, typeset_text
from support.sites import article, build, write_site

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('Il a dit "bonjour".', f"Il a dit «{NBSP}bonjour{NBSP}»."),
        ("Quoi ? Vraiment !", f"Quoi{NNBSP}? Vraiment{NNBSP}!"),
        ("Quoi?! Non;", f"Quoi{NNBSP}?! Non{NNBSP};"),
        ("Trois points : un", f"Trois points{NBSP}: un"),
        ("Note: rien", f"Note{NBSP}: rien"),
        ("l'usine d'HPE", "l’usine d’HPE"),
        ("« déjà »", f"«{NBSP}déjà{NBSP}»"),
        ("«serré»", f"«{NBSP}serré{NBSP}»"),
        ("10:30, 3:2 et 1:1", "10:30, 3:2 et 1:1"),
        ("Voir https://ex.org/a?b=1:c !", f"Voir https://ex.org/a?b=1:c{NNBSP}!"),
        ("Écrire à qui@ex.org ?", f"Écrire à qui@ex.org{NNBSP}?"),
        ("? en tête", "? en tête"),
    ],
)
def test_french_rules_on_text(source, expected):
    assert typeset_text(source, "fr") == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('He said "hello": fine!', "He said “hello”: fine!"),
        ("It's the 'best' one?", "It’s the ‘best’ one?"),
    ],
)
def test_english_rules_on_text(source, expected):
    assert typeset_text(source, "en") == expected


def test_other_languages_are_left_as_written():
    assert typeset_text('Er sagte "ja" : gut !', "de") == 'Er sagte "ja" : gut !'


def test_quotes_pair_across_links_and_emphasis():
    page = '<p>Il dit "<a href="/x">le <em>meilleur</em></a>" et l\'<em>a</em> vu : "oui"</p>'
    assert typeset_html(page, "fr") == (
        f'<p>Il dit «{NBSP}<a href="/x">le <em>meilleur</em></a>{NBSP}» et l’<em>a</em> vu'
        f"{NBSP}: «{NBSP}oui{NBSP}»</p>"
    )


def test_code_urls_attributes_and_scripts_are_never_touched():
    page = (
        '<p title="l\'attr : ok ?"><a href="https://ex.org/?q=a:b">lien ?</a> '
        "<code>x = 'a' ; y ?</code> <kbd>Ctrl+A : ok</kbd></p>"
        '<pre>"brut" : rien</pre><script>if (a<b) { s = "x : y ?"; }</script>'
        '<style>a::after { content: "\' :"; }</style>'
    )
    out = typeset_html(page, "fr")
    assert '<p title="l\'attr : ok ?">' in out
    assert '<a href="https://ex.org/?q=a:b">lien\u202f?</a>' in out
    assert "<code>x = 'a' ; y ?</code>" in out
    assert "<kbd>Ctrl+A : ok</kbd>" in out
    assert '<pre>"brut" : rien</pre>' in out
    assert '<script>if (a<b) { s = "x : y ?"; }</script>' in out
    assert '<style>a::after { content: "\' :"; }</style>' in out


def test_language_follows_the_nearest_lang_attribute():
    page = (
        '<html lang="fr"><body><p>Dit : "oui"</p><article lang="en"><p>Said: "yes"</p>'
        '<p lang="fr">Mais : "non"</p></article><p>Fin !</p></body></html>'
    )
    out = typeset_html(page)
    assert f"Dit{NBSP}: «{NBSP}oui{NBSP}»" in out
    assert "Said: “yes”" in out
    assert f"Mais{NBSP}: «{NBSP}non{NBSP}»" in out
    assert f"Fin{NNBSP}!" in out


def test_entities_stay_escaped():
    out = typeset_html("<p>AT&amp;T &lt;b&gt; : &#34;x&#34;</p>", "fr")
    assert out == f"<p>AT&amp;T &lt;b&gt;{NBSP}: «{NBSP}x{NBSP}»</p>"


def test_a_page_without_anything_to_change_is_returned_as_is():
    page = '<p class="x">Rien <a href="/a?b">à</a> faire.</p>\n'
    assert typeset_html(page, "fr") is not None
    assert typeset_html(page, "fr") == page


# -- pages the scanner must read right ----------------------------------------------------------


def test_english_rules_end_where_the_english_element_ends():
    page = '<p lang="en">It\'s "fine": ok</p><p>C\'est "bien" : ok !</p>'
    assert typeset_html(page, "fr") == (
        f'<p lang="en">It’s “fine”: ok</p><p>C’est «{NBSP}bien{NBSP}»{NBSP}: ok{NNBSP}!</p>'
    )


def test_an_end_tag_that_closes_an_outer_element_also_ends_the_language_inside_it():
    page = "<div><span lang=\"en\">It's here</div> c'est ici !"
    assert typeset_html(page, "fr") == f'<div><span lang="en">It’s here</div> c’est ici{NNBSP}!'


def test_a_french_label_inside_an_english_list_item_keeps_french_rules():
    page = (
        '<ul><li lang="en"><a href="/a">HPE\'s plan</a> <span lang="fr">En commun : HPE</span>'
        '</li><li>Rachat : "HPE"</li></ul>'
    )
    assert typeset_html(page, "fr") == (
        f'<ul><li lang="en"><a href="/a">HPE’s plan</a> <span lang="fr">En commun{NBSP}: HPE</span>'
        f"</li><li>Rachat{NBSP}: «{NBSP}HPE{NBSP}»</li></ul>"
    )


def test_quotes_pair_across_inline_tags_in_an_english_block_and_after_it():
    page = (
        '<div lang="en"><p>He said "<em>yes</em>" to <a href="/x">it</a>.</p></div>'
        '<p>Il dit "<em>oui</em>".</p>'
    )
    assert typeset_html(page, "fr") == (
        '<div lang="en"><p>He said “<em>yes</em>” to <a href="/x">it</a>.</p></div>'
        f"<p>Il dit «{NBSP}<em>oui</em>{NBSP}».</p>"
    )


def test_a_quote_after_code_closes_and_a_guillemet_takes_its_space_before_a_link():
    page = '<p>Tapez "<code>ls</code>" puis : entrée, «<a href="/x">l\'usine</a> »</p>'
    assert typeset_html(page, "fr") == (
        f"<p>Tapez «{NBSP}<code>ls</code>{NBSP}» puis{NBSP}: entrée, "
        f'«{NBSP}<a href="/x">l’usine</a>{NBSP}»</p>'
    )


def test_a_guillemet_before_an_inline_tag_gets_the_same_space_however_it_was_typed():
    # Typed with a space, without one, or as a straight quote: the reader sees one layout.
    for typed in ("« <em>bonjour</em> »", "«<em>bonjour</em>»", '"<em>bonjour</em>"'):
        page = f"<p>Il a dit {typed} hier.</p>"
        assert typeset_html(page, "fr") == f"<p>Il a dit «{NBSP}<em>bonjour</em>{NBSP}» hier.</p>"


def test_lang_written_inside_another_attribute_is_not_the_language():
    page = '<p><a title="voir lang=en" href="/x">Il a dit "oui" : bien</a></p>'
    assert typeset_html(page, "fr") == (
        f'<p><a title="voir lang=en" href="/x">Il a dit «{NBSP}oui{NBSP}»{NBSP}: bien</a></p>'
    )
    # The attribute itself counts whatever its case or quoting.
    page = '<p><a LANG=en>He said "yes"</a></p>'
    assert typeset_html(page, "fr") == "<p><a LANG=en>He said “yes”</a></p>"


def test_a_greater_than_sign_in_an_attribute_value_does_not_end_the_tag():
    page = '<p><a title="a > b : c" href="/x?a=1">lien : ici</a> l\'autre</p>'
    assert typeset_html(page, "fr") == (
        f'<p><a title="a > b : c" href="/x?a=1">lien{NBSP}: ici</a> l’autre</p>'
    )


def test_the_title_is_typeset_but_scripts_and_comments_are_not():
    page = (
        '<head><title>L\'annonce : "prudence" ?</title><script>var s = "a : b ?";</script></head>'
        '<!-- <p lang="en"> "x" : y --><p>l\'usine : "x"</p>'
    )
    assert typeset_html(page, "fr") == (
        f"<head><title>L’annonce{NBSP}: «{NBSP}prudence{NBSP}»{NNBSP}?</title>"
        '<script>var s = "a : b ?";</script></head>'
        f'<!-- <p lang="en"> "x" : y --><p>l’usine{NBSP}: «{NBSP}x{NBSP}»</p>'
    )


def test_a_less_than_sign_in_text_is_text():
    assert typeset_html("<p>a < b : c</p>", "fr") == f"<p>a &lt; b{NBSP}: c</p>"


def test_tags_and_attributes_written_in_capitals():
    page = '<P LANG="EN">It\'s "ok"</P><p>C\'est "ok"</p><PRE>"brut" : rien</PRE>'
    assert typeset_html(page, "fr") == (
        f'<P LANG="EN">It’s “ok”</P><p>C’est «{NBSP}ok{NBSP}»</p><PRE>"brut" : rien</PRE>'
    )


# -- on rendered pages -------------------------------------------------------------------------

BODY = """Le PDG a dit "nous *restons* prudents" : voir [le "rapport" d'HPE](https://ex.org/r?a=1:b).

Pourquoi ? Parce que !

`code 'brut' : ici ?` et https://ex.org/x?y=1:z tel quel.

```
bloc "verbatim" : rien ?
```
"""

BODY_EN = """The CEO said "we *remain* careful": see [the "report"](https://ex.org/r).

It's done!
"""


class TextNodes(HTMLParser):
    """Text nodes of a page with their language and whether they are code."""

    SKIP = frozenset({"code", "pre", "kbd", "samp", "script", "style"})

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str | None]] = []
        self.nodes: list[tuple[str | None, bool, str]] = []

    def handle_starttag(self, tag, attrs):
        if tag in {"meta", "link", "br", "img", "input", "hr"}:
            return
        lang = dict(attrs).get("lang", self.stack[-1][1] if self.stack else None)
        self.stack.append((tag, lang))

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop()[0] != tag:
            pass

    def handle_data(self, data):
        if self.stack and data.strip():
            code = any(t in self.SKIP for t, _ in self.stack)
            self.nodes.append((self.stack[-1][1], code, data))


def text_nodes(page: str) -> list[tuple[str | None, bool, str]]:
    parser = TextNodes()
    parser.feed(page)
    return parser.nodes


@pytest.fixture(scope="module")
def typeset_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("typo")
    write_site(
        root,
        {
            "content/fr.md": article(title="'L''annonce : \"prudence\" ?'", body=BODY),
            "content/en.md": article(
                title="'HPE''s \"careful\" plan'", body=BODY_EN, lang="en", date="2020-10-06"
            ),
        },
    )
    assert build(root) == 0
    return root / "output"


def test_french_article_is_typeset_inside_links_and_emphasis(typeset_site):
    page = (typeset_site / "2020/10/lannonce-prudence/index.html").read_text("utf-8")
    assert f"<h1>L’annonce{NBSP}: «{NBSP}prudence{NBSP}»{NNBSP}?</h1>" in page
    assert f"«{NBSP}nous <em>restons</em> prudents{NBSP}»{NBSP}:" in page
    assert f">le «{NBSP}rapport{NBSP}» d’HPE</a>" in page
    assert 'href="https://ex.org/r?a=1:b"' in page
    assert f"Pourquoi{NNBSP}? Parce que{NNBSP}!" in page
    assert "<code>code 'brut' : ici ?</code>" in page
    assert "https://ex.org/x?y=1:z tel quel" in page
    assert 'bloc "verbatim" : rien ?' in page or "bloc &quot;verbatim&quot; : rien ?" in page


def test_english_article_keeps_english_rules(typeset_site):
    page = (typeset_site / "2020/10/hpes-careful-plan/index.html").read_text("utf-8")
    assert "<h1>HPE’s “careful” plan</h1>" in page
    assert "“we <em>remain</em> careful”: see" in page
    assert "It’s done!" in page
    assert NNBSP not in page.split('<div class="body">')[1].split("</div>")[0]


def test_the_authors_files_are_not_rewritten(typeset_site):
    source = (typeset_site.parent / "content/fr.md").read_text("utf-8")
    assert '"nous *restons* prudents" :' in source


def test_every_french_text_node_of_the_sample_follows_the_rules(tmp_path):
    out = tmp_path / "out"
    assert build(REPO, "--output", str(out)) == 0
    checked = 0
    for path in sorted(out.rglob("*.html")):
        for lang, code, text in text_nodes(path.read_text("utf-8")):
            if code:
                continue
            where = f"{path.relative_to(out)}: {text.strip()[:60]!r}"
            if (lang or "fr").startswith("fr"):
                checked += 1
                assert "'" not in text and '"' not in text, where
                for mark in ";!?":
                    assert f" {mark}" not in text, where
                assert " :" not in text, where
            else:
                assert NNBSP not in text and "«" not in text, where
    assert checked > 1000
