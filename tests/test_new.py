"""`site-builder new`: an author starts an article with one command and gets a file that builds."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from site_builder.authoring.entries import PLACEHOLDER, Entry, render_entry, today
from site_builder.cli import main
from site_builder.config import SiteConfig
from site_builder.content.frontmatter import split_front_matter

SITE = Path(__file__).parent / "fixtures" / "intake" / "site"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    shutil.copytree(SITE, tmp_path / "site")
    return tmp_path / "site"


def new(root: Path, *args: str) -> int:
    return main(["new", "--root", str(root), *args])


def front_matter(path: Path) -> dict:
    return split_front_matter(path.read_text("utf-8")).data


def test_new_writes_the_month_folder_and_prints_the_path(root, capsys):
    code = new(
        root, "L'« affaire » HPE : 500 postes supprimés", "--company", "HPE",
        "--company", "Block & Files", "--source", "Block & Files", "--date", "2020-10",
    )  # fmt: skip
    assert code == 0
    printed = capsys.readouterr().out.strip()
    path = root / "content/2020/10/l-affaire-hpe-500-postes-supprimes.md"
    assert printed == str(path)
    data = front_matter(path)
    assert data["title"] == "L'« affaire » HPE : 500 postes supprimés"
    assert data["date"] == "2020-10"
    assert data["source"] == "Block & Files"
    assert data["companies"] == ["HPE", "Block & Files"]
    assert data["lang"] == "fr"
    assert "draft" not in data


def test_a_year_only_date_goes_in_the_year_folder(root):
    assert new(root, "Une année", "--company", "HPE", "--source", "S", "--date", "2019") == 0
    assert front_matter(root / "content/2019/une-annee.md")["date"] == 2019


def test_the_date_defaults_to_today_in_the_site_time_zone(root, capsys):
    assert new(root, "Aujourd'hui", "--company", "HPE", "--source", "S") == 0
    expected = today(SiteConfig(timezone="Europe/Paris"))
    year, month, _ = expected.split("-")
    path = root / f"content/{year}/{month}/aujourdhui.md"
    assert str(front_matter(path)["date"]) == expected


def test_today_is_the_sites_day_not_the_machines():
    late_evening_utc = dt.datetime(2020, 12, 31, 23, 30, tzinfo=dt.UTC)
    assert today(SiteConfig(timezone="Europe/Paris"), late_evening_utc) == "2021-01-01"
    assert today(SiteConfig(timezone="America/New_York"), late_evening_utc) == "2020-12-31"


def test_new_never_overwrites(root, capsys):
    args = ("Deux fois", "--company", "HPE", "--source", "S", "--date", "2020-10-05")
    assert new(root, *args) == 0
    path = root / "content/2020/10/deux-fois.md"
    path.write_text(path.read_text("utf-8") + "Le texte de l'auteur.\n", "utf-8")
    before = path.read_bytes()
    capsys.readouterr()
    assert new(root, *args) == 1
    err = capsys.readouterr().err
    assert "content/2020/10/deux-fois.md already exists" in err
    assert path.read_bytes() == before


def test_without_source_or_company_it_writes_a_draft_with_placeholders(root, capsys):
    assert new(root, "À compléter plus tard", "--date", "2021-02") == 0
    data = front_matter(root / "content/2021/02/a-completer-plus-tard.md")
    assert data["draft"] is True
    assert data["source"] == PLACEHOLDER and data["companies"] == [PLACEHOLDER]
    assert "--source" in capsys.readouterr().err


@pytest.mark.parametrize(
    "title",
    ['Titre: "guillemets" et # dièse', "- tiret", "[crochets], {accolades}", "yes", "2020",
     "@arobase `accent` & esperluette", "'apostrophe", "null", "Titre sur\u00a0espace insécable"],
)  # fmt: skip
def test_titles_that_are_yaml_traps_read_back_exactly(title):
    entry = Entry(title=title, date="2020-10", source="S", companies=(title,), lang="fr")
    data = split_front_matter(render_entry(entry)).data
    assert data["title"] == title
    assert data["companies"] == [title]


def test_bad_dates_and_empty_titles_are_refused(root, capsys):
    assert new(root, "Titre", "--company", "X", "--source", "S", "--date", "2020-13") == 1
    assert "month 13 does not exist" in capsys.readouterr().err
    assert new(root, "???", "--company", "X", "--source", "S", "--date", "2020-10") == 1
    assert "empty file name" in capsys.readouterr().err
    assert not list((root / "content").rglob("*.md"))


def test_what_new_writes_builds_and_checks(root, tmp_path, capsys):
    assert new(root, "Complet", "--company", "HPE", "--source", "S", "--date", "2020-10") == 0
    assert new(root, "Brouillon", "--date", "2020-11") == 0
    assert main(["check", "--root", str(root)]) == 0
    out = tmp_path / "out"
    assert main(["build", "--root", str(root), "--output", str(out)]) == 0
    assert (out / "2020/10/complet/index.html").exists()
    assert not (out / "2020/11/brouillon").exists()
    assert main(["build", "--root", str(root), "--output", str(out), "--drafts"]) == 0
    assert (out / "2020/11/brouillon/index.html").exists()
