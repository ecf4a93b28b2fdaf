"""The plain text of a body (what search indexes and excerpts show) is the same whichever way
it is read: the quick reading of sanitised HTML agrees with the full HTML parser."""

from hypothesis import given, settings
from hypothesis import strategies as st

from site_builder.content.markup import html_to_text, render_markdown, sanitised_text

# Pieces of Markdown and raw HTML an author may type, blanks and entities included.
PIECES = [
    "Mot", "l'été", "a & b", "x < y", "&amp;", "&eacute;", "&#39;", "\u00a0", "\u202f", " ",
    "  ", "\t", "\n", "\n\n", "\r\n", "*em*", "**gras**", "`code`", "# Titre", "- item",
    "1. un", "> cité", "| a | b |\n|---|---|\n| 1 | 2 |", "[lien](x.md)", "![img](a.png)",
    "<br>", "<br/>", "<hr/>", "<p>", "</p>", "<div title='a>b'>", "</div>", "<span>", "<!-- c -->",
    "<script>alert(1)</script>", "<b lang=en>", "```\nbloc\n```", "Terme\n: définition",
    "[^1]\n\n[^1]: note", "<pre>  a\n  b</pre>", "<P>", "<h2 id=x>", "<figure>", "\u2028",
]  # fmt: skip


@given(st.lists(st.sampled_from(PIECES), max_size=30).map("".join))
@settings(max_examples=400, deadline=None)
def test_sanitised_bodies_read_the_same_as_with_the_html_parser(source):
    body = render_markdown(source)
    assert body.text == html_to_text(body.html) == sanitised_text(body.html)


def test_paragraphs_are_separated_by_one_blank_line_and_blanks_are_collapsed():
    body = render_markdown("Un  premier\tparagraphe.\n\n\n<p>Deux</p>\n\n- trois\n- quatre")
    assert body.text == "Un premier paragraphe.\n\nDeux\n\ntrois\n\nquatre"


# Every inline and block syntax, and the characters each needs alone (a body holding one of them
# without its syntax still tries, and rejects, the pattern or processor).
SYNTAX = [
    "`", "\\", "[", "]", "(", ")", "<", ">", "&", "*", "_", "!", "^", ":", "@", "#", "=", "-",
    "+", ".", "|", "~", "\n", "\n\n", "  \n", "\t", "    ", "mot ", "1", "\\*", "\\[",
    "<https://e.fr>", "<a@b.fr>", "[a][r]", "[r]", "[r]: https://e.fr", "![i][r]", "![i]",
    "[^n]", "[^n]: note", "*a*", "_b_", "**c**", "__d__", "***e***", "`f`", "``g``", "&amp;",
    "&#233;", "<em>h</em>", "<!-- i -->", "[j](k.md)", "![l](m.png)", "*[HTML]: Hyper", "HTML",
    "{: .q}", "# p", "p\n===", "p\n---", "---", "***", "___", "1. n", "2. n", "- n", "* n",
    "+ n", "Terme\n: définition", "> o", "| a | b |\n|---|---|\n| 1 | 2 |", "    code",
    "<div>x</div>", "<div markdown=\"1\">*y*</div>", "```\nz\n```", "~~~\nw\n~~~", "[TOC]",
]  # fmt: skip


@given(st.lists(st.sampled_from(SYNTAX), max_size=25).map("".join))
@settings(max_examples=800, deadline=None)
def test_patterns_and_processors_left_out_for_a_body_change_nothing(source):
    """A body is parsed with only the inline patterns and block processors whose characters
    it holds: the HTML is exactly what all of them make."""
    from site_builder.content import markup

    md = markup._markdown()
    inline = md.treeprocessors["inline"]
    md.reset()
    inline.inlinePatterns, md.parser.blockprocessors = (
        markup._EVERY["inline"],
        markup._EVERY["block"],
    )
    every_one = md.convert(source)
    assert render_markdown(source, allow_raw_html=True).html == every_one
