"""`site-builder check`: a curator (or CI) learns everything wrong with the archive at once,
at the exact line, without the site being written."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from site_builder.cli import main
from site_builder.problems import Problem
from site_builder.rules.checks import check_site, github_annotation, report_lines

FIXTURES = Path(__file__).parent / "fixtures" / "check"
REPO = Path(__file__).resolve().parent.parent
JUNE_2024 = dt.datetime(2024, 6, 1, 12, tzinfo=dt.UTC)


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES / "broken", tmp_path / "broken")
    return tmp_path / "broken"


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_the_sample_archive_is_clean(capsys):
    assert main(["check", "--root", str(REPO)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("no problems in ")


def test_every_kind_of_problem_is_found_with_exit_code_1(broken, capsys):
    before = tree(broken)
    assert main(["check", "--root", str(broken)]) == 1
    out = capsys.readouterr().out
    expected = [
        # the content contract, from the same validation as the build
        "error: content/2021/02/cassee.md:5: [compagnies] unknown field; did you mean 'companies'?",
        # duplicate output paths (both files named, checked below)
        "would both be written to 2020/11/github-rachete-npm/index.html",
        # links between articles and to anchors
        "error: content/2020/10/hpe.md:12: [link] links to absent.md, but "
        "content/2020/10/absent.md does not exist",
        "error: content/2020/10/hpe.md:12: [link] links to /archive/2020/11/nulle-part/, but the "
        "site has no page /archive/2020/11/nulle-part/",
        "error: content/2020/10/hpe.md:13: [link] links to #nulle-part, but content/2020/10/hpe.md "
        "has no heading with the id #nulle-part (its ids: #les-chiffres)",
        "error: content/2020/10/hpe.md:13: [link] links to ../11/github.md#absente, but "
        "content/2020/11/github.md has no heading with the id #absente (its ids: #contexte)",
        "error: content/2020/10/hpe.md:16: [link] links to ../12/brouillon.md, a draft that a "
        "publishing build leaves out",
        "error: content/2020/10/hpe.md:16: [link] links to /autre/page/, which is outside the "
        "site's address /archive/",
        "warning: content/2020/10/hpe.md:15: [link] links to /archive/2020/11/github-rachete-npm: "
        "write /archive/2020/11/github-rachete-npm/ with the final slash",
        # company names: unknown, and likely duplicates
        "warning: content/2021/01/inconnue.md:5: [companies] company 'Acme Corp' is not in "
        "content/companies.yaml",
        "warning: content/2021/01/inconnue.md:5: [companies] company 'HewlettPackard Enterprise' "
        "differs from 'Hewlett Packard Enterprise' only by case, accents or punctuation",
        "warning: content/2021/01/inconnue.md:4: [source] source 'block & files' differs from "
        "'Block & Files' only by case, accents or punctuation",
        "warning: content/2020/11/github.md:4: [source] source 'Block and Files' differs from "
        "'Block & Files'",
        # dates in the future: an error when published, a warning in a draft
        "error: content/2999/01/futur.md:3: [date] 2999-01-01 is in the future",
        "warning: content/2020/12/brouillon.md:3: [date] 2999-12 is in the future",
        # placeholders left by new/import in a draft
        "warning: content/2020/12/brouillon.md:5: [companies] 'À compléter' is a placeholder",
    ]
    for line in expected:
        assert line in out, f"missing: {line}\n--- got:\n{out}"
    clash = next(line for line in out.splitlines() if "[slug]" in line)
    assert "content/2020/11/github.md" in clash and "content/2020/11/doublon.md" in clash
    assert out.splitlines()[-1] == "11 errors, 8 warnings in 8 files"
    # Valid links are not reported: to another article's heading, to its page, to a month.
    assert "github.md#contexte" not in out and "#les-chiffres," not in out
    assert "/archive/2020/11/," not in out
    # check never writes: no output/, no cache, nothing changed in the site.
    assert tree(broken) == before


def test_warnings_alone_exit_0(broken, capsys):
    for name in ("2020/10/hpe.md", "2020/11/doublon.md", "2021/02/cassee.md", "2999/01/futur.md"):
        (broken / "content" / name).unlink()
    assert main(["check", "--root", str(broken)]) == 0
    out = capsys.readouterr().out
    assert "error:" not in out
    assert out.splitlines()[-1] == "0 errors, 6 warnings in 4 files"


def test_a_placeholder_in_a_published_article_is_an_error(broken, capsys):
    draft = broken / "content/2020/12/brouillon.md"
    draft.write_text(draft.read_text("utf-8").replace("date: 2999-12", "date: 2020-12")
                     .replace("draft: true\n", ""), "utf-8")  # fmt: skip
    main(["check", "--root", str(broken)])
    out = capsys.readouterr().out
    assert "error: content/2020/12/brouillon.md:4: [source] 'À compléter' is a placeholder to " \
        "replace (published)" in out  # fmt: skip


def test_a_month_date_is_future_only_until_its_month_starts_in_the_site_time_zone(broken):
    (broken / "content/2999/01/futur.md").write_text(
        "---\ntitle: Ce mois-ci\ndate: 2024-06\nsource: S\ncompanies: [HPE]\n---\n", "utf-8"
    )

    def future_dates(now: dt.datetime) -> list[str]:
        return [p.message for p in check_site(broken, now).problems
                if p.file.endswith("futur.md") and p.field == "date"]  # fmt: skip

    # 31 May 23:59 in Paris is still May there, though already June in UTC+3.
    assert future_dates(dt.datetime(2024, 5, 31, 21, 59, tzinfo=dt.UTC)) == [
        "2024-06 is in the future (today is 2024-05-31 in Europe/Paris)"
    ]
    assert future_dates(dt.datetime(2024, 5, 31, 22, 0, 1, tzinfo=dt.UTC)) == []


def test_github_format_is_exact(broken, capsys):
    report = check_site(broken, JUNE_2024)
    lines = report_lines(report, "github", broken, broken.parent)
    assert lines[:3] == [
        "::error file=broken/content/2020/10/hpe.md,line=12,title=link::links to "
        "/archive/2020/11/nulle-part/, but the site has no page /archive/2020/11/nulle-part/",
        "::error file=broken/content/2020/10/hpe.md,line=12,title=link::links to absent.md, but "
        "content/2020/10/absent.md does not exist",
        "::error file=broken/content/2020/10/hpe.md,line=13,title=link::links to #nulle-part, but "
        "content/2020/10/hpe.md has no heading with the id #nulle-part (its ids: #les-chiffres)",
    ]
    assert (
        "::error file=broken/content/2020/11/github.md,title=companies::company 'Github' and "
        "company 'GitHub' (in content/2020/11/doublon.md) would both be written to "
        "companies/github/: use one spelling, or make one an alias in content/companies.yaml"
    ) in lines
    assert (
        "::warning file=broken/content/2020/12/brouillon.md,line=3,title=date::2999-12 is in the "
        "future (today is 2024-06-01 in Europe/Paris)"
    ) in lines
    assert lines[-1] == "11 errors, 8 warnings in 8 files"
    # Through the command line: GITHUB_WORKSPACE decides what paths are relative to.
    capsys.readouterr()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GITHUB_WORKSPACE", str(broken.parent))
        assert main(["check", "--root", str(broken), "--format", "github"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == lines[0]
    assert all(line.startswith(("::error ", "::warning ")) for line in out[:-1])


def test_github_annotations_escape_what_github_requires():
    problem = Problem("content/a,b:c.md", 7, "ti:t,le", "100% sûr\nligne 2\r: a, b", "warning")
    assert github_annotation(problem, "site/content/a,b:c.md") == (
        "::warning file=site/content/a%2Cb%3Ac.md,line=7,title=ti%3At%2Cle::"
        "100%25 sûr%0Aligne 2%0D: a, b"
    )


def test_a_broken_site_yaml_is_reported_not_raised(tmp_path, capsys):
    (tmp_path / "content").mkdir()
    (tmp_path / "site.yaml").write_text("timezone: Mars/Olympus\n", "utf-8")
    assert main(["check", "--root", str(tmp_path)]) == 1
    assert (
        "error: site.yaml:1: [timezone] unknown time zone 'Mars/Olympus'" in capsys.readouterr().out
    )
