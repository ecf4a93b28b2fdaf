#!/usr/bin/env bash
# Run every test: install (with the test tools), lint, format check, then pytest on 2 workers.
# Then the tests that need no browser again on Python 3.13, when one is found: $PYTHON313, else
# pyenv's newest 3.13; without one that pass is skipped with a line saying so. Its venv is
# .venv/py3.13 in the repository (made on first use, reinstalled from constraints.txt each run).
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

run_pytest() {
    # run_pytest LABEL PYTHON ARGS...: record a failure (exit 5, no tests collected, is one).
    local label="$1" python="$2" status=0
    shift 2
    "$python" -m pytest -n 2 "$@" || status=$?
    case "$status" in
        0) ;;
        5) failed+=("$label (exit 5: no tests were collected)") ;;
        *) failed+=("$label (exit $status)") ;;
    esac
}

find_python313() {
    if [ -n "${PYTHON313:-}" ]; then
        echo "$PYTHON313"
        return
    fi
    local found
    found="$(find "${PYENV_ROOT:-$HOME/.pyenv}/versions" -maxdepth 3 -path '*/3.13.*/bin/python3.13' \
        2>/dev/null | sort -V | tail -n 1)"
    [ -n "$found" ] && echo "$found"
}

python313_venv() {
    # The venv of the 3.13 pass, made again when it was made from another interpreter.
    local base="$1" venv="$ROOT/.venv/py3.13"
    if [ ! -x "$venv/bin/python" ] || [ "$(cat "$venv/.made-from" 2>/dev/null)" != "$base" ]; then
        rm -rf "$venv"
        "$base" -m venv "$venv" >&2 || return 1
        echo "$base" >"$venv/.made-from"
    fi
    PIP_CONSTRAINT="$ROOT/constraints.txt" "$venv/bin/python" -m pip install --quiet \
        --disable-pip-version-check --root-user-action=ignore -c "$ROOT/constraints.txt" \
        -e "$ROOT[test]" >&2 || return 1
    echo "$venv/bin/python"
}

echo "== pytest -n 2"
run_pytest pytest "$PYTHON" "$@"

python313="$(find_python313 || true)"
if [ -z "$python313" ]; then
    echo "== Python 3.13: skipped (none found; set PYTHON313 to an interpreter to run this pass)"
elif ! "$python313" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' 2>/dev/null; then
    failed+=("Python 3.13: $python313 is not a Python 3.13 interpreter")
else
    echo "== pytest -n 2 -m 'not browser' on Python 3.13 ($python313)"
    if venv_python="$(python313_venv "$python313")"; then
        run_pytest "pytest on Python 3.13" "$venv_python" -m "not browser" "$@"
    else
        failed+=("Python 3.13: installing into .venv/py3.13 failed")
    fi
fi

if [ "${#failed[@]}" -gt 0 ]; then
    printf 'FAILED: %s\n' "${failed[@]}" >&2
    exit 1
fi
echo "all checks passed"
