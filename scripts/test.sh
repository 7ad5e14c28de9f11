#!/usr/bin/env bash
# Run every test: unit, end-to-end (rmcp and the Python SDK as MCP clients),
# headless Chromium, the MCP conformance suite, compile-fail. Installs what a
# fresh machine lacks first: Debian's chromium + chromium-driver (the browser
# test) and npm (the conformance test); Python 3 with venv and pip must be there
# (the Python SDK test builds its own venv from PyPI).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo env DEBIAN_FRONTEND=noninteractive sh -c \
    'apt-get update -q && apt-get install -y -q --no-install-recommends chromium chromium-driver'
fi
# The conformance test installs Node 22 and @modelcontextprotocol/conformance
# into target/conformance with npm.
if ! command -v npm >/dev/null; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo env DEBIAN_FRONTEND=noninteractive sh -c \
    'apt-get update -q && apt-get install -y -q --no-install-recommends npm'
fi
{ command -v python3 && python3 -m venv --help && python3 -m pip --version; } >/dev/null ||
  { echo "python3 (3.10+) with venv and pip is required (tests/tests/python_sdk.rs)" >&2; exit 1; }

cargo test --workspace "$@"
