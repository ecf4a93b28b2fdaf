"""Files as editors really save them: a Windows author's CRLF line ends, a byte order mark,
an old Mac's lone CR. They build like the same file with LF line ends, with the same lines in
every message, and nothing in `content/` is rewritten. Broken YAML is reported on the line
where the author made the mistake, with a hint for the usual traps."""

from __future__ import annotations

import os
import shutil

import pytest

from site_builder.build import build_site
from site_builder.cli import main
from support.sites import article, build, snapshot, write_site

BOM = b"\xef\xbb\xbf"
BODY = (
    "Premier paragraphe avec un [lien](https://example.org/) et *de l'emphase*.\n"
    "\n"
    "## Les chiffres\n"
    "\n"
    "- 500 postes\n"
    "- deux sites\n"
    "\n"
    "```\n"
    "code sur\n"
    "deux lignes\n"
    "```\n"
)
LF_ARTICLE = article(title="'HPE : 500 postes'", companies="[HPE, Cray]", body=BODY)


def saved_as(text: str, line_end: bytes = b"\n", bom: bool = False) -> bytes:
    """`text` (LF line ends) as an editor would save it."""
    return (BOM if bom else b"") + text.encode("utf-8").replace(b"\n", line_end)


WINDOWS = {
    "CRLF": {"line_end": b"\r\n"},
    "BOM": {"bom": True},
    "BOM and CRLF": {"line_end": b"\r\n", "bom": True},
    "old Mac CR": {"line_end": b"\r"},
}


def build_errors(root, capsys, *args) -> str:
    code = build(root, *args)
    out = capsys.readouterr()
    assert code == 1, out
    assert "Traceback" not in out.err
    return out.err


@pytest.mark.parametrize("saving", WINDOWS.values(), ids=WINDOWS.keys())
def test_a_file_saved_by_another_editor_builds_the_same_site(tmp_path, capsys, saving):
    registry = "Hewlett Packard Enterprise:\n  aliases: [HPE]\n"
    settings = "title: Archives\nlanguage: fr\n"
    lf = write_site(tmp_path / "lf", {
        "site.yaml": settings, "content/companies.yaml": registry,
        "content/2020/10/hpe.md": LF_ARTICLE,
    })  # fmt: skip
    other = write_site(tmp_path / "other", {
        "site.yaml": saved_as(settings, **saving),
        "content/companies.yaml": saved_as(registry, **saving),
        "content/2020/10/hpe.md": saved_as(LF_ARTICLE, **saving),
    })  # fmt: skip
    before = snapshot(other / "content")
    assert build(lf) == 0
    assert build(other) == 0, capsys.readouterr().err
    site = snapshot(other / "output")
    assert site == snapshot(lf / "output")  # every page, feed and search file: byte for byte
    page = site["2020/10/hpe-500-postes/index.html"].decode()
    assert '<h2 id="les-chiffres">Les chiffres</h2>' in page
    assert "code sur\ndeux lignes" in page
    assert "\r" not in page
    assert "/companies/hewlett-packard-enterprise/" in page  # the registry's alias was read
    assert snapshot(other / "content") == before  # nothing in content/ is rewritten


@pytest.mark.parametrize("saving", WINDOWS.values(), ids=WINDOWS.keys())
def test_messages_about_such_a_file_give_the_lines_the_editor_shows(tmp_path, capsys, saving):
    front = "---\ntitle: T\ndate: 2020-13\nsource: S\ncompagnies: [HPE]\n---\nTexte.\n"
    registry = "Acme:\n  aliases: [ACME]\nAcme Corp:\n  aliases: [ACME]\n"
    write_site(tmp_path, {
        "content/a.md": saved_as(front, **saving),
        "content/b.md": saved_as("---\ntitle: T\ndate: 2020\nsource: S\ncompanies: [HPE, Cray\n"
                                 "tags: [x]\n---\n", **saving),
        "content/companies.yaml": saved_as(registry, **saving),
    })  # fmt: skip
    err = build_errors(tmp_path, capsys)
    assert "error: content/a.md:3: [date] month 13 does not exist" in err
    assert "error: content/a.md:5: [compagnies] unknown field; did you mean 'companies'?" in err
    assert ("error: content/b.md:5: broken YAML: the list opened with '[' is not closed: end "
            "it with ']', or put a text holding '[' in quotes") in err  # fmt: skip
    assert "error: content/companies.yaml:3: [Acme Corp] 'ACME' already names 'Acme'" in err


def test_check_locates_links_in_a_crlf_file_on_their_line(tmp_path, capsys):
    body = "Intro.\n\n## Contexte\n\nVoir [l'autre](absent.md) et [ici](#nulle-part).\n"
    write_site(tmp_path, {
        "content/companies.yaml": saved_as("HPE: {}\n", b"\r\n", bom=True),
        "content/2020/10/a.md": saved_as(article(body=body), b"\r\n", bom=True),
    })  # fmt: skip
    assert main(["check", "--root", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    # The front matter is five lines between fences: the body's fifth line is line 11.
    assert ("error: content/2020/10/a.md:11: [link] links to absent.md, but "
            "content/2020/10/absent.md does not exist") in out  # fmt: skip
    assert ("error: content/2020/10/a.md:11: [link] links to #nulle-part, but "
            "content/2020/10/a.md has no heading with the id #nulle-part (its ids: #contexte)"
            ) in out  # fmt: skip


def test_a_file_whose_only_change_is_crlf_builds_like_a_clean_build(tmp_path, monkeypatch):
    monkeypatch.setenv("SITE_BUILDER_VERIFY_KEYS", "1")
    write_site(tmp_path, {"content/2020/10/hpe.md": LF_ARTICLE,
                          "content/2020/11/b.md": article(title="Autre")})  # fmt: skip
    build_site(tmp_path)
    first = snapshot(tmp_path / "output")
    path = tmp_path / "content/2020/10/hpe.md"
    path.write_bytes(saved_as(LF_ARTICLE, b"\r\n"))
    os.utime(path, ns=(1_000_000_000_000_000_000, 1_000_000_000_000_000_000))
    build_site(tmp_path)
    build_site(tmp_path, output=tmp_path / "clean", use_cache=False)
    assert snapshot(tmp_path / "output") == snapshot(tmp_path / "clean") == first


def test_an_intake_text_from_windows_or_an_old_mac_imports(tmp_path, capsys):
    write_site(tmp_path, {"content/companies.yaml": "Hewlett Packard Enterprise:\n"
                          "  aliases: [HPE]\n"})  # fmt: skip
    text = "date 2020-10\n\nHPE supprime 500 postes.\nSuite du paragraphe.\n\nDeuxième.\n"
    (tmp_path / "mac.txt").write_bytes(saved_as(text, b"\r", bom=True))
    (tmp_path / "win.txt").write_bytes(saved_as(text.replace("HPE", "HPE Windows"), b"\r\n"))
    code = main(["import", "--root", str(tmp_path), str(tmp_path / "mac.txt"),
                 str(tmp_path / "win.txt")])  # fmt: skip
    assert code == 0, capsys.readouterr()
    drafts = sorted((tmp_path / "content/2020/10").glob("*.md"))
    assert len(drafts) == 2
    for draft in drafts:
        text = draft.read_text("utf-8")
        assert "\r" not in text
        assert "postes. Suite du paragraphe.\n\nDeuxième.\n" in text
        assert "companies: [Hewlett Packard Enterprise]" in text


@pytest.mark.parametrize(
    ("front", "expected"),
    [
        # The trap of French typography: a space before the colon inside a title.
        ("title: Mise à jour : HPE rachète Cray\ndate: 2020\nsource: S\ncompanies: [HPE]",
         "content/a.md:2: broken YAML: ': ' inside the title starts a new field in YAML: put "
         'the title in quotes (title: "…")'),
        ("title: T\ndate: 2020\nsource:\n\tname: S\ncompanies: [HPE]",
         "content/a.md:5: broken YAML: a tab: YAML does not allow tabs for indentation; indent "
         "with spaces"),
        ("title: T\ndate: 2020\nsource: S\ncompanies: [HPE, Cray\ntags: [serveurs]",
         "content/a.md:5: broken YAML: the list opened with '[' is not closed: end it with "
         "']', or put a text holding '[' in quotes"),
        ("title: T\ndate: 2020\nsource: {name: S, url: https://s.example\ncompanies: [HPE]",
         "content/a.md:4: broken YAML: the mapping opened with '{' is not closed: end it with "
         "'}', or put a text holding '{' in quotes"),
        ('title: "HPE rachète Cray\ndate: 2020\nsource: S\ncompanies: [HPE]',
         'content/a.md:2: broken YAML: the text opened with " is not closed: end it with "'),
        ("title: 'L'avenir de HPE'\ndate: 2020\nsource: S\ncompanies: [HPE]",
         "content/a.md:2: broken YAML: the title starts with ' so it must end with ': write an "
         "apostrophe inside it as '' ('L''avenir'), or put the title in double quotes"),
        ("title: @HPE rachète Cray\ndate: 2020\nsource: S\ncompanies: [HPE]",
         "content/a.md:2: broken YAML: a value cannot start with '@' in YAML: put the title in "
         "quotes"),
        ("title: T\n  date: 2020\nsource: S\ncompanies: [HPE]",
         "content/a.md:3: broken YAML: this line is indented under the one above: start a "
         "field at the line's start"),
    ],
)  # fmt: skip
def test_broken_yaml_names_the_authors_line_and_the_fix(tmp_path, capsys, front, expected):
    write_site(tmp_path, {"content/a.md": f"---\n{front}\n---\nCorps.\n"})
    err = build_errors(tmp_path, capsys)
    assert f"error: {expected}\n" in err


def test_the_registry_and_the_settings_get_the_same_hints(tmp_path, capsys):
    write_site(tmp_path, {
        "content/a.md": article(),
        "content/companies.yaml": "Acme:\n  aliases: [ACME\nBeta:\n  aliases: [B]\n",
    })  # fmt: skip
    err = build_errors(tmp_path, capsys)
    assert ("error: content/companies.yaml:2: broken YAML: the list opened with '[' is not "
            "closed: end it with ']', or put a text holding '[' in quotes\n") in err  # fmt: skip

    (tmp_path / "content/companies.yaml").unlink()
    (tmp_path / "site.yaml").write_bytes(saved_as("title: Archives : 2020\nlanguage: fr\n",
                                                  b"\r\n", bom=True))  # fmt: skip
    err = build_errors(tmp_path, capsys)
    assert ("error: site.yaml:1: broken YAML: ': ' inside the title starts a new field in "
            'YAML: put the title in quotes (title: "…")\n') in err  # fmt: skip

    (tmp_path / "site.yaml").write_text("title: Archives\nlanguage:\tfr\nper_page:\t5\n\tx: 1\n")
    err = build_errors(tmp_path, capsys)
    assert ("error: site.yaml:4: broken YAML: a tab: YAML does not allow tabs for "
            "indentation; indent with spaces\n") in err  # fmt: skip
    assert not (tmp_path / "output").exists()


def test_the_sample_site_has_no_crlf_surprises(tmp_path):
    """A whole archive checked out with `autocrlf`: the same site."""
    from pathlib import Path

    repo = Path(__file__).resolve().parent.parent
    for part in ("content", "site.yaml"):
        source, dest = repo / part, tmp_path / "crlf" / part
        if source.is_dir():
            shutil.copytree(source, dest)
        else:
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(source, dest)
    for path in [tmp_path / "crlf/site.yaml", *(tmp_path / "crlf/content").rglob("*")]:
        if path.suffix in {".md", ".yaml"}:
            path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    shutil.copytree(tmp_path / "crlf", tmp_path / "lf")
    for path in [tmp_path / "lf/site.yaml", *(tmp_path / "lf/content").rglob("*")]:
        if path.suffix in {".md", ".yaml"}:
            path.write_bytes(path.read_bytes().replace(b"\r\n", b"\n"))
    build_site(tmp_path / "lf", use_cache=False)
    build_site(tmp_path / "crlf", use_cache=False)
    assert snapshot(tmp_path / "crlf/output") == snapshot(tmp_path / "lf/output")
