"""The inverted index behind the browser export, kept in the build cache (one SQLite file) and
updated document by document, with the encoded entry (and tail) of every term, the compressed shards
and fragments of the last build: an edit re-encodes only the terms it touched, re-compresses
only the shards they are in, and reads and writes only those rows.

Each term's postings are four parallel arrays sorted by (document id, field number): ids,
fields, term frequencies and field length bytes.
"""

from __future__ import annotations

import hashlib
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from pathlib import Path

from whoosh.util.numeric import length_to_byte

from site_builder.output.cache import code_digest, open_database
from site_builder.search.store import DocumentVector

POSTINGS_VERSION = "6"


def _version() -> str:
    """The store holds encoded and compressed bytes: any change of the code may change them
    (the gzip level once did, and an incremental build reused the old bytes), so the store is
    kept only by the code that wrote it. Starting over costs a rebuild from the document
    store's vectors, once, after an upgrade."""
    return f"{POSTINGS_VERSION}:{code_digest()}"


POSTINGS_FILE = "postings.sqlite"

Columns = tuple[array, array, array, array]  # ids, fields, frequencies, length bytes
_TYPES = ("q", "B", "I", "B")


def entries_of(vector: DocumentVector) -> dict[str, list[tuple[int, int, int]]]:
    """term → [(field, frequency, length byte)] in field order, for one document."""
    out: dict[str, list[tuple[int, int, int]]] = {}
    for number in sorted(vector.frequencies):
        length = length_to_byte(vector.lengths[number])
        for term, tf in vector.frequencies[number].items():
            out.setdefault(term, []).append((number, tf, length))
    return out


def _columns(row: tuple[bytes, bytes, bytes, bytes]) -> Columns:
    out = []
    for kind, data in zip(_TYPES, row, strict=True):
        column = array(kind)
        column.frombytes(data)
        out.append(column)
    return tuple(out)


class PostingStore:
    """term → Columns and encoded block; compressed shards and fragments of the last build."""

    def __init__(
        self,
        folder: Path,
        encode: Callable[[Columns], tuple[bytes, bytes | None]],
        name: Callable[[bytes], str],
    ):
        folder.mkdir(parents=True, exist_ok=True)
        self.db = open_database(folder / POSTINGS_FILE)
        self.encode = encode
        self.name = name  # a file's name from its bytes
        self.db.execute("CREATE TABLE IF NOT EXISTS info (name TEXT PRIMARY KEY, value TEXT)")
        if self._info("version") != _version():
            for table in ("terms", "shards", "fragments", "files"):
                self.db.execute(f"DROP TABLE IF EXISTS {table}")
            self.db.execute("DELETE FROM info")
            self._set_info("version", _version())
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS terms (term TEXT PRIMARY KEY, ids BLOB, fields BLOB, "
            "tfs BLOB, lengths BLOB, block BLOB, size INTEGER, tail_name TEXT, tail BLOB)"
        )
        self.db.execute("CREATE INDEX IF NOT EXISTS terms_tails ON terms (tail_name)")
        # Every build reads each term's size: the index answers without reading the rows'
        # postings (a scan of the table would read them all).
        self.db.execute("CREATE INDEX IF NOT EXISTS terms_sizes ON terms (term, size)")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS shards (key BLOB PRIMARY KEY, name TEXT, data BLOB)"
        )
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS fragments "
            "(id INTEGER PRIMARY KEY, fingerprint BLOB, data BLOB)"
        )
        # Each build reads every shard's name and every fragment's fingerprint: from these indexes,
        # without reading the rows' bytes (a scan of the tables would read them all).
        self.db.execute("CREATE INDEX IF NOT EXISTS shards_names ON shards (key, name)")
        self.db.execute(
            "CREATE INDEX IF NOT EXISTS fragments_fingerprints ON fragments (id, fingerprint)"
        )
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS files "
            "(name TEXT PRIMARY KEY, key TEXT, path TEXT, data BLOB)"
        )
        self.encoded: set[str] = set()  # terms whose block was encoded in this build

    def close(self) -> None:
        self.db.close()

    def _info(self, name: str) -> str | None:
        row = self.db.execute("SELECT value FROM info WHERE name = ?", (name,)).fetchone()
        return None if row is None else row[0]

    def _set_info(self, name: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO info VALUES (?, ?)", (name, value))

    @property
    def generation(self) -> int:
        return int(self._info("generation") or -1)

    def commit(self, generation: int) -> None:
        self._set_info("generation", str(generation))
        self.db.commit()

    # -- postings -------------------------------------------------------------------------------
    def rebuild(self, vectors: Iterable[tuple[int, DocumentVector]]) -> None:
        """Start over from every document's vector (in id order)."""
        terms: dict[str, Columns] = {}
        get = terms.get
        for doc_id, vector in vectors:
            frequencies = vector.frequencies
            for number in sorted(frequencies):  # a term's postings in (id, field) order
                length = length_to_byte(vector.lengths[number])
                for term, tf in frequencies[number].items():
                    columns = get(term)
                    if columns is None:
                        columns = terms[term] = tuple(array(kind) for kind in _TYPES)
                    columns[0].append(doc_id)
                    columns[1].append(number)
                    columns[2].append(tf)
                    columns[3].append(length)
        self.db.execute("DELETE FROM terms")
        self.db.executemany(
            "INSERT INTO terms VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (self._row(term, columns) for term, columns in terms.items()),
        )
        self.encoded = set(terms)

    def _row(self, term: str, columns: Columns) -> tuple:
        block, tail = self.encode(columns)
        name = None if tail is None else self.name(tail)
        return (term, *(c.tobytes() for c in columns), block, len(block), name, tail)

    def apply(self, changes: Iterable[tuple[int, DocumentVector | None, DocumentVector | None]]):
        """Replace the postings of changed documents: (id, old vector, new vector)."""
        touched: dict[str, dict[int, list[tuple[int, int, int]]]] = {}
        for doc_id, old, new in changes:
            before = entries_of(old) if old is not None else {}
            after = entries_of(new) if new is not None else {}
            for term in before.keys() | after.keys():
                if before.get(term) != after.get(term):
                    touched.setdefault(term, {})[doc_id] = after.get(term, [])
        for term, docs in touched.items():
            row = self.db.execute(
                "SELECT ids, fields, tfs, lengths FROM terms WHERE term = ?", (term,)
            ).fetchone()
            columns = _columns(row) if row else tuple(array(k) for k in _TYPES)
            for doc_id, items in sorted(docs.items()):
                ids = columns[0]
                lo, hi = bisect_left(ids, doc_id), bisect_right(ids, doc_id)
                values = (
                    [doc_id] * len(items),
                    [n for n, _, _ in items],
                    [tf for _, tf, _ in items],
                    [length for _, _, length in items],
                )
                for column, kind, new in zip(columns, _TYPES, values, strict=True):
                    column[lo:hi] = array(kind, new)
            if columns[0]:
                self.db.execute(
                    "INSERT OR REPLACE INTO terms VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    self._row(term, columns),
                )
            else:
                self.db.execute("DELETE FROM terms WHERE term = ?", (term,))
            self.encoded.add(term)

    def sizes(self) -> list[tuple[str, int]]:
        """(term, block size) for every term."""
        return list(self.db.execute("SELECT term, size FROM terms"))

    def tail_names(self) -> list[str]:
        """The name of every common term's tail (see `blocks.term_entry`); equal tails, one."""
        rows = self.db.execute("SELECT DISTINCT tail_name FROM terms WHERE tail_name IS NOT NULL")
        return sorted(row[0] for row in rows)

    def tail(self, name: str) -> bytes:
        """The gzipped tail block named `name`."""
        query = "SELECT tail FROM terms WHERE tail_name = ? LIMIT 1"
        return self.db.execute(query, (name,)).fetchone()[0]

    def blocks(self, terms: list[str]) -> dict[str, bytes]:
        out = {}
        for start in range(0, len(terms), 500):
            chunk = terms[start : start + 500]
            marks = ",".join("?" * len(chunk))
            out.update(
                self.db.execute(f"SELECT term, block FROM terms WHERE term IN ({marks})", chunk)
            )
        return out

    # -- files of the last build -----------------------------------------------------------------
    def shards(self) -> dict[bytes, str]:
        """The last build's shards: run key → name."""
        return dict(self.db.execute("SELECT key, name FROM shards"))

    def shard(self, key: bytes) -> bytes:
        return self.db.execute("SELECT data FROM shards WHERE key = ?", (key,)).fetchone()[0]

    def set_shards(self, shards: dict[bytes, tuple[str, bytes]], stale: Iterable[bytes]) -> None:
        self.db.executemany("DELETE FROM shards WHERE key = ?", [(k,) for k in stale])
        self.db.executemany(
            "INSERT OR REPLACE INTO shards VALUES (?, ?, ?)",
            [(k, name, data) for k, (name, data) in shards.items()],
        )

    def fragments(self) -> dict[int, bytes]:
        """The last build's fragments: document id → fingerprint."""
        return dict(self.db.execute("SELECT id, fingerprint FROM fragments"))

    def fragment(self, doc_id: int) -> bytes:
        return self.db.execute("SELECT data FROM fragments WHERE id = ?", (doc_id,)).fetchone()[0]

    def set_fragments(self, made: dict[int, tuple[bytes, bytes]], stale: Iterable[int]) -> None:
        """Record the fragments `made` (id → fingerprint, bytes) and forget the `stale` ids."""
        self.db.executemany("DELETE FROM fragments WHERE id = ?", [(i,) for i in stale])
        self.db.executemany(
            "INSERT OR REPLACE INTO fragments VALUES (?, ?, ?)",
            [(i, fingerprint, data) for i, (fingerprint, data) in made.items()],
        )

    def saved(self, name: str) -> tuple[str, str] | None:
        """A file kept by `save`: (its inputs' key, its output path). Its bytes are read by
        `saved_data`, only when the output does not hold them."""
        query = "SELECT key, path FROM files WHERE name = ?"
        return self.db.execute(query, (name,)).fetchone()

    def saved_data(self, name: str) -> bytes:
        query = "SELECT data FROM files WHERE name = ?"
        return self.db.execute(query, (name,)).fetchone()[0]

    def save(self, name: str, key: str, path: str, data: bytes) -> None:
        """Keep one file made from inputs digested as `key`, to reuse while they stay equal."""
        self.db.execute("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?)", (name, key, path, data))


def run_key(terms: tuple[str, ...]) -> bytes:
    return hashlib.blake2b("\x00".join(terms).encode(), digest_size=16).digest()
