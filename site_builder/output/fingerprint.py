"""Fingerprints: a digest of everything an output is made from. Rendering is pure, so two equal
fingerprints mean two equal outputs, and an unchanged page need not be rendered again."""

from __future__ import annotations

import hashlib
import io
import pickle


def digest(*parts: object) -> bytes:
    """A 16-byte digest of plain data (dataclasses, tuples, dicts, strings, numbers).

    Equal values always give the same digest, whichever objects they share: pickle's memo is
    off, so a string met twice is written out twice, not as a reference to the first (values
    built from caches, such as formatted dates, share objects in one build and not in the
    next). Pickle of plain values is stable within one Python version; the cache is keyed on
    the code, so a digest is never compared across versions.
    """
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True  # no memo: the bytes depend on the values only
    pickler.dump(parts)
    return hashlib.blake2b(buffer.getbuffer(), digest_size=16).digest()


class Memo:
    """Digest of values that recur on many pages (an article in every list that shows it),
    computed once per build."""

    def __init__(self) -> None:
        self._by_id: dict[int, tuple[object, bytes]] = {}

    def of(self, value: object) -> bytes:
        found = self._by_id.get(id(value))
        if found is not None and found[0] is value:
            return found[1]
        d = digest(value)
        self._by_id[id(value)] = (value, d)
        return d
