"""One module per command; each has `register(subparsers)` adding its parser."""

from site_builder.commands import (
    build,
    check,
    import_texts,
    init,
    new,
    search,
    serve,
    validate,
)

COMMANDS = (init, build, serve, check, validate, search, new, import_texts)
