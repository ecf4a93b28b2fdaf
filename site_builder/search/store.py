"""The per-document side of the search cache: one SQLite file holding, for every indexed
document, its content key, what the command line shows of it, and its term vector (field
lengths and term frequencies), plus running collection totals.

SQLite keeps memory flat at any archive size: a build reads only the rows of changed
documents, and a command-line query only the rows of the results it prints.
"""

from __future__ import annotations

import json
import marshal
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from site_builder.output.cache import open_database
from site_builder.search.analysis import FIELDS

STORE_VERSION = "6"


@dataclass(frozen=True)
class DocumentVector:
    """What the export and the statistics need of one analysed document."""

    lengths: dict[int, int]  # field number → number of terms
    frequencies: dict[int, dict[str, int]]  # field number → term → frequency

    def dump(self) -> bytes:
        return marshal.dumps((self.lengths, self.frequencies))

    @classmethod
    def load(cls, data: bytes) -> DocumentVector:
        lengths, frequencies = marshal.loads(data)
        return cls(lengths, frequencies)


@dataclass(frozen=True)
class IndexStatistics:
    """Exact collection statistics: live documents and total terms per field number."""

    documents: int
    field_totals: tuple[int, ...]

    def average_length(self, number: int) -> float:
        """Average field length over all documents, as whoosh computes it (1 when empty)."""
        if not self.documents:
            return 1.0
        return self.field_totals[number] / self.documents or 1.0


class DocumentStore:
    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = open_database(path)
        self._totals: list[int] | None = None  # running totals while updating
        self.db.execute("CREATE TABLE IF NOT EXISTS info (name TEXT PRIMARY KEY, value TEXT)")
        if self.info("version") != STORE_VERSION:
            self.db.execute("DROP TABLE IF EXISTS docs")
            self.db.execute("DROP TABLE IF EXISTS articles")
            self.db.execute("DELETE FROM info")
            self.set_info("version", STORE_VERSION)
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS docs (id INTEGER PRIMARY KEY, key TEXT NOT NULL, "
            "stored TEXT NOT NULL, vector BLOB NOT NULL)"
        )
        # Each build counts the documents and reads their keys: from this index, without
        # reading the rows (their text and vectors, which a scan would read in full).
        self.db.execute("CREATE INDEX IF NOT EXISTS docs_keys ON docs (id, key)")
        # What each article's document was made from (`catalogue.Entry`).
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS articles (source TEXT PRIMARY KEY, id INTEGER NOT NULL, "
            "path TEXT NOT NULL, version TEXT NOT NULL, company TEXT NOT NULL, "
            "source_slug TEXT NOT NULL, tag TEXT NOT NULL)"
        )

    def close(self) -> None:
        self.db.close()

    def info(self, name: str, default=None):
        row = self.db.execute("SELECT value FROM info WHERE name = ?", (name,)).fetchone()
        return default if row is None else json.loads(row[0])

    def set_info(self, name: str, value) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO info (name, value) VALUES (?, ?)", (name, json.dumps(value))
        )

    def keys(self) -> dict[int, str]:
        """Document id → content key."""
        return dict(self.db.execute("SELECT id, key FROM docs"))

    def entries(self) -> tuple[str | None, dict[str, tuple]]:
        """The context and the entries recorded by `set_entries` (source path → entry)."""
        rows = self.db.execute("SELECT * FROM articles")
        return self.info("context"), {row[0]: row[1:] for row in rows}

    def set_entries(self, context: str, entries: dict[str, tuple], gone: list[str] | None) -> None:
        """Record `entries` (added or changed) and forget `gone` (None: every other one)."""
        self.set_info("context", context)
        if gone is None:
            self.db.execute("DELETE FROM articles")
        else:
            self.db.executemany("DELETE FROM articles WHERE source = ?", [(s,) for s in gone])
        self.db.executemany(
            "INSERT OR REPLACE INTO articles VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(source, *entry) for source, entry in entries.items()],
        )

    def count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM docs").fetchone()[0]

    def vector(self, doc_id: int) -> DocumentVector | None:
        row = self.db.execute("SELECT vector FROM docs WHERE id = ?", (doc_id,)).fetchone()
        return None if row is None else DocumentVector.load(row[0])

    def vectors(self) -> Iterator[tuple[int, DocumentVector]]:
        for doc_id, data in self.db.execute("SELECT id, vector FROM docs ORDER BY id"):
            yield doc_id, DocumentVector.load(data)

    def stored(self, doc_id: int) -> dict:
        row = self.db.execute("SELECT stored FROM docs WHERE id = ?", (doc_id,)).fetchone()
        return json.loads(row[0])

    def put(
        self, doc_id: int, key: str, stored: dict, vector: DocumentVector
    ) -> DocumentVector | None:
        """Store a document; returns the vector it replaced."""
        old = self.vector(doc_id)
        self.db.execute(
            "INSERT OR REPLACE INTO docs (id, key, stored, vector) VALUES (?, ?, ?, ?)",
            (doc_id, key, json.dumps(stored, ensure_ascii=False), vector.dump()),
        )
        self._add_totals(old, -1)
        self._add_totals(vector, +1)
        return old

    def delete(self, doc_id: int) -> DocumentVector | None:
        """Remove a document; returns its vector."""
        old = self.vector(doc_id)
        self.db.execute("DELETE FROM docs WHERE id = ?", (doc_id,))
        self._add_totals(old, -1)
        return old

    def _add_totals(self, vector: DocumentVector | None, sign: int) -> None:
        if vector is None:
            return
        if self._totals is None:
            self._totals = self.totals()
        for number, length in vector.lengths.items():
            self._totals[number] += sign * length

    def totals(self) -> list[int]:
        return list(self.info("totals", [0] * len(FIELDS)))

    def commit(self) -> None:
        if self._totals is not None:
            self.set_info("totals", self._totals)
            self._totals = None
        self.db.commit()

    def statistics(self) -> IndexStatistics:
        return IndexStatistics(self.count(), tuple(self.totals()))
