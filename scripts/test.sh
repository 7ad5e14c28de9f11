#!/usr/bin/env bash
# Run every test: unit, end-to-end (rmcp and the Python SDK as MCP clients),
# headless Chromium, the MCP conformance suite, the store on SQLite and
# PostgreSQL, compile-fail. Installs what a fresh machine lacks first, from
# Debian: chromium + chromium-driver (the browser test), npm (the conformance
# test) and postgresql (the store tests start a private server from its
# binaries in target/postgres, see tests/src/postgres.rs); Python 3 with venv
# and pip must be there (the Python SDK test builds its own venv from PyPI).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
[ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] || missing+=(chromium chromium-driver)
# The conformance test installs Node 22 and @modelcontextprotocol/conformance
# 0.1.16 and 0.2.0-alpha.12 into target/npm/conformance and
# target/npm/conformance-2026 with npm (mcp-remote into target/npm/mcp-remote).
command -v npm >/dev/null || missing+=(npm)
# Only the server binaries are needed (the tests run their own cluster, as the
# unprivileged `postgres` user when run as root), unless GUMSTACK_TEST_DATABASE_URL
# names a server to use instead.
[ -n "${GUMSTACK_TEST_DATABASE_URL:-}" ] || compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null ||
  missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo env DEBIAN_FRONTEND=noninteractive sh -c \
    'apt-get update -q && apt-get install -y -q --no-install-recommends "$@"' sh "${missing[@]}"
fi
{ command -v python3 && python3 -m venv --help && python3 -m pip --version; } >/dev/null ||
  { echo "python3 (3.10+) with venv and pip is required (tests/tests/python_sdk.rs)" >&2; exit 1; }

cargo test --workspace "$@"
