#!/usr/bin/env bash
# Set up newsweave in a virtual environment inside the checkout (.venv).
# Idempotent: when .venv is there and pyproject.toml has not changed since the
# last install, it only checks and returns (well under a second).
#   scripts/setup.sh            # create .venv if missing, install newsweave with all extras
#   PYTHON=python3.12 scripts/setup.sh
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
VENV=.venv
EXTRAS='.[postgres,embed,web,bench,dev]'
# the spark extra (pyspark, ~450 MB) only where Java runs it, or when asked for
if [ "${NEWSWEAVE_WITH_SPARK:-}" = "1" ] || command -v java >/dev/null 2>&1; then
    EXTRAS='.[postgres,embed,web,bench,dev,spark]'
fi
STAMP="$VENV/.newsweave-installed"

if [ ! -x "$VENV/bin/python" ]; then
    PY="${PYTHON:-}"
    if [ -z "$PY" ]; then
        for candidate in python3.11 python3.12 python3.13 python3; do
            if command -v "$candidate" >/dev/null 2>&1 &&
               "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
                PY="$candidate"
                break
            fi
        done
    fi
    if [ -z "$PY" ]; then
        echo "setup: newsweave needs Python >= 3.11 (set PYTHON=/path/to/python3.11)" >&2
        exit 1
    fi
    echo "setup: creating $VENV with $("$PY" --version)" >&2
    "$PY" -m venv "$VENV"
fi

# hash of what decides the install: reinstall only when it changes
want="$( (cat pyproject.toml; echo "$EXTRAS") | sha256sum | cut -d' ' -f1)"
have="$(cat "$STAMP" 2>/dev/null || true)"
if [ "$want" != "$have" ] || [ ! -x "$VENV/bin/newsweave" ]; then
    echo "setup: installing newsweave and its extras into $VENV (first run takes a few minutes)" >&2
    "$VENV/bin/python" -m pip install --quiet --upgrade pip >/dev/null 2>&1 || true
    "$VENV/bin/python" -m pip install --quiet -e "$EXTRAS"
    echo "$want" > "$STAMP"
fi
echo "setup: ready ($VENV/bin/newsweave)" >&2
