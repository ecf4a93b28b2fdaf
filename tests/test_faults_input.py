"""Bad input, whether an author's slip or a hostile file, gets a message with file, line and
field and exit status 1, never a traceback; a failed build leaves `output/` as it was, and the
build after the fix gives what a clean build gives."""

import gc
import os
import shutil
import subprocess
import sys
import time
import tracemalloc
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest
from test_serve import Preview, wait_until

from site_builder.build import build_site
from site_builder.cli import main
from site_builder.render.xmltext import escape, quoteattr
from support.sites import article, snapshot, write_site

ARTICLE = "content/2020/10/a.md"
GOOD = article(title="Un bon article", companies="[HPE]")
WORKTREE = Path(__file__).resolve().parents[1]


def front(*fields: str, body: str = "Le texte.") -> str:
    """An article whose front matter is `fields` (one `key: value` per line, from line 2)."""
    return "---\n" + "\n".join(fields) + "\n---\n" + body + "\n"


def valid(**changes: str) -> str:
    fields = {"title": "T", "date": "2020-10-05", "source": "S", "companies": "[HPE]", **changes}
    return front(*(f"{key}: {value}" for key, value in fields.items()))


@pytest.fixture
def site(tmp_path):
    """A site that built once: its output is what a failed build must leave as it was."""
    write_site(tmp_path, {ARTICLE: GOOD, "content/2020/11/b.md": article(title="Autre")})
    assert main(["build", "--root", str(tmp_path)]) == 0
    return tmp_path


def refused(root: Path, capsys, *options: str) -> str:
    """Build and check the site the way its author does: both fail with exit status 1 and a
    message, and `output/` is untouched. Returns what `build` printed."""
    capsys.readouterr()
    before = snapshot(root / "output") if (root / "output").is_dir() else None
    assert main(["build", "--root", str(root), *options]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.startswith("error: "), err
    if before is not None:
        assert snapshot(root / "output") == before
    assert main(["check", "--root", str(root)]) == 1
    out = capsys.readouterr().out
    assert "Traceback" not in out and "error: " in out
    return err


def fixed_builds_like_a_clean_build(root: Path) -> None:
    assert main(["build", "--root", str(root)]) == 0
    build_site(root, output=root / "clean", use_cache=False)
    assert snapshot(root / "output") == snapshot(root / "clean")
    shutil.rmtree(root / "clean")


# 1. Dates


@pytest.mark.parametrize(
    "date", ["0000-01", "0999", "0000-01-05", "0001-01-01T00:00:00+01:00"],
)  # fmt: skip
def test_a_date_outside_the_years_1000_to_9999_is_refused_at_its_line(site, capsys, date):
    (site / ARTICLE).write_text(valid(date=date), "utf-8")
    err = refused(site, capsys)
    assert (f"error: {ARTICLE}:3: [date] '{date}' is outside the years 1000 to 9999: write a "
            "year of four digits in that range") in err  # fmt: skip
    (site / ARTICLE).write_text(GOOD, "utf-8")
    fixed_builds_like_a_clean_build(site)


def test_a_date_time_past_the_end_of_9999_in_utc_is_refused(site, capsys):
    """At 23:59 on the last day of 9999, one hour behind UTC, it is already year 10000 in UTC,
    which a feed cannot write."""
    (site / ARTICLE).write_text(valid(date="9999-12-31T23:59:59-01:00"), "utf-8")
    assert (f"error: {ARTICLE}:3: [date] '9999-12-31T23:59:59-01:00' is after the end of 9999 "
            "in UTC, and the years run from 1000 to 9999") in refused(site, capsys)  # fmt: skip


def test_a_control_character_in_base_url_is_refused(site, capsys):
    assert main(["build", "--root", str(site), "--base-url", "https://a.example/\x07/"]) == 1
    err = capsys.readouterr().err
    assert "error: --base-url: [base_url] the control character U+0007 is not allowed" in err


def test_the_first_hour_of_year_1000_is_written_in_the_feed_as_utc(tmp_path):
    """1000-01-01 at midnight in Paris is still year 999 in UTC: the feed writes it with four
    digits, and a feed reader reads it back."""
    write_site(tmp_path, {ARTICLE: valid(date="1000-01-01T00:00:00+01:00")})
    assert main(["build", "--root", str(tmp_path)]) == 0
    feed = (tmp_path / "output/feed.xml").read_bytes()
    assert b"<updated>0999-12-31T23:00:00Z</updated>" in feed
    parsed = feedparser.parse(feed)
    assert not parsed.bozo and parsed.entries[0].updated == "0999-12-31T23:00:00Z"


def test_new_refuses_a_date_before_year_1000_and_writes_nothing(tmp_path, capsys):
    (tmp_path / "content").mkdir()
    code = main(["new", "--root", str(tmp_path), "--date", "0000-01", "--company", "HPE",
                 "--source", "S", "Un titre"])  # fmt: skip
    assert code == 1
    assert ("error: --date: '0000-01' is outside the years 1000 to 9999"
            in capsys.readouterr().err)  # fmt: skip
    assert not list((tmp_path / "content").rglob("*.md"))


def test_import_refuses_an_intake_date_before_year_1000(tmp_path, capsys):
    (tmp_path / "content").mkdir()
    (tmp_path / "old.txt").write_text("date 0000-01\n\nHPE annonce un plan.\n", "utf-8")
    assert main(["import", "--root", str(tmp_path), str(tmp_path / "old.txt")]) == 1
    err = capsys.readouterr().err
    assert "old.txt: [date] '0000-01' is outside the years 1000 to 9999" in err
    assert not list((tmp_path / "content").rglob("*.md"))


# 2. A bad value is quoted back short


def test_a_huge_bad_value_is_quoted_back_as_a_short_excerpt(site, capsys):
    (site / ARTICLE).write_text(valid(url="x" * 100_000), "utf-8")
    err = refused(site, capsys)
    line = next(line for line in err.splitlines() if "[url]" in line)
    assert line.startswith(f"error: {ARTICLE}:6: [url] 'xxxx") and "…'" in line
    assert len(line) < 200


@pytest.mark.parametrize(
    "fields",
    [
        ["title: T", "k" * 50_000 + ": x"],
        ["title: T", "k" * 50_000 + ": x", "k" * 50_000 + ": y"],
        ["title: T", "summary: x: " + "y" * 50_000],
        ["title: T", "summary: '" + "y" * 50_000],
        ["title: T", "companies: [" + "x" * 50_000 + "\x07]"],
    ],
)
def test_a_huge_bad_key_or_text_gives_a_short_message(site, capsys, fields):
    (site / ARTICLE).write_text(front(*fields), "utf-8")
    err = refused(site, capsys)
    assert all(len(line) < 300 for line in err.splitlines()), err[:1000]


def test_an_alias_bomb_fails_at_once_with_a_short_message(site, capsys):
    """The ~700-byte 'billion laughs': every alias would expand nine times the one before."""
    rows = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        rows.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    bomb = "\n".join(rows)
    assert len(bomb) < 800
    (site / ARTICLE).write_text(front("title: T", "url: *i", bomb), "utf-8")
    tracemalloc.start()
    try:
        err = refused(site, capsys)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (f"error: {ARTICLE}:3: [url] YAML aliases are not accepted in front matter (&i, *i): "
            "write the value out in full") in err  # fmt: skip
    assert len(err) < 400
    assert peak < 50_000_000


# 3. YAML: duplicate keys, aliases, depth


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (["title: T", "date: 2020", "title: U"],
         "4: [title] given twice in one mapping (first at line 2): keep one"),
        (["title: T", "source:", "  name: S", "  url: https://a.example/", "  name: S2"],
         "6: [source.name] given twice in one mapping (first at line 4): keep one"),
        (["title: T", "source: {name: S, name: S2}"],
         "3: [source.name] given twice in one mapping (first at line 3): keep one"),
        (["title: &t T", "summary: *t"],
         "2: [title] YAML aliases are not accepted in front matter (&t, *t)"),
        (["title: T", "tags: " + "[" * 25 + "x" + "]" * 25],
         "3: [tags] lists and mappings nested more than 20 levels deep are not accepted"),
        (["title: T", "tags: " + "[" * 5000 + "]" * 5000],
         "3: broken YAML: lists and mappings nested this deep are not accepted"),
    ],
)  # fmt: skip
@pytest.mark.parametrize(
    # A `*` or `&` where a node starts may be an alias or an anchor: such front matter is
    # read by the slower, strict reader; the answer is the same.
    "last",
    ["", "draft: false  # voir *nouveau*", 'summary: "R&D, *nouveau* &co"'],
)
def test_front_matter_yaml_traps_are_refused_at_their_line(site, capsys, fields, expected, last):
    (site / ARTICLE).write_text(front(*fields, last), "utf-8")
    assert f"error: {ARTICLE}:{expected}" in refused(site, capsys)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("HPE:\n  aliases: [Hewlett]\nDell:\n  website: https://dell.example/\nHPE: {}\n",
         "content/companies.yaml:5: [HPE] given twice in one mapping (first at line 1)"),
        ("HPE:\n  aliases: &names [Hewlett]\nHP:\n  aliases: *names\n",
         "content/companies.yaml:2: [HPE.aliases] YAML aliases are not accepted in "
         "content/companies.yaml"),
        ("HPE:\n  description: \"un \\x0b saut\"\n",
         "content/companies.yaml:2: [HPE.description] the control character U+000B is not "
         "allowed"),
    ],
)  # fmt: skip
def test_registry_yaml_traps_are_refused_at_their_line(site, capsys, text, expected):
    (site / "content/companies.yaml").write_text(text, "utf-8")
    assert f"error: {expected}" in refused(site, capsys)
    (site / "content/companies.yaml").unlink()
    fixed_builds_like_a_clean_build(site)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("title: A\nper_page: 5\ntitle: B\n",
         "site.yaml:3: [title] given twice in one mapping (first at line 1)"),
        ("title: &t A\ndescription: *t\n", "site.yaml:1: [title] YAML aliases are not accepted "
         "in site.yaml"),
    ],
)  # fmt: skip
def test_settings_yaml_traps_are_refused_at_their_line(site, capsys, text, expected):
    (site / "site.yaml").write_text(text, "utf-8")
    assert f"error: {expected}" in refused(site, capsys)


# 4. Characters XML or HTML forbid


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (valid(title="Cloche\x07"), "2: [title] the control character U+0007 is not allowed "
         "(XML and HTML forbid it): remove it from the text"),
        (valid(title='"Cloche\\a"'), "2: [title] the control character U+0007 is not allowed"),
        (valid(source='"\\x85"'), "4: [source] the control character U+0085 is not allowed"),
        (valid(source='"\\ud800"'), "4: broken YAML: a backslash in double quotes starts an "
         "escape, and this one is not valid"),
        (valid(summary="fin\x7f"), "6: [summary] the control character U+007F is not allowed"),
        (valid(title="T\ufffe"), "2: [title] the noncharacter U+FFFE is not allowed"),
        (valid().replace("Le texte.", "Le texte.\n\nSuite\x1b[31m."),
         "9: [body] the control character U+001B is not allowed"),
        (valid().replace("Le texte.", "Un NUL\x00 ici."),
         "7: [body] the control character U+0000 is not allowed"),
    ],
)  # fmt: skip
def test_a_character_xml_forbids_is_refused_at_its_line(site, capsys, text, expected):
    (site / ARTICLE).write_text(text, "utf-8", errors="surrogatepass")
    assert f"error: {ARTICLE}:{expected}" in refused(site, capsys)
    feed = (site / "output/feed.xml").read_bytes()
    ET.fromstring(feed)  # the site that stays published is well-formed
    assert not feedparser.parse(feed).bozo


def test_a_forbidden_character_in_site_yaml_is_refused_at_its_line(site, capsys):
    (site / "site.yaml").write_text("title: Archive\ndescription: Une\x0c archive\n", "utf-8")
    assert ("error: site.yaml:2: [description] the control character U+000C is not allowed"
            in refused(site, capsys))  # fmt: skip


def test_the_xml_writers_never_write_a_forbidden_character():
    """Whatever reaches the feed and sitemap writers by a way the loader does not guard, the
    XML they write parses."""
    text = "".join(chr(c) for c in range(0x20)) + "\x7f\x85\ud800\ufffe\uffff<&>\"'ok"
    document = f"<feed><title>{escape(text)}</title><link href={quoteattr(text)}/></feed>"
    parsed = ET.fromstring(document.encode("utf-8", "surrogatepass"))
    assert parsed.find("title").text == "\t\n\n<&>\"'ok"  # XML reads a CR as a line end
    assert parsed.find("link").get("href") == "\t\n\r<&>\"'ok"


# 5. Files and folders that cannot be read


def test_a_file_name_that_is_not_utf8_is_reported(site, capsys):
    name = os.fsencode(site / "content/2020/10") + b"/caf\xe9.md"
    with open(name, "wb") as file:
        file.write(article(title="Café").encode())
    err = refused(site, capsys)
    assert ("error: content/2020/10/caf\\xe9.md: the file name is not valid UTF-8: rename the "
            "file") in err  # fmt: skip
    os.unlink(name)
    fixed_builds_like_a_clean_build(site)


def test_symbolic_link_loops_under_content_are_reported(site, capsys):
    (site / "content/self").symlink_to("self")
    (site / "content/2020/up").symlink_to("..")
    err = refused(site, capsys)
    loop = "a symbolic link that leads back to a folder above it (a loop): remove the link"
    assert f"error: content/self: {loop}" in err
    assert f"error: content/2020/up: {loop}" in err
    (site / "content/self").unlink()
    (site / "content/2020/up").unlink()
    fixed_builds_like_a_clean_build(site)


@pytest.mark.parametrize("name", ["content/companies.yaml", "site.yaml"])
def test_a_registry_or_settings_file_that_is_a_folder_is_reported(site, capsys, name):
    (site / name).mkdir()
    err = refused(site, capsys)
    assert f"error: {name}: is a folder, not a file: remove or rename the folder" in err
    (site / name).rmdir()
    fixed_builds_like_a_clean_build(site)


def test_a_fifo_named_like_an_article_is_reported_and_never_opened(site):
    """Opening a FIFO waits for a writer: the build runs in its own process, with a limit, so
    a hang fails the test instead of stopping the suite."""
    os.mkfifo(site / "content/x.md")
    before = snapshot(site / "output")
    for command in ("build", "check"):
        done = run_cli(command, "--root", str(site), timeout=120)
        assert done.returncode == 1, done
        assert ("error: content/x.md: is not a regular file (a FIFO, a socket, a device or a "
                "broken link): make it a file") in done.stdout + done.stderr  # fmt: skip
    assert snapshot(site / "output") == before


def run_cli(*args: str, timeout: float = 120, as_user: bool = False):
    """`site-builder ARGS…` in its own process. `as_user`: without the permission override
    root has, as a user's build runs (see `without_root_override`)."""
    prefix = without_root_override() if as_user else []
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(WORKTREE), str(WORKTREE / "tests")])}
    return subprocess.run([*prefix, sys.executable, "-m", "site_builder", *args],
                          capture_output=True, text=True, timeout=timeout, env=env)  # fmt: skip


def without_root_override() -> list[str]:
    """The tests may run as root, whom `chmod 000` does not stop. In a new user namespace
    (`unshare --user`) the same process keeps its user but loses root's capabilities over the
    real files, so the kernel applies the permission bits as it does to any user's build;
    that is what these tests simulate. Skipped where user namespaces are not allowed."""
    if os.geteuid() != 0:
        return []
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("running as root and no `unshare` to drop root's permission override")
    probe = subprocess.run([unshare, "--user", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("running as root and user namespaces are not allowed here")
    return [unshare, "--user"]


@pytest.mark.parametrize(
    ("target", "mode", "expected"),
    [
        (ARTICLE, 0o000, f"{ARTICLE}: cannot be read (permission denied): give the user who "
         "builds read access"),
        ("content/companies.yaml", 0o000, "content/companies.yaml: cannot be read (permission "
         "denied)"),
        ("site.yaml", 0o000, "site.yaml: cannot be read (permission denied)"),
        ("content/2020/11", 0o000, "content/2020/11: cannot be listed (permission denied): "
         "give the user who builds access"),
        ("content", 0o300, "content: cannot be listed (permission denied)"),
    ],
)  # fmt: skip
def test_an_unreadable_file_or_folder_is_reported(tmp_path, target, mode, expected):
    write_site(tmp_path, {ARTICLE: GOOD, "content/2020/11/b.md": article(title="Autre"),
                          "content/companies.yaml": "HPE:\n  aliases: [Hewlett]\n",
                          "site.yaml": "title: Archive\n"})  # fmt: skip
    assert run_cli("build", "--root", str(tmp_path), as_user=True).returncode == 0
    shutil.rmtree(tmp_path / ".cache")  # a cold build: every file is read again
    before = snapshot(tmp_path / "output")
    (tmp_path / target).chmod(mode)
    try:
        for command in ("build", "check"):
            done = run_cli(command, "--root", str(tmp_path), as_user=True)
            assert done.returncode == 1, done
            shown = done.stdout + done.stderr
            assert f"error: {expected}" in shown and "Traceback" not in shown, shown
    finally:
        (tmp_path / target).chmod(0o755 if (tmp_path / target).is_dir() else 0o644)
    assert snapshot(tmp_path / "output") == before


# 6. The output folder


def test_an_output_path_that_is_a_file_is_refused(site, capsys):
    (site / "elsewhere").write_text("a file\n", "utf-8")
    assert main(["build", "--root", str(site), "--output", str(site / "elsewhere")]) == 1
    err = capsys.readouterr().err
    assert (
        f"error: cannot write the site into {site / 'elsewhere'}: it is a file, not a folder" in err
    )
    assert (site / "elsewhere").read_text("utf-8") == "a file\n"


def test_a_read_only_output_folder_is_refused_naming_it(site):
    before = snapshot(site / "output")
    (site / ARTICLE).write_text(article(title="Un article revu"), "utf-8")
    (site / "output").chmod(0o555)
    try:
        done = run_cli("build", "--root", str(site), as_user=True)
    finally:
        (site / "output").chmod(0o755)
    assert done.returncode == 1, done
    assert (f"error: cannot write the site into {site / 'output'}: the folder "
            f"{site / 'output'} is read-only for this user") in done.stderr  # fmt: skip
    assert snapshot(site / "output") == before


# 7. Settings YAML reads but that cannot build


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("per_page: 0", "[per_page] expected a whole number of at least 1, got 0"),
        ("per_page: 1e400", "[per_page] expected a whole number of at least 1, got '1e400'"),
        ("feed_size: 1.0e+400", "[feed_size] expected a whole number of at least 1, got inf"),
        ("per_page: 100000000000000000000", "[per_page] expected a whole number of at most "
         "100000"),
        ("per_page: " + "9" * 5000, "[per_page] a number of more than 100 digits is not "
         "accepted"),
        ("base_url: 12", "[base_url] expected a non-empty text, got a number: put it in quotes"),
        ('language: "../x"', "[language] '../x' is not a language code such as fr, en or pt-BR"),
        ("language: [fr, en]", "[language] expected a non-empty text, got a list"),
        ("timezone: " + "Z" * 500, "[timezone] unknown time zone 'ZZZZ"),
    ],
)  # fmt: skip
def test_a_setting_that_cannot_build_is_reported_at_its_line(site, capsys, setting, expected):
    (site / "site.yaml").write_text(f"title: Archive\n{setting}\n", "utf-8")
    err = refused(site, capsys)
    assert f"error: site.yaml:2: {expected}" in err
    assert len(err) < 400
    (site / "site.yaml").write_text("title: Archive\n", "utf-8")
    fixed_builds_like_a_clean_build(site)


def test_serve_shows_a_bad_first_build_as_a_located_problem(tmp_path):
    write_site(tmp_path, {ARTICLE: valid(date="0000-01")})
    running = Preview(tmp_path)
    try:
        wait_until(lambda: "[date]" in "".join(running.err), what="the problem")
        shown = "".join(running.err)
        assert f"{ARTICLE}:3: [date] '0000-01' is outside the years 1000 to 9999" in shown
        assert "Traceback" not in shown and running.process.poll() is None
    finally:
        running.stop()


@pytest.mark.parametrize("extra", ["", 'summary: "*strict* &reader"'])
def test_reading_front_matter_grows_linearly_with_its_size(extra):
    """Duplicate keys, depth and characters are checked once per node: eight times the keys
    cost about eight times as long, not sixty-four (bounds generous for a shared machine)."""
    from site_builder.content.frontmatter import read_yaml

    def cost(n: int) -> float:
        text = extra + "\n" + "".join(f"k{i}: [a, {{b: c}}, 'd']\n" for i in range(n))
        best = float("inf")
        for _ in range(3):
            started = time.process_time()
            read_yaml(text)
            best = min(best, time.process_time() - started)
        return best

    # The collector's passes grow with every object alive, whatever builds them: off, what
    # is timed is the reading.
    gc.collect()
    gc.disable()
    try:
        small, large = cost(1_000), cost(8_000)
    finally:
        gc.enable()
    assert large < 24 * small, (small, large)
