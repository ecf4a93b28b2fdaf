"""Site settings from `site.yaml`.

Every setting has a default: a root with only `content/` builds.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfoNotFoundError

from site_builder.content.dates import zone
from site_builder.problems import ContentErrors, Problem

CONFIG_FILE = "site.yaml"


@dataclass(frozen=True)
class SiteConfig:
    """What `site.yaml` may hold, with defaults."""

    title: str = "Archive"
    description: str = ""
    base_url: str = "http://127.0.0.1:8000/"
    language: str = "fr"
    timezone: str = "Europe/Paris"
    per_page: int = 20
    feed_size: int = 50
    allow_raw_html: bool = False
    cache_dir: str = ".cache"

    @property
    def base_path(self) -> str:
        """The path part of the base URL, always starting and ending with `/`."""
        path = urlsplit(self.base_url).path or "/"
        return path if path.endswith("/") else path + "/"

    @property
    def tz(self):
        return zone(self.timezone)


def is_http_url(value: object) -> bool:
    """An absolute http(s) URL, as front matter, the registry and settings require."""
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    return parts.scheme in {"http", "https"} and bool(parts.netloc)


def _known() -> dict[str, type]:
    return {f.name: f.type for f in fields(SiteConfig)}


def load_config(root: Path, base_url: str | None = None) -> SiteConfig:
    """Read `root/site.yaml` (optional) and validate it; `base_url` overrides the file."""
    values = _read_settings(root)
    problems: list[Problem] = []
    known = _known()
    config = SiteConfig()
    for key, value in values.items():
        if key not in known:
            hint = difflib.get_close_matches(str(key), known, n=1)
            extra = f"; did you mean {hint[0]!r}?" if hint else ""
            problems.append(Problem(CONFIG_FILE, None, str(key), f"unknown setting{extra}"))
            continue
        checked = _check(key, value)
        if isinstance(checked, Problem):
            problems.append(checked)
        else:
            config = replace(config, **{key: checked[0]})
    if base_url is not None:
        checked = _check("base_url", base_url)
        if isinstance(checked, Problem):
            problems.append(replace(checked, file="--base-url"))
        else:
            config = replace(config, base_url=checked[0])
    if not problems:
        problems += cache_dir_problems(root, config.cache_dir)
    if problems:
        raise ContentErrors(problems)
    return config


def cache_dir_problems(root: Path, cache_dir: str, output: Path | None = None) -> list[Problem]:
    """`cache_dir` must name a folder inside the site root, outside its inputs (`content/`,
    `templates/`, `static/`) and its output (`output` or the given folder), once `..` and
    symbolic links are resolved: the build writes and deletes files there."""
    root = root.resolve()
    folder = (root / cache_dir).resolve()

    def within(place: Path) -> bool:
        return folder == place or place in folder.parents

    if root not in folder.parents:
        where = "is the site root" if folder == root else "is outside the site root"
        why = f"{cache_dir!r} {where}: choose a folder inside it, such as .cache"
    elif within((root / "output" if output is None else output).resolve()):
        why = f"{cache_dir!r} is inside the output folder: choose one outside it, such as .cache"
    elif any(within((root / name).resolve()) for name in ("content", "templates", "static")):
        why = (f"{cache_dir!r} is inside content/, templates/ or static/: choose a folder "
               "outside them, such as .cache")  # fmt: skip
    elif folder.exists() and not folder.is_dir():
        why = f"{cache_dir!r} is a file, not a folder: remove it or choose another folder"
    else:
        return []
    line = None
    try:
        lines = (root / CONFIG_FILE).read_text("utf-8", errors="replace").splitlines()
        line = next((n for n, text in enumerate(lines, 1) if text.startswith("cache_dir:")), None)
    except OSError:
        pass
    return [Problem(CONFIG_FILE, line, "cache_dir", why)]


def _read_settings(root: Path) -> dict:
    """The mapping `root/site.yaml` holds (empty without the file), unvalidated."""
    from site_builder.content.frontmatter import FrontMatterError, read_yaml
    from site_builder.content.textfile import NotUTF8, decode_text

    path = root / CONFIG_FILE
    if not path.exists():
        return {}
    try:
        loaded = read_yaml(decode_text(path.read_bytes())).data or {}
    except (NotUTF8, FrontMatterError) as exc:
        raise ContentErrors([Problem(CONFIG_FILE, exc.line, None, str(exc))]) from None
    if not isinstance(loaded, dict):
        raise ContentErrors([Problem(CONFIG_FILE, 1, None, "expected a mapping of settings")])
    return loaded


def is_loopback_host(host: str | None) -> bool:
    """`localhost`, `127.x.x.x`, `::1` (and the unspecified `0.0.0.0`): an address that only
    this machine reaches."""
    import ipaddress

    if not host:
        return False
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


# Where the public address ends up: what a reader or a crawler follows from another machine.
ADDRESS_USERS = "feeds, the sitemap, robots.txt and canonical links"


def base_url_warning(root: Path, base_url: str | None = None) -> Problem | None:
    """A warning when the public address of the site is missing or only reaches this machine:
    every absolute URL the build writes would then lead nowhere once published. `base_url`
    is the command line's `--base-url`. Raises ContentErrors when the settings are broken."""
    config = load_config(root, base_url)
    if not is_loopback_host(urlsplit(config.base_url).hostname):
        return None
    if base_url is not None or "base_url" in _read_settings(root):
        where = "--base-url" if base_url is not None else CONFIG_FILE
        why = f"base_url {config.base_url} is a loopback address (only this machine reaches it)"
    else:
        where, why = CONFIG_FILE, "no base_url is set"
    return Problem(
        where, None, "base_url",
        f"{why}: {ADDRESS_USERS} point at {config.base_url}; set the public address with "
        "`base_url: https://example.org/` in site.yaml or `--base-url https://example.org/`",
        "warning",
    )  # fmt: skip


def _check(key: str, value: object) -> tuple[object] | Problem:
    def bad(message: str) -> Problem:
        return Problem(CONFIG_FILE, None, key, message)

    if key in {"per_page", "feed_size"}:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            return bad("expected a whole number of at least 1")
        return (value,)
    if key == "allow_raw_html":
        if not isinstance(value, bool):
            return bad("expected true or false")
        return (value,)
    if not isinstance(value, str) or not value.strip():
        return bad("expected a non-empty text")
    value = value.strip()
    if key == "base_url":
        if not is_http_url(value):
            return bad(f"{value!r} is not an absolute http(s) URL")
        if not value.endswith("/"):
            value += "/"
    if key == "timezone":
        try:
            zone(value)
        except (ZoneInfoNotFoundError, ValueError):
            return bad(f"unknown time zone {value!r}")
    return (value,)
