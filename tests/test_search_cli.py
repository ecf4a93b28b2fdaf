"""`site-builder search`: a curator's queries on the built sample archive, from the whoosh index
in the build cache."""

from __future__ import annotations

import itertools
import json
import shutil
from pathlib import Path

import pytest

from site_builder.cli import main
from support.sites import article, build, write_site

REPO = Path(__file__).resolve().parents[1]
HPE_STORY = "HPE supprime au moins 500 postes aux États-Unis"


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("sample")
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    assert build(root) == 0
    return root


def search(capsys, root: Path, *args: str) -> tuple[int, str, str]:
    code = main(["search", *args, "--root", str(root)])
    out, err = capsys.readouterr()
    return code, out, err


def search_json(capsys, root: Path, query: str, *args: str) -> dict:
    code, out, _ = search(capsys, root, query, "--json", *args)
    assert code == 0, out
    return json.loads(out)


@pytest.mark.parametrize("query", ["licenciement", "GreenLake", "hewlett packard", "etats-unis"])
def test_finds_the_hpe_layoffs_story(capsys, sample, query):
    answer = search_json(capsys, sample, query)
    titles = [r["title"] for r in answer["results"]]
    assert HPE_STORY in titles[:3], titles


def test_results_carry_title_date_url_and_marked_excerpt(capsys, sample):
    hit = search_json(capsys, sample, "licenciement")["results"][0]
    assert hit["title"] == HPE_STORY
    assert hit["date"] == "octobre 2020"
    assert hit["url"].endswith("/2020/10/hpe-supprime-au-moins-500-postes-aux-etats-unis/")
    marked = [hit["excerpt"][s:e] for s, e in hit["matches"]]
    assert "licenciés" in marked and "licencié" in marked

    code, out, _ = search(capsys, sample, "licenciement")
    assert code == 0
    assert "[licenciés]" in out  # not a terminal: matches in brackets
    assert "1 result for 'licenciement'" in out


def test_accents_fold_both_ways(capsys, sample):
    assert HPE_STORY in [r["title"] for r in search_json(capsys, sample, "ÉTATS-UNIS")["results"]]
    hit = search_json(capsys, sample, "etats-unis")["results"][0]
    assert "États" in [hit["excerpt"][s:e] for s, e in hit["matches"]]


@pytest.mark.parametrize(("bare", "accented"), [("securite", "sécurité"), ("donnees", "données")])
def test_a_word_typed_without_accents_finds_what_the_accented_word_finds(
    capsys, sample, bare, accented
):
    with_accents = search_json(capsys, sample, accented, "--limit", "1000")
    without = search_json(capsys, sample, bare, "--limit", "1000")
    holding = {
        r["id"]
        for r in with_accents["results"]
        if accented in {r["excerpt"][s:e].lower() for s, e in r["matches"]}
    }
    assert holding and holding <= {r["id"] for r in without["results"]}
    marked = {without["results"][0]["excerpt"][s:e] for s, e in without["results"][0]["matches"]}
    assert accented in {m.lower() for m in marked}
    phrase = search_json(capsys, sample, '"analyse de donnees"')
    assert phrase["total"] == search_json(capsys, sample, '"analyse de données"')["total"] > 0


def test_numbers_and_names_with_an_ampersand_are_found_as_typed(capsys, sample):
    decimal = search_json(capsys, sample, '"1,3 milliard"', "--limit", "100")
    assert decimal["total"] >= 1
    for hit in decimal["results"]:
        assert "1,3 milliard" in " ".join(hit["excerpt"][s:e] for s, e in hit["matches"])
    assert search_json(capsys, sample, '"7,5 milliards"')["total"] >= 1
    assert search_json(capsys, sample, '"9,9 milliards"')["total"] == 0
    # No article names AT&T: the query must not shrink to `stockage`, which some hold.
    assert search_json(capsys, sample, "stockage")["total"] >= 1
    assert search_json(capsys, sample, "AT&T stockage")["total"] == 0
    assert search_json(capsys, sample, "Block&Files")["total"] == 0  # not `block files`


def test_company_aliases_resolve_through_the_registry(capsys, sample):
    by_alias = search_json(capsys, sample, "company:HPE")
    by_name = search_json(capsys, sample, 'company:"Hewlett Packard Enterprise"')
    assert by_alias["total"] == by_name["total"] >= 3
    assert [r["id"] for r in by_alias["results"]] == [r["id"] for r in by_name["results"]]
    assert HPE_STORY in [r["title"] for r in by_alias["results"]]


def test_operators_phrases_and_years(capsys, sample):
    all_hpe = {r["id"] for r in search_json(capsys, sample, "company:HPE")["results"]}
    recent = search_json(capsys, sample, "company:HPE year:2020..2024")
    assert {r["id"] for r in recent["results"]} < all_hpe
    assert all(r["date"][-4:] >= "2020" for r in recent["results"])
    assert search_json(capsys, sample, "company:HPE NOT licenciement")["total"] == len(all_hpe) - 1
    assert search_json(capsys, sample, "company:HPE -licenciement")["total"] == len(all_hpe) - 1
    either = search_json(capsys, sample, "GreenLake OR Juniper")["total"]
    assert either == search_json(capsys, sample, "(greenlake OR juniper)")["total"] >= 2
    assert search_json(capsys, sample, '"hewlett packard"')["total"] >= 2
    assert search_json(capsys, sample, '"packard hewlett"')["total"] == 0
    assert search_json(capsys, sample, 'source:"block & files" licenciement')["total"] == 1
    assert search_json(capsys, sample, "tag:greenlake")["total"] >= 1


def test_sort_by_date_and_limit(capsys, sample):
    answer = search_json(capsys, sample, "rachat", "--sort", "date", "--limit", "3")
    ids = [r["id"] for r in answer["results"]]
    assert len(ids) == 3 and ids == sorted(ids, reverse=True)
    assert answer["total"] > 3


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "a",
        "*",
        '""',
        '"',
        '" "',
        "x" * 10_000,
        "les de la",
        "(",
        "company:Nope",
    ],
)
def test_edge_queries_get_a_polite_answer(capsys, sample, query):
    code, out, err = search(capsys, sample, query)
    assert "Traceback" not in out + err
    assert code in (0, 2)
    assert (out + err).strip()
    if query in ("", "a", "*", '""', "x" * 10_000):
        assert code == 0 and not err
    answer = search_json(capsys, sample, query) if code == 0 else None
    if answer is not None:
        assert answer["results"] == []


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("(licenciement", "not closed"),
        ("licenciement)", "no matching"),
        ('"hewlett', "quote is not closed"),
        ("licenciement OR", "OR needs"),
        ("AND licenciement", "AND needs"),
        ("company:", "needs a value"),
        ("year:20x0", "year"),
    ],
)
def test_malformed_queries_get_a_clear_message(capsys, sample, query, words):
    code, _, err = search(capsys, sample, query)
    assert code == 2
    assert "Traceback" not in err
    assert err.startswith("error: malformed query:") and words in err
    answer = json.loads(search(capsys, sample, query, "--json")[1])
    assert answer["problem"]["kind"] == "syntax"


def test_without_a_build_says_what_to_do(capsys, tmp_path):
    (tmp_path / "content").mkdir()  # a site, never built
    code, _, err = search(capsys, tmp_path, "licenciement")
    assert code == 1 and "site-builder build" in err


@pytest.mark.parametrize("keep_changes", [2000, 0], ids=["small update", "large update"])
def test_incremental_updates_equal_a_fresh_index(capsys, tmp_path, monkeypatch, keep_changes):
    """Edit, add and delete articles: the cached index answers like one built from scratch
    (whoosh keeps deleted documents in its statistics; the scores must not see them). Past
    KEEP_CHANGES documents an update hands over no vectors: whoosh must still be updated."""
    from site_builder.search import index

    monkeypatch.setattr(index, "KEEP_CHANGES", keep_changes)
    files = {
        f"content/2020/0{i}/a{i}.md": article(
            title=f"Article {i} stockage", date=f"2020-0{i}-0{i}", body=f"Stockage flash {i}. " * i
        )
        for i in range(1, 8)
    }
    root = write_site(tmp_path / "site", files)
    assert build(root) == 0
    (root / "content/2020/03/a3.md").write_text(
        article(title="Article 3 réseau", date="2020-03-03", body="Réseau et stockage.")
    )
    (root / "content/2020/04/a4.md").write_text(  # same title, same id: changed in place
        article(title="Article 4 stockage", date="2020-04-04", body="Réseau seulement.")
    )
    (root / "content/2020/05/a5.md").unlink()
    write_site(root, {"content/2020/09/a9.md": article(title="Neuf", date="2020-09-09",
                                                       body="Stockage stockage.")})  # fmt: skip
    assert build(root) == 0
    capsys.readouterr()
    incremental = search_json(capsys, root, "stockage")
    from site_builder.search.folders import cache_folder

    whoosh_index = index.SearchIndex(cache_folder(root, ".cache"))
    store = whoosh_index.store()
    from whoosh import index as whoosh

    assert whoosh.open_dir(str(whoosh_index.whoosh_dir)).doc_count() == store.count() == 7
    store.close()

    fresh = write_site(tmp_path / "fresh", {})
    shutil.copytree(root / "content", fresh / "content")
    assert build(fresh) == 0
    capsys.readouterr()
    clean = search_json(capsys, fresh, "stockage")
    assert incremental["total"] == clean["total"] == 7
    assert [(r["id"], r["score"]) for r in incremental["results"]] == [
        (r["id"], r["score"]) for r in clean["results"]
    ]
    assert "Neuf" in [r["title"] for r in incremental["results"]]


def test_results_piped_to_a_reader_that_leaves_early_end_without_a_traceback(sample):
    """`site-builder search … | head -1`: the reader closes the pipe before the results are
    written; the program ends quietly instead of printing a Python traceback."""
    import subprocess
    import sys

    process = subprocess.Popen(
        [sys.executable, "-m", "site_builder", "search", "licenciement", "--root", str(sample)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    process.stdout.close()  # the reader is gone before anything is written
    _, err = process.communicate(timeout=60)
    assert "Traceback" not in err.decode(), err.decode()
    assert process.returncode == 1


def _whoosh_contents(folder: Path) -> dict:
    """Everything the command line reads from a whoosh index, by document key: per field and
    term the postings' weights and value bytes, each document's stored fields and field
    lengths."""
    from whoosh import index as whoosh

    with whoosh.open_dir(str(folder)).reader() as reader:
        key = {n: reader.stored_fields(n)["key"] for n in reader.all_doc_ids()}
        postings = {}
        for fieldname, text in reader.all_terms():
            matcher = reader.postings(fieldname, text)
            found = []
            while matcher.is_active():
                found.append((key[matcher.id()], matcher.weight(), matcher.value()))
                matcher.next()
            if found:
                postings[fieldname, text] = sorted(found)
        names = [name for name in reader.schema.names() if reader.schema[name].scorable]
        lengths = {key[n]: [reader.doc_field_length(n, name) for name in names] for n in key}
        return {"postings": postings, "lengths": lengths, "stored": sorted(key.values())}


def _segment_files(folder: Path) -> list[dict[str, bytes]]:
    """The files inside each segment of a whoosh index (postings, terms, lengths, stored
    fields), by name without the segment's random id, and each segment's deletions."""
    from whoosh import index as whoosh

    ix = whoosh.open_dir(str(folder))
    segments = []
    for segment in ix._segments():
        inside = segment.open_compound_file(ix.storage)
        files = {name.split(".", 1)[1]: inside.open_file(name).read() for name in inside.list()}
        files["deleted"] = repr(sorted(segment.deleted_docs()))
        segments.append(files)
    return segments


def test_whoosh_written_from_vectors_holds_what_its_own_indexing_would(sample, tmp_path):
    """The index is written from each document's vector, without whoosh's analysis and
    external sort: it holds the same postings, weights, lengths and keys as whoosh's own
    `add_document`, in the same bytes, also when deletions and later commits make whoosh merge
    segments."""
    from whoosh import index as whoosh

    from site_builder.search import index
    from site_builder.search.folders import cache_folder
    from site_builder.search.store import DocumentVector
    from site_builder.search.whoosh_write import write

    store = index.SearchIndex(cache_folder(sample, ".cache")).store()
    try:
        sample_documents = list(index._whoosh_documents(store))
    finally:
        store.close()
    # whoosh's own indexing counts every token in a field's length; the build's vectors do not
    # count the aliases of accented words. Lengths as whoosh counts them, to compare the two.
    sample_documents = [
        (
            fields,
            DocumentVector({n: sum(f.values()) for n, f in v.frequencies.items()}, v.frequencies),
        )
        for fields, v in sample_documents
    ]
    # Twelve copies of the sample under other keys (other slots of the same days): common
    # terms fill several of whoosh's blocks of 128 postings.
    documents = [
        ({**fields, "key": str(int(fields["key"]) + 100 * copy)}, vector)
        for copy in range(12)
        for fields, vector in sample_documents
    ]
    doc_id = {fields["key"]: int(fields["key"]) for fields, _ in documents}
    # Commits of 7, 5, 1, 1, 1 and the rest: the last makes whoosh merge the small segments.
    cuts = [0, 7, 12, 13, 14, 15, len(documents)]
    batches = [documents[a:b] for a, b in itertools.pairwise(cuts)]
    gone = [doc_id[fields["key"]] for fields, _ in documents[3:9:2]]

    def terms(vector):
        return {
            index.FIELDS[number].name: [t for t, n in frequencies.items() for _ in range(n)]
            for number, frequencies in vector.frequencies.items()
        }

    contents = []
    for way in ("add_document", "vectors"):
        folder = tmp_path / way
        folder.mkdir()
        ix = whoosh.create_in(str(folder), index.schema())
        for n, batch in enumerate(batches):
            deleted = gone if n == len(batches) - 1 else []
            if way == "vectors":
                write(ix, deleted, batch, len(batch))
                continue
            with ix.writer() as writer:
                for doc in deleted:
                    writer.delete_by_term("key", str(doc))
                for fields, vector in batch:
                    writer.add_document(**fields, **terms(vector))
        assert len(whoosh.open_dir(str(folder))._segments()) < len(batches)  # merged
        contents.append((_whoosh_contents(folder), _segment_files(folder)))
    (reference, reference_files), (written, written_files) = contents
    assert len(written["stored"]) == len(documents) - len(gone)
    assert max(len(found) for found in reference["postings"].values()) > 2 * 128
    assert written == reference
    assert written_files == reference_files  # byte for byte
