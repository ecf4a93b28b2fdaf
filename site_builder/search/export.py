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
"""

from __future__ import annotations

import hashlib
import json
import zlib
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from itertools import pairwise
from operator import attrgetter
from typing import NamedTuple

import numpy as np
from whoosh.util.numeric import byte_to_length

from site_builder.output.fingerprint import digest
from site_builder.search.analysis import BM25_B, BM25_K1, FIELDS, export_tables
from site_builder.search.catalogue import Documents, slugs
from site_builder.search.documents import SLOTS, SearchDocument
from site_builder.search.postings import Columns, PostingStore, run_key
from site_builder.search.store import IndexStatistics

FORMAT_VERSION = 3
SEARCH_DIR = "search/"
META_FILE = SEARCH_DIR + "meta.bin"
TAILS_DIR = SEARCH_DIR + "tails/"
# A term in more documents than SPLIT_FROM is published as a head of HEAD_DOCS documents and a
# tail file: the first page of a one-word query then needs only the head, however big the
# archive grows.
SPLIT_FROM = 1536
HEAD_DOCS = 384
SHARD_TARGET = 12_000  # raw bytes
SHARD_MIN = SHARD_TARGET // 2
SHARD_MAX = SHARD_TARGET * 2
SHARD_ALONE = SHARD_TARGET // 2
CUT_EVERY = 8
DIRECTORY_EVERY = 24
DIRECTORY_MIN = 8
FRAGMENT_BODY_CHARS = 900


def content_name(data: bytes) -> str:
    """A file name from the content: the first 12 hex digits of its SHA-256."""
    return hashlib.sha256(data).hexdigest()[:12]


def gzip_bytes(data: bytes) -> bytes:
    """Deterministic gzip: no name, mtime 0. Level 6 rather than 9: on this index's files it
    compresses much faster (the facets file most of all) for barely more bytes, and an edit
    compresses again every shard it touched."""
    # zlib writes the gzip header itself (mtime 0, no name), the same on every Python version;
    # gzip.compress does not: since 3.13 its header says "unknown OS" where zlib says Unix.
    return zlib.compress(data, level=6, wbits=31)


def json_bytes(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def _varint(out: bytearray, value: int) -> None:
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)


def varint(value: int) -> bytes:
    out = bytearray()
    _varint(out, value)
    return bytes(out)


# Encoding millions of postings in Python: small values come from a table.
# Made as `varint` would make them, faster: every search worker imports this.
_SMALL = [bytes((v,)) for v in range(1 << 7)]
_SMALL += [bytes((low, high)) for high in range(1, 1 << 7) for low in range(1 << 7, 1 << 8)]
assert len(FIELDS) <= 14, "field masks are read from _SMALL"


def term_order(term: str) -> bytes:
    """Sort key equal to JavaScript's string comparison (UTF-16 code units)."""
    return term.encode("utf-16-be", "surrogatepass")


# Past this many postings a block is encoded with numpy (an edit re-encodes the postings of
# common words, long ones; a cold build encodes a great many short lists).
VECTOR_FROM = 48
_DTYPES = (np.int64, np.uint8, np.uint32, np.uint8)  # the arrays' typecodes q, B, I, B


def _arrays(columns: Columns) -> tuple[np.ndarray, ...]:
    """The columns as numpy arrays (views, no copy)."""
    return tuple(np.frombuffer(c, dtype=t) for c, t in zip(columns, _DTYPES, strict=True))


def _first_postings(ids: np.ndarray) -> np.ndarray:
    """True at each document's first posting (postings are sorted by document id)."""
    first = np.ones(ids.size, dtype=bool)
    np.not_equal(ids[1:], ids[:-1], out=first[1:])
    return first


def encode_block(columns: Columns) -> bytes:
    """One term's postings, by column so that gzip finds the regularities: the documents
    holding the term (day deltas, then slots), each one's field mask, then per field in number
    order the term frequencies and the field length bytes of the documents having that field."""
    if len(columns[0]) < VECTOR_FROM:
        return _encode_small(columns)
    ids, fields, tfs, lengths = _arrays(columns)
    starts = np.flatnonzero(_first_postings(ids))
    doc_ids = ids[starts]
    masks = np.bitwise_or.reduceat(np.left_shift(1, fields.astype(np.int64)), starts)
    days, slots = np.divmod(doc_ids, SLOTS)
    new_day = np.diff(days, prepend=0)
    skipped = slots - np.concatenate(([-1], slots[:-1])) - 1
    pieces = [varint(doc_ids.size), varints(new_day), varints(np.where(new_day, slots, skipped)),
              varints(masks)]  # fmt: skip
    # not np.unique: it imports numpy.ma, slow to import in every search worker
    for number in np.flatnonzero(np.bincount(fields)):
        where = fields == number
        pieces += [varints(tfs[where]), lengths[where].tobytes()]
    return b"".join(pieces)


def varints(values: np.ndarray) -> bytes:
    """The varints of non-negative integers, one after another (vectorised)."""
    v = values.astype(np.uint64)
    if v.size == 0:
        return b""
    if int(v.max()) < 0x80:
        return v.astype(np.uint8).tobytes()
    sizes = np.ones(v.size, dtype=np.int64)
    for k in range(1, 10):
        more = v >= np.uint64(1 << (7 * k))
        if not more.any():
            break
        sizes += more
    ends = np.cumsum(sizes)
    starts = ends - sizes
    out = np.empty(int(ends[-1]), dtype=np.uint8)
    for k in range(int(sizes.max())):
        has = sizes > k
        part = (v[has] >> np.uint64(7 * k)) & np.uint64(0x7F)
        more = (sizes[has] > k + 1).astype(np.uint64) << np.uint64(7)
        out[starts[has] + k] = (part | more).astype(np.uint8)
    return out.tobytes()


# Which documents make a common term's head is decided from its own postings only (never from
# the archive's statistics, which change with every article), so an untouched term keeps its
# bytes. The proxy scores with fixed field lengths; any choice is correct, a good one makes the
# head settle more queries.
_REFERENCE_LENGTHS = {"title": 10.0, "summary": 40.0, "body": 500.0, "tags": 3.0,
                      "companies": 3.0, "source": 4.0}  # fmt: skip
_BYTE_LENGTHS = np.array([byte_to_length(n) for n in range(256)], dtype=np.float64)


def _reference_length(name: str) -> float:
    return _REFERENCE_LENGTHS.get(name.split("_")[0], 10.0)


_BOOSTS = np.array([f.boost for f in FIELDS], dtype=np.float64)
_REFERENCE = np.array([_reference_length(f.name) for f in FIELDS], dtype=np.float64)


def term_entry(columns: Columns) -> tuple[bytes, bytes | None]:
    """A term's entry in its shard and, for a common term, its gzipped tail block.

    Entry: varint kind, 0 for the whole list: then the block. Kind 1, a head: varint number
    of documents in all, varint number of fields, per field (varint number, varint documents
    having it), varint length and ASCII bytes of the tail's name, then the tail's *frontier*:
    varint count, per vector a varint number of fields and per field (varint number, varint
    term frequency, length byte); then the head's block. No tail document outscores every
    frontier vector, whatever the statistics (each tail document is below one vector in every
    field: frequency at most, length at least), so the browser knows
    the most a tail can add to a score without fetching it."""
    ids, fields, tfs, lengths = _arrays(columns)
    starts = np.flatnonzero(_first_postings(ids))
    if starts.size <= SPLIT_FROM:
        return varint(0) + encode_block(columns), None
    tfs = tfs.astype(np.float64)
    per_field = np.bincount(fields, minlength=len(FIELDS))
    idf = np.log(1e6 / (per_field + 1.0)) + 1.0
    norm = (1 - BM25_B) + BM25_B * _BYTE_LENGTHS[lengths] / _REFERENCE[fields]
    posting = _BOOSTS[fields] * idf[fields] * tfs * (BM25_K1 + 1) / (tfs + BM25_K1 * norm)
    impact = np.add.reduceat(posting, starts)
    doc_ids = ids[starts]
    order = np.lexsort((doc_ids, -impact))  # best first, ties by id
    in_head = np.zeros(starts.size, dtype=bool)
    in_head[order[:HEAD_DOCS]] = True
    counts = np.diff(np.append(starts, ids.size))
    head_postings = np.repeat(in_head, counts)
    head, tail = _select(columns, head_postings), _select(columns, ~head_postings)
    tail_data = gzip_bytes(encode_block(tail))
    out = bytearray()
    for value in (1, starts.size, int(np.count_nonzero(per_field))):
        _varint(out, value)
    for number in np.flatnonzero(per_field):
        _varint(out, int(number))
        _varint(out, int(per_field[number]))
    name = content_name(tail_data).encode()
    _varint(out, len(name))
    out += name
    front = frontier(tail)
    _varint(out, len(front))
    for vector in front:
        _varint(out, len(vector))
        for number, tf, length in vector:
            _varint(out, number)
            _varint(out, tf)
            out.append(length)
    return bytes(out) + encode_block(head), tail_data


def _select(columns: Columns, postings: np.ndarray) -> Columns:
    """The columns of the postings where `postings` is True."""
    return tuple(array(c.typecode, a[postings].tobytes())
                 for c, a in zip(columns, _arrays(columns), strict=True))  # fmt: skip


def frontier(columns: Columns) -> list[tuple[tuple[int, int, int], ...]]:
    """Vectors ((field, frequency, length byte), …) such that every document of `columns` is
    below one of them in every field; none below another. Exact: rounding the values the safe
    way makes fewer vectors but a bound too loose to settle anything (a common word's tail
    would seem to reach scores far above its best document's)."""
    ids, fields, tfs, lengths = _arrays(columns)
    if ids.size == 0:
        return []
    present = np.flatnonzero(np.bincount(fields, minlength=len(FIELDS)))
    column = np.searchsorted(present, fields)
    row = np.cumsum(_first_postings(ids)) - 1
    # One row per document: (frequency, 255 - length) per field, (0, 0) where absent.
    left = np.zeros((row[-1] + 1, 2 * present.size), dtype=np.int64)
    left[row, 2 * column] = tfs
    left[row, 2 * column + 1] = 255 - lengths.astype(np.int64)
    # A vector can only be below one that comes before it in this order (more in total).
    left = left[np.lexsort((-left[:, 1::2].sum(1), -left[:, 0::2].sum(1)))]
    front = []
    while left.shape[0]:
        # The first vector left is below none of the others: keep it, drop those below it.
        front.append(left[0])
        left = left[~(left <= left[0]).all(axis=1)]
    return [
        tuple((int(present[j]), int(v[2 * j]), 255 - int(v[2 * j + 1]))
              for j in range(present.size) if v[2 * j])
        for v in front
    ]  # fmt: skip


def _encode_small(columns: Columns) -> bytes:
    """`encode_block` in plain Python: quicker than numpy's call overhead for short lists."""
    ids, fields, tfs, lengths = columns
    small = _SMALL
    doc_ids: list[int] = []
    masks: list[int] = []
    by_field: dict[int, tuple[list[bytes], bytearray]] = {}
    last = -1
    for doc_id, number, tf, length in zip(ids, fields, tfs, lengths, strict=True):
        if doc_id != last:
            doc_ids.append(doc_id)
            masks.append(1 << number)
            last = doc_id
        else:
            masks[-1] |= 1 << number
        column = by_field.get(number)
        if column is None:
            column = by_field[number] = ([], bytearray())
        column[0].append(small[tf] if tf < 16384 else varint(tf))
        column[1].append(length)
    pieces = [varint(len(doc_ids))]
    append = pieces.append
    last_day, last_slot = 0, -1
    slots = []
    for doc_id in doc_ids:
        day, slot = divmod(doc_id, SLOTS)
        if day == last_day:
            append(small[0])
            slots.append(small[slot - last_slot - 1])
        else:
            append(small[day - last_day] if day - last_day < 16384 else varint(day - last_day))
            slots.append(small[slot])
        last_day, last_slot = day, slot
    pieces += slots
    pieces += [small[m] for m in masks]
    for number in sorted(by_field):
        frequencies, field_lengths = by_field[number]
        pieces += frequencies
        append(bytes(field_lengths))
    return b"".join(pieces)


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
    _varint(out, len(run))
    previous = b""
    for term, block in run:
        raw = term.encode("utf-8")
        shared = 0
        limit = min(len(raw), len(previous))
        while shared < limit and raw[shared] == previous[shared]:
            shared += 1
        _varint(out, shared)
        _varint(out, len(raw) - shared)
        out += raw[shared:]
        _varint(out, len(block))
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
    record = {"t": doc.title, "u": url, "d": doc.date_label, "l": doc.lang, "s": doc.source,
              "x": text}  # fmt: skip
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
        key = (doc.content_key + url).encode()
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
