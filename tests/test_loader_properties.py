"""Whatever an author types, the loader answers with an article or located problems: never a
traceback."""

import datetime as dt

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from site_builder.config import SiteConfig
from site_builder.content.characters import FORBIDDEN
from site_builder.content.parse import KNOWN_FIELDS, parse_file

CONFIG = SiteConfig()
PATH = "content/x.md"


def assert_answer(parsed):
    if parsed.article is None:
        assert parsed.problems, "a refused file always says why"
        for problem in parsed.problems:
            assert problem.file == PATH
            assert problem.line is None or problem.line >= 1
            assert problem.message.strip()
    else:
        assert not parsed.problems
        assert parsed.article.title and parsed.article.companies and parsed.article.slug


@given(st.binary(max_size=400))
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_arbitrary_bytes_never_raise(raw):
    assert_answer(parse_file(PATH, raw, CONFIG))


@given(st.text(max_size=300))
@settings(max_examples=300)
def test_arbitrary_text_after_a_fence_never_raises(text):
    assert_answer(parse_file(PATH, ("---\n" + text).encode("utf-8", "surrogatepass"), CONFIG))


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-10_000, 10_000),
    st.floats(allow_nan=False),
    st.text(max_size=30),
    st.dates(min_value=dt.date(1, 1, 1)),
    st.sampled_from(["2020", "2020-10", "2020-10-05", "2020-10-05T10:00:00+02:00", "no"]),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)
front_matter = st.dictionaries(
    st.sampled_from([*KNOWN_FIELDS, "compagnies", "auteur"]) | st.text(max_size=10),
    values,
    max_size=8,
)


@given(front_matter, st.text(max_size=200))
@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
def test_arbitrary_front_matter_gives_an_article_or_field_problems(data, body):
    text = "---\n" + yaml.safe_dump(data, allow_unicode=True) + "---\n" + body
    raw = text.encode("utf-8", "surrogatepass")
    parsed = parse_file(PATH, raw, CONFIG)
    assert_answer(parsed)
    if parsed.article is None and not any(
        "UTF-8" in p.message or "line ends" in p.message for p in parsed.problems
    ):
        # Problems about fields name the field; only whole-file problems may omit it.
        for problem in parsed.problems:
            assert (
                problem.field is not None
                or "YAML" in problem.message
                or "front matter" in problem.message
                or "NUL" in problem.message
            )


@given(
    title=st.text(min_size=1, max_size=40).filter(lambda t: t.strip()),
    # Characters XML forbids are refused at their line (see test_faults_input).
    companies=st.lists(
        st.text(min_size=1, max_size=15).filter(lambda t: t.strip() and not FORBIDDEN.search(t)),
        min_size=1,
        max_size=3,
    ),
)
@settings(max_examples=200)
def test_valid_front_matter_always_loads(title, companies):
    data = {"title": title, "date": "2020-10", "source": "S", "companies": companies}
    text = "---\n" + yaml.safe_dump(data, allow_unicode=True) + "---\nCorps.\n"
    parsed = parse_file(PATH, text.encode("utf-8", "surrogatepass"), CONFIG)
    if parsed.article is None:
        # Only titles with nothing to transliterate into a slug, or unusable characters, fail.
        assert {p.field for p in parsed.problems} <= {"title", None}, parsed.problems
    else:
        assert parsed.article.title == " ".join(title.split())
        assert parsed.article.date.iso() == "2020-10"
