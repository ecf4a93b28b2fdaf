"""Where a site's inputs are (content files, templates), and their stats: what a build looks
at first. A build with nothing changed stops there, before it imports the rest of the
pipeline."""

from __future__ import annotations

from pathlib import Path

CONTENT_DIR = "content"


# Two saves this close in time may leave a file with the same stats: a file changed this
# close to a build's start is read again by the next build (the widest common timestamp
# granularity, FAT's, is two seconds).
TIMESTAMP_GRANULARITY_NS = 2_000_000_000

Stats = tuple[int, int, int, int]


def content_stats(root: Path) -> dict[str, Stats]:
    """Every Markdown file under `root/content` → (size, mtime, ctime in ns, inode). The
    ctime, which no tool can set back, changes with every write, so an edit that keeps the
    size and the mtime (`cp -p`, `touch -r`, an archive extracted) still shows.

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


def changed_since(stats: Stats, moment_ns: int) -> bool:
    """Whether a file with `stats` may have changed at `moment_ns` or after, within the
    timestamp granularity: its stats then need not tell a later edit."""
    return max(stats[1], stats[2]) >= moment_ns - TIMESTAMP_GRANULARITY_NS
