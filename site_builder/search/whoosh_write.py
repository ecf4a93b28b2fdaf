"""Writing analysed documents into whoosh, from their vectors.

whoosh's own path re-analyses each field (a token stream built from the terms, counted again)
and sorts every posting through an external merge sort that pickles each one to a temporary
file and back: most of a cold build's whoosh update. Documents are added in docnum order,
so a term's postings arrive sorted already: here they are kept in memory per term, eight bytes
each (`TermPool`), only the terms are sorted, and each term goes to whoosh's postings writer a
block at a time. A text field's postings come straight from the document's vector; the other
fields (key, filters, year) take whoosh's own path. The segment's files are the bytes
`add_document` would have written (a test compares them).
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable

from whoosh.system import pack_uint
from whoosh.util.numeric import byte_to_length

from site_builder.search.analysis import FIELD_NUMBER, FIELDS
from site_builder.search.store import DocumentVector


def write(ix, deleted: Iterable[int], added: Iterable[tuple[dict, DocumentVector]], count: int):
    """Delete documents from whoosh by id, then add `count` others: each its whoosh fields
    besides the text (key, filters, year) and its vector."""
    if not deleted and not count:
        return
    writer = ix.writer()
    writer.pool.cleanup()  # whoosh's external sort, unused: its temporary folder goes
    writer.pool = TermPool()
    per_document_reader = writer.per_document_reader

    def flush_segment() -> None:  # whoosh's, with the postings written term by term
        writer.perdocwriter.close()
        lengths = _LoadedLengths(per_document_reader())
        try:
            writer.pool.write_postings(writer.fieldwriter, writer.schema, lengths)
            writer.fieldwriter.close()
        finally:
            lengths.close()

    writer._flush_segment = flush_segment
    try:
        for doc_id in deleted:
            writer.delete_by_term("key", str(doc_id))
        for fields, vector in added:
            _add(writer, fields, vector)
        writer.commit()
    except BaseException:
        writer.cancel()
        raise


def _add(writer, fields: dict, vector: DocumentVector) -> None:
    """`writer.add_document(**fields, **text fields)` for fields without boosts, spelling or
    vectors (this schema's), the text fields' postings taken from `vector`."""
    schema, perdocwriter, pool = writer.schema, writer.perdocwriter, writer.pool
    docnum = writer.docnum
    named = {**fields, **{FIELDS[number].name: number for number in vector.frequencies}}
    perdocwriter.start_doc(docnum)
    for name in sorted(named):
        field = schema[name]
        number = FIELD_NUMBER.get(name)  # a text field
        if number is not None:
            pool.add_frequencies(name, docnum, vector.frequencies[number])
            perdocwriter.add_field(name, field, None, vector.lengths[number])
            continue
        value = named[name]
        if value is None:
            continue
        length = 0
        for tbytes, freq, weight, vbytes in field.index(value):
            if field.scorable:
                length += freq
            pool.add((name, tbytes, docnum, weight, vbytes))
        perdocwriter.add_field(name, field, value if field.stored else None, length)
        if field.column_type:
            perdocwriter.add_column_value(name, field.column_type, field.to_column_value(value))
    perdocwriter.finish_doc()
    writer._added = True
    writer.docnum += 1


class TermPool:
    """whoosh's posting pool (`add`, `cleanup`, and `write_postings` for `iter_postings`), in
    memory: per field and term, the docnums and a code for (weight, value bytes), as they
    arrive. Documents come in docnum order, then whoosh adds the segments it merges in, each
    after the last: a term's postings arrive sorted. `add` checks it all the same (a docnum
    not above the term's last one)."""

    def __init__(self) -> None:
        self._fields: dict[str, dict[bytes, tuple[array, array]]] = {}
        self._codes: dict[tuple[float, bytes], int] = {}
        self._values: list[tuple[float, bytes]] = []
        self._frequency_codes: dict[int, int] = {}
        self._unsorted: set[tuple[str, bytes]] = set()  # (see `add`)
        self.fieldnames: set[str] = set()

    def _code(self, weight: float, vbytes: bytes) -> int:
        code = self._codes.get((weight, vbytes))
        if code is None:
            code = self._codes[(weight, vbytes)] = len(self._values)
            self._values.append((weight, vbytes))
        return code

    def _terms(self, fieldname: str) -> dict[bytes, tuple[array, array]]:
        terms = self._fields.get(fieldname)
        if terms is None:
            terms = self._fields[fieldname] = {}
            self.fieldnames.add(fieldname)
        return terms

    def add(self, item: tuple) -> None:
        fieldname, tbytes, docnum, weight, vbytes = item
        terms = self._terms(fieldname)
        postings = terms.get(tbytes)
        if postings is not None and postings[0][-1] >= docnum:
            self._unsorted.add((fieldname, tbytes))
        self._append(terms, tbytes, docnum, self._code(weight, vbytes))

    def add_frequencies(self, fieldname: str, docnum: int, frequencies: dict[str, int]) -> None:
        """A text field's postings in one document: a Frequency format's weight (the count, as
        a float) and value bytes (the count, packed)."""
        terms, codes, append = self._terms(fieldname), self._frequency_codes, self._append
        for term, frequency in frequencies.items():
            code = codes.get(frequency)
            if code is None:
                code = codes[frequency] = self._code(float(frequency), pack_uint(frequency))
            append(terms, term.encode("utf-8"), docnum, code)

    @staticmethod
    def _append(terms: dict, tbytes: bytes, docnum: int, code: int) -> None:
        postings = terms.get(tbytes)
        if postings is None:
            postings = terms[tbytes] = (array("I"), array("I"))
        postings[0].append(docnum)
        postings[1].append(code)

    def write_postings(self, fieldwriter, schema, lengths: _LoadedLengths) -> None:
        """Write every term's postings with whoosh's field writer, as its `add_postings` does
        from the postings sorted by field, term and docnum, but a block at a time."""
        weights = [weight for weight, _ in self._values]
        values = [vbytes for _, vbytes in self._values]
        for fieldname in sorted(self._fields):
            terms = self._fields[fieldname]
            fieldwriter.start_field(fieldname, schema[fieldname])
            column = lengths.column(fieldname)
            for tbytes in sorted(terms):
                docnums, codes = terms[tbytes]
                if (fieldname, tbytes) in self._unsorted:
                    pairs = sorted(zip(docnums, codes, strict=True))
                    docnums = array("I", [docnum for docnum, _ in pairs])
                    codes = array("I", [code for _, code in pairs])
                fieldwriter.start_term(tbytes)
                _write_blocks(fieldwriter._postwriter, docnums, codes, column, weights, values)
                fieldwriter.finish_term()
            fieldwriter.finish_field()

    def cleanup(self) -> None:
        self._fields.clear()


def _write_blocks(postings, docnums: array, codes: array, column, weights, values) -> None:
    """A term's postings into whoosh's postings writer, a block at a time: each block's ids,
    weights, value bytes and statistics as its `add_posting` collects them (value bytes only
    when not empty, lengths only when known), all blocks written but the last."""
    limit = postings._blocklimit
    for start in range(0, len(docnums), limit):
        if start:
            postings._write_block()  # a full block, with postings after it
        block, block_codes = docnums[start : start + limit], codes[start : start + limit]
        block_weights = array("f", [weights[code] for code in block_codes])
        postings._ids = block
        postings._weights = block_weights
        postings._values = [v for v in map(values.__getitem__, block_codes) if v]
        postings._maxweight = max(0, max(block_weights))
        known = [n for n in map(column.__getitem__, block) if n] if column else ()
        if known:
            postings._minlength, postings._maxlength = min(known), max(known)


class _LoadedLengths:
    """whoosh's per-document reader, except that each field's length column is read once.

    Writing a segment, whoosh asks for a document's field length at every posting, and its
    reader answers each time from the column file (a fifth of indexing time). Here a field's
    column is loaded whole at its first question; the answers are the same."""

    _LENGTH = (None, *(byte_to_length(b) for b in range(1, 256)))

    def __init__(self, reader):
        self._reader = reader
        self._fields: dict[str, tuple] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default=0):
        lengths = self.column(fieldname)
        if not lengths:
            return default
        return lengths[docnum]

    def column(self, fieldname: str) -> tuple:
        """Each document's length in the field (None for none), or () if it has no lengths."""
        lengths = self._fields.get(fieldname)
        if lengths is None:
            lengths = self._fields[fieldname] = self._load(fieldname)
        return lengths

    def _load(self, fieldname: str) -> tuple:
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

        column = self._reader._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if column is None:
            return ()
        return tuple(self._LENGTH[b] for b in column.load())

    def __getattr__(self, name):
        return getattr(self._reader, name)
