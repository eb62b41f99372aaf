#!/usr/bin/env bash
# OpenClaw gateway in Docker, from a terminal: builds the image, writes .env (and
# docker-compose.extra.yml for extras), onboards, starts the stack on 127.0.0.1 and prints the
# dashboard URL. A thin wrapper over docker/setup (the same code the desktop app runs).
# Inputs are OPENCLAW_* environment variables; see ./docker-setup.sh --help.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"

if ! command -v node >/dev/null 2>&1; then
  echo "docker-setup.sh needs Node.js 20.19 or newer to build the gateway bundle (https://nodejs.org)." >&2
  exit 1
fi
if ! command -v docker >/dev/null 2>&1; then
  echo "Docker is not installed. Install Docker Desktop (macOS/Windows) or docker.io + docker-compose (Linux), start it, and re-run." >&2
  exit 1
fi
if [ ! -d node_modules ]; then
  npm install --no-audit --no-fund
fi
if [ -z "${OPENCLAW_IMAGE:-}" ] || [ "${OPENCLAW_IMAGE}" = "openclaw:local" ]; then
  node scripts/build.mjs --if-stale --only gateway
fi
exec node --import tsx docker/setup/setup-cli.ts --stack-dir "$ROOT" "$@"
