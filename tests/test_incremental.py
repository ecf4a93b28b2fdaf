"""An incremental build gives exactly the bytes of a clean build, whatever the author did."""

import itertools
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from site_builder.build import build_site
from support.sites import article, snapshot, write_site

COMPANIES = ["[HPE]", "[Dell]", "[HPE, Dell]", "[Hewlett Packard Enterprise]", "[IBM]"]
TITLES = ["Rachat", "Licenciements", "Résultats", "Nouveau produit", "Procès", "Usine"]
DATES = ["2019", "2020-10", "2020-10-01", "2020-10-02", "2021-03-05T10:00:00"]
OPERATIONS = ["add", "edit", "rename", "delete", "registry", "template"]
OPERATIONS += ["title", "date", "source", "body", "stray"]
SOURCES = ["Block & Files", "block & files", "The Register"]


@pytest.fixture(autouse=True)
def verify_page_keys(monkeypatch):
    """Every page whose key did not change is also planned in full and must not differ: a
    key that leaves out an input fails the build."""
    monkeypatch.setenv("SITE_BUILDER_VERIFY_KEYS", "1")


operations = st.lists(
    st.tuples(
        st.sampled_from(OPERATIONS),
        st.integers(0, 50),
        st.sampled_from(TITLES),
        st.sampled_from(DATES),
        st.sampled_from(COMPANIES),
    ),
    min_size=1,
    max_size=6,
)

_clock = itertools.count(1_000_000_000)


def touch(path):
    """Give an edited file a distinct mtime in the past, as a real edit a while ago would."""
    stamp = next(_clock) * 1_000_000_000
    os.utime(path, ns=(stamp, stamp))


def copy_templates(root):
    """Give the site its own copy of the default templates, to edit."""
    from site_builder.content.inputs import default_templates_dir

    shutil.copytree(default_templates_dir(), root / "templates",
                    ignore=shutil.ignore_patterns("__init__.py", "__pycache__"))  # fmt: skip


def append_to(path, text):
    """An edit: `text` added at the end of `path`, saved a while ago."""
    path.write_text(path.read_text("utf-8") + text, "utf-8")
    touch(path)


def clean_build(root, base_url=None):
    """The files of a clean build (no cache) of the site at `root`, in `root/clean`."""
    clean = root / "clean"
    if clean.exists():
        shutil.rmtree(clean)
    build_site(root, output=clean, base_url=base_url, use_cache=False)
    return snapshot(clean)


def apply(root, op):
    kind, n, title, date, companies = op
    files = sorted((root / "content").glob("*.md"))
    if kind == "add" or not files:
        path = root / "content" / f"a{n}-{len(files)}.md"
        if path.exists():
            return
        write_site(root, {f"content/{path.name}": article(title=f"{title} {n}", date=date,
                                                           companies=companies)})  # fmt: skip
        touch(path)
    elif kind == "edit":
        path = files[n % len(files)]
        path.write_text(article(title=f"{title} {n}", date=date, companies=companies,
                                body=f"Texte {n}."), "utf-8")  # fmt: skip
        touch(path)
    elif kind == "stray":
        # A file put in the output by hand, then an edit: the build must remove it.
        folders = sorted(p for p in (root / "output").rglob("*") if p.is_dir())
        folder = folders[n % len(folders)] if folders else root / "output"
        (folder / f"stray-{n}.txt").write_text("x", "utf-8")
        path = files[n % len(files)]
        path.write_text(path.read_text("utf-8") + f"\nAjout {n}.\n", "utf-8")
        touch(path)
    elif kind in ("title", "date", "source", "body"):
        # Rewrite a file around one varying field: its neighbours, months, lists and source
        # pages (and a body link to another article) move with it.
        path = files[n % len(files)]
        fields = {"title": path.stem, "date": "2020-10-01", "companies": "[HPE]", "body": "Texte."}
        if kind == "title":
            fields["title"] = f"{title} {n}"
        elif kind == "date":
            fields["date"] = date
        elif kind == "body":
            fields["body"] = f"Texte {n}, [lien](un.md)."
        else:
            fields["source"] = SOURCES[n % len(SOURCES)]
            fields["url"] = f"https://example.com/{n}"
        path.write_text(article(**fields), "utf-8")
        touch(path)
    elif kind == "rename":
        path = files[n % len(files)]
        path.rename(path.with_name(f"r{n}-{path.name}"))
    elif kind == "delete":
        files[n % len(files)].unlink()
    elif kind == "registry":
        registry = root / "content" / "companies.yaml"
        alias = "HPE" if n % 2 else "Dell"
        registry.write_text(f"Hewlett Packard Enterprise:\n  aliases: [{alias}]\n", "utf-8")
        touch(registry)
    elif kind == "template":
        append_to(root / "templates" / "404.html", f"{{# edit {n} #}}\n")


@pytest.mark.parametrize("keys", ["verified", "trusted"])
@given(operations)
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_incremental_builds_equal_clean_builds(tmp_path_factory, monkeypatch, keys, ops):
    # Verified: every kept page is planned in full too, and a build whose frame did not change
    # checks that only the pages of the edited texts changed key. Trusted: what users run,
    # where such a build lists no page but those.
    monkeypatch.setenv("SITE_BUILDER_VERIFY_KEYS", "1" if keys == "verified" else "0")
    root = tmp_path_factory.mktemp("site")
    copy_templates(root)
    write_site(root, {
        "site.yaml": "per_page: 2\n",
        "content/un.md": article(title="Un", date="2020-10"),
        "content/deux.md": article(title="Deux", date="2020-10-03", companies="[Dell]"),
        "content/trois.md": article(title="Trois", date="2019", companies="[HPE, IBM]"),
    })  # fmt: skip
    for path in (root / "content").glob("*.md"):
        touch(path)
    build_site(root)
    for op in ops:
        apply(root, op)
        try:
            build_site(root)
        except Exception as incremental_error:
            # A clean build must fail the same way (e.g. two articles with one address).
            try:
                build_site(root, output=root / "clean", use_cache=False)
            except type(incremental_error):
                continue
            raise
        assert snapshot(root / "output") == clean_build(root), op


def test_a_second_build_with_nothing_changed_writes_nothing(tmp_path):
    write_site(tmp_path, {"content/a.md": article(), "content/b.md": article(title="B")})
    build_site(tmp_path)
    before = {p: p.stat().st_mtime_ns for p in (tmp_path / "output").rglob("*") if p.is_file()}
    summary = build_site(tmp_path)
    assert summary.report.written == 0 and not summary.report.removed
    after = {p: p.stat().st_mtime_ns for p in (tmp_path / "output").rglob("*") if p.is_file()}
    assert before == after


def test_editing_one_article_rewrites_only_what_shows_it(tmp_path):
    files = {f"content/a{i}.md": article(title=f"Article {i}", date=f"2020-0{i + 1}-01",
                                         companies=f"[C{i}]") for i in range(6)}  # fmt: skip
    write_site(tmp_path, {"site.yaml": "per_page: 2\n", **files})
    for path in (tmp_path / "content").glob("*.md"):
        touch(path)
    build_site(tmp_path)
    path = tmp_path / "content/a0.md"
    path.write_text(article(title="Article 0", date="2020-01-01", companies="[C0]",
                            body="Nouveau texte."), "utf-8")  # fmt: skip
    touch(path)
    summary = build_site(tmp_path)
    changed = set(summary.report.changed)
    assert "2020/01/article-0/index.html" in changed
    assert "companies/c5/index.html" not in changed
    assert "2020/06/article-5/index.html" not in changed


def test_an_edit_of_the_text_renders_the_article_page_alone(tmp_path, monkeypatch):
    """The lists that show an article show its front matter (here with a summary of its own),
    never its text: an edit of the text renders one page; an edit of the title renders the
    lists that show it too."""
    from site_builder.render.renderer import Renderer

    rendered: list[str] = []
    render = Renderer.render
    monkeypatch.setattr(Renderer, "render",
                        lambda self, plan, body=None: rendered.append(plan.path)
                        or render(self, plan, body))  # fmt: skip
    files = {f"content/a{i}.md": article(title=f"Article {i}", date=f"2020-0{i + 1}-01",
                                         summary="Un résumé.") for i in range(4)}  # fmt: skip
    write_site(tmp_path, {"site.yaml": "per_page: 2\n", **files})
    build_site(tmp_path)
    path = tmp_path / "content/a1.md"
    for title, body in [("Article 1", "Un autre texte."), ("Article un", "Un autre texte.")]:
        rendered.clear()
        edited = article(title=title, date="2020-02-01", summary="Un résumé.", body=body)
        path.write_text(edited, "utf-8")
        touch(path)
        build_site(tmp_path)
        pages = sorted(rendered)
        assert snapshot(tmp_path / "output") == clean_build(tmp_path)
        if title == "Article 1":
            assert pages == ["2020/02/article-1/"]
        else:  # the front page, the company's, the neighbours' links…
            assert {"", "companies/hpe/", "2020/01/article-0/"} < set(pages)


def as_large_archive(monkeypatch) -> None:
    """Build the way archives past 2,000 articles are built: the search index in a worker
    process, and a helper process that stats the last build's outputs and follows in whoosh
    the update the worker hands over (see `output/side_process.py`)."""
    from site_builder.search import build_job

    monkeypatch.setattr(build_job, "SEARCH_IN_WORKER_FROM", 1)


SIZES = pytest.mark.parametrize("size", ["small", "large"])


@SIZES
def test_an_edit_of_the_text_does_not_list_the_other_pages(tmp_path, monkeypatch, size):
    """When only texts changed, the site's frame is the last build's: the build keys the
    edited articles' pages alone, unless a page of the last build was touched meanwhile."""
    from site_builder.pages import keys

    if size == "large":
        as_large_archive(monkeypatch)
    monkeypatch.setenv("SITE_BUILDER_VERIFY_KEYS", "0")
    listed: list[int] = []
    page_entries = keys.page_entries
    monkeypatch.setattr(keys, "page_entries",
                        lambda *a, **k: listed.append(1) or page_entries(*a, **k))  # fmt: skip
    files = {f"content/a{i}.md": article(title=f"Article {i}", date=f"2020-0{i + 1}-01",
                                         summary="Un résumé.") for i in range(4)}  # fmt: skip
    write_site(tmp_path, {"site.yaml": "per_page: 2\n", **files})
    build_site(tmp_path)
    path = tmp_path / "content/a1.md"
    front_page = tmp_path / "output/index.html"
    for n, touched in enumerate([False, True, False]):
        listed.clear()
        if touched:
            front_page.write_text("vandalised")
        edited = article(title="Article 1", date="2020-02-01", summary="Un résumé.",
                         body=f"Un autre texte {n}.")  # fmt: skip
        path.write_text(edited, "utf-8")
        touch(path)
        summary = build_site(tmp_path)
        assert bool(listed) == touched  # a page touched by hand: every page is listed
        assert summary.pages == 23  # as many as the first build listed
        assert snapshot(tmp_path / "output") == clean_build(tmp_path)


def test_the_site_named_from_inside_or_by_its_path_is_the_same_site(tmp_path, monkeypatch):
    """A build run from inside the site (`--root .`) after one that named its path: the same
    inputs, so an edit of a text still keys its article's page alone."""
    from site_builder.pages import keys

    monkeypatch.setenv("SITE_BUILDER_VERIFY_KEYS", "0")
    listed: list[int] = []
    page_entries = keys.page_entries
    monkeypatch.setattr(keys, "page_entries",
                        lambda *a, **k: listed.append(1) or page_entries(*a, **k))  # fmt: skip
    files = {f"content/a{i}.md": article(title=f"Article {i}", summary="Un résumé.")
             for i in range(3)}  # fmt: skip
    write_site(tmp_path, files)
    build_site(tmp_path)
    path = tmp_path / "content/a1.md"
    path.write_text(article(title="Article 1", summary="Un résumé.", body="Autre texte."), "utf-8")
    touch(path)
    monkeypatch.chdir(tmp_path)
    listed.clear()
    summary = build_site(Path("."))
    assert not listed
    assert summary.report.written and snapshot(tmp_path / "output") == clean_build(tmp_path)


def test_a_frame_that_leaves_out_an_input_fails_a_verified_build(tmp_path, monkeypatch):
    """The check behind the previous test: were the frame blind to titles, a title edit would
    keep it, and the verified build must notice the lists whose key changed anyway."""
    from site_builder.output.produce import KeyMissesInput
    from site_builder.pages.plan import Planner

    monkeypatch.setattr(Planner, "frame", b"blind")
    files = {f"content/a{i}.md": article(title=f"Article {i}") for i in range(3)}
    write_site(tmp_path, files)
    build_site(tmp_path)
    path = tmp_path / "content/a1.md"
    path.write_text(article(title="Un autre titre"), "utf-8")
    touch(path)
    with pytest.raises(KeyMissesInput, match="the frame did not change"):
        build_site(tmp_path)


@SIZES
def test_search_files_touched_by_hand_or_lost_with_the_output_come_back(
    tmp_path, monkeypatch, size
):
    # The search job reports only the files it did not keep as the last build left them: a
    # shard changed by hand must be among them, and so must every file when output/ is gone.
    if size == "large":
        as_large_archive(monkeypatch)
    write_site(tmp_path, {f"content/a{i}.md": article(title=f"Article {i}") for i in range(5)})
    build_site(tmp_path)
    expected = snapshot(tmp_path / "output")
    shard = sorted((tmp_path / "output/search/shards").iterdir())[0]
    shard.write_bytes(b"vandalised")
    summary = build_site(tmp_path)
    assert snapshot(tmp_path / "output") == expected
    assert summary.report.changed == (f"search/shards/{shard.name}",)
    shutil.rmtree(tmp_path / "output")
    summary = build_site(tmp_path)
    assert snapshot(tmp_path / "output") == expected
    assert summary.report.written == len(expected)


def test_deleting_the_cache_changes_nothing_but_speed(tmp_path):
    write_site(tmp_path, {"content/a.md": article(), "content/b.md": article(title="B")})
    build_site(tmp_path)
    before = snapshot(tmp_path / "output")
    shutil.rmtree(tmp_path / ".cache")
    summary = build_site(tmp_path)
    assert snapshot(tmp_path / "output") == before
    assert summary.report.written == 0


@pytest.mark.parametrize("disk", ["warm", "cold"])
def test_an_output_file_changed_by_hand_is_restored_when_nothing_else_changed(
    tmp_path, monkeypatch, disk
):
    # With nothing changed the build checks every output's stat; on a cold disk it reads them
    # in threads. Either way a page edited or deleted by hand comes back.
    import site_builder.output.cache as cache_module

    if disk == "cold":  # every disk looks cold: the threads check all but the first file
        monkeypatch.setattr(cache_module, "_PROBE", 1)
        monkeypatch.setattr(cache_module, "_COLD_SECONDS_PER_FILE", -1.0)
    files = {f"content/a{i}.md": article(title=f"Article {i}") for i in range(30)}
    write_site(tmp_path, files)
    build_site(tmp_path)
    pages = sorted((tmp_path / "output").rglob("index.html"))
    page, gone = pages[-1], pages[-2]
    original, removed = page.read_bytes(), gone.read_bytes()
    page.write_text("vandalised")
    gone.unlink()
    summary = build_site(tmp_path)
    assert page.read_bytes() == original and gone.read_bytes() == removed
    assert summary.report.written == 2


@pytest.mark.parametrize("cache_file", ["sources.pickle", "related.pickle"])
def test_losing_a_file_of_the_cache_costs_only_time(tmp_path, cache_file):
    # The records of the content files and the related articles have files of their own in
    # the cache: without one, or with an unreadable one, an edit still gives the bytes of a
    # clean build.
    write_site(tmp_path, {"content/a.md": article(), "content/b.md": article(title="B")})
    build_site(tmp_path)
    for damage in ("delete", "garble"):
        records = tmp_path / ".cache" / cache_file
        if damage == "delete":
            records.unlink()
        else:
            records.write_bytes(b"not a pickle")
        edited = article(title="B", body=f"Texte revu ({damage}).")
        (tmp_path / "content/b.md").write_text(edited, "utf-8")
        touch(tmp_path / "content/b.md")
        build_site(tmp_path)
        assert snapshot(tmp_path / "output") == clean_build(tmp_path)
        assert f"Texte revu ({damage})" in (tmp_path / "output/2020/10/b/index.html").read_text()


def test_search_made_in_a_worker_process_gives_the_same_site(tmp_path, monkeypatch):
    from site_builder.search import build_job

    files = {f"content/a{i}.md": article(title=f"Article {i}", date=f"2020-0{i % 9 + 1}-01",
                                         body=f"Licenciements numéro {i}.") for i in range(12)}  # fmt: skip
    write_site(tmp_path, files)
    build_site(tmp_path, output=tmp_path / "inline", use_cache=False)
    monkeypatch.setattr(build_job, "SEARCH_IN_WORKER_FROM", 1)
    # No search cache: the worker rebuilds whoosh while this process rebuilds the export.
    shutil.rmtree(tmp_path / ".cache")
    build_site(tmp_path, output=tmp_path / "worker")
    inline, worker = snapshot(tmp_path / "inline"), snapshot(tmp_path / "worker")
    assert any(path.startswith("search/shards/") for path in worker)
    assert inline == worker
    assert search_cli(tmp_path, "licenciements").startswith("12 results")  # whoosh, too

    # With the cache, the worker updates the index and reports what it rewrote.
    (tmp_path / "content/a3.md").write_text(article(title="Article 3", body="Rachat cette fois."))
    summary = build_site(tmp_path, output=tmp_path / "worker")
    assert snapshot(tmp_path / "worker") == clean_build(tmp_path)
    changed = summary.report.added + summary.report.changed
    assert any(path.startswith("search/shards/") for path in changed)
    assert any(path.startswith("search/docs/") for path in changed)


@pytest.mark.parametrize("failing", ["whoosh", "static index"])
def test_a_failing_search_worker_fails_the_build_and_leaves_the_site(
    tmp_path, monkeypatch, failing
):
    """A cold build of a large archive analyses the documents in one worker, which sends
    their vectors through a pipe to the other (whoosh and the document store). Whichever
    fails, the build fails with its error instead of one worker waiting for the other
    forever, and `output/` stays as the last build left it."""
    import signal

    from site_builder.search import publish, whoosh_write

    as_large_archive(monkeypatch)
    words = " ".join(f"mot{n}" for n in range(600))  # vectors of kilobytes: the pipe fills
    files = {f"content/a{i}.md": article(title=f"Article {i}", date=f"2020-0{i % 9 + 1}-01",
                                         body=f"{words} numéro {i}.") for i in range(40)}  # fmt: skip
    write_site(tmp_path, files)
    build_site(tmp_path)
    before = snapshot(tmp_path / "output")
    shutil.rmtree(tmp_path / ".cache")  # the next build is cold: the split workers
    (tmp_path / "content/a3.md").write_text(article(title="Article 3 revu", body="Autre."))
    calls = []

    def fail_at_the_fifth(real):
        def call(*args, **kwargs):
            calls.append(1)
            if len(calls) == 5:
                raise RuntimeError(f"{failing} broke")
            return real(*args, **kwargs)

        return call

    if failing == "whoosh":
        monkeypatch.setattr(whoosh_write, "_add", fail_at_the_fifth(whoosh_write._add))
    else:
        monkeypatch.setattr(publish, "document_terms", fail_at_the_fifth(publish.document_terms))

    def waited_too_long(*_):
        raise TimeoutError("the build waits forever")

    previous = signal.signal(signal.SIGALRM, waited_too_long)
    signal.alarm(60)
    try:
        with pytest.raises(RuntimeError, match=f"{failing} broke"):
            build_site(tmp_path)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert snapshot(tmp_path / "output") == before


@SIZES
def test_the_command_line_index_follows_edits_and_recovers_from_a_missed_update(
    tmp_path, monkeypatch, size
):
    """whoosh follows the document store: updated beside it, or (large archives) by a helper
    process the search worker hands the update over to. Were an update missed (a build killed
    between the two), whoosh starts over from the store, and until then the command line says
    the index is out of date rather than answer from it."""
    from site_builder.search.folders import cache_folder

    if size == "large":
        as_large_archive(monkeypatch)
    files = {f"content/a{i}.md": article(title=f"Article {i}", date=f"2020-0{i % 9 + 1}-01",
                                         body=f"Licenciements numéro {i}.") for i in range(6)}  # fmt: skip
    write_site(tmp_path, files)
    build_site(tmp_path)
    (tmp_path / "content/a3.md").write_text(article(title="Article 3", body="Un rachat."))
    build_site(tmp_path)
    assert search_cli(tmp_path, "rachat").startswith("1 result")
    assert search_cli(tmp_path, "licenciements").startswith("5 results")

    token = cache_folder(tmp_path, ".cache") / "whoosh.token"
    token.write_text("missed")
    from site_builder.cli import main

    assert main(["search", "rachat", "--root", str(tmp_path)]) == 1  # "run site-builder build"
    (tmp_path / "content/a4.md").write_text(article(title="Article 4", body="Autre rachat."))
    build_site(tmp_path)
    assert search_cli(tmp_path, "rachat").startswith("2 results")
    assert search_cli(tmp_path, "licenciements").startswith("4 results")
    assert token.read_text() != "missed"


def search_cli(root, query: str) -> str:
    import contextlib
    import io

    from site_builder.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["search", query, "--root", str(root)]) == 0
    return out.getvalue()


def test_the_record_of_the_content_files_is_written_only_when_they_change(tmp_path):
    write_site(tmp_path, {"content/a.md": article(title="A"), "content/b.md": article(title="B")})
    copy_templates(tmp_path)
    build_site(tmp_path)
    records = tmp_path / ".cache/sources.pickle"
    written = records.stat().st_mtime_ns
    append_to(tmp_path / "templates/base.html", "<!-- edited -->\n")
    build_site(tmp_path)
    assert records.stat().st_mtime_ns == written  # a template edit: the same records
    append_to(tmp_path / "content/a.md", "Une phrase de plus.\n")
    build_site(tmp_path)
    assert records.stat().st_mtime_ns != written


def test_a_template_edit_keeps_the_search_index_as_it_was(tmp_path, monkeypatch):
    """Editing a template re-renders pages but neither re-indexes nor rewrites search files;
    a search file removed by hand, or a changed article, brings the search work back."""
    import site_builder.search.publish as publish

    write_site(tmp_path, {"content/a.md": article(title="A", body="Licenciements."),
                          "content/b.md": article(title="B")})  # fmt: skip
    copy_templates(tmp_path)
    build_site(tmp_path)
    indexed = []
    real_publish = publish.publish_search
    monkeypatch.setattr(publish, "publish_search", lambda *a, **k: indexed.append(1) or
                        real_publish(*a, **k))  # fmt: skip

    base = tmp_path / "templates/base.html"
    append_to(base, "<!-- edited -->\n")
    summary = build_site(tmp_path)
    assert "2020/10/a/index.html" in summary.report.changed
    assert not [p for p in summary.report.changed if p.startswith("search/s")]
    assert indexed == [], "the search index was not touched"
    assert search_cli(tmp_path, "licenciements").startswith("1 result")

    shard = next((tmp_path / "output/search/shards").iterdir())
    shard.unlink()
    append_to(base, "<!-- again -->\n")
    build_site(tmp_path)
    assert indexed == [1] and shard.exists()
    assert snapshot(tmp_path / "output") == clean_build(tmp_path)


def test_a_key_that_misses_what_its_page_shows_is_caught_and_every_page_rendered(
    tmp_path, monkeypatch, capsys
):
    """As users build (no verification), a build still renders a few of the pages it would
    keep and compares them with `output/`. Here article pages show a word their key leaves
    out; once it changes, the next build notices, says so, and renders every page: the site is
    a clean build's, byte for byte."""
    import dataclasses

    from site_builder.cli import main
    from site_builder.output import produce
    from site_builder.pages.plan import Planner

    monkeypatch.setenv("SITE_BUILDER_VERIFY_KEYS", "0")
    monkeypatch.setattr(produce, "GUARD_PAGES", 100)  # a guard that looks at every page kept
    hidden = [""]
    article_page = Planner.article_page

    def with_a_hidden_input(self, article):
        plan = article_page(self, article)
        return dataclasses.replace(plan, title=plan.title + hidden[0])

    monkeypatch.setattr(Planner, "article_page", with_a_hidden_input)
    companies = ["[HPE]", "[Dell]", "[IBM]", "[Atos]"]  # no article relates to another
    files = {f"content/2020/0{i + 1}/a{i}.md": article(title=f"Article {i}", date=f"2020-0{i + 1}-01",
                                                      companies=companies[i], summary="Résumé.")
             for i in range(4)}  # fmt: skip
    write_site(tmp_path, files)
    assert main(["build", "--root", str(tmp_path), "--base-url", "https://example.org/"]) == 0
    hidden[0] = " (corrigé)"
    edited = article(title="Article 0", date="2020-01-01", companies="[HPE]", summary="Résumé.",
                     body="Un autre texte.")  # fmt: skip
    (tmp_path / "content/2020/01/a0.md").write_text(edited, "utf-8")
    capsys.readouterr()
    assert main(["build", "--root", str(tmp_path), "--base-url", "https://example.org/"]) == 0
    err = capsys.readouterr().err
    assert "index.html was out of date although nothing it is made of had changed" in err
    assert "every page was rendered again" in err
    assert snapshot(tmp_path / "output") == clean_build(tmp_path, "https://example.org/")

    # The next build, with nothing changed, says nothing of it.
    assert main(["build", "--root", str(tmp_path), "--base-url", "https://example.org/"]) == 0
    assert "out of date" not in capsys.readouterr().err


def test_a_cache_from_a_version_whose_classes_moved_is_ignored(tmp_path):
    """After an upgrade that moved a module, the cache's pickles name classes that no longer
    exist: the build reads them as a cold cache and gives a clean build's bytes."""
    import pickle
    import sys
    import types

    write_site(tmp_path, {"content/2020/10/a.md": article(), "content/2020/11/b.md": article(
        title="Un autre", date="2020-11-02")})  # fmt: skip
    build_site(tmp_path)
    gone = types.ModuleType("site_builder.gone")

    class Moved:
        pass

    Moved.__module__ = gone.__name__
    Moved.__qualname__ = "Moved"
    gone.Moved = Moved
    sys.modules[gone.__name__] = gone
    try:
        stale = pickle.dumps({"x": Moved()})
    finally:
        del sys.modules[gone.__name__]
    cache = tmp_path / ".cache"
    assert (cache / "body-facts.pickle").exists()
    for name in ("body-facts.pickle", "warnings.pickle"):
        (cache / name).write_bytes(stale)
    (tmp_path / "content/2020/10/a.md").write_text(article(body="Un autre texte."), "utf-8")
    build_site(tmp_path)
    assert snapshot(tmp_path / "output") == clean_build(tmp_path)


def test_the_first_build_after_an_upgrade_of_a_large_archive_succeeds(tmp_path, monkeypatch):
    """Another version of site-builder reads every file again and rebuilds the postings in
    two search workers, while whoosh's documents are the same as before: the worker that
    updates whoosh needs none of the vectors the other sends. The build goes on, and gives a
    clean build's bytes (it stopped with exit status 1 and no message)."""
    from site_builder import build as build_module
    from site_builder.output import cache
    from site_builder.search import catalogue, folders, postings

    as_large_archive(monkeypatch)
    # Enough vectors to fill the pipe between the workers.
    files = {f"content/a{i}.md": article(title=f"Article {i}", date=f"2020-0{i % 9 + 1}-01",
                                         body=" ".join(f"mot{i}x{j}" for j in range(400)))
             for i in range(120)}  # fmt: skip
    write_site(tmp_path, files)
    build_site(tmp_path)
    upgraded = lambda: "another version"  # noqa: E731
    for module in (cache, build_module, catalogue, postings):
        monkeypatch.setattr(module, "code_digest", upgraded)
    monkeypatch.setattr(folders, "KEEP_CHANGES", 0)  # every file read again: a split job
    build_site(tmp_path)
    assert snapshot(tmp_path / "output") == clean_build(tmp_path)


def test_a_value_a_page_starts_to_show_is_in_its_key_without_writing_one(tmp_path, monkeypatch):
    """Keys are not written by hand: they are made of what planning a page read. Here list
    items start to show their source's website, which another article's front matter gives;
    with no key written for it, no verification and no guard, changing that website in the
    other article still renders again the list that shows it."""
    import dataclasses

    from site_builder.output import produce
    from site_builder.pages.plan import Planner

    monkeypatch.setenv("SITE_BUILDER_VERIFY_KEYS", "0")
    monkeypatch.setattr(produce, "GUARD_PAGES", 0)
    item = Planner._item

    def with_the_website(self, article):
        slug = self.archive.source_slugs[article.source.name]
        website = self.source_websites.get(slug) or "—"
        return dataclasses.replace(item(self, article), summary=website)

    monkeypatch.setattr(Planner, "_item", with_the_website)

    def cited(url):
        return article(title="Cité", companies="[Dell]", source=f"{{name: LeMagIT, url: {url}}}")

    files = {
        "content/a.md": article(title="Listé", companies="[HPE]", source="LeMagIT"),
        "content/b.md": cited("https://www.lemagit.fr/"),
    }
    write_site(tmp_path, files)
    build_site(tmp_path)
    hpe = tmp_path / "output/companies/hpe/index.html"
    assert "https://www.lemagit.fr/" in hpe.read_text("utf-8")

    (tmp_path / "content/b.md").write_text(cited("https://lemagit.example/"), "utf-8")
    touch(tmp_path / "content/b.md")
    build_site(tmp_path)
    assert "https://lemagit.example/" in hpe.read_text("utf-8")
    assert snapshot(tmp_path / "output") == clean_build(tmp_path)
