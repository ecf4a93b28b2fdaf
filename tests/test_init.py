"""A curator starts an archive with `site-builder init`: a site that checks, builds, serves and
publishes at once, made of files that explain themselves, and nothing of theirs overwritten."""

from __future__ import annotations

import errno
import hashlib
import re
import shutil
import subprocess
import sys
import urllib.request
from dataclasses import fields
from pathlib import Path

import pytest
import yaml
from test_serve import Preview

from site_builder import __version__
from site_builder.authoring import new_site
from site_builder.cli import main
from site_builder.config import SiteConfig, load_config
from support.wheel import built_distributions, clean_environment

SITE_FILES = [
    ".github/workflows/check.yml",
    ".github/workflows/publish.yml",
    ".gitignore",
    "README.md",
    "content/2019/07/ibm-boucle-le-rachat-de-red-hat.md",
    "content/companies.yaml",
    "requirements.txt",
    "site.yaml",
]


def files_under(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def init(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["init", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_init_makes_a_site_that_checks_and_builds_at_once(tmp_path, capsys):
    site = tmp_path / "mon-archive"
    code, out, err = init(capsys, str(site))
    assert (code, err) == (0, "")
    assert files_under(site) == SITE_FILES
    for name in SITE_FILES:
        assert name in out, f"init does not list {name}"
    assert f"cd {site}" in out and "site-builder serve" in out

    assert main(["check", "--root", str(site)]) == 0
    checked = "".join(capsys.readouterr())
    # The one thing left to the curator: where the site will be published.
    assert re.findall(r"^(\w+): .*?\[(\w+)\]", checked, re.M) == [("warning", "base_url")]

    assert main(["build", "--root", str(site), "--base-url", "https://example.org/"]) == 0
    capsys.readouterr()
    page = (site / "output/2019/07/ibm-boucle-le-rachat-de-red-hat/index.html").read_text("utf-8")
    assert "IBM boucle le rachat de Red Hat" in page and "9 juillet 2019" in page
    assert "Mon archive" in (site / "output/index.html").read_text("utf-8")
    assert (site / "output/companies/red-hat/index.html").exists()


def test_a_site_given_its_address_checks_without_a_single_warning(tmp_path, capsys):
    site = tmp_path / "site"
    assert init(capsys, str(site), "--base-url", "https://curator.github.io/archive")[0] == 0
    assert load_config(site).base_url == "https://curator.github.io/archive/"
    assert main(["check", "--root", str(site)]) == 0
    assert "warning" not in "".join(capsys.readouterr())


def test_site_yaml_names_every_setting_with_its_type_default_and_meaning(tmp_path, capsys):
    site = tmp_path / "site"
    init(capsys, str(site), "--title", 'Veille : "cloud" & serveurs #1')
    text = (site / "site.yaml").read_text("utf-8")
    settings = yaml.safe_load(text)
    config = load_config(site)
    defaults = SiteConfig()
    for setting in fields(SiteConfig):
        comment = re.search(rf"^# {setting.name} \(([^)]*default[^)]*)\): \S", text, re.M)
        assert comment, f"site.yaml does not explain {setting.name}"
        if setting.name == "base_url":
            # Left for the curator to fill in; the default is the preview's address.
            assert "base_url" not in settings and "# base_url: https://" in text
            continue
        assert setting.name in settings, f"{setting.name} is not written out"
        if setting.name not in ("title", "description"):
            assert getattr(config, setting.name) == getattr(defaults, setting.name)
            assert str(getattr(defaults, setting.name)).lower() in comment[1].lower()
    assert config.title == 'Veille : "cloud" & serveurs #1'
    assert config.language == "fr"


def test_an_english_site_speaks_english(tmp_path, capsys):
    site = tmp_path / "site"
    assert init(capsys, str(site), "--lang", "en", "--title", "Tech news archive")[0] == 0
    assert load_config(site).language == "en"
    assert "A news archive built with site-builder" in (site / "README.md").read_text("utf-8")
    assert main(["build", "--root", str(site), "--base-url", "https://example.org/"]) == 0
    capsys.readouterr()
    page = site / "output/2019/07/ibm-closes-its-acquisition-of-red-hat/index.html"
    html = page.read_text("utf-8")
    assert '<html lang="en"' in html and "July 2019" in html
    assert "Tech news archive" in html


def test_requirements_pin_the_version_that_ran_init_or_the_source_given(tmp_path, capsys):
    init(capsys, str(tmp_path / "pinned"))
    lines = (tmp_path / "pinned/requirements.txt").read_text("utf-8").splitlines()
    assert f"site-builder=={__version__}" in lines
    spec = "site-builder @ git+https://example.org/site-builder.git@v0.1.0"
    init(capsys, str(tmp_path / "from-git"), "--requirement", spec)
    lines = (tmp_path / "from-git/requirements.txt").read_text("utf-8").splitlines()
    assert spec in lines and f"site-builder=={__version__}" not in lines


def test_init_refuses_a_folder_that_is_not_empty_and_changes_nothing(tmp_path, capsys):
    site = tmp_path / "notes"
    site.mkdir()
    (site / "site.yaml").write_text("title: mes notes\n", "utf-8")
    (site / ".git").mkdir()
    code, out, err = init(capsys, str(site))
    assert code == 1 and out == ""
    assert f"error: {site} is a folder that is not empty" in err
    assert files_under(site) == ["site.yaml"] and (site / ".git").is_dir()
    assert (site / "site.yaml").read_text("utf-8") == "title: mes notes\n"

    a_file = tmp_path / "file.txt"
    a_file.write_text("x", "utf-8")
    assert init(capsys, str(a_file))[0] == 1
    assert a_file.read_text("utf-8") == "x"


def test_an_empty_folder_is_filled(tmp_path, capsys):
    assert init(capsys, str(tmp_path))[0] == 0
    assert files_under(tmp_path) == SITE_FILES


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--lang", "de"], "invalid choice: 'de'"),
        (["--title", "  "], "--title: expected a non-empty text"),
        (
            ["--base-url", "archive.example.org"],
            "--base-url: 'archive.example.org' is not an absolute",
        ),
        (["--requirement", ""], "--requirement: expected one pip requirement"),
    ],
)
def test_bad_options_are_refused_before_anything_is_written(tmp_path, capsys, args, message):
    site = tmp_path / "site"
    with pytest.raises(SystemExit) if args[0] == "--lang" else _no_exit():
        code, _out, err = init(capsys, str(site), *args)
        assert code == 2
        assert message in err
    if args[0] == "--lang":
        assert message in capsys.readouterr().err
    assert not site.exists()


class _no_exit:
    def __enter__(self):
        return self

    def __exit__(self, *exc) -> bool:
        return False


def test_a_disk_that_fills_up_leaves_no_half_made_site(tmp_path, capsys, monkeypatch):
    written = []

    def open_until_full(path, *args, **kwargs):
        if len(written) == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        written.append(path)
        return open(path, *args, **kwargs)

    monkeypatch.setattr(new_site, "open", open_until_full, raising=False)
    site = tmp_path / "site"
    code, _out, err = init(capsys, str(site))
    assert code == 1 and "No space left on device" in err
    assert not site.exists()

    empty = tmp_path / "empty"
    empty.mkdir()
    written.clear()
    assert init(capsys, str(empty))[0] == 1
    assert list(empty.iterdir()) == []


def test_the_new_site_serves_at_once(tmp_path, capsys):
    site = tmp_path / "site"
    init(capsys, str(site))
    preview = Preview(site)
    try:
        with urllib.request.urlopen(preview.url, timeout=10) as response:
            front = response.read().decode()
        assert response.status == 200 and "IBM boucle le rachat de Red Hat" in front
    finally:
        assert preview.stop() == 0


# -- the workflows init writes, run as GitHub would on a clean copy ---------------------------

OWNER, REPOSITORY = "curator", "mon-archive"
PAGES_URL = f"https://{OWNER}.github.io/{REPOSITORY}"
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


class WorkflowRun:
    """Runs the steps of one job of a workflow the way a GitHub runner does, on this machine:
    each `run:` in bash with its `env:`, the official actions played by what they do."""

    def __init__(self, workspace: Path, python_bin: Path):
        self.workspace = workspace
        self.python_bin = python_bin
        self.outputs: dict[str, dict[str, str]] = {}
        self.logs: list[str] = []

    def value(self, text: str) -> str:
        def evaluate(match: re.Match) -> str:
            expression = match.group(1)
            known = {
                "github.repository_owner": OWNER,
                "github.event.repository.name": REPOSITORY,
                "runner.os": "Linux",
            }
            if expression in known:
                return known[expression]
            if expression.startswith("hashFiles("):
                return self.hash_files(re.findall(r"'([^']*)'", expression))
            step = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expression)
            assert step, f"expression this runner does not know: {expression}"
            return self.outputs[step[1]][step[2]]

        return EXPRESSION.sub(evaluate, str(text))

    def hash_files(self, patterns: list[str]) -> str:
        digest = hashlib.sha256()
        for pattern in patterns:
            for path in sorted(self.workspace.glob(pattern)):
                if path.is_file():
                    digest.update(path.read_bytes())
        return digest.hexdigest()

    def run_job(self, job: dict) -> None:
        for step in job["steps"]:
            if "uses" in step:
                self.use(step)
            else:
                self.run(step)

    def use(self, step: dict) -> None:
        action = step["uses"].partition("@")[0]
        given = {key: self.value(value) for key, value in step.get("with", {}).items()}
        if action == "actions/checkout":
            assert given.get("persist-credentials") == "False"  # YAML false, read as text
        elif action == "actions/setup-python":
            assert given["cache-dependency-path"] == "requirements.txt"
        elif action == "actions/cache":
            # A first run: nothing to restore. The folders it keeps are the site's own.
            assert given["path"].split() == [".cache", "output"]
        elif action == "actions/configure-pages":
            self.outputs[step["id"]] = {"base_url": PAGES_URL}
        elif action == "actions/upload-pages-artifact":
            uploaded = self.workspace / given["path"]
            assert (uploaded / "index.html").is_file(), f"nothing to upload in {uploaded}"
        else:
            raise AssertionError(f"action this runner does not play: {action}")

    def run(self, step: dict) -> None:
        assert "${{" not in step["run"], "expressions reach scripts through env:, not the text"
        output_file = self.workspace.parent / f"output-{len(self.logs)}.txt"
        output_file.write_text("", "utf-8")
        env = {
            **clean_environment(),
            "PATH": f"{self.python_bin}:/usr/bin:/bin",
            "GITHUB_ACTIONS": "true",
            "GITHUB_WORKSPACE": str(self.workspace),
            "GITHUB_OUTPUT": str(output_file),
            **{key: self.value(value) for key, value in step.get("env", {}).items()},
        }
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=self.workspace, env=env, capture_output=True, text=True, timeout=600,
            check=False,
        )  # fmt: skip
        self.logs.append(f"$ {step['run']}\n{done.stdout}{done.stderr}")
        assert done.returncode == 0, f"step {step.get('name')!r} failed:\n{self.logs[-1]}"
        if "id" in step:
            pairs = (line.partition("=") for line in output_file.read_text("utf-8").splitlines())
            self.outputs[step["id"]] = {key: value for key, _, value in pairs}


@pytest.fixture(scope="module")
def wheel_site(tmp_path_factory) -> Path:
    """A site made by the installed wheel's `init`, whose workflows install that wheel."""
    made = built_distributions(tmp_path_factory)
    folder = tmp_path_factory.mktemp("init-by-wheel")
    done = subprocess.run(
        [made.bin / "site-builder", "init", "mon-archive", "--requirement", str(made.wheel)],
        cwd=folder, env=clean_environment(), capture_output=True, text=True, timeout=120,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return folder / "mon-archive"


def fresh_runner(site: Path, tmp_path: Path) -> WorkflowRun:
    """A clean copy of the site (what checkout gives) and a new Python (setup-python)."""
    workspace = tmp_path / "work" / REPOSITORY
    shutil.copytree(site, workspace)
    venv = tmp_path / "python"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    return WorkflowRun(workspace, venv / "bin")


def workflow(site: Path, name: str) -> dict:
    return yaml.safe_load((site / ".github/workflows" / name).read_text("utf-8"))


def test_the_check_workflow_installs_checks_builds_and_validates_the_new_site(wheel_site, tmp_path):
    runner = fresh_runner(wheel_site, tmp_path)
    (job,) = workflow(wheel_site, "check.yml")["jobs"].values()
    runner.run_job(job)
    log = "\n".join(runner.logs)
    assert "Successfully installed" in log and "site-builder-" in log
    assert f"output valid for {PAGES_URL}/:" in log
    feed = (runner.workspace / "output/feed.xml").read_text("utf-8")
    assert f"{PAGES_URL}/2019/07/ibm-boucle-le-rachat-de-red-hat/" in feed
    assert not (runner.workspace / "output/.cache").exists()


def test_the_publish_workflow_builds_for_the_pages_address_and_uploads_it(wheel_site, tmp_path):
    runner = fresh_runner(wheel_site, tmp_path)
    jobs = workflow(wheel_site, "publish.yml")["jobs"]
    runner.run_job(jobs["build"])
    sitemap = (runner.workspace / "output/sitemap.xml").read_text("utf-8")
    assert f"<loc>{PAGES_URL}/</loc>" in sitemap
    assert "127.0.0.1" not in sitemap
    (deploy,) = jobs["deploy"]["steps"]
    assert deploy["uses"].startswith("actions/deploy-pages@")
    assert jobs["deploy"]["needs"] == "build"
