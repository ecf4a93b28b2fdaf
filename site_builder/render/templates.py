"""Where templates come from, and what an error in one says.

A site's `templates/` folder holds only the templates and static files it changes; every one
it lacks comes from the defaults. `{% extends "base.html" %}` finds the site's base if it has
one, else the default one. `default/NAME` always names the default template, so an override
can build on the template it replaces: `{% extends "default/article.html" %}`.

An error in a template (syntax, unknown filter, undefined variable, missing include) becomes a
located problem, `templates/article.html:12: 'auteur' is undefined`, not a traceback.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from pathlib import Path

from site_builder.problems import Problem

DEFAULT_PREFIX = "default"
STATIC_DIR = "static"


def as_folders(templates: Path | Sequence[Path]) -> tuple[Path, ...]:
    """Template folders, first match first; a single folder stands alone."""
    return (templates,) if isinstance(templates, Path) else tuple(templates)


def template_loader(folders: tuple[Path, ...]):
    """The site's folder over the defaults, and the defaults again under `default/`."""
    import jinja2

    default = jinja2.FileSystemLoader(str(folders[-1]))
    return jinja2.ChoiceLoader([
        jinja2.PrefixLoader({DEFAULT_PREFIX: default}),
        jinja2.FileSystemLoader([str(f) for f in folders]),
    ])  # fmt: skip


def template_files(folders: tuple[Path, ...]) -> list[tuple[int, str, Path]]:
    """Every template of every folder (not the static files): (folder index, name, path)."""
    found = []
    for index, folder in enumerate(folders):
        for path in sorted(folder.rglob("*.html")):
            name = path.relative_to(folder).as_posix()
            if not name.startswith(STATIC_DIR + "/"):
                found.append((index, name, path))
    return found


def template_problem(exc: BaseException, page_template: str, root: Path | None) -> Problem | None:
    """The located problem an exception raised while rendering with `page_template` stands
    for, or None when it is no template's fault (a bug of ours: let it show)."""
    import jinja2

    if isinstance(exc, jinja2.TemplateSyntaxError):  # also unknown filters and tests
        file = _shown(exc.filename, root) if exc.filename else _page_file(page_template)
        return Problem(file, exc.lineno, None, exc.message or str(exc))
    frame = _innermost_template_frame(exc)
    file, line = (_shown(frame[0], root), frame[1]) if frame else (_page_file(page_template), None)
    if isinstance(exc, jinja2.TemplatesNotFound | jinja2.TemplateNotFound):
        names = getattr(exc, "templates", None) or [exc.name]
        missing = " or ".join(repr(str(n)) for n in names)
        return Problem(file, line, None, f"no template {missing} in templates/ nor among the "
                       "default templates")  # fmt: skip
    if isinstance(exc, RecursionError) and frame:
        name = Path(frame[0]).name
        return Problem(file, line, None, "this template extends or includes itself without "
                       "end: to build on the default one of the same name, write "
                       f'{{% extends "{DEFAULT_PREFIX}/{name}" %}}')  # fmt: skip
    if isinstance(exc, jinja2.TemplateError):
        return Problem(file, line, None, exc.message or str(exc))
    if frame:  # a Python error from a template expression, such as `{{ 1 / 0 }}`
        return Problem(file, line, None, f"{type(exc).__name__}: {exc}")
    return None


def _page_file(name: str) -> str:
    return f"templates/{name}"


def _shown(filename: str, root: Path | None) -> str:
    """A template file as the author finds it: relative to the site root when inside it (the
    site's own `templates/…`), else its full path (a default template)."""
    path = Path(filename)
    if root is not None:
        with contextlib.suppress(ValueError, OSError):
            return path.resolve().relative_to(root.resolve()).as_posix()
    return path.as_posix()


def _innermost_template_frame(exc: BaseException) -> tuple[str, int] | None:
    """Jinja rewrites a render's traceback so that a template's frames carry the template's
    file and line: the innermost such frame is where the error is."""
    found = None
    tb = exc.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".xml", ".txt")) and Path(filename).is_file():
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found
