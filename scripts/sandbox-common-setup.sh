#!/usr/bin/env bash
# Builds the common agent sandbox image on the local Docker engine (see --help). A thin wrapper over
# docker/sandbox, the same code `OPENCLAW_SANDBOX=1 ./docker-setup.sh` and the desktop app use.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if ! command -v node >/dev/null 2>&1; then
  echo "This script needs Node.js 20.19 or newer (https://nodejs.org)." >&2
  exit 1
fi
if [ ! -d node_modules ]; then
  npm install --no-audit --no-fund
fi
exec node --import tsx docker/sandbox/sandbox-build-cli.ts --image common "$@"
