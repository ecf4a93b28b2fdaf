"""Fingerprints: a digest of everything an output is made from. Rendering is pure, so two equal
fingerprints mean two equal outputs, and an unchanged page need not be rendered again."""

from __future__ import annotations

import hashlib
import pickle


def digest(*parts: object) -> bytes:
    """A 16-byte digest of plain data (dataclasses, tuples, dicts, strings, numbers).

    Pickle of the same plain values is the same bytes within one Python version; the cache
    records the version, so a digest is never compared across versions.
    """
    return hashlib.blake2b(pickle.dumps(parts, protocol=5), digest_size=16).digest()


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
