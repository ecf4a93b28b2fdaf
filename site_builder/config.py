"""Site settings from `site.yaml`.

Every setting has a default: a root with only `content/` builds.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, fields, replace
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfoNotFoundError

from site_builder.content.characters import FORBIDDEN, cut, excerpt, forbidden_message, kind_of
from site_builder.content.dates import zone
from site_builder.problems import ContentErrors, Problem

CONFIG_FILE = "site.yaml"
# `fr`, `en`, `pt-BR`: a language code (BCP 47 language and subtags), as `lang` attributes take.
LANGUAGE_CODE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
# Past this, a page or a feed is no longer one a browser or a feed reader can open.
MOST_PER_PAGE = 100_000


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
    values, lines = _read_settings(root)
    problems: list[Problem] = []
    known = _known()
    config = SiteConfig()
    for key, value in values.items():
        line = lines.get(str(key))
        if key not in known:
            hint = difflib.get_close_matches(str(key), known, n=1)
            extra = f"; did you mean {hint[0]!r}?" if hint else ""
            problems.append(Problem(CONFIG_FILE, line, cut(str(key)),
                                    f"unknown setting{extra}"))  # fmt: skip
            continue
        checked = _check(key, value)
        if isinstance(checked, Problem):
            problems.append(replace(checked, line=line))
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
    try:
        line = _read_settings(root)[1].get("cache_dir")
    except ContentErrors:  # site.yaml went unreadable since it was read
        line = None
    return [Problem(CONFIG_FILE, line, "cache_dir", why)]


def _read_settings(root: Path) -> tuple[dict, dict[str, int]]:
    """The mapping `root/site.yaml` holds (empty without the file), unvalidated, and the
    line of each setting."""
    import os

    from site_builder.content.frontmatter import FrontMatterError, read_yaml
    from site_builder.content.textfile import NotUTF8, decode_text, read_source, unreadable

    path = root / CONFIG_FILE
    if not os.path.lexists(path):
        return {}, {}
    try:
        document = read_yaml(decode_text(read_source(path)), where=CONFIG_FILE)
    except OSError as exc:
        raise ContentErrors([Problem(CONFIG_FILE, None, None, unreadable(exc))]) from None
    except NotUTF8 as exc:
        raise ContentErrors([Problem(CONFIG_FILE, exc.line, None, str(exc))]) from None
    except FrontMatterError as exc:
        raise ContentErrors([Problem(CONFIG_FILE, exc.line, exc.field, str(exc))]) from None
    loaded = document.data if document.data is not None else {}
    if not isinstance(loaded, dict):
        raise ContentErrors([Problem(CONFIG_FILE, 1, None, "expected a mapping of settings")])
    return loaded, document.lines


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
    if base_url is not None or "base_url" in _read_settings(root)[0]:
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
            return bad(f"expected a whole number of at least 1, got {excerpt(value)}")
        if value > MOST_PER_PAGE:
            return bad(f"expected a whole number of at most {MOST_PER_PAGE}, got {excerpt(value)}")
        return (value,)
    if key == "allow_raw_html":
        if not isinstance(value, bool):
            return bad("expected true or false")
        return (value,)
    if not isinstance(value, str) or not value.strip():
        got = "" if isinstance(value, str) else f", got {kind_of(value)}: put it in quotes"
        return bad(f"expected a non-empty text{got}")
    value = value.strip()
    if FORBIDDEN.search(value):  # only `--base-url` can bring one: site.yaml is read strictly
        return bad(forbidden_message(FORBIDDEN.search(value)[0]))
    if key == "base_url":
        if not is_http_url(value):
            return bad(f"{excerpt(value)} is not an absolute http(s) URL")
        if not value.endswith("/"):
            value += "/"
    if key == "timezone":
        try:
            zone(value)
        except (ZoneInfoNotFoundError, ValueError):
            return bad(
                f"unknown time zone {excerpt(value)}: use a name such as Europe/Paris or UTC"
            )
    if key == "language" and not LANGUAGE_CODE.match(value):
        return bad(f"{excerpt(value)} is not a language code such as fr, en or pt-BR")
    return (value,)
