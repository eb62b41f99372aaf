#!/usr/bin/env bash
# Makes sure a Docker engine answers `docker info`, for CI and for developers.
#
#   scripts/provision-engine.sh
#
# - An engine already answers: does nothing.
# - Root on Debian/Ubuntu: installs what is missing of docker.io and docker-compose, starts
#   dockerd in the background (systemd when it runs, else a detached dockerd with its log in a
#   file) and waits for it.
# - Anything else: prints how to get an engine and exits 1. It never asks questions.
#
# Environment:
#   DOCKERD_LOG                  dockerd's log file (default /var/log/dockerd.log)
#   DOCKERD_ARGS                 extra dockerd flags; when set, no automatic fallbacks are tried
#   OPENCLAW_ENGINE_WAIT_SECONDS how long to wait for the engine per attempt (default 60)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ENGINE_LOG_TAG="provision-engine"
# shellcheck source-path=SCRIPTDIR source=lib/engine.sh
source "$SCRIPT_DIR/lib/engine.sh"

DOCKERD_LOG="${DOCKERD_LOG:-/var/log/dockerd.log}"
WAIT_SECONDS="${OPENCLAW_ENGINE_WAIT_SECONDS:-60}"
[[ "$WAIT_SECONDS" =~ ^[0-9]+$ ]] || engine_die "OPENCLAW_ENGINE_WAIT_SECONDS must be a whole number of seconds"

print_instructions() {
  local os
  os="$(uname -s 2>/dev/null || echo unknown)"
  cat >&2 <<EOF

No Docker engine is reachable (\`docker info\` failed), and this script can only install one as
root on Debian or Ubuntu. To get an engine:
EOF
  case "$os" in
    Darwin)
      cat >&2 <<'EOF'
  macOS:   install Docker Desktop (https://docs.docker.com/desktop/) and start it once, or
           `brew install colima docker docker-compose && colima start` (or OrbStack / Rancher
           Desktop). Then run `docker info` to check.
EOF
      ;;
    MINGW* | MSYS* | CYGWIN* | Windows_NT)
      cat >&2 <<'EOF'
  Windows: install Docker Desktop (https://docs.docker.com/desktop/) with the WSL 2 backend and
           start it once (or Rancher Desktop). Then run `docker info` to check.
EOF
      ;;
    *)
      cat >&2 <<'EOF'
  Debian/Ubuntu: sudo apt-get install docker.io docker-compose
                 then `sudo systemctl start docker` (or run this script with sudo), and
                 `sudo usermod -aG docker "$USER"` + log in again to use it without sudo.
  Fedora/RHEL:   sudo dnf install moby-engine docker-compose && sudo systemctl start docker
  Arch:          sudo pacman -S docker docker-compose && sudo systemctl start docker
  Rootless:      see https://docs.docker.com/engine/security/rootless/
  Or Docker Desktop for Linux: https://docs.docker.com/desktop/
EOF
      ;;
  esac
  if [[ -n "${DOCKER_HOST:-}" ]]; then
    printf '\nNote: DOCKER_HOST is set to %s; unset it to use the local socket.\n' "$DOCKER_HOST" >&2
  fi
}

install_missing_packages() {
  local missing=()
  # The daemon binary decides docker.io: a client from elsewhere (e.g. /usr/local/bin/docker)
  # is fine to keep, but without dockerd there is nothing to start.
  if ! command -v dockerd >/dev/null 2>&1 || ! command -v docker >/dev/null 2>&1; then
    engine_pkg_installed docker.io || missing+=(docker.io)
  fi
  # Compose v2 (the plugin) is as good as v1; only install v1 when neither is there.
  if ! command -v docker-compose >/dev/null 2>&1 && ! docker compose version >/dev/null 2>&1; then
    engine_pkg_installed docker-compose || missing+=(docker-compose)
  fi
  if ((${#missing[@]} > 0)); then
    engine_apt_install "${missing[@]}"
  else
    engine_log "docker.io and compose already installed"
  fi
  command -v dockerd >/dev/null 2>&1 || engine_die "dockerd is still missing after installing docker.io"
}

dockerd_pid() {
  local pid
  pid="$(cat /var/run/docker.pid 2>/dev/null || true)"
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    printf '%s\n' "$pid"
  fi
}

# Starts dockerd with the given extra flags, detached from this script's process group and with
# every stream redirected, so neither a CI runner reading our output nor a job-control kill of
# this script's group waits on or takes down the daemon. Prints the daemon's pid.
start_dockerd() {
  mkdir -p "$(dirname "$DOCKERD_LOG")"
  {
    printf '\n===== %s dockerd %s =====\n' "$(date -u +%FT%TZ)" "$*"
  } >>"$DOCKERD_LOG"
  # A stale pid file from a killed daemon makes dockerd refuse to start.
  if [[ -f /var/run/docker.pid ]] && [[ -z "$(dockerd_pid)" ]]; then
    rm -f /var/run/docker.pid
  fi
  setsid dockerd "$@" </dev/null >>"$DOCKERD_LOG" 2>&1 &
  printf '%s\n' "$!"
}

# The log lines since our last start marker, so an old failure does not confuse the diagnosis.
last_run_log() {
  awk '/^===== .* dockerd / { buf = "" } { buf = buf $0 "\n" } END { printf "%s", buf }' "$DOCKERD_LOG" 2>/dev/null || true
}

try_start() {
  local pid
  engine_log "starting dockerd ${*:-(default flags)}; log: $DOCKERD_LOG"
  pid="$(start_dockerd "$@")"
  if engine_wait "$WAIT_SECONDS" "$pid"; then
    engine_log "engine ready (dockerd pid $pid)"
    return 0
  fi
  if kill -0 "$pid" 2>/dev/null; then
    # Alive but not answering within the limit: stop it so a retry does not fight over the socket.
    engine_log "dockerd did not answer within ${WAIT_SECONDS}s; stopping it"
    kill "$pid" 2>/dev/null || true
    local tries=15
    while ((tries > 0)) && kill -0 "$pid" 2>/dev/null; do
      sleep 1
      tries=$((tries - 1))
    done
    kill -9 "$pid" 2>/dev/null || true
  else
    engine_log "dockerd exited during start-up"
  fi
  return 1
}

show_log_tail() {
  engine_log "last lines of $DOCKERD_LOG:"
  last_run_log | tail -n 40 >&2
}

start_with_systemd() {
  [[ -d /run/systemd/system ]] && command -v systemctl >/dev/null 2>&1 || return 1
  engine_log "starting docker through systemd"
  systemctl start docker </dev/null || return 1
  engine_wait "$WAIT_SECONDS"
}

main() {
  if engine_ready; then
    engine_log "engine already reachable; nothing to do"
    return 0
  fi
  if [[ "$(uname -s)" != "Linux" ]] || ! engine_is_root || ! engine_has_apt; then
    print_instructions
    return 1
  fi

  install_missing_packages
  # Installing docker.io may itself have started the service (systemd hosts).
  if engine_ready; then
    engine_log "engine ready"
    return 0
  fi
  if start_with_systemd; then
    engine_log "engine ready (systemd)"
    return 0
  fi

  # A daemon left running from before (e.g. still initialising) gets the full wait first.
  local running
  running="$(dockerd_pid)"
  if [[ -n "$running" ]]; then
    engine_log "dockerd (pid $running) is already running; waiting for it"
    if engine_wait "$WAIT_SECONDS" "$running"; then
      engine_log "engine ready"
      return 0
    fi
    engine_die "dockerd pid $running is running but does not answer; see $DOCKERD_LOG"
  fi

  if [[ -n "${DOCKERD_ARGS:-}" ]]; then
    # shellcheck disable=SC2086 # word splitting of the user's flag list is intended
    try_start $DOCKERD_ARGS && return 0
    show_log_tail
    return 1
  fi

  try_start && return 0
  # Fallbacks add up: each one answers what the previous attempt's log complained about.
  local log flags=()
  log="$(last_run_log)"
  # Kernels without the netfilter modules dockerd wants (some VMs, gVisor, WSL builds) fail at
  # the iptables step. Without iptables management containers still run and `--network host`
  # builds still reach the network, which is all CI needs.
  if grep -qiE 'iptables|nf_tables|netfilter' <<<"$log"; then
    flags+=(--iptables=false --ip6tables=false)
    engine_log "retrying without iptables management"
    try_start "${flags[@]}" && return 0
    log="$(last_run_log)"
  fi
  # No bridge module: containers can still use --network host / none.
  if grep -qiE 'docker0|bridge' <<<"$log"; then
    flags+=(--bridge=none)
    engine_log "retrying without the default bridge network"
    try_start "${flags[@]}" && return 0
    log="$(last_run_log)"
  fi
  # Roots on overlayfs (Docker-in-Docker, some CI runners) cannot host overlay2.
  if grep -qiE 'overlay|storage.driver|graphdriver' <<<"$log"; then
    flags+=(--storage-driver=vfs)
    engine_log "retrying with the vfs storage driver (slow but works on any filesystem)"
    try_start "${flags[@]}" && return 0
  fi
  show_log_tail
  engine_die "could not start dockerd; the log above says why (set DOCKERD_ARGS to pass flags)"
}

main "$@"
