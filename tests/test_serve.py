"""`site-builder serve`: an author keeps the preview open while editing; every save shows up in
the browser on its own, mistakes show as an overlay, and the server stays on this machine.

The server runs as the user runs it, `site-builder serve` in its own process, with the real
watchdog observer; the browser is headless Chromium driven by Playwright.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from site_builder.preview.watcher import POLLING, SourceWatcher, is_source
from support.sites import generated_archive

SITE = Path(__file__).parent / "fixtures" / "serve" / "site"
ARTICLE = "content/2020/10/hpe.md"
ARTICLE_URL = "2020/10/hpe-supprime-des-postes/"
OVERLAY = "#site-builder-preview-overlay"


class Preview:
    """A running `site-builder serve` process and what it printed."""

    def __init__(self, root: Path, *options: str, preexec_fn=None, env=None, start_within=30):
        self.root = root
        self.process = subprocess.Popen(
            [sys.executable, "-m", "site_builder", "serve", "--root", str(root), "--port", "0",
             *options],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=preexec_fn,
            env=None if env is None else {**os.environ, **env},
        )  # fmt: skip
        self.out: list[str] = []
        self.err: list[str] = []
        self._readers = [
            threading.Thread(target=self._read, args=(self.process.stdout, self.out), daemon=True),
            threading.Thread(target=self._read, args=(self.process.stderr, self.err), daemon=True),
        ]
        for reader in self._readers:
            reader.start()
        self.url = self._wait_for_url(start_within)

    @staticmethod
    def _read(stream, lines: list[str]) -> None:
        for line in stream:
            lines.append(line)

    def _wait_for_url(self, seconds: float) -> str:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for line in self.out:
                if match := re.search(r"Serving (http://127\.0\.0\.1:\d+/)", line):
                    return match[1]
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        self.stop()
        raise AssertionError(f"serve did not start:\n{''.join(self.out)}{''.join(self.err)}")

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1].strip("/"))

    def write(self, rel: str, text: str) -> None:
        (self.root / rel).write_text(text, encoding="utf-8")

    def stop(self) -> int:
        """Ctrl-C, as a user stops it; returns the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            code = self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise
        for reader in self._readers:
            reader.join(timeout=5)
        return code


@pytest.fixture
def root(tmp_path: Path) -> Path:
    shutil.copytree(SITE, tmp_path / "site")
    (tmp_path / "secret.txt").write_text("TOP-SECRET outside the site\n", "utf-8")
    return tmp_path / "site"


@pytest.fixture
def preview(root: Path) -> Iterator[Preview]:
    running = Preview(root)
    yield running
    running.stop()


@pytest.fixture(scope="module")
def shared(tmp_path_factory) -> Iterator[Preview]:
    """One preview for the tests that only read from it."""
    base = tmp_path_factory.mktemp("shared")
    shutil.copytree(SITE, base / "site")
    (base / "secret.txt").write_text("TOP-SECRET outside the site\n", "utf-8")
    running = Preview(base / "site")
    yield running
    running.stop()


def article(title: str, body: str, extra: str = "") -> str:
    return (
        f"---\ntitle: {title}\ndate: 2020-10\nsource: Block & Files\ncompanies: [HPE]\n{extra}"
        f"---\n{body}\n"
    )


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def wait_until(condition, timeout: float = 15.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.browser
def test_edits_show_up_and_mistakes_show_an_overlay_until_fixed(preview, page):
    from playwright.sync_api import expect

    loads: list[str] = []
    page.on("load", lambda: loads.append(page.url))
    page.goto(preview.url + ARTICLE_URL)
    expect(page.locator("article h1")).to_have_text("HPE supprime des postes")
    assert "Première version du texte." in page.locator("article .body").inner_text()
    assert len(loads) == 1

    # A save: the open page shows the new text without anyone touching the browser.
    saved = time.monotonic()
    with page.expect_event("load", timeout=15_000):
        preview.write(ARTICLE, article("HPE supprime des postes", "Deuxième version du texte."))
    print(f"\nsave → reloaded page loaded: {time.monotonic() - saved:.2f} s")
    expect(page.locator("article .body")).to_contain_text("Deuxième version")
    assert len(loads) == 2

    # A broken front matter: an overlay names the file, line and problem; the page stays.
    preview.write(ARTICLE, "---\ntitle: HPE\ndate: 2020-10\nsource: [Block\n---\nTexte.\n")
    overlay = page.locator(OVERLAY)
    expect(overlay).to_be_visible(timeout=15_000)
    expect(overlay.locator(".where")).to_have_text(f"{ARTICLE}:4")  # where '[' is not closed
    expect(overlay.locator(".message")).to_contain_text("broken YAML")
    expect(page.locator("article .body")).to_contain_text("Deuxième version")
    assert len(loads) == 2  # the last good page stays, no reload

    # Fixed: the overlay goes and the page shows the fixed article.
    preview.write(ARTICLE, article("HPE supprime des postes", "Troisième version, corrigée."))
    expect(page.locator("article .body")).to_contain_text("Troisième version", timeout=15_000)
    expect(page.locator(OVERLAY)).to_have_count(0)


@pytest.mark.browser
def test_a_burst_of_saves_reloads_the_page_once(preview, page):
    from playwright.sync_api import expect

    loads: list[str] = []
    page.on("load", lambda: loads.append(page.url))
    page.goto(preview.url + ARTICLE_URL)
    expect(page.locator("article h1")).to_have_text("HPE supprime des postes")
    # An editor saving repeatedly, or a formatter rewriting on save: five writes in a row. (With
    # 20 ms between them, a busy CI machine once stalled this process past the watcher's 150 ms
    # quiet time mid-burst, which is two bursts and rightly two reloads.)
    for n in range(1, 6):
        preview.write(ARTICLE, article("HPE supprime des postes", f"Version {n}."))
    expect(page.locator("article .body")).to_contain_text("Version 5.", timeout=15_000)
    # The text shows before the reloaded page's load event (CSS, scripts): wait for it, so a
    # busy machine does not make the count come short.
    page.wait_for_load_state("load")
    time.sleep(1.0)  # any second reload would have happened by now
    assert len(loads) == 2, loads


@pytest.mark.browser
def test_the_overlay_shows_problem_text_as_text(preview, page):
    from playwright.sync_api import expect

    page.goto(preview.url + ARTICLE_URL)
    expect(page.locator("article h1")).to_have_text("HPE supprime des postes")
    bad = article("HPE", "Texte.", extra='"<img src=x onerror=alert(1)>": oui\n')
    preview.write(ARTICLE, bad)
    overlay = page.locator(OVERLAY)
    expect(overlay).to_contain_text("[<img src=x onerror=alert(1)>] unknown field", timeout=15_000)
    assert overlay.locator("img").count() == 0


@pytest.mark.browser
def test_a_new_draft_appears_on_the_front_page(preview, page):
    from playwright.sync_api import expect

    page.goto(preview.url)
    expect(page.locator("main")).to_contain_text("Un brouillon en cours")  # drafts are shown
    (preview.root / "content/2020/11").mkdir()
    preview.write("content/2020/11/nouveau.md", article("Un article tout neuf", "Texte."))
    expect(page.locator("main")).to_contain_text("Un article tout neuf", timeout=15_000)


def test_drafts_go_to_the_build_cache_never_to_output(shared):
    status, body = get(shared.url + "2020/10/un-brouillon-en-cours/")
    assert status == 200 and "Texte du brouillon." in body
    assert (shared.root / ".cache/preview/2020/10/un-brouillon-en-cours/index.html").is_file()
    assert not (shared.root / "output").exists()
    # The script is added to served pages, never to the built files.
    assert '<script src="/__preview/client.js"' in body
    built = (shared.root / ".cache/preview/2020/10/un-brouillon-en-cours/index.html").read_text()
    assert "__preview" not in built


def test_missing_pages_get_the_sites_404_page(shared):
    status, body = get(shared.url + "2020/10/n-existe-pas/")
    assert status == 404
    assert "Page introuvable" in body
    status, _ = get(shared.url + "2020/10")
    assert status == 200  # redirected to 2020/10/


def raw_request(port: int, target: str, host: str = "127.0.0.1") -> tuple[int, bytes]:
    """Send a request line exactly as written (no client normalises `..` away)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(f"GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    status = int(data.split(b" ", 2)[1])
    return status, data


@pytest.mark.parametrize(
    "target",
    [
        "/../../../secret.txt", "/../../site.yaml", "/%2e%2e/%2e%2e/%2e%2e/secret.txt",
        "/%2E%2E/%2E%2E/site.yaml", "/..%2f..%2f..%2fsecret.txt", "/%2e%2e%2f%2e%2e%2fsite.yaml",
        "/..%5c..%5c..%5csecret.txt", "/..\\..\\site.yaml", "/%5c%2e%2e%5csite.yaml",
        "/./../../site.yaml", "/2020/../../../site.yaml", "//etc/passwd", "/%2fetc%2fpasswd",
        "/etc/passwd%00.html", "http://127.0.0.1/../../site.yaml", "/%252e%252e/site.yaml",
    ],
)  # fmt: skip
def test_the_server_refuses_paths_outside_the_site(shared, target):
    status, response = raw_request(shared.port, target)
    assert status in {400, 403, 404}, (target, status)
    assert b"TOP-SECRET" not in response and b"timezone" not in response
    assert b"root:" not in response


def send_raw(port: int, data: bytes) -> bytes:
    """Send `data` as the whole request and return everything the server answered."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(data)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    return answer


@pytest.mark.parametrize(
    "target, status",
    [
        ("/%ff", 400), ("/%c0%ae%c0%ae/site.yaml", 400), ("/2020/%e2%82/", 400),
        ("/caf%e9.html", 400), ("/a%00b", 400), ("/%00", 400),
        ("/" + "a" * 300, 404), ("/2020/" + "a" * 300 + "/", 404), ("/" + "abc/" * 2000, 404),
        ("/" + "%61" * 300, 404),
    ],
)  # fmt: skip
def test_a_path_that_names_no_file_is_answered_and_the_server_goes_on(shared, target, status):
    # Escapes that are not UTF-8, a NUL byte, a name longer than the file system allows, a
    # path longer than it allows: each gets its answer, and the next page is served.
    assert raw_request(shared.port, target)[0] == status, target
    assert raw_request(shared.port, "/")[0] == 200
    assert "Traceback" not in "".join(shared.err)


@pytest.mark.parametrize(
    "request_line, status",
    [
        (b"GARBAGE", 400), (b"GET", 400), (b"\x00\xff", 400), (b"GET / HTTP/1.1 extra", 400),
        (b"GET / FTP/1.0", 400), (b"GET /" + b"a" * 70_000 + b" HTTP/1.1", 414),
    ],
)  # fmt: skip
def test_a_malformed_request_line_gets_a_status_line(shared, request_line, status):
    answer = send_raw(shared.port, request_line + b"\r\nHost: 127.0.0.1\r\n\r\n")
    assert answer.startswith(b"HTTP/1.0 %d " % status), answer[:80]
    assert raw_request(shared.port, "/")[0] == 200
    assert "Traceback" not in "".join(shared.err)


def test_a_symlink_leading_outside_is_refused(shared):
    pages = shared.root / ".cache/preview"
    (pages / "leak.txt").symlink_to(shared.root.parent / "secret.txt")
    (pages / "leak-dir").symlink_to(shared.root.parent)
    for target in ("/leak.txt", "/leak-dir/secret.txt"):
        status, response = raw_request(shared.port, target)
        assert status == 403 and b"TOP-SECRET" not in response


def test_only_loopback_and_local_host_names_are_answered(shared):
    listening = _listening_addresses(shared.port)
    assert listening == {"127.0.0.1"}, listening
    assert raw_request(shared.port, "/", host=f"127.0.0.1:{shared.port}")[0] == 200
    assert raw_request(shared.port, "/", host=f"localhost:{shared.port}")[0] == 200
    # A page elsewhere that rebinds its DNS name to 127.0.0.1 must not read the preview.
    assert raw_request(shared.port, "/", host="attacker.example")[0] == 400
    other = _non_loopback_address()
    if other:
        with pytest.raises(OSError):
            socket.create_connection((other, shared.port), timeout=2).close()


def _listening_addresses(port: int) -> set[str]:
    """IPv4/IPv6 addresses listening on `port`, from /proc/net/tcp{,6}."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        with open(table) as lines:
            next(lines)
            for line in lines:
                local, state = line.split()[1], line.split()[3]
                address, hex_port = local.rsplit(":", 1)
                if state == "0A" and int(hex_port, 16) == port:
                    if len(address) == 8:
                        found.add(socket.inet_ntoa(bytes.fromhex(address)[::-1]))
                    else:
                        found.add(f"ipv6:{address}")
    return found


def _non_loopback_address() -> str | None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent for UDP connect
            address = probe.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


def test_ctrl_c_stops_cleanly(root):
    running = Preview(root)
    assert running.stop() == 0
    err = "".join(running.err)
    assert "Traceback" not in err, err
    assert "stopped" in "".join(running.out)


def test_ctrl_c_stops_a_preview_started_as_a_background_job(root):
    """A shell script's background job starts with Ctrl-C (SIGINT) ignored; the preview must
    still stop on it, as its banner promises."""
    running = Preview(root, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    assert running.stop() == 0
    assert "stopped" in "".join(running.out)


def test_a_port_in_use_gets_a_clear_message(root):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "site_builder", "serve", "--root", str(root), "--port",
             str(port)],
            capture_output=True, text=True, timeout=30,
        )  # fmt: skip
    assert result.returncode == 2
    assert f"port {port} on 127.0.0.1 is already in use" in result.stderr
    assert "Traceback" not in result.stderr


def test_polling_observer_rebuilds_too(root):
    running = Preview(root, "--poll")
    try:
        assert "(polling observer)" in "".join(running.out)
        running.write(ARTICLE, article("HPE supprime des postes", "Vu par sondage."))
        wait_until(lambda: "Vu par sondage." in get(running.url + ARTICLE_URL)[1], what="rebuild")
    finally:
        assert running.stop() == 0


def test_a_broken_site_at_start_is_served_with_its_problems(root):
    (root / ARTICLE).write_text("---\ntitle: [cassé\n---\n", "utf-8")
    running = Preview(root)
    try:
        status, body = get(running.url)
        assert status == 503 and "__preview/client.js" in body
        assert "content/2020/10/hpe.md:2: broken YAML" in "".join(running.err)
        running.write(ARTICLE, article("HPE réparé", "Texte."))
        wait_until(lambda: get(running.url)[0] == 200, what="the fixed site")
    finally:
        running.stop()


def test_watcher_reports_a_burst_once_and_ignores_editor_files(tmp_path):
    (tmp_path / "content").mkdir()
    calls: list[set[str]] = []
    watcher = SourceWatcher(tmp_path, calls.append, debounce=0.3)
    watcher.start()
    try:
        for n in range(5):
            (tmp_path / "content" / f"a{n}.md").write_text("x", "utf-8")
            (tmp_path / "content" / f".a{n}.md.swp").write_text("x", "utf-8")
            time.sleep(0.02)
        wait_until(lambda: calls, what="a change")
        time.sleep(0.6)
    finally:
        watcher.stop()
    assert len(calls) == 1
    assert {Path(p).name for p in calls[0]} == {f"a{n}.md" for n in range(5)}


def test_watcher_falls_back_to_polling_when_the_native_observer_fails(tmp_path, monkeypatch):
    import site_builder.preview.watcher as watch

    class Broken:
        def schedule(self, *args, **kwargs):
            raise OSError(28, "inotify watch limit reached")

        def stop(self):
            pass

        def is_alive(self):
            return False

    monkeypatch.setattr(watch, "Observer", Broken)
    (tmp_path / "content").mkdir()
    calls: list[set[str]] = []
    watcher = SourceWatcher(tmp_path, calls.append, debounce=0.05, poll_interval=0.1)
    assert watcher.start() == POLLING
    try:
        (tmp_path / "site.yaml").write_text("title: x\n", "utf-8")
        wait_until(lambda: calls, what="a polled change")
    finally:
        watcher.stop()
    assert [Path(p).name for p in calls[0]] == ["site.yaml"]


@pytest.mark.parametrize(
    "path, watched",
    [("site.yaml", True), ("content/2020/10/a.md", True), ("content/companies.yaml", True),
     ("templates/base.html", True), ("templates/static/style.css", True),
     ("content/2020/10/.a.md.swp", False), ("content/2020/10/a.md~", False),
     ("content/2020/10/4913", False), ("output/index.html", False),
     (".cache/preview/index.html", False), ("README.md", False), ("content/notes.txt", False)],
)  # fmt: skip
def test_what_counts_as_a_source(tmp_path, path, watched):
    assert is_source(tmp_path, str(tmp_path / path)) is watched


@pytest.mark.browser
def test_a_warning_shows_in_the_overlay_while_the_page_is_up_to_date(preview, page):
    from playwright.sync_api import expect

    page.goto(preview.url + ARTICLE_URL)
    expect(page.locator("article h1")).to_have_text("HPE supprime des postes")
    # An empty body is worth a look but builds: the page reloads with it, and says why.
    preview.write(ARTICLE, article("HPE supprime des postes", ""))
    expect(page.locator("article")).not_to_contain_text("Première version", timeout=15_000)
    overlay = page.locator(OVERLAY)
    expect(overlay).to_be_visible(timeout=15_000)
    expect(overlay).to_have_attribute("data-severity", "warning")
    expect(overlay).to_contain_text("1 warning about the content (the pages are up to date")
    expect(overlay.locator(".where")).to_have_text(ARTICLE)
    expect(overlay.locator(".message")).to_contain_text("[body] the article has no text")
    # Filled in: the warning goes.
    preview.write(ARTICLE, article("HPE supprime des postes", "Du texte à nouveau."))
    expect(page.locator("article .body")).to_contain_text("Du texte à nouveau", timeout=15_000)
    expect(page.locator(OVERLAY)).to_have_count(0)


def test_a_large_archive_keeps_answering_while_it_rebuilds(tmp_path):
    """3,000 articles: each build forks render and search workers. They are forked by a build
    process of the preview's own, never from the server's threads, so with Python's warning
    about forking a multi-threaded process made an error, every edit still shows up, and every
    request made meanwhile is answered."""
    root = generated_archive(tmp_path / "archive", 3000, seed=3)
    edited = sorted((root / "content").glob("*/*/*.md"))[::997]
    forks_fail = {"PYTHONWARNINGS": "error:This process:DeprecationWarning"}
    preview = Preview(root, env=forks_fail, start_within=300)
    answers: list[int | str] = []
    asking = threading.Event()

    def served_page(month: str, marker: str) -> str:
        """The served page of the month's article that holds `marker` ('' while none does)."""
        for page in (root / ".cache/preview" / month).glob("*/index.html"):
            if marker in page.read_text("utf-8"):
                return get(f"{preview.url}{month}/{page.parent.name}/")[1]
        return ""

    def ask_all_the_time() -> None:
        while not asking.is_set():
            try:
                answers.append(get(preview.url)[0])
            except OSError as error:  # a refused or dropped connection
                answers.append(repr(error))
            time.sleep(0.02)

    asker = threading.Thread(target=ask_all_the_time, daemon=True)
    asker.start()
    try:
        for number, path in enumerate(edited):
            marker = f"Ajout numéro {number} de la rédaction."
            path.write_text(path.read_text("utf-8") + f"\n{marker}\n", "utf-8")
            month = path.parent.relative_to(root / "content").as_posix()
            served = lambda month=month, marker=marker: marker in served_page(month, marker)  # noqa: E731
            wait_until(served, timeout=120, what=f"{path.name} rebuilt")
    finally:
        asking.set()
        asker.join(timeout=15)
        code = preview.stop()
    log = "".join(preview.out + preview.err)
    assert len(edited) == 4 and code == 0, log
    assert answers and set(answers) == {200}, [a for a in answers if a != 200][:5]
    assert "Traceback" not in log and "problem" not in log, log
    assert log.count("rebuilt:") >= 1 + len(edited), log
