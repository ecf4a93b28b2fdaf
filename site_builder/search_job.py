"""The search index as one job of the build: made inline, in a forked worker beside the page
rendering, or kept as the last build left it (see `search/publish.py` for what it makes)."""

from __future__ import annotations

import os

from site_builder.cache import TargetState, unchanged
from site_builder.write import OutputTransaction

# Past this many articles the search index is brought up to date in a forked process while the
# pages render, on the other core: whoosh indexing is single-threaded. For a few changes the
# worker also exports the static index, writing its files into the build's staging folder and
# sending back only their fingerprints. When most documents change (a cold build), one worker
# updates whoosh while another rebuilds the static index from its own analysis, and the pages
# render here meanwhile.
SEARCH_IN_WORKER_FROM = 2000


class SearchJob:
    """The search index files, produced inline or with forked worker processes."""

    def __init__(
        self, transaction: OutputTransaction, known, before: dict[str, bytes], mode: str, *inputs
    ):
        global _SEARCH_INPUTS
        self._transaction = transaction
        self._before = before  # the last build's search files and fingerprints
        self._pool = None
        self.in_worker = mode != "inline"
        self._split = mode == "split"
        _SEARCH_INPUTS = (transaction, known, before, *inputs)
        if not self.in_worker:
            self._result = _search_outputs
            return
        import multiprocessing

        # Forked after the inputs are set: the workers inherit them without pickling.
        self._pool = multiprocessing.get_context("fork").Pool(2 if self._split else 1)
        if self._split:
            self._update = self._pool.apply_async(_update_index).get
            self._result = self._pool.apply_async(_search_outputs, (True,)).get
        else:
            self._result = self._pool.apply_async(_search_outputs).get

    def __call__(self) -> dict[str, bytes]:
        """Wait for the files; record them in the build's transaction; their fingerprints."""
        global _SEARCH_INPUTS
        changed, gone, part, statistics = self._result()
        if self._split:
            from site_builder.search.publish import confirm_rebuild

            root, config = _SEARCH_INPUTS[3:5]
            confirm_rebuild(root, config, self._update(), statistics)
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


_SEARCH_INPUTS: tuple | None = None


def _update_index():
    from site_builder.search.publish import update_index

    root, config, archive, bodies = _SEARCH_INPUTS[3:]
    return update_index(root, config, archive, bodies)


def _search_outputs(rebuild: bool = False):
    """Produce the search files: (those not kept as the last build left them, with their
    fingerprints; the last build's that are gone; the staging of the files written; the
    statistics of a rebuild). The kept files do not cross the process boundary: 11,000 at
    10,000 articles, of which an edit changes a dozen."""
    from site_builder.outputs import keep_or_put
    from site_builder.search.publish import publish_search

    transaction, known, before, root, config, archive, bodies = _SEARCH_INPUTS
    part = transaction.part()
    fingerprints = {}
    report: dict | None = {} if rebuild else None
    for file in publish_search(root, config, archive, bodies, report):
        fingerprints[file.path] = file.fingerprint
        keep_or_put(file.path, file.fingerprint, file.data, part, known)
    part.close_spool()
    gone = {path for path in before if path not in fingerprints}
    kept = [path for path, fp in fingerprints.items() if before.get(path) == fp and part.kept(path)]
    part.forget(kept)
    for path in kept:
        del fingerprints[path]
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


def search_unchanged(root, config, output, previous: TargetState, signature: bytes) -> bool:
    """True when the search files and index of the last build still hold: the same inputs,
    every file in `output/` as written, and the index in the cache."""
    from site_builder.search.folders import STORE_FILE, cache_folder

    if not previous.search_files or previous.search_signature != signature:
        return False
    if not (cache_folder(root, config.cache_dir) / STORE_FILE).exists():
        return False
    return all(
        unchanged(path, fp, previous.outputs, output) for path, fp in previous.search_files.items()
    )


def start_search(transaction, known, before, root, config, archive, loaded) -> SearchJob:
    from site_builder.search.folders import KEEP_CHANGES, cache_folder

    mode = "inline"
    if len(archive.articles) >= SEARCH_IN_WORKER_FROM and (os.cpu_count() or 1) > 1:
        cold = not cache_folder(root, config.cache_dir).exists()
        mode = "split" if cold or len(loaded.changed) > KEEP_CHANGES else "worker"
    return SearchJob(transaction, known, before, mode, root, config, archive, loaded.bodies)
