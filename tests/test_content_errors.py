"""An author's mistakes are all reported at once, with file, line and field, and never a
traceback; the previous site stays as it was."""

import pytest

from support.sites import article, build, snapshot, write_site


def build_errors(tmp_path, files, capsys) -> str:
    write_site(tmp_path, files)
    code = build(tmp_path)
    out = capsys.readouterr()
    assert code == 1, out
    assert "Traceback" not in out.err
    return out.err


def test_an_unknown_field_is_reported_with_the_nearest_known_name(tmp_path, capsys):
    text = "---\ntitle: T\ndate: 2020\nsource: S\ncompagnies: [HPE]\n---\n"
    err = build_errors(tmp_path, {"content/a.md": text}, capsys)
    assert "content/a.md:5: [compagnies] unknown field; did you mean 'companies'?" in err
    assert "content/a.md:1: [companies] required field 'companies' is missing" in err


@pytest.mark.parametrize(
    ("front", "expected"),
    [
        ("title: ''\ndate: 2020\nsource: S\ncompanies: X", "content/a.md:2: [title] must not be empty"),
        ("title: 1984\ndate: 2020\nsource: S\ncompanies: X", "content/a.md:2: [title] expected a text, got a number"),
        ("title: T\ndate: 2020-13\nsource: S\ncompanies: X", "content/a.md:3: [date] month 13 does not exist"),
        ("title: T\ndate: hier\nsource: S\ncompanies: X", "content/a.md:3: [date] 'hier' is not a date"),
        ("title: T\ndate: 2020\nsource: [S]\ncompanies: X", "content/a.md:4: [source] expected a name or {name: …, url: …}"),
        ("title: T\ndate: 2020\nsource: {name: S, url: nope}\ncompanies: X", "content/a.md:4: [source] 'nope' is not an absolute http(s) URL"),
        ("title: T\ndate: 2020\nsource: S\ncompanies: []", "content/a.md:5: [companies] needs at least one name"),
        ("title: T\ndate: 2020\nsource: S\ncompanies: [1]", "content/a.md:5: [companies] every entry must be a non-empty text"),
        ("title: T\ndate: 2020\nsource: S\ncompanies: X\nlang: français", "content/a.md:6: [lang] 'français' is not a language code"),
        ("title: T\ndate: 2020\nsource: S\ncompanies: X\nurl: ftp://x", "content/a.md:6: [url] 'ftp://x' is not an absolute http(s) URL"),
        ("title: T\ndate: 2020\nsource: S\ncompanies: X\nslug: Pas Bon", "content/a.md:6: [slug] 'Pas Bon' is not a slug"),
        ("title: T\ndate: 2020\nsource: S\ncompanies: X\ndraft: peut-être", "content/a.md:6: [draft] expected true or false"),
        ("title: T\ndate: 2020\nsource: S\ncompanies: X\ntags: {a: b}", "content/a.md:6: [tags] expected a list of names"),
        ("title: T\ndate: 2020\nsource: S\ncompanies: X\nsummary: [a]", "content/a.md:6: [summary] expected a text, got a list"),
        ("title: [T\ndate: 2020", "content/a.md:2: broken YAML: the list opened with '[' is not closed"),
        ("- a\n- b", "content/a.md:2: the front matter must be a mapping"),
    ],
)  # fmt: skip
def test_each_field_error_names_file_line_and_field(tmp_path, capsys, front, expected):
    err = build_errors(tmp_path, {"content/a.md": f"---\n{front}\n---\nCorps.\n"}, capsys)
    assert expected in err


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"---\ntitle: caf\xe9\n---\n", "content/a.md:2: not valid UTF-8 (byte 0xe9"),
        (b"Pas de front matter\n", "content/a.md:1: the file must start with a '---' line"),
        (b"---\ntitle: T\n", "content/a.md:1: the front matter is not closed"),
    ],
)  # fmt: skip
def test_files_that_are_not_clean_utf8_markdown_get_a_clear_message(
    tmp_path, capsys, data, expected
):
    err = build_errors(tmp_path, {"content/a.md": data}, capsys)
    assert expected in err


def test_every_invalid_file_is_reported_at_once(tmp_path, capsys):
    err = build_errors(
        tmp_path,
        {
            "content/a.md": article(title="''"),
            "content/b.md": article(date="2020-99"),
            "content/c.md": article(),
            "content/d.md": b"\xff",
        },
        capsys,
    )
    assert "content/a.md:2: [title]" in err
    assert "content/b.md:3: [date]" in err
    assert "content/d.md:1:" in err
    assert "content/c.md" not in err
    assert "3 errors in 3 files; nothing was written" in err


def test_two_articles_writing_the_same_page_are_an_error_naming_both(tmp_path, capsys):
    err = build_errors(
        tmp_path,
        {
            "content/2020/a.md": article(title="Même titre", date="2020-10-05"),
            "content/2020/b.md": article(title="Même titre", date="2020-10-20"),
        },
        capsys,
    )
    assert "content/2020/a.md and content/2020/b.md would both be written to " in err
    assert "2020/10/meme-titre/index.html" in err


def test_company_names_giving_one_address_are_an_error(tmp_path, capsys):
    err = build_errors(
        tmp_path,
        {
            "content/a.md": article(title="Un", companies="[Hewlett Packard]"),
            "content/b.md": article(title="Deux", companies="[Hewlett-Packard]"),
        },
        capsys,
    )
    assert "would both be written to companies/hewlett-packard/" in err


def test_a_bad_registry_is_reported_with_its_line(tmp_path, capsys):
    registry = "Acme:\n  aliases: [ACME]\nAcme Corp:\n  aliases: [ACME]\n  site: x\n"
    err = build_errors(
        tmp_path, {"content/companies.yaml": registry, "content/a.md": article()}, capsys
    )
    assert "content/companies.yaml:3: [Acme Corp] 'ACME' already names 'Acme'" in err
    assert "content/companies.yaml:3: [Acme Corp.site] unknown field" in err


def test_a_bad_setting_is_reported_with_the_nearest_known_name(tmp_path, capsys):
    err = build_errors(
        tmp_path, {"site.yaml": "titel: X\nper_page: 0\n", "content/a.md": article()}, capsys
    )
    assert "site.yaml:1: [titel] unknown setting; did you mean 'title'?" in err
    assert "site.yaml:2: [per_page] expected a whole number of at least 1" in err


def test_a_failed_build_leaves_the_previous_site_untouched(tmp_path, capsys):
    write_site(tmp_path, {"content/a.md": article(title="Premier")})
    assert build(tmp_path) == 0
    before = snapshot(tmp_path / "output")
    write_site(tmp_path, {"content/a.md": article(title="Deuxième"), "content/b.md": "oops"})
    assert build(tmp_path) == 1
    assert snapshot(tmp_path / "output") == before
    assert not list(tmp_path.glob(".output*")), "no staging folder is left behind"


def test_the_build_never_modifies_content(tmp_path):
    write_site(tmp_path, {"content/a.md": article(), "content/b.md": article(title="B")})
    before = snapshot(tmp_path / "content")
    assert build(tmp_path) == 0
    assert snapshot(tmp_path / "content") == before


def test_an_impossible_full_date_is_a_located_error(tmp_path, capsys):
    front = "title: T\ndate: 2020-13-45\nsource: S\ncompanies: X"
    err = build_errors(tmp_path, {"content/a.md": f"---\n{front}\n---\n"}, capsys)
    assert "content/a.md:3: [date] '2020-13-45' is not a real day" in err
