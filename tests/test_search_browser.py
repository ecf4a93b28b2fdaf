"""The search page, driven in headless Chromium like a reader would: type, filter, share the
URL, use the keyboard; and the same ranking as `site-builder search`."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest

from site_builder.cli import main
from site_builder.i18n import words
from site_builder.search import blocks, export
from support.browser import collect_errors, run_axe
from support.server import serve_directory
from support.sites import article, build, generated_archive, write_site

pytestmark = pytest.mark.browser
REPO = Path(__file__).resolve().parents[1]
HPE_STORY = "HPE supprime au moins 500 postes aux États-Unis"
RESULTS = "#search-results li"


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("sample")
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "site.yaml", root / "site.yaml")
    assert build(root) == 0
    return root


@pytest.fixture(scope="module")
def served(sample):
    with serve_directory(sample / "output") as base_url:
        yield base_url


def page_errors(page) -> list[str]:
    errors = collect_errors(page)
    return errors


def open_search(page, base_url: str, query: str = "") -> None:
    page.goto(base_url + "search/" + query)
    page.wait_for_selector("#search-app[data-ready='true']")


def type_query(page, text: str) -> None:
    page.fill("#search-q", "")
    page.locator("#search-q").press_sequentially(text, delay=5)


def titles(page) -> list[str]:
    return page.locator(f"{RESULTS} h3").all_inner_texts()


def wait_status(page, words: str) -> str:
    page.wait_for_function(
        "w => document.getElementById('search-status').textContent.includes(w)", arg=words
    )
    return page.inner_text("#search-status")


@pytest.mark.parametrize("query", ["licenciement", "GreenLake", "hewlett packard"])
def test_typing_finds_the_hpe_layoffs_story(page, served, query):
    errors = page_errors(page)
    open_search(page, served)
    type_query(page, query)
    page.wait_for_selector(f"{RESULTS} h3 >> text={HPE_STORY}")
    assert HPE_STORY in titles(page)[:3]
    link = page.locator(f"{RESULTS} h3 a", has_text=HPE_STORY)
    assert link.get_attribute("href") == "/2020/10/hpe-supprime-au-moins-500-postes-aux-etats-unis/"
    assert wait_status(page, query)
    assert not errors


def test_accent_free_query_marks_the_accented_words(page, served):
    open_search(page, served)
    type_query(page, "etats-unis")
    page.wait_for_selector(f"{RESULTS} mark")
    marks = page.locator(f"{RESULTS} .search-excerpt mark").all_inner_texts()
    assert "États" in marks and "Unis" in marks
    assert "2 résultats" in wait_status(page, "résultat")


def test_filters_narrow_and_counts_match(page, served):
    open_search(page, served, "?q=rachat")
    total = int(wait_status(page, "résultats").split()[0])
    assert total > 10 and len(page.locator(RESULTS).all()) == 10  # one page shown
    page.click("#search-filters summary")
    page.wait_for_function("document.getElementById('search-company').options.length > 1")
    options = page.eval_on_selector_all(
        "#search-company option", "os => os.map(o => [o.value, o.textContent])"
    )
    assert options[0][0] == "" and f"({total})" in options[0][1]
    counted = sum(int(text.rsplit("(", 1)[1].rstrip(")")) for value, text in options[1:])
    assert counted >= total  # an article can name several companies
    value, text = next((v, t) for v, t in options[1:] if "Microsoft" in t)
    expected = int(text.rsplit("(", 1)[1].rstrip(")"))
    page.select_option("#search-company", value)
    page.wait_for_function(f"document.querySelectorAll('{RESULTS}').length === {expected}")
    assert all("Microsoft" in t or "GitHub" in t or "Activision" in t or "LinkedIn" in t
               for t in titles(page))  # fmt: skip
    assert f"{expected} résultat" in page.inner_text("#search-status")
    assert f"company={value}" in page.url

    years = page.eval_on_selector_all("#search-year option", "os => os.map(o => o.textContent)")
    year_total = sum(int(t.rsplit("(", 1)[1].rstrip(")")) for t in years[1:])
    assert year_total == expected  # year counts are computed within the company filter
    page.select_option("#search-sort", "date")
    page.wait_for_function("location.search.includes('sort=date')")
    dates = page.locator(f"{RESULTS} .search-meta").all_inner_texts()
    assert len(dates) == expected


def test_the_url_restores_the_search_and_back_goes_back(page, served):
    open_search(page, served, "?q=licenciement")
    page.wait_for_selector(f"{RESULTS} h3 >> text={HPE_STORY}")
    assert page.input_value("#search-q") == "licenciement"

    open_search(page, served, "?q=rachat&company=microsoft")
    page.wait_for_selector(RESULTS)
    assert page.input_value("#search-company") == "microsoft"
    first = titles(page)
    assert first and all("Microsoft" in t or "GitHub" in t or "Activision" in t for t in first)

    type_query(page, "Git")
    page.wait_for_timeout(400)  # a pause: the search runs and the URL follows
    page.locator("#search-q").press_sequentially("Hub", delay=5)
    page.keyboard.press("Enter")
    page.wait_for_function("location.search === '?q=GitHub&company=microsoft'")
    page.wait_for_function(f"document.querySelectorAll('{RESULTS}').length === 1")
    assert "GitHub" in titles(page)[0]
    page.go_back()
    page.wait_for_function("document.getElementById('search-q').value === 'rachat'")
    page.wait_for_function(f"document.querySelectorAll('{RESULTS}').length === {len(first)}")
    assert titles(page) == first


@pytest.mark.parametrize("query", ["", "a", "*", '""', "x" * 10_000, "(licenciement", "les"])
def test_edge_queries_answer_politely(page, served, query):
    errors = page_errors(page)
    open_search(page, served)
    page.fill("#search-q", query)
    page.wait_for_timeout(400)
    status = page.inner_text("#search-status")
    assert status and "undefined" not in status and "{" not in status
    assert titles(page) == []
    assert not errors


def test_keyboard_only_and_announced(page, served):
    open_search(page, served)
    for _ in range(20):
        if page.evaluate("document.activeElement.id") == "search-q":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "search-q"
    page.keyboard.type("GreenLake")
    status = page.locator("#search-status")
    assert status.get_attribute("role") == "status"
    assert status.get_attribute("aria-live") == "polite"
    assert "1 résultat" in wait_status(page, "résultat")
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('#search-results') !== null"):
            break
    assert page.evaluate("document.activeElement.textContent") == HPE_STORY
    page.keyboard.press("Enter")
    page.wait_for_url("**/2020/10/hpe-supprime-au-moins-500-postes-aux-etats-unis/")


def test_results_carry_the_typography_of_the_pages(page, served):
    open_search(page, served, "?q=Activision")
    page.wait_for_selector(f"{RESULTS} h3 a")
    link = page.locator(f"{RESULTS} h3 a").first
    title, href = link.inner_text(), link.get_attribute("href")
    assert "d’Activision" in title and "'" not in title
    excerpt = page.locator(f"{RESULTS} .search-excerpt").first.inner_text()
    assert "'" not in excerpt
    page.goto(href if href.startswith("http") else served.rstrip("/") + href)
    assert page.locator("h1").inner_text() == title


def test_the_search_page_has_one_search_box_and_other_pages_the_header_s(page, served):
    open_search(page, served, "?q=GreenLake")
    assert page.locator("input[type=search]").count() == 1
    assert page.input_value("#search-q") == "GreenLake"
    page.goto(served + "2020/")
    assert page.locator("input[type=search]").count() == 1
    assert page.locator("#site-search").count() == 1


def test_search_page_with_results_passes_axe(page, served):
    open_search(page, served, "?q=licenciement")
    page.wait_for_selector(f"{RESULTS} mark")
    page.click("#search-filters summary")
    violations = run_axe(page)
    assert not violations, [v["id"] for v in violations]


def test_a_hostile_title_appears_as_text_and_runs_nothing(page, tmp_path):
    hostile = "<img src=x onerror=alert(1)>"
    root = write_site(
        tmp_path,
        {
            "content/2021/05/hostile.md": article(
                title=json.dumps(hostile), slug="hostile", body="Du texte <b>gras</b> ici."
            ),
            "content/2021/06/other.md": article(title="Autre onerror", slug="autre"),
        },
    )
    assert build(root) == 0
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    errors = page_errors(page)
    with serve_directory(root / "output") as base_url:
        open_search(page, base_url, "?q=onerror")
        page.wait_for_selector(f"{RESULTS} h3 >> text={hostile}")
        assert hostile in titles(page)
        assert page.locator(f"{RESULTS} img").count() == 0
        page.wait_for_timeout(300)
    assert dialogs == [] and not errors


def test_works_under_a_base_path(page, tmp_path):
    root = tmp_path / "site"
    shutil.copytree(REPO / "content", root / "content")
    assert build(root, "--base-url", "https://example.org/archive/") == 0
    with serve_directory(root / "output", prefix="/archive/") as base_url:
        errors = page_errors(page)
        page.goto(base_url)
        page.fill("#site-search", "GreenLake")
        page.keyboard.press("Enter")
        page.wait_for_selector(f"{RESULTS} h3 >> text={HPE_STORY}")
        href = page.locator(f"{RESULTS} h3 a").first.get_attribute("href")
        assert href.startswith("/archive/2020/10/")
        assert not errors


# -- the same ranking both ways ---------------------------------------------------------------
PARITY_QUERIES = [
    "licenciement",
    "hewlett packard",
    "rachat OR acquisition",
    "stockage serveurs",
    "company:HPE",
    "year:2019..2022 rachat",
    "microsoft NOT github",
    "GreenLake",
    "layoffs",
    "acquisition",
    "cloud",
]


def engine_results(page, query: str) -> list[tuple[int, float]]:
    """The browser's whole ranking (tails of common terms fetched)."""
    return engine_answer(page, query, whole=True)["ranked"]


def engine_answer(page, query: str, whole: bool = False) -> dict:
    """What the browser answers first: its ranking, whether it is only the settled start
    (`partial`, with `least`, a lower bound on the count), and the files it fetched."""
    return page.evaluate(
        """async ([q, whole]) => {
            // The page's own modules, as it loaded them (import gives the same instances).
            const module = (name) => import(document.querySelector(
                `link[rel=modulepreload][href*="/${name}."]`).href);
            const { SearchIndex } = await module('search-index');
            const { QueryProblem } = await module('search-query');
            const fetched = [];
            const index = new SearchIndex(
                document.getElementById('search-app').dataset.searchRoot,
                (url) => { fetched.push(url); return fetch(url).then((r) => r.arrayBuffer()); });
            await index.load();
            try {
                const r = await index.search(q, '', whole);
                return { ranked: r.ids.map((id) => [id, r.scores.get(id)]), partial: !!r.partial,
                         least: r.least ?? null, fetched };
            } catch (error) {
                if (error instanceof QueryProblem) {
                    return { ranked: [], partial: false, least: null, fetched };
                }
                throw error;
            }
        }""",
        [query, whole],
    )


def cli_results(root: Path, query: str, capsys) -> list[tuple[int, float]]:
    assert main(["search", query, "--root", str(root), "--json", "--limit", "100000"]) == 0
    return [(r["id"], r["score"]) for r in json.loads(capsys.readouterr().out)["results"]]


def assert_same_ranking(cli: list, browser: list, query: str) -> None:
    assert len(cli) == len(browser), query
    assert [i for i, _ in cli[:10]] == [i for i, _ in browser[:10]], query
    for (i, a), (j, b) in zip(cli, browser, strict=True):
        assert i == j and b == pytest.approx(a, rel=1e-9, abs=1e-12), query


def test_browser_ranks_like_the_command_line_on_the_sample(page, served, sample, capsys):
    open_search(page, served)
    for query in PARITY_QUERIES:
        assert_same_ranking(cli_results(sample, query, capsys), engine_results(page, query), query)


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    root = generated_archive(tmp_path_factory.mktemp("generated") / "site", 300, seed=5)
    # Common terms split as in a big archive (past 1,536 documents, heads of 384), at this size.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(blocks, "SPLIT_FROM", 60)
        patch.setattr(blocks, "HEAD_DOCS", 40)
        assert build(root) == 0
    assert list((root / "output/search/tails").iterdir())
    return root


def test_browser_ranks_like_the_command_line_on_a_generated_archive(page, generated, capsys):
    with serve_directory(generated / "output") as base_url:
        open_search(page, base_url)
        compared = 0
        for query in PARITY_QUERIES:
            cli = cli_results(generated, query, capsys)
            assert_same_ranking(cli, engine_results(page, query), query)
            compared += bool(cli)
        assert compared >= 6


def test_heads_of_common_terms_settle_the_first_results_exactly(page, generated, capsys):
    """A one-word query on a common term fetches only its head: the results it shows first are
    the command line's first results, in order, and the count it gives is a true lower bound."""
    with serve_directory(generated / "output") as base_url:
        open_search(page, base_url)
        settled = 0
        for query in [*PARITY_QUERIES, "licenciement", "rachat", "stockage", "serveurs"]:
            cli = cli_results(generated, query, capsys)
            answer = engine_answer(page, query)
            ranked = answer["ranked"]
            if not answer["partial"]:
                assert_same_ranking(cli, ranked, query)
                continue
            settled += 1
            assert len(ranked) >= 10, query
            assert [i for i, _ in ranked] == [i for i, _ in cli[: len(ranked)]], query
            assert len(ranked) <= answer["least"] <= len(cli), query
            assert not any("/tails/" in url for url in answer["fetched"]), query
        assert settled >= 3


def test_more_results_fetch_the_tails_and_continue_the_ranking(page, generated, capsys):
    cli = cli_results(generated, "stockage", capsys)
    with serve_directory(generated / "output") as base_url:
        tails = []
        page.on("request", lambda r: "/tails/" in r.url and tails.append(r.url))
        open_search(page, base_url, "?q=stockage")
        status = wait_status(page, "Au moins")
        assert not tails, status
        page.get_by_role("button", name="Plus de résultats").click()
        wait_status(page, f"{len(cli)} résultats")
        assert tails
        page.wait_for_function("n => document.querySelectorAll('#search-results li').length >= n",
                               arg=min(20, len(cli)))  # fmt: skip
        shown = titles(page)
    from site_builder.render.typography_rules import typeset_text

    # The page shows titles with the site's typography; the command line, as written.
    by_id = {
        r["id"]: typeset_text(r["title"], r["lang"])
        for r in search_json_results(generated, "stockage", capsys)
    }
    assert shown == [by_id[i] for i, _ in cli[: len(shown)]]


def search_json_results(root: Path, query: str, capsys) -> list[dict]:
    assert main(["search", query, "--root", str(root), "--json", "--limit", "100000"]) == 0
    return json.loads(capsys.readouterr().out)["results"]


# -- the modules and the index format ---------------------------------------------------------
def test_every_module_is_served_and_imported(page, served, sample):
    errors = page_errors(page)
    responses = {}
    page.on("response", lambda r: responses.setdefault(r.url, r.status))
    open_search(page, served, "?q=licenciement")
    page.wait_for_selector(f"{RESULTS} h3 >> text={HPE_STORY}")
    modules = sorted(p.name for p in (sample / "output" / "assets").glob("*.js"))
    assert sorted(m.split(".")[0] for m in modules) == [
        "search", "search-analysis", "search-index", "search-query"
    ]  # fmt: skip
    scripts = {url.rsplit("/", 1)[1]: status for url, status in responses.items()
               if "/assets/" in url and url.endswith(".js")}  # fmt: skip
    assert scripts == dict.fromkeys(modules, 200)
    assert all(status < 400 for status in responses.values()), responses
    # What the page imported is what it preloaded: the hashed names, loaded once each.
    loaded = page.evaluate(
        """() => performance.getEntriesByType('resource').map((e) => e.name)
            .filter((u) => u.endsWith('.js')).map((u) => u.split('/').pop())"""
    )
    assert sorted(loaded) == modules
    assert not errors


@pytest.mark.parametrize("version", [export.FORMAT_VERSION + 1, None])
def test_an_index_of_another_format_version_is_refused_and_the_page_says_so(
    page, sample, tmp_path, version
):
    output = tmp_path / "output"
    shutil.copytree(sample / "output", output)
    meta_file = output / "search" / "meta.bin"
    meta = json.loads(gzip.decompress(meta_file.read_bytes()))
    if version is None:
        del meta["version"]  # an index from before the format had a version
    else:
        meta["version"] = version
    meta_file.write_bytes(export.gzip_bytes(export.json_bytes(meta)))
    errors = page_errors(page)
    fetched = []
    page.on("request", lambda r: fetched.append(r.url))
    with serve_directory(output) as base_url:
        page.goto(base_url + "search/?q=licenciement")
        status = wait_status(page, "format")
        page.wait_for_timeout(200)
        assert titles(page) == []
        assert page.get_attribute("#search-app", "data-ready") is None
    found = "?" if version is None else str(version)
    expected = words("fr")["search_index_version"]
    expected = expected.replace("{found}", found).replace("{expected}", str(export.FORMAT_VERSION))
    assert status == expected
    assert f"format {found}, cette page lit le format {export.FORMAT_VERSION}" in status
    # Nothing of the index is read past meta.bin.
    index_files = [u for u in fetched if "/search/" in u and u.endswith(".bin")]
    assert [u.rsplit("/search/", 1)[1] for u in index_files] == ["meta.bin"]
    assert not errors
