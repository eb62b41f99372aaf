#!/usr/bin/env bash
# End-to-end smoke test of the Docker onboarding, as a user runs it: `./docker-setup.sh
# --non-interactive` into a throwaway stack, then the commands the setup prints as next steps:
#
#   health     compose exec openclaw-gateway node /app/gateway/openclaw.mjs health
#   devices    compose run --rm openclaw-cli devices list
#   dashboard  compose run --rm openclaw-cli dashboard --no-open   (a URL with #token=)
#   healthz    curl http://127.0.0.1:<port>/healthz
#   port       the gateway port is published on 127.0.0.1 only
#
# Everything is its own: temp config/workspace/stack folders (the config folder has a space in its
# name), a free port and a unique compose project, so the user's `openclaw` stack is never touched.
# The stack is removed (`down -v`) and the folders deleted on exit, failure or Ctrl-C included.
#
#   scripts/e2e/onboard-docker.sh
#
# Environment (optional):
#   OPENCLAW_IMAGE                an existing image to run; without it docker-setup.sh builds (or
#                                 reuses, when up to date) openclaw:local like it does for users
#   OPENCLAW_NODE_IMAGE           base image for that build (default: what docker-setup.sh picks)
#   OPENCLAW_DOCKER_APT_PACKAGES  extra Debian packages for that build
#   OPENCLAW_E2E_KEEP=1           leave the stack and folders in place for a look (prints how)
#
# Prints one PASS/FAIL line per check and a summary line; exits 1 when anything failed, 2 when
# a prerequisite is missing. No stdin is read (CI runs it as root without a terminal).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SETUP_TIMEOUT_S=900
STEP_TIMEOUT_S=120

log() { printf '[e2e] %s\n' "$*" >&2; }
die() {
  log "error: $*"
  exit 2
}

# The dashboard URL and the health output carry the (throwaway) token: never echo it.
# (A literal `--token "$OPENCLAW_GATEWAY_TOKEN"` hint stays readable.)
redact() { sed -E 's/(#token=)[^[:space:]]+/\1<redacted>/g; s/(--token )[^[:space:]"$<][^[:space:]]*/\1<redacted>/g'; }

for tool in node docker curl timeout; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is not installed"
done
docker info >/dev/null 2>&1 || die "the Docker engine does not answer (docker info failed)"

# The same order as the app (docker/engine/compose-detect.ts): the v2 plugin, then a standalone
# docker-compose (v1.27+ or a v2 binary under the old name).
if docker compose version >/dev/null 2>&1; then
  COMPOSE=(docker compose)
elif command -v docker-compose >/dev/null 2>&1 && docker-compose version >/dev/null 2>&1; then
  COMPOSE=(docker-compose)
else
  die "Docker Compose was not found (neither 'docker compose' nor 'docker-compose')"
fi

PROJECT="openclaw-e2e-$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/openclaw-e2e.XXXXXX")"
CONFIG_DIR="$WORK/config dir"
WORKSPACE_DIR="$WORK/workspace"
STACK_DIR="$WORK/stack"
SETUP_LOG="$WORK/setup.log"
mkdir -p "$STACK_DIR"
cp "$ROOT/docker-compose.yml" "$STACK_DIR/docker-compose.yml"

# Bind port 0 and let it go: the kernel's pick is free now; a race with another process in the
# next seconds is possible but rare (the same trick the integration tests use).
PORT="$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
[[ "$PORT" =~ ^[0-9]+$ ]] || die "could not pick a free port"

FAILED=0
PASSED=0
SETUP_PID=
pass() {
  PASSED=$((PASSED + 1))
  printf 'PASS %s\n' "$1"
}
fail() {
  FAILED=$((FAILED + 1))
  printf 'FAIL %s\n' "$1"
  if [[ -n "${2:-}" ]]; then printf '%s\n' "$2" | redact | tail -n 20 | sed 's/^/     /'; fi
}

# compose with the stack's files and project, from the stack folder (where it reads .env).
dc() {
  local files=(-f "$STACK_DIR/docker-compose.yml")
  if [[ -f "$STACK_DIR/docker-compose.extra.yml" ]]; then
    files+=(-f "$STACK_DIR/docker-compose.extra.yml")
  fi
  (cd "$STACK_DIR" && timeout "$STEP_TIMEOUT_S" "${COMPOSE[@]}" -p "$PROJECT" "${files[@]}" "$@" </dev/null)
}

env_value() {
  # .env values are written unquoted (docker/stack/env-file.ts); the last assignment wins.
  sed -n "s/^$1=//p" "$STACK_DIR/.env" 2>/dev/null | tail -n 1
}

cleanup() {
  local code=$?
  trap - EXIT INT TERM
  if [[ -n "${SETUP_PID:-}" ]] && kill -0 "$SETUP_PID" 2>/dev/null; then
    log "stopping the setup"
    kill -TERM "$SETUP_PID" 2>/dev/null || true
    wait "$SETUP_PID" 2>/dev/null || true
  fi
  if [[ "${OPENCLAW_E2E_KEEP:-}" == "1" ]]; then
    log "kept: project $PROJECT in $STACK_DIR (remove: cd '$STACK_DIR' && ${COMPOSE[*]} -p $PROJECT --profile cli down -v; rm -rf '$WORK')"
    exit "$code"
  fi
  if [[ -f "$STACK_DIR/.env" ]]; then
    dc --profile cli down -v --remove-orphans -t 5 >/dev/null 2>&1 || log "compose down failed; removing by label"
  fi
  # Whatever compose left behind (a failed `down`, a one-off container of an interrupted run).
  local ids
  ids="$(docker ps -aq --filter "label=com.docker.compose.project=$PROJECT" 2>/dev/null || true)"
  if [[ -n "$ids" ]]; then
    # shellcheck disable=SC2086 # word splitting of the id list is intended
    docker rm -f $ids >/dev/null 2>&1 || true
  fi
  ids="$(docker volume ls -q --filter "label=com.docker.compose.project=$PROJECT" 2>/dev/null || true)"
  if [[ -n "$ids" ]]; then
    # shellcheck disable=SC2086
    docker volume rm -f $ids >/dev/null 2>&1 || true
  fi
  docker network rm "${PROJECT}_default" >/dev/null 2>&1 || true
  # The config folder belongs to uid 1000 after setup: as another non-root user only a root
  # one-shot in the image can delete it.
  if ! rm -rf "$WORK" 2>/dev/null; then
    local image
    image="$(env_value OPENCLAW_IMAGE)"
    docker run --rm --network none --user 0 --entrypoint sh -v "$WORK:/cleanup" \
      "${image:-openclaw:local}" -c 'rm -rf /cleanup/* /cleanup/.[!.]*' >/dev/null 2>&1 || true
    rm -rf "$WORK" 2>/dev/null || log "could not remove $WORK"
  fi
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

log "project $PROJECT, port $PORT, compose: ${COMPOSE[*]}, folders in $WORK"

# 1. The setup, exactly as documented, with no stdin. Only the inputs this test chooses are set:
# the caller's own OPENCLAW_* settings (a token, extra mounts, a home volume) must not leak in.
# In the background with `wait`: bash runs a trap only after a foreground command returns, so
# Ctrl-C or a TERM from a test runner would otherwise wait for the whole setup before cleaning up.
setup_ok=0
(
  cd "$ROOT" &&
    exec env -u OPENCLAW_GATEWAY_TOKEN -u OPENCLAW_EXTRA_MOUNTS -u OPENCLAW_HOME_VOLUME \
      -u OPENCLAW_GATEWAY_BIND -u COMPOSE_PROJECT_NAME -u COMPOSE_FILE \
      OPENCLAW_CONFIG_DIR="$CONFIG_DIR" \
      OPENCLAW_WORKSPACE_DIR="$WORKSPACE_DIR" \
      OPENCLAW_GATEWAY_PORT="$PORT" \
      timeout "$SETUP_TIMEOUT_S" ./docker-setup.sh --non-interactive \
      --stack-dir "$STACK_DIR" --project-name "$PROJECT"
) </dev/null >"$SETUP_LOG" 2>&1 &
SETUP_PID=$!
if wait "$SETUP_PID"; then
  setup_ok=1
  pass "docker-setup.sh --non-interactive (project $PROJECT, port $PORT)"
else
  fail "docker-setup.sh --non-interactive exited non-zero (transcript below)"
fi
SETUP_PID=
redact <"$SETUP_LOG" | sed 's/^/     | /' >&2

if [[ "$setup_ok" == "1" ]]; then
  TOKEN="$(env_value OPENCLAW_GATEWAY_TOKEN)"
  if [[ -n "$TOKEN" && "$(env_value COMPOSE_PROJECT_NAME)" == "$PROJECT" ]]; then
    pass ".env holds a token and COMPOSE_PROJECT_NAME=$PROJECT"
  else
    fail ".env lacks the token or the project name" "$(grep -v '^OPENCLAW_GATEWAY_TOKEN=' "$STACK_DIR/.env" || true)"
  fi
  if [[ -f "$CONFIG_DIR/openclaw.json" ]]; then
    pass "onboard wrote openclaw.json into the config folder with a space in its path"
  else
    fail "no openclaw.json in '$CONFIG_DIR'"
  fi

  # 2. health through the running gateway container (the command setup prints).
  # No --token: the container's OPENCLAW_GATEWAY_TOKEN reaches the config's SecretRef, and a
  # token on a command line would show in the process list.
  if out="$(dc exec -T openclaw-gateway node /app/gateway/openclaw.mjs health 2>&1)" &&
    grep -qi 'healthy' <<<"$out"; then
    pass "compose exec openclaw-gateway … health"
  else
    fail "compose exec openclaw-gateway … health" "$out"
  fi

  # 3. the CLI container shares the gateway's network and reaches it on 127.0.0.1:18789.
  if out="$(dc run --rm -T openclaw-cli devices list 2>&1)"; then
    pass "compose run --rm openclaw-cli devices list"
  else
    fail "compose run --rm openclaw-cli devices list" "$out"
  fi

  # 4. the dashboard URL: the host port and the token in the fragment.
  if out="$(dc run --rm -T openclaw-cli dashboard --no-open 2>&1)" &&
    grep -Eq "http://(127\.0\.0\.1|localhost):$PORT/[^[:space:]]*#token=[^[:space:]]+" <<<"$out"; then
    pass "compose run --rm openclaw-cli dashboard --no-open prints http://…:$PORT/#token=…"
  else
    fail "dashboard --no-open printed no URL with #token= for port $PORT" "$out"
  fi

  # 5. liveness from the host through the published port.
  if out="$(curl -fsS --max-time 10 "http://127.0.0.1:$PORT/healthz" 2>&1)"; then
    pass "curl http://127.0.0.1:$PORT/healthz"
  else
    fail "curl http://127.0.0.1:$PORT/healthz" "$out"
  fi

  # 6. published on loopback only (compose's port mapping, not a guess from a connect attempt).
  if out="$(dc port openclaw-gateway 18789 2>&1)" && [[ "$(tr -d '\r' <<<"$out")" == "127.0.0.1:$PORT" ]]; then
    pass "port published on 127.0.0.1:$PORT only"
  else
    fail "port mapping is not 127.0.0.1:$PORT" "$out"
  fi

  if ((FAILED > 0)); then
    log "gateway logs (last 40 lines):"
    dc logs --no-color --tail 40 openclaw-gateway 2>&1 | redact | sed 's/^/     | /' >&2 || true
  fi
fi

# 7. tear down like a user would; the trap still sweeps anything left over.
if [[ -f "$STACK_DIR/.env" ]]; then
  if out="$(dc --profile cli down -v --remove-orphans -t 5 2>&1)" &&
    [[ -z "$(docker ps -aq --filter "label=com.docker.compose.project=$PROJECT")" ]]; then
    pass "compose down -v removed the stack"
  else
    fail "compose down -v left containers behind" "$out"
  fi
fi

printf '%d passed, %d failed\n' "$PASSED" "$FAILED"
if ((FAILED > 0)); then exit 1; fi
