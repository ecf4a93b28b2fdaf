"""The static index under `output/search/`, read by `search-index.js`. Format version
FORMAT_VERSION, written in `meta.bin`; docs/SEARCH-INDEX.md is the contract with the browser
(change both, and the version, together). In short:

- `search/meta.bin` (fetched first): gzip of JSON: document count `n`, fields (name, group,
  boost), BM25 `b` and `k1`, average field lengths `avg`, the analysis tables (stop lists,
  folding), the directory table `dirs` ([first term, name] in term order), the facets file
  name, the UI words.
- `search/dirs/<name>.bin`: gzip of JSON: [first term, shard name] for a run of shards. Two
  levels keep the first download small: a query reads meta, one directory per term range,
  then the shards.
- `search/shards/<name>.bin`: gzip of a run of terms in order (UTF-16 code unit order, which
  is JavaScript's string order): varint term count, then per term: varint bytes shared with
  the previous term's UTF-8, varint length and bytes of the rest, varint length of the
  postings block, then the block, by column: varint number of documents, their ids (the
  varint day deltas of all, then the varint slots: a document's own slot when its day differs
  from the previous document's, else the slots skipped since it; an id is day × 4096 + slot),
  their field masks (varint, bit n = field n), then for each field in number order
  the term frequencies (varints) and field length bytes (whoosh's `length_to_byte`) of the
  documents having it. A common term's entry holds only its *head*, the documents it
  matters most in (see `term_entry`), and names a tail file with the rest. Shard boundaries
  are content-defined (past half the target size, a
  term whose hash is 0 mod 8 ends a shard; a big posting list has a shard of its own), and
  names are content hashes: a shard whose terms did not change keeps its name.
- `search/tails/<name>.bin`: gzip of the postings block of a common term's other documents,
  fetched only when the head cannot settle the first page of results exactly.
- `search/docs/<id>.bin`: gzip of JSON for one document: title `t`, URL `u`, date label `d`,
  language `l`, source `s`, text `x` (summary and the start of the body, for the excerpt).
- `search/facets.<hash>.bin`: gzip of JSON: every document id (`ids`, delta-coded), and for
  `company`, `source` and `tag` the names (`[name, slug, aliases]`) and per document the
  indexes of its values. Fetched only when filters are used.

Every file is deterministic (gzip with mtime 0), so two builds of one archive are identical.
This module lays the files out; `blocks.py` encodes each term's postings block and entry.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from itertools import pairwise
from operator import attrgetter
from typing import NamedTuple

from site_builder.output.fingerprint import digest
from site_builder.render.typography_rules import typeset_text
from site_builder.search.analysis import BM25_B, BM25_K1, FIELDS, export_tables
from site_builder.search.blocks import append_varint, content_name, gzip_bytes
from site_builder.search.catalogue import Documents, slugs
from site_builder.search.documents import SearchDocument
from site_builder.search.postings import PostingStore, run_key
from site_builder.search.store import IndexStatistics

FORMAT_VERSION = 3
SEARCH_DIR = "search/"
META_FILE = SEARCH_DIR + "meta.bin"
TAILS_DIR = SEARCH_DIR + "tails/"
SHARD_TARGET = 12_000  # raw bytes
SHARD_MIN = SHARD_TARGET // 2
SHARD_MAX = SHARD_TARGET * 2
SHARD_ALONE = SHARD_TARGET // 2
CUT_EVERY = 8
DIRECTORY_EVERY = 24
DIRECTORY_MIN = 8
FRAGMENT_BODY_CHARS = 900
# Part of each fragment's fingerprint: bump when `fragment` writes other bytes for the same
# document, so that an updated site-builder makes every fragment again.
FRAGMENT_VERSION = 2


def json_bytes(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def term_order(term: str) -> bytes:
    """Sort key equal to JavaScript's string comparison (UTF-16 code units)."""
    return term.encode("utf-16-be", "surrogatepass")


def _ends_shard(term: str) -> bool:
    return hashlib.blake2b(term.encode(), digest_size=4).digest()[0] % CUT_EVERY == 0


@dataclass(frozen=True)
class Shard:
    first: str
    name: str
    data: Callable[[], bytes]  # gzipped; read from the cache only if the file must be written


class SearchFile(NamedTuple):
    """One file of the static index: its bytes are made (or read from the cache) only when
    `fingerprint` says the output does not hold them already. (A tuple: a build lists a
    fragment per article.)"""

    path: str
    fingerprint: bytes
    data: Callable[[], bytes]


def named_file(path: str, data: Callable[[], bytes]) -> SearchFile:
    """A file named by its content: the name is enough to know it is unchanged."""
    return SearchFile(path, digest("content-named", path), data)


def _constant(data: bytes) -> Callable[[], bytes]:
    return lambda: data


def cut_shards(sizes: list[tuple[str, int]]) -> list[tuple[str, ...]]:
    """Content-defined runs of terms (in order, with their block sizes): past SHARD_MIN bytes a
    term whose hash is 0 mod CUT_EVERY ends a run (so an edit moves no boundary beyond its own
    run), SHARD_MAX forces an end, and a big posting list is a run of its own (a query fetches
    only it)."""
    runs: list[tuple[str, ...]] = []
    current: list[str] = []
    total = 0
    for term, size in sizes:
        alone = size >= SHARD_ALONE
        if alone and current:
            runs.append(tuple(current))
            current, total = [], 0
        current.append(term)
        total += size + len(term) + 4
        if alone or total >= SHARD_MAX or (total >= SHARD_MIN and _ends_shard(term)):
            runs.append(tuple(current))
            current, total = [], 0
    if current:
        runs.append(tuple(current))
    return runs


def encode_shard(run: list[tuple[str, bytes]]) -> bytes:
    out = bytearray()
    append_varint(out, len(run))
    previous = b""
    for term, block in run:
        raw = term.encode("utf-8")
        shared = 0
        limit = min(len(raw), len(previous))
        while shared < limit and raw[shared] == previous[shared]:
            shared += 1
        append_varint(out, shared)
        append_varint(out, len(raw) - shared)
        out += raw[shared:]
        append_varint(out, len(block))
        out += block
        previous = raw
    return bytes(out)


def build_shards(store: PostingStore) -> list[Shard]:
    """The shards of the store's terms. A run of the same terms as in the last build, none of
    them encoded anew, reuses that build's compressed bytes."""
    sizes = sorted(store.sizes(), key=lambda item: term_order(item[0]))
    previous = store.shards()
    made: dict[bytes, tuple[str, bytes]] = {}
    used = set()
    shards = []
    for run in cut_shards(sizes):
        key = run_key(run)
        used.add(key)
        name = previous.get(key)
        if name is None or not store.encoded.isdisjoint(run):
            blocks = store.blocks(list(run))
            data = gzip_bytes(encode_shard([(t, blocks[t]) for t in run]))
            name, _ = made[key] = (content_name(data), data)
            read = _constant(data)
        else:
            read = partial(store.shard, key)
        shards.append(Shard(run[0] if shards else "", name, read))
    store.set_shards(made, [k for k in previous if k not in used])
    return shards


def _starts_directory(term: str) -> bool:
    return hashlib.blake2b(term.encode(), digest_size=4).digest()[1] % DIRECTORY_EVERY == 0


def build_directories(shards: list[Shard]) -> list[Shard]:
    """Group the shard table into content-defined directories (a shard whose first term hashes
    to 0 mod DIRECTORY_EVERY starts one), so the metadata stays small and an edit renames one
    directory."""
    groups: list[list[Shard]] = []
    for shard in shards:
        if not groups or (len(groups[-1]) >= DIRECTORY_MIN and _starts_directory(shard.first)):
            groups.append([])
        groups[-1].append(shard)
    directories = []
    for group in groups:
        data = gzip_bytes(json_bytes([[s.first, s.name] for s in group]))
        directories.append(Shard(group[0].first, content_name(data), _constant(data)))
    return directories


def fragment(doc: SearchDocument, url: str) -> bytes:
    body = doc.body
    if len(body) > FRAGMENT_BODY_CHARS:
        cut = body.rfind(" ", 0, FRAGMENT_BODY_CHARS)
        body = body[: cut if cut > 0 else FRAGMENT_BODY_CHARS] + " …"
    text = "\n\n".join(p for p in (doc.summary, body) if p)
    # With the typography of the pages (`’`, `« »`, no-break spaces), as the page shows them.
    record = {"t": typeset_text(doc.title, doc.lang), "u": url, "d": doc.date_label,
              "l": doc.lang, "s": typeset_text(doc.source, doc.lang),
              "x": typeset_text(text, doc.lang)}  # fmt: skip
    return gzip_bytes(json_bytes(record))


def fragment_path(doc_id: int) -> str:
    return f"{SEARCH_DIR}docs/{doc_id}.bin"


def facets_file(
    documents: Documents, facets: dict, store: PostingStore | None = None
) -> tuple[str, Callable[[], bytes]]:
    saved = store.saved("facets") if store is not None else None
    if saved is not None and documents.same_listing:  # no id and no document's values moved
        return saved[1], partial(store.saved_data, "facets")
    entries = sorted(documents.entries.values())
    ids = [entry.id for entry in entries]
    record: dict = {"ids": [b - a for a, b in pairwise([0, *ids])]}
    for kind in ("company", "source", "tag"):
        names = facets.get(kind, [])
        index = {n["slug"]: i for i, n in enumerate(names)}
        lists: dict[str, list[int]] = {}  # many documents share one value
        per_doc = []
        for value in map(attrgetter(kind), entries):
            found = lists.get(value)
            if found is None:
                found = lists[value] = [index[s] for s in slugs(value) if s in index]
            per_doc.append(found)
        record[kind] = {
            "names": [[n["name"], n["slug"], list(n.get("aliases", ()))] for n in names],
            "docs": per_doc,
        }
    raw = json_bytes(record)
    key = hashlib.sha256(raw).hexdigest()
    if saved is not None and saved[0] == key:  # compressing is most of the cost
        return saved[1], partial(store.saved_data, "facets")
    data = gzip_bytes(raw)
    path = f"{SEARCH_DIR}facets.{content_name(data)}.bin"
    if store is not None:
        store.save("facets", key, path, data)
    return path, _constant(data)


def export_index(
    documents: Documents,
    store: PostingStore,
    statistics: IndexStatistics,
    facets: dict,
    url_of,
    words: dict[str, str],
) -> list[SearchFile]:
    """Every file of the static index."""
    files = []
    shards = build_shards(store)
    files += [named_file(f"{SEARCH_DIR}shards/{s.name}.bin", s.data) for s in shards]
    files += [named_file(f"{TAILS_DIR}{name}.bin", partial(store.tail, name))
              for name in store.tail_names()]  # fmt: skip
    directories = build_directories(shards)
    files += [named_file(f"{SEARCH_DIR}dirs/{d.name}.bin", d.data) for d in directories]
    previous = store.fragments()
    wanted = documents.ids()
    docs = {doc.id: doc for doc in documents.made}
    if not wanted.issubset(previous.keys() | docs.keys()):  # one was never exported: make all
        documents.complete()
        docs = {doc.id: doc for doc in documents.made}
    made = {}
    for doc_id, doc in docs.items():
        url = url_of(doc.path)
        key = f"{FRAGMENT_VERSION} {doc.content_key} {url}".encode()
        fingerprint = hashlib.blake2b(key, digest_size=16, person=b"fragment").digest()
        if previous.get(doc_id) != fingerprint:
            made[doc_id] = (fingerprint, fragment(doc, url))
    read = store.fragment
    for doc_id in sorted(wanted):
        # Not made, or made as before: the document and the settings are as the last build
        # left them, and so is the fragment in the store.
        fingerprint, data = made.get(doc_id) or (previous[doc_id], None)
        data = partial(read, doc_id) if data is None else _constant(data)
        files.append(SearchFile(fragment_path(doc_id), fingerprint, data))
    store.set_fragments(made, [i for i in previous if i not in wanted])
    facets_path, facets_data = facets_file(documents, facets, store)
    files.append(named_file(facets_path, facets_data))
    meta = {
        "version": FORMAT_VERSION,
        "n": statistics.documents,
        "fields": [[f.name, f.group, f.boost] for f in FIELDS],
        "b": BM25_B,
        "k1": BM25_K1,
        "avg": [statistics.average_length(i) for i in range(len(FIELDS))],
        "analysis": export_tables(),
        "dirs": [[d.first, d.name] for d in directories],
        "facets": facets_path.removeprefix(SEARCH_DIR),
        "words": words,
    }
    data = gzip_bytes(json_bytes(meta))
    files.append(SearchFile(META_FILE, digest("meta", data), _constant(data)))
    return files
