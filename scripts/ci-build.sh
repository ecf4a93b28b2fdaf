#!/usr/bin/env bash
# CI's build steps as one script: .github/workflows/publish.yml and pull-request.yml call it,
# tests/test_publish.py runs it on a clean clone, and it runs the same way on a laptop.
#
#   bash scripts/ci-build.sh --base-url URL [--root DIR] [--output DIR] [--report FILE]
#                            [--html-checker]
#
#   1. check     site-builder check: the content contract, links, names, dates (as GitHub
#                annotations on the changed lines when run by GitHub Actions)
#   2. build     site-builder build --base-url URL, with the build cache of DIR; --report FILE
#                writes the files added, changed and removed (JSON)
#   3. validate  site-builder validate: every link, anchor, asset, feed, sitemap entry and
#                search file resolves as a plain static host serves OUTPUT under URL's path;
#                --html-checker adds the Nu HTML checker (java + node_modules/vnu-jar, from
#                `npm ci --ignore-scripts`)
#
# Defaults: DIR is this repository, OUTPUT is DIR/output. Exits non-zero at the first step that
# fails; the build never replaces OUTPUT when it failed.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PYTHON="${PYTHON:-python3}"
root="$(cd "$HERE/.." && pwd)"
output=""
base_url=""
report=""
html_checker=0

usage() { sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

while [ "$#" -gt 0 ]; do
    case "$1" in
        --base-url) base_url="${2:?--base-url needs a URL}"; shift 2 ;;
        --root) root="${2:?--root needs a folder}"; shift 2 ;;
        --output) output="${2:?--output needs a folder}"; shift 2 ;;
        --report) report="${2:?--report needs a file}"; shift 2 ;;
        --html-checker) html_checker=1; shift ;;
        -h | --help) usage; exit 0 ;;
        *) echo "ci-build: unknown argument: $1" >&2; usage >&2; exit 2 ;;
    esac
done
if [ -z "$base_url" ]; then
    echo "ci-build: --base-url is required (the public URL the site is built for)" >&2
    exit 2
fi
output="${output:-$root/output}"

format=text
if [ "${GITHUB_ACTIONS:-}" = "true" ]; then
    format=github
fi

# Log sections fold in GitHub's log view; elsewhere they are plain headings.
section() {
    if [ "$format" = github ]; then echo "::group::$*"; else echo "== $*"; fi
}
end_section() {
    if [ "$format" = github ]; then echo "::endgroup::"; fi
}

section "check"
"$PYTHON" -m site_builder check --root "$root" --format "$format"
end_section

section "build for $base_url"
build_args=(build --root "$root" --output "$output" --base-url "$base_url")
if [ -n "$report" ]; then
    build_args+=(--report "$report")
fi
"$PYTHON" -m site_builder "${build_args[@]}"
end_section

section "validate the output"
# Pages already read are remembered in the site's cache folder: unchanged pages are skipped.
"$PYTHON" -m site_builder validate --root "$root" --output "$output" --base-url "$base_url" \
    --format "$format"
if [ "$html_checker" = 1 ]; then
    vnu="$(cd "$HERE/.." && pwd)/node_modules/vnu-jar/build/dist/vnu.jar"
    if ! command -v java >/dev/null 2>&1 || [ ! -f "$vnu" ]; then
        echo "ci-build: --html-checker needs java and $vnu (npm ci --ignore-scripts)" >&2
        exit 2
    fi
    echo "Nu HTML checker on $(find "$output" -name '*.html' | wc -l) pages"
    java -jar "$vnu" --errors-only --no-langdetect --skip-non-html "$output"
fi
end_section

if [ -n "$report" ]; then
    summary="$("$PYTHON" -c '
import json, sys
r = json.load(open(sys.argv[1], encoding="utf-8"))
print(", ".join(f"{len(r[k])} {k}" for k in ("added", "changed", "removed")))
' "$report")"
    echo "changes: $summary (list in $report)"
    if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
        printf '### Site built for %s\n\nFiles %s.\n' "$base_url" "$summary" >>"$GITHUB_STEP_SUMMARY"
    fi
fi
