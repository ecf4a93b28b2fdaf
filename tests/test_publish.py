"""Publishing: CI's build steps on a clean clone, the result served by nginx as a plain static
host under /archive/, then a one-article edit published again.

`scripts/ci-build.sh` is what both workflows run (check, build for a base URL, validate). The
clone is of HEAD: what CI publishes is the commit, not the working tree. nginx is Debian's
(`bash scripts/install.sh --with-test-tools`), started here on 127.0.0.1 with a generated
config and no rules beyond `alias` and the 404 page; without it the test is skipped, or fails
under CI=true.
"""

from __future__ import annotations

import contextlib
import fnmatch
import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from support import tool_missing
from support.crawl import crawl
from support.sites import article, build, snapshot, write_site

REPO = Path(__file__).resolve().parents[1]
PREFIX = "/archive/"
EDITED = "content/2020/10/hpe-licenciements-etats-unis.md"
NEW_TITLE = "HPE supprime au moins 500 postes aux États-Unis en octobre 2020"
NEW_SENTENCE = "Cette précision a été ajoutée pour vérifier la publication incrémentale."


# -- helpers ---------------------------------------------------------------------------------


def clone_head(dest: Path) -> Path:
    """A clean clone of the repository's HEAD (uncommitted work of others is not in it)."""
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(dest)], check=True, timeout=120)
    return dest


def ci_build(clone: Path, base_url: str, *args: str) -> str:
    """Run the clone's scripts/ci-build.sh as CI does (outside GitHub: plain text output)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    env["PYTHON"] = sys.executable
    result = subprocess.run(
        ["bash", "scripts/ci-build.sh", "--base-url", base_url, *args],
        cwd=clone, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert result.returncode == 0, f"ci-build.sh failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def get(url: str) -> tuple[int, str, bytes]:
    """GET without following redirects: (status, content type, body), errors included."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


NGINX_CONF = """\
daemon off;
master_process on;
worker_processes 1;
{user}
pid {work}/nginx.pid;
error_log {work}/error.log warn;
events {{ worker_connections 256; }}
http {{
    {types}
    default_type application/octet-stream;
    access_log {work}/access.log;
    client_body_temp_path {work}/temp/body;
    proxy_temp_path {work}/temp/proxy;
    fastcgi_temp_path {work}/temp/fastcgi;
    uwsgi_temp_path {work}/temp/uwsgi;
    scgi_temp_path {work}/temp/scgi;
    server {{
        listen 127.0.0.1:{port};
        server_name 127.0.0.1;
        location {prefix} {{
            alias {output}/;
            index index.html;
            error_page 404 {prefix}404.html;
        }}
    }}
}}
"""
# Used when Debian's /etc/nginx/mime.types is missing.
MIME_TYPES = (
    "types { text/html html; text/css css; text/xml xml; text/plain txt; "
    "application/javascript js; application/json json; image/svg+xml svg; }"
)


@contextlib.contextmanager
def nginx(output: Path, work: Path, prefix: str = PREFIX) -> Iterator[str]:
    """Serve `output` under `prefix` on a free port of 127.0.0.1; yield the base URL."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.access(binary, os.X_OK):
        tool_missing("nginx is not installed (apt-get install nginx-light)")
    (work / "temp").mkdir(parents=True, exist_ok=True)
    mime = Path("/etc/nginx/mime.types")
    for _attempt in range(5):
        port = free_port()
        conf = work / "nginx.conf"
        conf.write_text(
            NGINX_CONF.format(
                # As root, workers would switch to nobody, who cannot read pytest's 0700 tmp.
                user="user root;" if os.geteuid() == 0 else "",
                work=work, port=port, prefix=prefix, output=output.resolve(),
                types=f"include {mime};" if mime.is_file() else MIME_TYPES,
            ),
            "utf-8",
        )  # fmt: skip
        log = work / "error.log"
        process = subprocess.Popen(
            [binary, "-p", str(work), "-c", str(conf), "-e", str(log)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        try:
            if _wait_listening(process, port):
                yield f"http://127.0.0.1:{port}{prefix}"
                return
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        errors = process.stderr.read().decode(errors="replace") if process.stderr else ""
        errors += log.read_text(errors="replace") if log.exists() else ""
        if "Address already in use" not in errors:
            raise RuntimeError(f"nginx did not start:\n{errors[-3000:]}")
    raise RuntimeError("nginx found no free port in 5 attempts")


def _wait_listening(process: subprocess.Popen, port: int, timeout: float = 10) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return True
        time.sleep(0.05)
    return False


def fetch_everything(base_url: str, output: Path) -> None:
    """Every file of `output` answers 200 at its URL with its exact bytes (search shards, feeds
    and assets included), HTML as text/html."""
    failures = []
    for rel, data in snapshot(output).items():
        status, content_type, body = get(base_url + rel)
        if status != 200 or body != data:
            failures.append(f"{status} {rel} ({len(body)} bytes, expected {len(data)})")
        elif rel.endswith(".html") and not content_type.startswith("text/html"):
            failures.append(f"{rel} served as {content_type}")
    assert not failures, "\n".join(failures)


def check_not_found_page(base_url: str, output: Path) -> None:
    """A missing page deep in the site gets 404.html, whose links resolve from there too."""
    missing = base_url + "2020/10/no-such-article/deeper/"
    status, _type, body = get(missing)
    assert status == 404 and body == (output / "404.html").read_bytes()
    links = re.findall(r'(?:href|src|action)="([^"#]+)', body.decode())
    assert links, "404.html links nowhere"
    host = urlsplit(base_url).netloc
    for link in links:
        url = urljoin(missing, link.replace("&amp;", "&"))
        if urlsplit(url).netloc == host:
            assert get(url)[0] == 200, f"404.html: {link} does not resolve from {missing}"


def article_url(output: Path, base_url: str, title: str) -> tuple[str, str]:
    """(output path, URL) of the article page titled `title`."""
    marker = f"<title>{title} –".encode()
    found = [
        rel
        for rel, data in snapshot(output).items()
        if rel.endswith("/index.html") and rel[:4].isdigit() and marker in data
    ]
    assert len(found) == 1, f"article {title!r}: {found}"
    return found[0], base_url + found[0].removesuffix("index.html")


# -- the story -------------------------------------------------------------------------------


def test_ci_build_on_a_clean_clone_is_served_by_nginx_and_republishes_one_edit(tmp_path):
    clone = clone_head(tmp_path / "clone")
    output = clone / "output"
    with nginx(output, tmp_path / "nginx") as base_url:
        assert base_url.endswith(PREFIX)
        log = ci_build(clone, base_url)
        assert f"output valid for {base_url}:" in log

        # Every page, link, asset and feed reachable from the front page answers 200, anchors
        # included; every file (search shards too) is served with its bytes.
        report = crawl(base_url)
        assert report.ok, "\n".join(report.problems())
        pages = {rel for rel in snapshot(output) if rel.endswith(".html")}
        crawled = {urlsplit(u).path.removeprefix(PREFIX) for u in report.pages}
        crawled = {p + "index.html" if p.endswith("/") or not p else p for p in crawled}
        assert pages - crawled == {"404.html"}, "pages no link leads to"
        fetch_everything(base_url, output)
        check_not_found_page(base_url, output)

        # One article edited: a new title (so a new URL) and one more sentence.
        source = clone / EDITED
        old_title = re.search(r"^title: (.*)$", source.read_text("utf-8"), re.M).group(1)
        old_path, old_url = article_url(output, base_url, old_title)
        before = snapshot(output)
        text = source.read_text("utf-8").replace(f"title: {old_title}", f"title: {NEW_TITLE}")
        source.write_text(text.rstrip("\n") + f"\n\n{NEW_SENTENCE}\n", "utf-8")
        report_file = tmp_path / "changes.json"
        ci_build(clone, base_url, "--report", str(report_file))
        after = snapshot(output)
        changes = json.loads(report_file.read_text("utf-8"))
        new_path, new_url = article_url(output, base_url, NEW_TITLE)

        check_change_report(changes, before, after, old_path, new_path)

        # The served site shows the edit.
        status, _type, body = get(new_url)
        assert status == 200 and NEW_SENTENCE in body.decode()
        assert get(old_url)[0] == 404
        assert NEW_TITLE in get(base_url + "2020/10/")[2].decode()  # the month's list
        report = crawl(base_url)
        assert report.ok, "\n".join(report.problems())


def check_change_report(changes, before, after, old_path, new_path) -> None:
    """The report lists exactly the files whose bytes changed, and those are only the article's
    page and the files that show the article."""
    added, changed, removed = (set(changes[k]) for k in ("added", "changed", "removed"))
    assert added == after.keys() - before.keys()
    assert removed == before.keys() - after.keys()
    assert changed == {p for p in before.keys() & after.keys() if before[p] != after[p]}
    assert old_path in removed and new_path in added

    touched = added | changed | removed
    old_link, new_link = (p.removesuffix("index.html").encode() for p in (old_path, new_path))
    for path in touched - {old_path, new_path}:
        shows_article = any(
            link in snapshot_bytes
            for snapshot_bytes in (before.get(path, b""), after.get(path, b""))
            for link in (old_link, new_link)
        )
        assert shows_article or path.startswith("search/"), (
            f"{path} changed but neither links to the article nor belongs to the search index"
        )
    # An unrelated company's page and feed stay as they were.
    unrelated = sorted(
        p
        for p in after
        if fnmatch.fnmatch(p, "companies/*/index.html") and old_link not in before.get(p, b"")
        and new_link not in after[p]
    )  # fmt: skip
    assert unrelated, "every company page shows the article?"
    assert not touched & {unrelated[0], unrelated[0].replace("index.html", "feed.xml")}
    assert len(touched) <= len(after) // 4, f"{len(touched)} of {len(after)} files: {touched}"


# -- the validator ---------------------------------------------------------------------------


def validate(output: Path, base_url: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "site_builder", "validate", "--root", str(output.parent),
         "--output", str(output), "--base-url", base_url],
        capture_output=True, text=True, timeout=120, check=False, cwd=output.parent,
    )  # fmt: skip


def test_validation_finds_what_a_static_host_would_break(tmp_path):
    """`site-builder validate` (the validate step of ci-build.sh) fails on broken links,
    anchors, prefixes and a 404 page with location-relative links, naming the file."""
    base = "https://example.org/archive/"
    site = tmp_path / "output"
    (site / "a").mkdir(parents=True)
    (site / "assets").mkdir()
    (site / "assets" / "style.css").write_text("body{}")
    page = (
        '<!doctype html><html lang="fr"><head><title>t</title>'
        '<link rel="stylesheet" href="/archive/assets/style.css"></head><body id="top">{}'
        "</body></html>"
    )
    (site / "index.html").write_text(page.format('<a href="a/">a</a> <a href="a/#here">h</a>'))
    (site / "a" / "index.html").write_text(
        page.format(
            '<p id="here">x</p><a href="../missing/">1</a> <a href="/elsewhere/">2</a> '
            '<a href="/archive/a">3</a> <a href="/archive/#nowhere">4</a> '
            '<a href="https://other.example/x">external</a>'
        )
    )
    (site / "404.html").write_text(page.format('<a href="a/">relative</a>'))
    (site / "feed.xml").write_text(
        '<feed xmlns="http://www.w3.org/2005/Atom"><updated>2020-01-01T00:00:00Z</updated>'
        '<link href="https://example.org/archive/gone/"/></feed>'
    )
    (site / "sitemap.xml").write_text(
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<url><loc>https://example.org/archive/a/</loc></url></urlset>"
    )
    (site / "robots.txt").write_text("Sitemap: https://example.org/archive/sitemap.xml\n")

    result = validate(site, base)
    assert result.returncode == 1
    out = result.stdout
    assert "a/index.html: broken link '../missing/'" in out
    assert "a/index.html: broken link '/elsewhere/'" in out and "outside the site's base" in out
    assert "'/archive/a'" in out and "without its trailing slash" in out
    assert "no id='nowhere' on index.html" in out
    assert "404.html: 'a/' is relative to the page's location" in out
    assert "feed.xml: broken link 'https://example.org/archive/gone/'" in out
    assert "other.example" not in out
    assert len(out.strip().splitlines()) == 6, out

    for name in ("a/index.html", "404.html", "feed.xml"):
        (site / name).unlink()
    (site / "a" / "index.html").write_text(page.format('<p id="here">x</p>'))
    (site / "404.html").write_text(page.format('<a href="/archive/a/">home</a>'))
    (site / "feed.xml").write_text(
        '<feed xmlns="http://www.w3.org/2005/Atom"><updated>2020-01-01T00:00:00Z</updated></feed>'
    )
    result = validate(site, base)
    assert result.returncode == 0, result.stdout
    assert result.stdout.startswith(f"output valid for {base}: 7 files: 3 pages"), result.stdout
    assert ", 1 feed, 1 sitemap, " in result.stdout, result.stdout


def test_validation_finds_a_search_index_that_is_incomplete_or_of_another_version(tmp_path):
    """The browser reads meta.bin, then a directory, then a shard: a missing one is an empty
    result, and an index of another format version is refused. validate names each."""
    import gzip

    base = "https://example.org/archive/"
    files = {"content/companies.yaml": "HPE: {}\n"}
    for i in range(30):
        files[f"content/2020/10/a{i}.md"] = article(
            title=f"HPE supprime {i} postes", body=f"Licenciements numéro {i} chez HPE."
        )
    write_site(tmp_path, files)
    assert build(tmp_path, "--base-url", base) == 0
    output = tmp_path / "output"
    assert validate(output, base).returncode == 0

    meta_path = output / "search/meta.bin"
    meta = json.loads(gzip.decompress(meta_path.read_bytes()))
    directory = f"search/dirs/{meta['dirs'][0][1]}.bin"
    shard = json.loads(gzip.decompress((output / directory).read_bytes()))[0][1]
    (output / f"search/shards/{shard}.bin").unlink()
    result = validate(output, base)
    assert result.returncode == 1
    assert f"{directory} names search/shards/{shard}.bin, which is missing" in result.stdout

    (output / directory).unlink()
    meta_path.write_bytes(gzip.compress(json.dumps({**meta, "version": 2}).encode()))
    result = validate(output, base)
    assert f"search/meta.bin names {directory}, which is missing" in result.stdout
    assert "search/meta.bin: format version 2, but the search page reads version 3" in (
        result.stdout
    )


# -- hosting rules ---------------------------------------------------------------------------


def immutable_patterns(headers: str, base_path: str) -> list[str]:
    """The `_headers` rules that let hosts cache files forever, as output path patterns."""
    patterns, current = [], None
    for line in headers.splitlines():
        if line and not line[0].isspace():
            current = line.strip()
        elif "immutable" in line and current is not None:
            assert current.startswith(base_path), current
            patterns.append(current.removeprefix(base_path))
    return patterns


def hashed_name(path: str, data: bytes) -> bool:
    """The file name carries a prefix (8 hex digits at least) of the SHA-256 of its bytes."""
    digest = hashlib.sha256(data).hexdigest()
    tokens = re.findall(r"[0-9a-f]{8,}", path.rsplit("/", 1)[-1])
    return any(digest.startswith(token) for token in tokens)


def test_files_cached_forever_are_named_by_their_content(tmp_path, monkeypatch):
    """Every file `_headers` marks immutable is named by a hash of its bytes: its URL changes
    whenever its bytes do, so a host may cache it for a year. Checked on the sample, then
    after a stylesheet change and an article edit: no immutable path holds new bytes."""
    from site_builder.search import blocks

    # Search tails exist only for common terms: make the sample's common enough.
    monkeypatch.setattr(blocks, "SPLIT_FROM", 4)
    monkeypatch.setattr(blocks, "HEAD_DOCS", 2)
    from site_builder.cli import main
    from site_builder.content.inputs import default_templates_dir

    site = tmp_path / "site"
    for part in ("content", "site.yaml"):
        source = REPO / part
        (shutil.copytree if source.is_dir() else shutil.copy)(source, site / part)
    # A copy of the default templates, so that the site can change its stylesheet.
    shutil.copytree(default_templates_dir(), site / "templates")

    assert main(["build", "--root", str(site), "--base-url", "https://example.org/news/"]) == 0
    first = snapshot(site / "output")
    patterns = immutable_patterns(first["_headers"].decode(), "/news/")
    assert len(patterns) >= 3, patterns
    for pattern in patterns:
        matching = [p for p in first if fnmatch.fnmatch(p, pattern)]
        assert matching, f"_headers rule {pattern} matches no file"
        for path in matching:
            assert hashed_name(path, first[path]), f"{path} is cached forever but not hashed"

    style = next((site / "templates" / "static").glob("*.css"))
    style.write_text(style.read_text("utf-8") + "\n/* changed */\n", "utf-8")
    article = site / EDITED
    article.write_text(article.read_text("utf-8") + f"\n{NEW_SENTENCE}\n", "utf-8")
    assert main(["build", "--root", str(site), "--base-url", "https://example.org/news/"]) == 0
    second = snapshot(site / "output")
    immutable = [p for p in first.keys() & second.keys() if any(
        fnmatch.fnmatch(p, pattern) for pattern in patterns)]  # fmt: skip
    assert immutable
    assert [p for p in immutable if first[p] != second[p]] == []
    assert any(p not in first for p in second if p.startswith("assets/")), "css not renamed"
