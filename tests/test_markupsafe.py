"""The page renderer escapes output with markupsafe's private `_escape_inner` (it skips building a
`Markup` object for every value). A private function may change or vanish in any release: these
tests fail the day it does, so pyproject's markupsafe range moves only with them passing."""

from __future__ import annotations

import jinja2
import markupsafe
from hypothesis import given, settings
from hypothesis import strategies as st

from site_builder.render.renderer import _template_class

# Text with the characters markupsafe escapes, among any others.
TEXT = st.text(alphabet=st.sampled_from("&<>'\"") | st.characters())


class Tagged:
    """Neither a str nor HTML: rendered through str(), then escaped."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __str__(self) -> str:
        return f"<{self.text}>"


class StrSubclass(str):
    """A str whose type is not `str`: it takes the non-str path of the escaping."""


OTHERS = st.one_of(
    st.integers(),
    st.floats(allow_nan=True),
    st.none(),
    st.booleans(),
    TEXT.map(Tagged),
    TEXT.map(StrSubclass),
    st.lists(TEXT, max_size=3),
)


def _compile():
    env = jinja2.Environment(autoescape=True)
    env.template_class = _template_class()
    return env.from_string("{{ value }}")


# Compiled once, as the renderer does: an example renders, it does not compile.
TEMPLATE = _compile()


def render(value) -> str:
    return TEMPLATE.render(value=value)


def test_the_private_escape_function_exists():
    assert callable(getattr(markupsafe, "_escape_inner", None))


@settings(deadline=None)
@given(TEXT)
def test_it_escapes_text_exactly_as_the_public_escape(text):
    assert markupsafe._escape_inner(text) == str(markupsafe.escape(text))


@settings(deadline=None)
@given(TEXT)
def test_a_page_shows_text_as_markupsafe_escapes_it(text):
    assert render(text) == str(markupsafe.escape(text))


@settings(deadline=None)
@given(OTHERS)
def test_a_page_shows_other_values_as_markupsafe_escapes_them(value):
    assert render(value) == str(markupsafe.escape(value))


@settings(deadline=None)
@given(TEXT)
def test_html_is_written_as_it_is(text):
    assert render(markupsafe.Markup(text)) == text
