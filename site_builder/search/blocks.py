"""How one term's postings are written into its shard (the format is docs/SEARCH-INDEX.md's,
the layout of the files around them is `export.py`'s): its *block*, by column, and for a common
term an *entry* of its head (the documents it matters most in), the name of the tail file that
holds the rest and the tail's *frontier*, the most a tail document can add to a score.

Entries are made when a term's postings change and kept by the posting store (`postings.py`),
which is given `term_entry` and `content_name` (to name the tail files): a term that an edit
did not touch keeps its bytes.
"""

from __future__ import annotations

import hashlib
import zlib
from array import array

import numpy as np
from whoosh.util.numeric import byte_to_length

from site_builder.search.analysis import BM25_B, BM25_K1, FIELDS
from site_builder.search.documents import SLOTS
from site_builder.search.postings import Columns

# A term in more documents than SPLIT_FROM is published as a head of HEAD_DOCS documents and a
# tail file: the first page of a one-word query then needs only the head, however big the
# archive grows.
SPLIT_FROM = 1536
HEAD_DOCS = 384


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


def append_varint(out: bytearray, value: int) -> None:
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)


def varint(value: int) -> bytes:
    out = bytearray()
    append_varint(out, value)
    return bytes(out)


# Encoding millions of postings in Python: small values come from a table.
# Made as `varint` would make them, faster: every search worker imports this.
_SMALL = [bytes((v,)) for v in range(1 << 7)]
_SMALL += [bytes((low, high)) for high in range(1, 1 << 7) for low in range(1 << 7, 1 << 8)]
assert len(FIELDS) <= 14, "field masks are read from _SMALL"

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
        append_varint(out, value)
    for number in np.flatnonzero(per_field):
        append_varint(out, int(number))
        append_varint(out, int(per_field[number]))
    name = content_name(tail_data).encode()
    append_varint(out, len(name))
    out += name
    front = frontier(tail)
    append_varint(out, len(front))
    for vector in front:
        append_varint(out, len(vector))
        for number, tf, length in vector:
            append_varint(out, number)
            append_varint(out, tf)
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
