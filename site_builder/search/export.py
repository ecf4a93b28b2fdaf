"""The static index under `output/search/`, read by `search.js`. Format version 1:

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
  postings block, then the block, by column: varint number of documents, their ids (varint
  deltas), their field masks (varint, bit n = field n), then for each field in number order
  the term frequencies (varints) and field length bytes (whoosh's `length_to_byte`) of the
  documents having it. Shard boundaries are content-defined (past half the target size, a
  term whose hash is 0 mod 8 ends a shard; a big posting list has a shard of its own), and
  names are content hashes: a shard whose terms did not change keeps its name.
- `search/docs/<id>.bin`: gzip of JSON for one document: title `t`, URL `u`, date label `d`,
  language `l`, source `s`, text `x` (summary and the start of the body, for the excerpt).
- `search/facets.<hash>.bin`: gzip of JSON: every document id (`ids`, delta-coded), and for
  `company`, `source` and `tag` the names (`[name, slug, aliases]`) and per document the
  indexes of its values. Fetched only when filters are used.

Every file is deterministic (gzip with mtime 0), so two builds of one archive are identical.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import pairwise

from whoosh.util.numeric import length_to_byte

from site_builder.search.analysis import BM25_B, BM25_K1, FIELDS, export_tables
from site_builder.search.documents import SearchDocument
from site_builder.search.index import DocumentVector, IndexStatistics

FORMAT_VERSION = 1
SEARCH_DIR = "search/"
META_FILE = SEARCH_DIR + "meta.bin"
SHARD_TARGET = 12_000  # raw bytes
SHARD_MIN = SHARD_TARGET // 2
SHARD_MAX = SHARD_TARGET * 2
SHARD_ALONE = SHARD_TARGET // 2
DIRECTORY_EVERY = 24
DIRECTORY_MIN = 8
CUT_EVERY = 8
FRAGMENT_BODY_CHARS = 900


def content_name(data: bytes) -> str:
    """A file name from the content: 50 bits of SHA-256, base32."""
    return base64.b32encode(hashlib.sha256(data).digest()[:10]).decode().lower()


def gzip_bytes(data: bytes) -> bytes:
    """Deterministic gzip: no name, mtime 0."""
    return gzip.compress(data, compresslevel=9, mtime=0)


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
_SMALL = [varint(v) for v in range(1 << 14)]
assert len(FIELDS) <= 14, "field masks are read from _SMALL"


def term_order(term: str) -> bytes:
    """Sort key equal to JavaScript's string comparison (UTF-16 code units)."""
    return term.encode("utf-16-be", "surrogatepass")


Postings = dict[tuple[str, int], list[tuple[int, int, int]]]


def invert(vectors: dict[int, DocumentVector]) -> Postings:
    """(term, field number) → [(id, frequency, length byte)] in id order."""
    postings: Postings = {}
    get = postings.get
    for doc_id in sorted(vectors):
        vector = vectors[doc_id]
        for number, frequencies in vector.frequencies.items():
            length = length_to_byte(vector.lengths[number])
            for term, tf in frequencies.items():
                key = (term, number)
                items = get(key)
                if items is None:
                    items = postings[key] = []
                items.append((doc_id, tf, length))
    return postings


def term_blocks(postings: Postings) -> list[tuple[str, bytes]]:
    """Every term in JavaScript string order, with its encoded postings block."""
    fields: dict[str, list[int]] = {}
    for term, number in postings:
        fields.setdefault(term, []).append(number)
    return [
        (term, encode_block({n: postings[(term, n)] for n in sorted(fields[term])}))
        for term in sorted(fields, key=term_order)
    ]


def encode_block(by_field: dict[int, list[tuple[int, int, int]]]) -> bytes:
    """One term's postings, by column so that gzip finds the regularities: the documents
    holding the term (id deltas), each one's field mask, then per field in number order the
    term frequencies and the field length bytes of the documents having that field."""
    masks: dict[int, int] = {}
    for number, items in by_field.items():
        bit = 1 << number
        for doc_id, _, _ in items:
            masks[doc_id] = masks.get(doc_id, 0) | bit
    ids = sorted(masks)
    small = _SMALL
    pieces = [varint(len(ids))]
    append = pieces.append
    last = 0
    for doc_id in ids:
        delta = doc_id - last
        if delta < 16384:
            append(small[delta])
        elif delta < 2097152:
            append(bytes(((delta & 127) | 128, (delta >> 7 & 127) | 128, delta >> 14)))
        else:
            append(varint(delta))
        last = doc_id
    pieces += [small[masks[d]] for d in ids]
    for number in sorted(by_field):
        items = by_field[number]
        pieces += [small[tf] if tf < 16384 else varint(tf) for _, tf, _ in items]
        append(bytes(length for _, _, length in items))
    return b"".join(pieces)


def _ends_shard(term: str) -> bool:
    return hashlib.blake2b(term.encode(), digest_size=4).digest()[0] % CUT_EVERY == 0


@dataclass(frozen=True)
class Shard:
    first: str
    name: str
    data: bytes  # gzipped


def build_shards(blocks: Iterable[tuple[str, bytes]]) -> list[Shard]:
    """Cut (term, block) pairs, in term order, into content-defined shards."""
    shards: list[Shard] = []
    current = bytearray()
    count = 0
    first: str | None = None
    previous = b""

    def close() -> None:
        nonlocal current, count, first, previous
        if first is None:
            return
        head = bytearray()
        _varint(head, count)
        data = gzip_bytes(bytes(head + current))
        name = content_name(data)
        shards.append(Shard(first if shards else "", name, data))
        current, count, first, previous = bytearray(), 0, None, b""

    for term, block in blocks:
        alone = len(block) >= SHARD_ALONE
        if alone:
            close()  # a big posting list gets a shard of its own: a query fetches only it
        raw = term.encode("utf-8")
        shared = 0
        limit = min(len(raw), len(previous))
        while shared < limit and raw[shared] == previous[shared]:
            shared += 1
        if first is None:
            first = term
        _varint(current, shared)
        _varint(current, len(raw) - shared)
        current += raw[shared:]
        _varint(current, len(block))
        current += block
        count += 1
        previous = raw
        size = len(current)
        if alone or size >= SHARD_MAX or (size >= SHARD_MIN and _ends_shard(term)):
            close()
    close()
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
        directories.append(Shard(group[0].first, content_name(data), data))
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


def facets_file(docs: list[SearchDocument], facets: dict) -> tuple[str, bytes]:
    ids = [d.id for d in docs]
    record: dict = {"ids": [b - a for a, b in pairwise([0, *ids])]}
    for kind, attribute in (("company", "company_slugs"), ("source", "source_slug"),
                            ("tag", "tag_slugs")):  # fmt: skip
        names = facets.get(kind, [])
        index = {n["slug"]: i for i, n in enumerate(names)}
        per_doc = []
        for doc in docs:
            value = getattr(doc, attribute)
            slugs = (value,) if isinstance(value, str) else value
            per_doc.append([index[s] for s in slugs if s in index])
        record[kind] = {
            "names": [[n["name"], n["slug"], list(n.get("aliases", ()))] for n in names],
            "docs": per_doc,
        }
    data = gzip_bytes(json_bytes(record))
    return f"{SEARCH_DIR}facets.{content_name(data)}.bin", data


def export_index(
    docs: list[SearchDocument],
    vectors: dict[int, DocumentVector],
    statistics: IndexStatistics,
    facets: dict,
    url_of,
    words: dict[str, str],
) -> Iterator[tuple[str, bytes]]:
    """Every file of the static index, as (output path, bytes)."""
    shards = build_shards(term_blocks(invert(vectors)))
    for shard in shards:
        yield f"{SEARCH_DIR}shards/{shard.name}.bin", shard.data
    directories = build_directories(shards)
    for directory in directories:
        yield f"{SEARCH_DIR}dirs/{directory.name}.bin", directory.data
    for doc in docs:
        yield fragment_path(doc.id), fragment(doc, url_of(doc.path))
    facets_path, facets_data = facets_file(docs, facets)
    yield facets_path, facets_data
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
    yield META_FILE, gzip_bytes(json_bytes(meta))
