"""One module per command; each has `register(subparsers)` adding its parser."""

from site_builder.commands import build, check, import_texts, new, search, serve

COMMANDS = (build, search, new, import_texts, check, serve)
