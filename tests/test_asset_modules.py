"""The search page's JavaScript modules as published: each import names the hashed file it
imports, each name is the hash of the bytes published (imports included), so a module whose
imports changed is renamed too and `assets/` can be cached for ever; and the runtime reads the
format version the exporter writes."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from site_builder.cli import main
from site_builder.content.inputs import default_templates_dir
from site_builder.problems import ContentErrors
from site_builder.render.renderer import collect_assets
from site_builder.search import export
from support.sites import article, build, write_site

STATIC = default_templates_dir() / "static"
MODULES = ("search.js", "search-index.js", "search-query.js", "search-analysis.js")
IMPORT = re.compile(r'^import [^;]*? from "([^"]+)";$', re.M)
SITE = {"content/2020/10/a.md": article(title="Un article", body="Du texte.")}


def published(*folders: Path) -> dict[str, tuple[str, bytes]]:
    """Source name → (published name, bytes)."""
    assets = collect_assets([*folders, default_templates_dir()])
    return {a.source: (a.path.removeprefix("assets/"), a.data) for a in assets}


def test_every_import_names_a_published_module_by_its_hash():
    assets = published()
    names = {name: data for name, data in assets.values()}
    for source in MODULES:
        name, data = assets[source]
        assert name == f"{source[:-3]}.{hashlib.sha256(data).hexdigest()[:10]}.js"
        for specifier in IMPORT.findall(data.decode()):
            assert specifier.startswith("./") and specifier[2:] in names, (source, specifier)
    imports = {s: set(IMPORT.findall(assets[s][1].decode())) for s in MODULES}
    hashed = {s: "./" + assets[s][0] for s in MODULES}
    assert imports["search.js"] == {hashed[s] for s in MODULES[1:]}
    assert imports["search-index.js"] == {hashed["search-query.js"], hashed["search-analysis.js"]}
    assert imports["search-query.js"] == {hashed["search-analysis.js"]}
    assert imports["search-analysis.js"] == set()
    # The sources import by plain names: only the published files carry hashes.
    source = (STATIC / "search.js").read_text("utf-8")
    assert set(IMPORT.findall(source)) == {"./" + s for s in MODULES[1:]}


def test_a_changed_module_renames_the_modules_that_import_it(tmp_path):
    before = published()
    own = tmp_path / "templates"
    (own / "static").mkdir(parents=True)
    query = (STATIC / "search-query.js").read_text("utf-8")
    (own / "static" / "search-query.js").write_text(query + "// the site's own\n", "utf-8")
    after = published(own)
    renamed = {s for s in MODULES if before[s][0] != after[s][0]}
    assert renamed == {"search-query.js", "search-index.js", "search.js"}
    assert after["search-analysis.js"] == before["search-analysis.js"]
    assert after["search.css"] == before["search.css"]


def test_modules_in_a_folder_import_across_folders(tmp_path):
    static = tmp_path / "templates" / "static"
    (static / "lib").mkdir(parents=True)
    (static / "lib" / "a.js").write_text('import { b } from "../b.js";\nexport const a = b;\n')
    (static / "b.js").write_text("export const b = 1;\n")
    (static / "c.js").write_text('import { a } from "./lib/a.js";\nconsole.log(a);\n')
    assets = published(tmp_path / "templates")
    b, a = assets["b.js"][0], assets["lib/a.js"][0]
    assert assets["lib/a.js"][1].startswith(f'import {{ b }} from "../{b}";'.encode())
    assert assets["c.js"][1].startswith(f'import {{ a }} from "./{a}";'.encode())


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"search.js": 'import { x } from "./nowhere.js";\n'},
         "templates/static/search.js: imports './nowhere.js': no file static/nowhere.js in "
         "templates/ nor among the default ones"),
        ({"a.js": 'import "./b.js";\n', "b.js": 'export * from "./a.js";\n'},
         "templates/static/a.js: JavaScript modules import each other (a.js → b.js → a.js): "
         "their hashed names cannot name each other"),
    ],
)  # fmt: skip
def test_a_broken_import_is_reported_by_build_and_check(tmp_path, capsys, files, message):
    write_site(tmp_path, {**SITE, **{f"templates/static/{k}": v for k, v in files.items()}})
    with pytest.raises(ContentErrors):
        published(tmp_path / "templates")
    assert build(tmp_path) == 1
    assert message in capsys.readouterr().err
    assert not (tmp_path / "output").exists()
    assert main(["check", "--root", str(tmp_path)]) == 1
    captured = capsys.readouterr()
    assert message in captured.out + captured.err


def test_the_runtime_reads_the_format_version_the_exporter_writes():
    source = (STATIC / "search-index.js").read_text("utf-8")
    found = re.findall(r"^export const FORMAT_VERSION = (\d+);$", source, re.M)
    assert found == [str(export.FORMAT_VERSION)]
    docs = (Path(__file__).resolve().parents[1] / "docs" / "SEARCH-INDEX.md").read_text("utf-8")
    assert f'`meta.bin` holds `"version": {export.FORMAT_VERSION}`' in docs
