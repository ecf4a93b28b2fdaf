"""The static index under output/search/: deterministic, readable back, and stable from one
build to the next so hosts keep their caches."""

from __future__ import annotations

import gzip
import json
import shutil
from array import array
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from site_builder.search import blocks, export
from site_builder.search.documents import SLOTS, assign_ids, path_slot
from support.sites import article, build, generated_archive, snapshot, write_site

REPO = Path(__file__).resolve().parents[1]


def generated_site(root: Path, n: int) -> Path:
    return generated_archive(root, n, seed=11)


SMALL_HEADS = {"SPLIT_FROM": 40, "HEAD_DOCS": 16}


@pytest.fixture(autouse=True)
def small_heads(monkeypatch):
    """Common terms split as in a big archive, at this module's small sizes."""
    for name, value in SMALL_HEADS.items():
        monkeypatch.setattr(blocks, name, value)


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """200 generated articles, built with common terms split past 40 documents (heads of 16)
    as they are past 1,536 in a real archive."""
    root = generated_site(tmp_path_factory.mktemp("gen") / "site", 200)
    with pytest.MonkeyPatch.context() as patch:
        for name, value in SMALL_HEADS.items():
            patch.setattr(blocks, name, value)
        assert build(root) == 0
    assert any(path.startswith("search/tails/") for path in search_files(root))
    return root


def search_files(root: Path) -> dict[str, bytes]:
    return {k: v for k, v in snapshot(root / "output").items() if k.startswith("search/")}


def clean_search_files(root: Path, clean: Path) -> dict[str, bytes]:
    """The search files of a clean build, in `clean`, of `root`'s content and settings."""
    shutil.copytree(root / "content", clean / "content")
    if (root / "site.yaml").exists():
        shutil.copy(root / "site.yaml", clean / "site.yaml")
    assert build(clean) == 0
    return search_files(clean)


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    value, scale = 0, 1
    while True:
        byte = data[pos]
        pos += 1
        value += (byte & 0x7F) * scale
        scale *= 128
        if not byte & 0x80:
            return value, pos


def read_block(block: bytes, p: int = 0) -> dict[int, list[tuple[int, int, int]]]:
    """A postings block, the way search-index.js reads it: field → [(id, tf, length byte)]."""
    n, p = _varint(block, p)
    days, day = [], 0
    for _ in range(n):
        delta, p = _varint(block, p)
        day += delta
        days.append(day)
    ids, slot = [], 0
    for i in range(n):
        value, p = _varint(block, p)
        slot = slot + 1 + value if i and days[i] == days[i - 1] else value
        ids.append(days[i] * SLOTS + slot)
    masks = []
    for _ in range(n):
        mask, p = _varint(block, p)
        masks.append(mask)
    fields = {}
    union = 0
    for mask in masks:
        union |= mask
    for number in range(union.bit_length()):
        if not union >> number & 1:
            continue
        having = [d for d, m in zip(ids, masks, strict=True) if m >> number & 1]
        tfs = []
        for _ in having:
            tf, p = _varint(block, p)
            tfs.append(tf)
        lengths = block[p : p + len(having)]
        p += len(having)
        fields[number] = list(zip(having, tfs, lengths, strict=True))
    assert p == len(block)
    return fields


def read_entry(entry: bytes, files: dict[str, bytes]) -> dict[int, list[tuple[int, int, int]]]:
    """A term's whole postings: its entry, and for a common term its head and tail, after
    checking what the head says of the tail: document counts, and a frontier above every tail
    document in every field (frequency at most, length byte at least)."""
    kind, p = _varint(entry, 0)
    if kind == 0:
        return read_block(entry, p)
    assert kind == 1
    total, p = _varint(entry, p)
    count, p = _varint(entry, p)
    per_field = {}
    for _ in range(count):
        number, p = _varint(entry, p)
        per_field[number], p = _varint(entry, p)
    size, p = _varint(entry, p)
    tail_name, p = entry[p : p + size].decode(), p + size
    vectors, p = _varint(entry, p)
    front = []
    for _ in range(vectors):
        width, p = _varint(entry, p)
        vector = {}
        for _ in range(width):
            number, p = _varint(entry, p)
            tf, p = _varint(entry, p)
            vector[number], p = (tf, entry[p]), p + 1
        front.append(vector)
    head = read_block(entry, p)
    tail_file = files[f"search/tails/{tail_name}.bin"]
    assert blocks.content_name(tail_file) == tail_name
    tail = read_block(gzip.decompress(tail_file))
    tail_docs: dict[int, dict[int, tuple[int, int]]] = {}
    for number, postings in tail.items():
        for doc_id, tf, length in postings:
            tail_docs.setdefault(doc_id, {})[number] = (tf, length)
    for fields in tail_docs.values():
        assert any(
            all(n in v and v[n][0] >= tf and v[n][1] <= ln for n, (tf, ln) in fields.items())
            for v in front
        ), fields
    head_docs = {d for postings in head.values() for d, _, _ in postings}
    assert not head_docs & tail_docs.keys()
    assert len(head_docs) + len(tail_docs) == total
    merged = {n: sorted(head.get(n, []) + tail.get(n, [])) for n in head.keys() | tail.keys()}
    assert {n: len(v) for n, v in merged.items()} == per_field
    return merged


def read_shard(data: bytes, files: dict[str, bytes]) -> dict[str, dict[int, list]]:
    """Decode a shard the way search-index.js does: term → field → [(id, tf, length byte)]."""
    raw = gzip.decompress(data)
    count, pos = _varint(raw, 0)
    terms, previous = {}, b""
    for _ in range(count):
        shared, pos = _varint(raw, pos)
        rest, pos = _varint(raw, pos)
        name = previous[:shared] + raw[pos : pos + rest]
        pos += rest
        size, pos = _varint(raw, pos)
        entry, pos = raw[pos : pos + size], pos + size
        previous = name
        terms[name.decode()] = read_entry(entry, files)
    assert pos == len(raw)
    return terms


def test_shards_hold_exactly_the_postings(generated):
    from site_builder.search.folders import cache_folder
    from site_builder.search.index import SearchIndex
    from site_builder.search.postings import entries_of

    store = SearchIndex(cache_folder(generated, ".cache")).store()
    expected: dict[str, dict[int, list]] = {}
    for doc_id, vector in store.vectors():
        for term, items in entries_of(vector).items():
            for number, tf, length in items:
                expected.setdefault(term, {}).setdefault(number, []).append((doc_id, tf, length))
    documents = store.count()
    store.close()
    files = search_files(generated)
    meta = json.loads(gzip.decompress(files["search/meta.bin"]))
    found: dict[str, dict[int, list]] = {}
    shard_names = []
    for _, directory in meta["dirs"]:
        table = json.loads(gzip.decompress(files[f"search/dirs/{directory}.bin"]))
        for first, name in table:
            shard_names.append((first, name))
            found.update(read_shard(files[f"search/shards/{name}.bin"], files))
    assert found == expected
    firsts = [export.term_order(f) for f, _ in shard_names]
    assert firsts == sorted(firsts) and shard_names[0][0] == ""
    assert meta["n"] == documents == 200


def test_fragments_and_facets(generated):
    files = search_files(generated)
    fragments = [k for k in files if k.startswith("search/docs/")]
    assert len(fragments) == 200
    record = json.loads(gzip.decompress(files[fragments[0]]))
    assert set(record) == {"t", "u", "d", "l", "s", "x"}
    meta = json.loads(gzip.decompress(files["search/meta.bin"]))
    facets = json.loads(gzip.decompress(files["search/" + meta["facets"]]))
    assert len(facets["ids"]) == 200 and len(facets["company"]["docs"]) == 200


def test_two_builds_give_identical_bytes_and_a_clean_build_equals_an_incremental_one(
    generated, tmp_path
):
    before = search_files(generated)
    assert build(generated) == 0  # nothing changed: cached index
    assert search_files(generated) == before
    assert clean_search_files(generated, tmp_path / "copy") == before


def test_editing_one_article_keeps_most_shard_names(tmp_path):
    root = generated_site(tmp_path / "site", 200)
    assert build(root) == 0
    before = search_files(root)
    victim = sorted((root / "content").rglob("*.md"))[57]
    text = victim.read_text()
    victim.write_text(text.rstrip("\n") + "\n\nUne phrase ajoutée sur la supraconductivité.\n")
    assert build(root) == 0
    after = search_files(root)
    shards_before = {k for k in before if k.startswith("search/shards/")}
    shards_after = {k for k in after if k.startswith("search/shards/")}
    kept = len(shards_before & shards_after) / len(shards_before)
    assert kept >= 0.8, f"only {kept:.0%} of shards kept their names"
    changed_fragments = [
        k for k in after if k.startswith("search/docs/") and before.get(k) != after[k]
    ]
    assert len(changed_fragments) <= 1  # the edit is past the excerpt text

    assert clean_search_files(root, tmp_path / "clean") == after


def test_adding_an_article_renumbers_nobody(tmp_path):
    files = {
        f"content/2020/0{i}/a{i}.md": article(title=f"Article {i}", date=f"2020-0{i}-0{i}")
        for i in range(1, 6)
    }
    root = write_site(tmp_path, files)
    assert build(root) == 0
    before = {k for k in search_files(root) if k.startswith("search/docs/")}
    write_site(root, {"content/2020/03/z.md": article(title="Le même jour", date="2020-03-03")})
    assert build(root) == 0
    after = {k for k in search_files(root) if k.startswith("search/docs/")}
    assert before < after and len(after - before) == 1


def test_ids_sort_by_date_and_resolve_collisions_by_path():
    day = 737_700
    paths = [f"2020/10/p{i}/" for i in range(300)]
    ids = assign_ids([(day, p) for p in paths] + [(day + 1, "2020/10/late/")])
    assert len(set(ids.values())) == 301
    assert all(day * SLOTS <= ids[p] < (day + 1) * SLOTS for p in paths)
    assert ids["2020/10/late/"] > max(ids[p] for p in paths)
    assert ids[paths[0]] == day * SLOTS + path_slot(paths[0])
    assert assign_ids([(day, p) for p in reversed(paths)]) == assign_ids([(day, p) for p in paths])


def test_more_articles_on_one_day_than_ids_allow_is_an_error_not_a_hang():
    day = date(1990, 1, 1).toordinal()  # year-only dates all count as the first of January
    with pytest.raises(ValueError, match="more than 4,096 articles dated 1990-01-01"):
        assign_ids((day, f"1990/a{i}/") for i in range(SLOTS + 1))


def test_every_incremental_step_equals_a_clean_build(tmp_path):
    """Add, edit, rename and delete articles one after the other: after each step the search
    files of the incremental build are the clean build's, byte for byte."""
    root = write_site(
        tmp_path / "site",
        {
            f"content/2021/0{i}/a{i}.md": article(
                title=f"Stockage numéro {i}",
                date=f"2021-0{i}-1{i}",
                body=f"Les baies de stockage {i} et les serveurs. " * (i + 1),
            )
            for i in range(1, 7)
        },
    )
    steps = [
        lambda: write_site(root, {"content/2021/08/new.md": article(title="Nouveau serveur",
                                                                    date="2021-08-01")}),
        lambda: (root / "content/2021/02/a2.md").write_text(
            article(title="Stockage réécrit", date="2021-02-12", body="Tout autre texte.")
        ),
        lambda: (root / "content/2021/03/a3.md").rename(root / "content/2021/03/renamed.md"),
        lambda: (root / "content/2021/05/a5.md").unlink(),
        lambda: (root / "content/2021/04/a4.md").write_text(
            article(title="Stockage numéro 4", date="2021-04-14", lang="en",
                    body="Storage arrays and servers.")
        ),
    ]  # fmt: skip
    assert build(root) == 0
    for n, step in enumerate(steps):
        step()
        assert build(root) == 0
        assert search_files(root) == clean_search_files(root, tmp_path / f"clean{n}"), f"step {n}"


@given(st.binary(max_size=2000))
def test_search_files_are_gzip_with_the_same_header_on_every_python(data):
    """Python 3.13's gzip module writes another OS byte than 3.11's: the search files must not
    change with the Python that built them (the golden test runs on both)."""
    packed = blocks.gzip_bytes(data)
    assert gzip.decompress(packed) == data
    # Magic, deflate, no flags, mtime 0, no extra flags, Unix.
    assert packed[:10] == b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"


def test_the_table_of_small_varints_holds_their_encoding():
    assert [blocks.varint(v) for v in range(1 << 14)] == blocks._SMALL


@given(
    st.lists(
        st.tuples(
            st.integers(0, 2**62),
            st.sets(st.integers(0, 13), min_size=1, max_size=4),
            st.integers(1, 2**32 - 1),
            st.integers(0, 255),
        ),
        min_size=1,
        max_size=200,
        unique_by=lambda posting: posting[0],
    )
)
def test_long_posting_lists_encode_as_the_reference_encoder_does(postings):
    """Long lists go through numpy; the bytes the browser decodes must not depend on that."""
    columns = (array("q"), array("B"), array("I"), array("B"))
    for doc_id, numbers, tf, length in sorted(postings):
        for number in sorted(numbers):
            for column, value in zip(columns, (doc_id, number, tf, length), strict=True):
                column.append(value)
    assert blocks.encode_block(columns) == blocks._encode_small(columns)


def test_an_edit_makes_the_search_document_of_that_article_alone(tmp_path, monkeypatch):
    """After an edit only the edited article is analysed again; a change every document shows
    (a company's alias) makes them all again. Each time the search files are a clean build's."""
    from site_builder.search import catalogue

    made: list[list[str]] = []
    make = catalogue.make_documents

    def recording(archive, bodies, articles, places):
        articles = list(articles)
        made.append(sorted(a.path for a in articles))
        return make(archive, bodies, articles, places)

    monkeypatch.setattr(catalogue, "make_documents", recording)
    root = write_site(tmp_path / "site", {
        f"content/a{i}.md": article(title=f"Serveurs {i}", date=f"2021-0{i}-01") for i in range(1, 7)
    })  # fmt: skip

    def same_as_clean(step: str) -> None:
        assert search_files(root) == clean_search_files(root, tmp_path / step)

    assert build(root) == 0
    assert len(made[-1]) == 6
    (root / "content/a3.md").write_text(article(title="Serveurs 3", date="2021-03-01",
                                                body="Une baie de stockage."))  # fmt: skip
    assert build(root) == 0
    assert made[-1] == ["content/a3.md"]
    same_as_clean("edit")
    write_site(root, {"content/companies.yaml": "HPE:\n  aliases: [Hewlett Packard]\n"})
    assert build(root) == 0
    assert len(made[-1]) == 6
    same_as_clean("alias")


def test_an_article_moves_back_to_its_slot_when_the_one_that_took_it_leaves(tmp_path):
    """Two articles of one day whose paths hash to the same slot: the second (in path order)
    takes the next slot; once the first is deleted, an incremental build gives it its own slot
    back, as a clean build does."""
    seen: dict[int, int] = {}
    for i in range(5000):
        slot = path_slot(f"2020/10/collision-{i}/")
        if slot in seen:
            pair = sorted([seen[slot], i], key=lambda n: f"collision-{n}/")
            break
        seen[slot] = i
    first, second = (f"collision-{n}" for n in pair)
    root = write_site(tmp_path / "site", {
        f"content/{name}.md": article(title=name.replace("-", " ").capitalize(), date="2020-10-05")
        for name in (first, second, "autre")
    })  # fmt: skip
    assert build(root) == 0
    own = date(2020, 10, 5).toordinal() * SLOTS + path_slot(f"2020/10/{first}/")

    def url_of(files: dict[str, bytes], doc_id: int) -> str:
        return json.loads(gzip.decompress(files[f"search/docs/{doc_id}.bin"]))["u"]

    assert url_of(search_files(root), own).endswith(f"/{first}/")
    assert url_of(search_files(root), own + 1).endswith(f"/{second}/")
    (root / f"content/{first}.md").unlink()
    assert build(root) == 0
    files = search_files(root)
    assert url_of(files, own).endswith(f"/{second}/")
    assert f"search/docs/{own + 1}.bin" not in files
    assert clean_search_files(root, tmp_path / "clean") == files


@pytest.mark.parametrize("lost", ["postings.sqlite", "documents.sqlite"])
def test_a_search_cache_file_lost_between_two_builds_costs_only_time(tmp_path, lost):
    root = write_site(tmp_path / "site", {
        f"content/a{i}.md": article(title=f"Serveurs {i}", date=f"2021-0{i}-01") for i in range(1, 5)
    })  # fmt: skip
    assert build(root) == 0
    for path in (root / ".cache/search").glob(f"{lost}*"):  # with SQLite's -wal and -shm
        path.unlink()
    (root / "content/a2.md").write_text(article(title="Stockage", date="2021-02-01"))
    assert build(root) == 0
    assert search_files(root) == clean_search_files(root, tmp_path / "clean")


def test_after_an_upgrade_the_search_files_are_a_clean_build_s(tmp_path, monkeypatch):
    """A new version of the code that compresses the index differently (the gzip level once
    changed): the cached shards and facets of the old version must not be reused."""
    from site_builder import build as build_module
    from site_builder.output import cache
    from site_builder.search import catalogue, postings

    root = write_site(tmp_path / "site", {
        f"content/a{i}.md": article(title=f"Serveurs {i}", date=f"2021-0{i}-01") for i in range(1, 5)
    })  # fmt: skip
    assert build(root) == 0
    for module in (cache, build_module, catalogue, postings):
        monkeypatch.setattr(module, "code_digest", lambda: "the next version")
    for module in (blocks, export):  # the tails are compressed in blocks, the other files in export
        monkeypatch.setattr(module, "gzip_bytes", lambda data: gzip.compress(data, 1, mtime=0))
    assert build(root) == 0
    assert search_files(root) == clean_search_files(root, tmp_path / "clean")
