# shellcheck shell=bash
# Shared helpers for the engine provisioning and base-image scripts.
# Sourced, never executed: it defines functions and sets nothing but the `engine_` prefix names.
# Everything here must work under `set -euo pipefail` with no stdin (CI runs that way).

engine_log() {
  printf '[%s] %s\n' "${ENGINE_LOG_TAG:-openclaw}" "$*" >&2
}

engine_die() {
  engine_log "error: $*"
  exit 1
}

# True when a Docker engine answers. `docker info` rather than `docker version`: the latter
# succeeds on the client half alone and would hide a dead daemon.
engine_ready() {
  command -v docker >/dev/null 2>&1 || return 1
  docker info >/dev/null 2>&1
}

# Waits up to $1 seconds for the engine. With $2 (a pid), gives up early once that process has
# exited, so a dockerd that died at start-up is reported in seconds rather than after the timeout.
engine_wait() {
  local seconds="$1" pid="${2:-}" waited=0
  while ((waited < seconds)); do
    if engine_ready; then
      return 0
    fi
    if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then
      return 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
  engine_ready
}

engine_is_root() {
  [[ "$(id -u)" == "0" ]]
}

engine_has_apt() {
  command -v apt-get >/dev/null 2>&1 && command -v dpkg-query >/dev/null 2>&1
}

# True when the Debian package $1 is installed (not merely known or half-removed).
engine_pkg_installed() {
  [[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" == "installed" ]]
}

# Installs the given Debian packages, running `apt-get update` at most once per process.
# The lock timeout lets a concurrent apt run (unattended upgrades, a CI warm-up step) finish
# instead of failing straight away on the dpkg lock.
ENGINE_APT_UPDATED=0
engine_apt_install() {
  ((ENGINE_APT_UPDATED == 1)) || {
    engine_log "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -q </dev/null
    ENGINE_APT_UPDATED=1
  }
  engine_log "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q \
    --no-install-recommends "$@" </dev/null
}

# Prints "<uri> <suite>" for every enabled `deb` source apt is configured with, one per line, from
# both the one-line (*.list) and the deb822 (*.sources) formats. apt reads only those two suffixes,
# so anything else in sources.list.d (e.g. "*.disabled") is ignored here too.
engine_apt_sources() {
  local file
  for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f "$file" ]] || continue
    # deb [opts] uri suite comps...  (the [opts] block is optional and has no spaces inside
    # in practice; strip it so the uri is always field 2)
    sed -e 's/#.*//' -e 's/\[[^]]*\]//' "$file" | awk '$1 == "deb" && NF >= 3 { print $2, $3 }'
  done
  for file in /etc/apt/sources.list.d/*.sources; do
    [[ -f "$file" ]] || continue
    # deb822 stanzas are separated by blank lines; one stanza may list several URIs and suites.
    awk '
      function flush() {
        if (types ~ /(^| )deb( |$)/ && enabled != "no") {
          n = split(uris, u, " "); m = split(suites, s, " ")
          for (i = 1; i <= n; i++) for (j = 1; j <= m; j++) print u[i], s[j]
        }
        types = ""; uris = ""; suites = ""; enabled = ""
      }
      /^[ \t]*#/ { next }
      /^[ \t]*$/ { flush(); next }
      {
        key = tolower($1); sub(/:$/, "", key); $1 = ""; sub(/^ +/, "")
        if (key == "types") types = $0
        else if (key == "uris") uris = $0
        else if (key == "suites") suites = $0
        else if (key == "enabled") enabled = tolower($0)
      }
      END { flush() }
    ' "$file"
  done
}

# The Debian mirror to build from: $DEBIAN_MIRROR, else the mirror apt already uses for the suite
# ($1, default bookworm), else any configured mirror whose path ends in /debian. Never a built-in
# host name: a machine that reaches only its own mirror must keep using that one.
engine_debian_mirror() {
  local suite="${1:-bookworm}" uri
  if [[ -n "${DEBIAN_MIRROR:-}" ]]; then
    printf '%s\n' "${DEBIAN_MIRROR%/}"
    return 0
  fi
  uri="$(engine_apt_sources | awk -v s="$suite" '$2 == s && $1 ~ /^https?:/ { print $1; exit }')"
  if [[ -z "$uri" ]]; then
    uri="$(engine_apt_sources | awk '$1 ~ /^https?:\/\/.*\/debian\/?$/ { print $1; exit }')"
  fi
  [[ -n "$uri" ]] || return 1
  printf '%s\n' "${uri%/}"
}

# The security mirror apt uses for "$1-security", or nothing (the base image then simply has no
# security line; callers may override with $DEBIAN_SECURITY_MIRROR).
engine_debian_security_mirror() {
  local suite="${1:-bookworm}"
  if [[ -n "${DEBIAN_SECURITY_MIRROR:-}" ]]; then
    printf '%s\n' "${DEBIAN_SECURITY_MIRROR%/}"
    return 0
  fi
  engine_apt_sources | awk -v s="${suite}-security" '$2 == s && $1 ~ /^https?:/ { sub(/\/$/, "", $1); print $1; exit }'
}

engine_image_exists() {
  docker image inspect "$1" >/dev/null 2>&1
}

# Human-readable size of a local image, as `docker images` would print it.
engine_image_size() {
  docker image inspect --format '{{.Size}}' "$1" 2>/dev/null |
    awk '{ printf "%.1f MB\n", $1 / 1000 / 1000 }'
}
