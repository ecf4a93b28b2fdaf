"""A helper process for large builds, forked as soon as the build knows it has work to do.

Until the archive is built, the build runs on one core. Meanwhile the helper stats every file
and folder the last build left in `output/`: the build then knows which were touched since
without statting every output file on its own path. Then it imports whoosh and waits for the
search worker to hand over whoosh's share of the index update (`search.index.WhooshChanges`),
which it applies while the worker exports the static index.
"""

from __future__ import annotations

import multiprocessing
import traceback
from dataclasses import dataclass
from pathlib import Path

from site_builder.output.cache import OutputRecord, touched_outputs
from site_builder.output.transaction import survey_folders


@dataclass(frozen=True)
class OutputSurvey:
    """The last build's files no longer as written, and its folders' mtimes now."""

    touched: frozenset[str]
    folders: dict[str, int | None] | None


class HelperFailed(Exception):
    """The helper process failed or died; the message says how."""


class Helper:
    def __init__(
        self,
        output: Path,
        outputs: dict[str, OutputRecord],
        folders: dict[str, int] | None,
        search_folder: Path,
    ):
        context = multiprocessing.get_context("fork")
        self._results, results = context.Pipe(duplex=False)
        changes, self.hand_over = context.Pipe(duplex=False)
        mine = (self._results, self.hand_over)
        # Forked: the helper shares the last build's records without pickling them.
        self._process = context.Process(
            target=_main,
            args=(output, outputs, folders, search_folder, changes, results, mine),
            daemon=True,
        )
        self._process.start()
        changes.close()
        results.close()
        self._survey: OutputSurvey | None = None
        self._whoosh_asked = False

    def survey(self) -> OutputSurvey:
        if self._survey is None:
            self._survey = self._receive()
        return self._survey

    def whoosh_asked(self) -> None:
        """The search worker (forked with `hand_over`) will send whoosh's share."""
        self._whoosh_asked = True

    def finish(self) -> None:
        """Wait until whoosh has followed the update handed over (if any)."""
        self.survey()
        if not self._whoosh_asked:
            self.hand_over.send(None)
        self._receive()

    def close(self) -> None:
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._results.close()
        self.hand_over.close()

    def _receive(self):
        try:
            answer = self._results.recv()
        except EOFError:
            raise HelperFailed("the build's helper process died") from None
        if isinstance(answer, HelperFailed):
            raise answer
        return answer


def _main(output, outputs, folders, search_folder, changes, results, parent_ends) -> None:
    for end in parent_ends:  # only the parent's: `changes` ends when every sender is gone
        end.close()
    try:
        results.send(
            OutputSurvey(touched_outputs(outputs, output), survey_folders(output, folders))
        )
        # Imported while waiting, rather than by the update once the changes came: importing
        # is slow (whoosh.query compiles the English morphology's patterns).
        import whoosh.codec.whoosh3
        import whoosh.filedb.compound
        import whoosh.query
        import whoosh.searching
        import whoosh.writing  # noqa: F401

        from site_builder.search.index import SearchIndex

        update = changes.recv()
        if update is not None:
            SearchIndex(search_folder).update_whoosh(update)
        results.send(None)
    except BaseException:
        results.send(HelperFailed(f"the build's helper process failed:\n{traceback.format_exc()}"))
