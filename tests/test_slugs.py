"""Slugs are transliterated ASCII, stable across machines."""

import pytest

from site_builder.archive.slugs import is_valid_slug, slugify


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("États-Unis", "etats-unis"),
        ("HPE supprime au moins 500 postes aux États-Unis", "hpe-supprime-au-moins-500-postes-aux-etats-unis"),
        ("L'Oréal", "loreal"),
        ("L’Oréal", "loreal"),
        ("Procter & Gamble", "procter-and-gamble"),
        ("<script>alert(1)</script>", "script-alert-1-script"),
        ("Œuvre naïve — «ça»", "oeuvre-naive-ca"),
        ("   ", ""),
    ],
)  # fmt: skip
def test_titles_become_ascii_slugs(text, slug):
    assert slugify(text) == slug


def test_long_titles_are_cut_at_a_word_boundary():
    slug = slugify("mot " * 40)
    assert len(slug) <= 80
    assert slug.endswith("mot")
    assert is_valid_slug(slug)


@pytest.mark.parametrize("slug", ["Upper", "a--b", "-a", "é", "a_b", ""])
def test_invalid_slugs_are_recognised(slug):
    assert not is_valid_slug(slug)
