"""Content problems as values: every problem carries the file, line and field it is about."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the content, located as precisely as we know."""

    file: str
    line: int | None
    field: str | None
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        place = self.file if self.line is None else f"{self.file}:{self.line}"
        what = f" [{self.field}]" if self.field else ""
        return f"{place}:{what} {self.message}"


def problem_order(problem: Problem) -> tuple:
    """File, then line (unknown lines first), field, message and severity: a file's problems
    may mix located and unlocated ones, which the dataclass's own order cannot compare."""
    p = problem
    return (p.file, p.line or 0, p.field or "", p.message, p.severity)


class ContentErrors(Exception):
    """Raised when the content has errors: holds every problem found, not just the first."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]):
        self.problems = tuple(sorted(problems, key=problem_order))
        super().__init__(f"{len(self.problems)} content error(s)")

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)

    def __reduce__(self):
        # Raised in a render worker, the problems must reach the build as they were.
        return (type(self), (self.problems,))
