"""The search index as one job of the build: made inline, in a forked worker beside the page
rendering, or kept as the last build left it (see `search/publish.py` for what it makes)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from site_builder.output.cache import TargetState, unchanged
from site_builder.output.transaction import OutputTransaction

if TYPE_CHECKING:
    from site_builder.output.side_process import Helper
    from site_builder.search.store import DocumentVector

# Past this many articles the search index is brought up to date in forked processes while the pages
# render. For a few changes one worker updates the document store and exports the static index,
# writing its files into the build's staging folder and sending back only their fingerprints; it
# hands whoosh's share of the update to the build's helper process (see `output/side_process.py`),
# which imported whoosh meanwhile. When most documents change (a cold build), one worker rebuilds
# the static index from its own analysis and sends each document's vector through a pipe to the
# other, which updates whoosh and the store (a document is analysed once: analysis is a large share
# of a cold build's CPU).
SEARCH_IN_WORKER_FROM = 2000


class SearchJob:
    """The search index files, produced inline or with forked worker processes."""

    def __init__(self, inputs: SearchInputs, mode: str):
        global _SEARCH_INPUTS
        self._transaction = inputs.transaction
        self._before = inputs.before
        self._pool = None
        self.in_worker = mode != "inline"
        self._split = mode == "split"
        _SEARCH_INPUTS = inputs
        if not self.in_worker:
            self._result = _search_outputs
            return
        import multiprocessing

        # Forked after the inputs are set: the workers inherit them without pickling.
        context = multiprocessing.get_context("fork")
        if self._split:
            global _VECTORS
            _VECTORS = context.Pipe(duplex=False)  # (receiving end, sending end)
            self._pool = context.Pool(2)  # its workers inherit both ends
            # Each worker closes the end it does not use and this process both: a worker that
            # stops ends the pipe for the other (end of file, or a broken pipe).
            for end in _VECTORS:
                end.close()
            _VECTORS = None
            # Two tasks for two workers: a worker takes one task at a time, so the one that
            # receives never holds up the one that sends.
            self._update = self._pool.apply_async(_update_index).get
            self._result = self._pool.apply_async(_search_outputs, (True,)).get
        else:
            self._pool = context.Pool(1)
            self._result = self._pool.apply_async(_search_outputs).get

    def __call__(self) -> dict[str, bytes]:
        """Wait for the files; record them in the build's transaction; their fingerprints."""
        global _SEARCH_INPUTS
        changed, gone, part, statistics = self._result()
        if self._split:  # the update's own error, if the worker that received the vectors failed
            from site_builder.search.publish import confirm_rebuild

            inputs = _SEARCH_INPUTS
            confirm_rebuild(inputs.root, inputs.config, self._update(), statistics)
        _SEARCH_INPUTS = None
        files = {p: fp for p, fp in self._before.items() if p not in changed and p not in gone}
        for path in files:  # kept as the last build left them
            self._transaction.keep(path)
        self._transaction.absorb(part)
        files.update(changed)
        return files

    def close(self) -> None:
        global _SEARCH_INPUTS
        _SEARCH_INPUTS = None
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()


class SearchInputs(NamedTuple):
    transaction: OutputTransaction
    known: dict  # the last build's output records
    before: dict[str, bytes]  # the last build's search files and fingerprints
    hand_over: object  # where whoosh's share of an update goes (a helper), or None: here
    root: Path
    config: object
    archive: object
    bodies: object


_SEARCH_INPUTS: SearchInputs | None = None
_VECTORS = None  # a split job's pipe, while its workers fork


def _update_index():
    from site_builder.search.publish import update_index

    i = _SEARCH_INPUTS
    receiving, sending = _VECTORS
    sending.close()
    try:
        return update_index(i.root, i.config, i.archive, i.bodies, _received(receiving))
    finally:
        receiving.close()


def _received(receiving) -> Iterator[DocumentVector]:
    """The vectors `_search_outputs` sends, one per document, as long as they are wanted."""
    from site_builder.search.store import DocumentVector

    while True:
        try:
            data = receiving.recv_bytes()
        except EOFError:
            raise RuntimeError("the analysis of the search documents stopped early") from None
        yield DocumentVector.load(data)


def _search_outputs(rebuild: bool = False):
    """Produce the search files: (those not kept as the last build left them, with their
    fingerprints; the last build's that are gone; the staging of the files written; the
    statistics of a rebuild). The kept files do not cross the process boundary: there is
    about one per article, of which an edit changes a few."""
    from site_builder.output.produce import keep_or_put
    from site_builder.search.publish import publish_search

    transaction, known, before, hand_over, root, config, archive, bodies = _SEARCH_INPUTS
    part = transaction.part()
    fingerprints = {}
    report: dict | None = {} if rebuild else None
    send = hand_over.send if hand_over is not None else None
    share = sending = None
    if rebuild:
        receiving, sending = _VECTORS
        receiving.close()

        def share(vector):
            nonlocal sending
            if sending is None:
                return
            try:
                sending.send_bytes(vector.dump())
            except BrokenPipeError:
                # The other worker wants no more: whoosh's documents had not changed (another
                # version read every file again), or it failed, which `SearchJob` reports.
                sending.close()
                sending = None

    kept = set()
    output, touched = part.output, part.touched
    try:
        files = publish_search(root, config, archive, bodies, report, send, share)
        for path, fingerprint, data in files:
            if before.get(path) == fingerprint and unchanged(path, fingerprint, known, output,
                                                             touched):  # fmt: skip
                kept.add(path)  # as the last build left it: the build keeps it
                continue
            fingerprints[path] = fingerprint
            keep_or_put(path, fingerprint, data, part, known)
    finally:
        if sending is not None:
            sending.close()
    part.close_spool()
    gone = {path for path in before if path not in fingerprints and path not in kept}
    return fingerprints, gone, part, report and report["statistics"]


class KeptSearch:
    """The search files of the last build, kept as they are: nothing they are made from
    changed (a template edit)."""

    in_worker = False

    def __init__(self, transaction: OutputTransaction, files: dict[str, bytes]):
        for path in files:
            transaction.keep(path)
        self._files = files

    def __call__(self) -> dict[str, bytes]:
        return dict(self._files)

    def close(self) -> None:
        pass


def search_unchanged(
    root, config, output, previous: TargetState, signature: bytes, touched=None
) -> bool:
    """True when the search files and index of the last build still hold: the same inputs,
    every file in `output/` as written, and the index in the cache."""
    from site_builder.search.folders import STORE_FILE, cache_folder, search_cache_stats

    if not previous.search_files or previous.search_signature != signature:
        return False
    folder = cache_folder(root, config.cache_dir)
    if not (folder / STORE_FILE).exists() or previous.search_cache != search_cache_stats(folder):
        return False
    return all(
        unchanged(path, fp, previous.outputs, output, touched)
        for path, fp in previous.search_files.items()
    )


def start_search(
    transaction, known, before, root, config, archive, loaded, helper: Helper | None
) -> SearchJob:
    from site_builder.search.folders import KEEP_CHANGES, cache_folder

    mode = "inline"
    if _in_workers(len(archive.articles)):
        cold = not cache_folder(root, config.cache_dir).exists()
        mode = "split" if cold or len(loaded.changed) > KEEP_CHANGES else "worker"
    hand_over = None
    if mode == "worker" and helper is not None:
        helper.whoosh_asked()
        hand_over = helper.hand_over
    inputs = SearchInputs(transaction, known, before, hand_over, root, config, archive,
                          loaded.bodies)  # fmt: skip
    return SearchJob(inputs, mode)


def wants_helper(content_files: int, previous: TargetState) -> bool:
    """Whether a build is large enough for a helper process (see `output/side_process.py`)."""
    return bool(previous.outputs) and _in_workers(content_files)


def _in_workers(articles: int) -> bool:
    """Whether the search index of this many articles is made in forked workers."""
    return articles >= SEARCH_IN_WORKER_FROM and (os.cpu_count() or 1) > 1
