"""`site-builder import`: the texts curators receive become drafts they only have to review."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from site_builder.authoring.entries import PLACEHOLDER
from site_builder.authoring.intake import find_companies, first_sentence, propose_title, read_intake
from site_builder.cli import main
from site_builder.content.frontmatter import split_front_matter
from site_builder.content.registry import parse_registry

FIXTURES = Path(__file__).parent / "fixtures" / "intake"
TEXTS = FIXTURES / "texts"
HPE_DRAFT = (
    "content/2020/10/hewlett-packard-enterprise-a-licencie-au-moins-500-personnes-aux-etats-unis.md"
)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES / "site", tmp_path / "site")
    return tmp_path / "site"


def run_import(root: Path, *files: str, extra: tuple[str, ...] = ()) -> int:
    return main(["import", "--root", str(root), *extra, *(str(TEXTS / f) for f in files)])


def test_an_intake_text_becomes_a_draft_with_date_title_companies_and_body(root, capsys):
    assert run_import(root, "hpe-licenciements.txt", extra=("--source", "Block & Files")) == 0
    out = capsys.readouterr().out
    assert HPE_DRAFT in out
    fm = split_front_matter((root / HPE_DRAFT).read_text("utf-8"))
    assert fm.data == {
        "title": "Hewlett Packard Enterprise a licencié au moins 500 personnes aux États-Unis, "
        "selon Block & Files",
        "date": "2020-10",
        "source": "Block & Files",
        "companies": ["Hewlett Packard Enterprise"],  # also named HPE in the text: one company
        "lang": "fr",
        "draft": True,
    }
    assert fm.body.startswith("Hewlett Packard Enterprise a licencié")
    assert "\n\nCes suppressions de postes" in fm.body
    assert "to decide" not in out


def test_an_english_text_with_a_day_date_and_two_companies(root, capsys):
    assert run_import(root, "dell-emc.txt", extra=("--source", "Reuters")) == 0
    path = root / (
        "content/2016/09/"
        "dell-technologies-completed-its-acquisition-of-emc-on-september-7-2016-creating.md"
    )
    data = split_front_matter(path.read_text("utf-8")).data
    assert str(data["date"]) == "2016-09-07"
    assert data["companies"] == ["Dell Technologies", "EMC"]
    assert data["lang"] == "en"
    # The first sentence is too long for a headline: cut at a word, marked with an ellipsis.
    assert data["title"] == (
        "Dell Technologies completed its acquisition of EMC on September 7, 2016, creating the "
        "largest…"
    )


def test_what_cannot_be_decided_is_reported_and_the_rest_still_imported(root, capsys):
    code = run_import(root, "sans-date.txt", "sans-entreprise.txt", "hpe-licenciements.txt")
    captured = capsys.readouterr()
    assert code == 1  # one file could not be imported
    assert "sans-date.txt: no date line" in captured.err
    assert "2 drafts written, 1 file not imported" in captured.err
    draft = root / (
        "content/2019/03/la-commission-europeenne-a-inflige-une-amende-a-un-groupe-du-numerique.md"
    )
    data = split_front_matter(draft.read_text("utf-8")).data
    assert data["companies"] == [PLACEHOLDER] and data["source"] == PLACEHOLDER
    assert data["draft"] is True
    assert "to decide: no company of the registry found in the text" in captured.out
    assert "to decide: no source (pass --source)" in captured.out


def test_import_never_overwrites(root, capsys):
    assert run_import(root, "hpe-licenciements.txt") == 0
    (root / HPE_DRAFT).write_text("---\ntitle: edited by the curator\n---\n", "utf-8")
    capsys.readouterr()
    assert run_import(root, "hpe-licenciements.txt") == 1
    assert f"{HPE_DRAFT} already exists" in capsys.readouterr().err
    assert (root / HPE_DRAFT).read_text("utf-8") == "---\ntitle: edited by the curator\n---\n"


def test_imported_drafts_pass_check_and_build(root, tmp_path, capsys):
    assert run_import(root, "hpe-licenciements.txt", "dell-emc.txt", "sans-entreprise.txt") == 0
    assert main(["check", "--root", str(root)]) == 0  # placeholders in drafts are warnings
    out = tmp_path / "out"
    assert main(["build", "--root", str(root), "--output", str(out)]) == 0
    assert main(["build", "--root", str(root), "--output", str(out), "--drafts"]) == 0
    page = out / HPE_DRAFT.removeprefix("content/").removesuffix(".md") / "index.html"
    assert "Hewlett Packard Enterprise a licencié" in page.read_text("utf-8")


@pytest.mark.parametrize(
    "raw, date",
    [(b"date 2020-10\nTexte.", "2020-10"), (b"\xef\xbb\xbfDate: 2020-10-05\r\nTexte.\r\n", "2020-10-05"),
     (b"  date 2021-01 Texte sur la meme ligne.", "2021-01")],
)  # fmt: skip
def test_the_date_line_is_read_leniently(raw, date):
    assert read_intake(raw).date == date


@pytest.mark.parametrize(
    "raw, message",
    [(b"Texte sans date.", "no date line"), (b"date 2020-13\nTexte.", "not a real date"),
     (b"date 2021-02-30\nTexte.", "not a real date"), (b"date octobre\nTexte.", "'octobre'"),
     (b"date 2020-10\n\n  \n", "no article text"), (b"date 2020-10\n\xff", "not valid UTF-8")],
)  # fmt: skip
def test_intake_texts_that_cannot_be_read_say_why(raw, message):
    from site_builder.authoring.intake import IntakeError

    with pytest.raises(IntakeError, match=message):
        read_intake(raw)


def test_the_first_sentence_skips_abbreviations_initials_and_decimals():
    text = "M. Dupont, de Foo Inc., annonce 3.5 milliards aux U.S. en 2020. Suite du texte."
    assert first_sentence(text) == (
        "M. Dupont, de Foo Inc., annonce 3.5 milliards aux U.S. en 2020."
    )
    assert first_sentence("Pourquoi ? Parce que.") == "Pourquoi ?"


def test_a_long_first_sentence_is_cut_at_a_word_boundary():
    title = propose_title("mot " * 60 + "fin.")
    assert len(title) <= 100 and title.endswith("mot…")


def test_company_matching_is_whole_word_and_respects_acronym_case():
    registry, problems = parse_registry(
        {"Hewlett Packard Enterprise": {"aliases": ["HPE"]}, "Apple": None,
         "GitHub": None, "HP Inc.": {"aliases": ["HP"]}},
        {},
    )  # fmt: skip
    assert not problems
    assert find_companies("Le projet HPE-X de Github.", registry) == (
        "Hewlett Packard Enterprise", "GitHub",
    )  # fmt: skip
    assert find_companies("hpe, une apple, HPEX, HPE's", registry) == (
        "Hewlett Packard Enterprise",
    )  # fmt: skip
    assert find_companies("Apple et HP, puis Hewlett Packard Enterprise.", registry) == (
        "Apple", "HP Inc.", "Hewlett Packard Enterprise",
    )  # fmt: skip
