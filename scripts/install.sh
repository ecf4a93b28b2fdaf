#!/usr/bin/env bash
# Set up site-builder on a Debian 12 machine, as root. Safe to run again: each step checks
# what is already there.
#
#   bash scripts/install.sh                      # Python package + pinned deps (pip -e '.[test]')
#   bash scripts/install.sh --with-test-tools    # + chromium, a JRE, node/npm, nginx, npm ci
#   bash scripts/install.sh --update-constraints # re-pin constraints.txt from pyproject.toml
#
# Python versions come from constraints.txt (every package pip installs, transitive ones and the
# build backend included). Node tools come from package.json + package-lock.json. Nothing here
# downloads a browser or a JRE outside Debian's packages: never `playwright install`, and
# vnu-jar's postinstall (which fetches a JRE) is blocked with --ignore-scripts.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
CONSTRAINTS="$ROOT/constraints.txt"

log() { printf '[install] %s\n' "$*" >&2; }

# Distributions that install the same `whoosh` package as whoosh3: two of them in one
# environment overwrite each other's files, and removing one later breaks the other.
OTHER_WHOOSHES=(Whoosh whoosh-reloaded)

remove_other_whooshes() {
    local dist
    for dist in "${OTHER_WHOOSHES[@]}"; do
        if "$PYTHON" -m pip show --disable-pip-version-check "$dist" >/dev/null 2>&1; then
            log "pip uninstall $dist (site-builder uses whoosh3, which provides the same package)"
            "$PYTHON" -m pip uninstall --quiet --yes --disable-pip-version-check \
                --root-user-action=ignore "$dist"
        fi
    done
}

install_python() {
    remove_other_whooshes
    log "pip install -e '.[test]' (constraints.txt)"
    # PIP_CONSTRAINT (not only -c) so the isolated build environment of the editable install
    # gets the pinned setuptools/wheel too.
    (cd "$ROOT" && PIP_CONSTRAINT="$CONSTRAINTS" "$PYTHON" -m pip install --quiet \
        --disable-pip-version-check --root-user-action=ignore -c "$CONSTRAINTS" -e '.[test]')
    # pyenv only sees new console scripts (site-builder, ruff) after a rehash.
    if command -v pyenv >/dev/null 2>&1; then
        pyenv rehash || true
    fi
}

update_constraints() (
    # Resolve pyproject's dependencies + [test] extra + build requirements in a throwaway venv
    # and pin exactly what pip picked. (A subshell, so the cleanup trap stays local.)
    venv="$(mktemp -d)"
    trap 'rm -rf "$venv"' EXIT
    log "resolving in a throwaway venv: $venv"
    "$PYTHON" -m venv "$venv"
    (cd "$ROOT" && "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
        -e '.[test]' 'setuptools>=77')
    {
        echo "# Exact versions of every Python package CI installs (pip install -e '.[test]',"
        echo "# its transitive dependencies and the build backend). Regenerate with:"
        echo "#   bash scripts/install.sh --update-constraints"
        "$venv/bin/python" -m pip freeze --all --exclude-editable \
            | grep -v -i -E '^(pip|site-builder)==' | LC_ALL=C sort -f -t= -k1,1
    } >"$CONSTRAINTS"
    log "wrote $CONSTRAINTS ($(grep -c '==' "$CONSTRAINTS") pins)"
)

apt_install() {
    # apt_install PKG...: install without recommends; refresh the package lists only when apt
    # does not know a package, or when the first attempt fails (stale lists on an old image).
    export DEBIAN_FRONTEND=noninteractive
    local pkg need_update=0
    for pkg in "$@"; do
        if ! apt-cache policy "$pkg" 2>/dev/null | grep -q 'Candidate: [0-9]'; then
            need_update=1
        fi
    done
    if [ "$need_update" = 1 ]; then
        log "apt-get update"
        apt-get -o DPkg::Lock::Timeout=600 update -q
    fi
    log "apt-get install $*"
    if ! apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "$@"; then
        log "install failed; refreshing package lists and retrying"
        apt-get -o DPkg::Lock::Timeout=600 update -q
        apt-get -o DPkg::Lock::Timeout=600 install -y -q --no-install-recommends "$@"
    fi
}

install_test_tools() {
    if [ ! -x /usr/bin/chromium ]; then
        apt_install chromium
    fi
    if ! command -v java >/dev/null 2>&1; then
        apt_install default-jre-headless
    fi
    if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
        apt_install nodejs npm
    fi
    # nginx serves the published site in tests/test_publish.py, which starts its own instance
    # on 127.0.0.1 with a generated config; the package's system service is never used.
    if [ ! -x /usr/sbin/nginx ]; then
        apt_install nginx-light
    fi
    # npm ci wipes node_modules; skip it when the tree installed from this very lock is there.
    local stamp="$ROOT/node_modules/.site-builder-lock.sha256" want
    want="$(sha256sum "$ROOT/package-lock.json" "$ROOT/package.json" | sha256sum | cut -d' ' -f1)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] \
        && [ -f "$ROOT/node_modules/axe-core/axe.min.js" ] \
        && [ -f "$ROOT/node_modules/vnu-jar/build/dist/vnu.jar" ]; then
        log "node_modules up to date"
    else
        log "npm ci --ignore-scripts"
        (cd "$ROOT" && npm ci --ignore-scripts --no-audit --no-fund)
        echo "$want" >"$stamp"
    fi
}

main() {
    local with_tools=0 arg
    for arg in "$@"; do
        case "$arg" in
            --with-test-tools) with_tools=1 ;;
            --update-constraints) update_constraints; return ;;
            -h | --help) sed -n '2,12p' "${BASH_SOURCE[0]}"; return ;;
            *) log "unknown option: $arg"; exit 2 ;;
        esac
    done
    if [ "$with_tools" = 1 ]; then
        install_test_tools
    fi
    install_python
    log "done"
}

main "$@"
