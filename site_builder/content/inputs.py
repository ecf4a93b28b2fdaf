"""Where a site's inputs are (content files, templates), and their stats: what a build looks
at first. A build with nothing changed stops there, before it imports the rest of the
pipeline."""

from __future__ import annotations

from pathlib import Path

CONTENT_DIR = "content"


def content_stats(root: Path) -> dict[str, tuple[int, int]]:
    """Every Markdown file under `root/content` → (size, mtime in ns).

    Raises ContentErrors naming each file or folder that cannot be listed or read (a name
    that is not UTF-8, a symbolic link loop, a folder without permission)."""
    from site_builder.content.listing import ContentListing

    return ContentListing(root / CONTENT_DIR, CONTENT_DIR).stats()


def default_templates_dir() -> Path:
    """The package's own templates (`site_builder/templates`), used by a site root that has no
    `templates/` folder of its own. They sit beside this module whether the package is
    installed from a wheel or run from a checkout."""
    return Path(__file__).resolve().parents[1] / "templates"


def template_folders(root: Path) -> tuple[Path, ...]:
    """Where templates and static files are looked up, first match first: the site's own
    `templates/` (which need hold only what it changes), then the defaults."""
    default = default_templates_dir()
    own = root / "templates"
    if own.is_dir() and own.resolve() != default.resolve():
        return (own, default)
    return (default,)
