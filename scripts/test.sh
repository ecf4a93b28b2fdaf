#!/usr/bin/env bash
# Run every test: install (with the test tools), lint, format check, then pytest on 2 workers.
# Extra arguments go to pytest, e.g. `bash scripts/test.sh -m "not browser"`.
# Every step runs even when an earlier one fails; the script fails if any of them failed.
# pytest's exit code 5 (no tests collected) is a failure too: CI must run tests.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"

bash scripts/install.sh --with-test-tools

failed=()

has_python_files() {
    find . \( -path ./node_modules -o -path ./.git -o -path ./output -o -path ./.cache \) -prune \
        -o -name '*.py' -print -quit | grep -q .
}

if has_python_files; then
    echo "== ruff check ."
    "$PYTHON" -m ruff check . || failed+=("ruff check")
    echo "== ruff format --check ."
    "$PYTHON" -m ruff format --check . || failed+=("ruff format")
fi

echo "== pytest -n 2"
status=0
"$PYTHON" -m pytest -n 2 "$@" || status=$?
case "$status" in
    0) ;;
    5) failed+=("pytest (exit 5: no tests were collected)") ;;
    *) failed+=("pytest (exit $status)") ;;
esac

if [ "${#failed[@]}" -gt 0 ]; then
    printf 'FAILED: %s\n' "${failed[@]}" >&2
    exit 1
fi
echo "all checks passed"
