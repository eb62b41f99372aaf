#!/usr/bin/env bash
# Entry of the browser sandbox image: virtual display, Chromium with CDP, VNC and noVNC.
#
# Environment (defaults):
#   OPENCLAW_BROWSER_CDP_PORT 9222        CDP, relayed from Chromium's loopback-only port
#   OPENCLAW_BROWSER_CDP_SOURCE_RANGE ""  CIDR allowed to reach CDP (empty: any peer on the
#                                         container's network, which sandboxd keeps private)
#   OPENCLAW_BROWSER_NOVNC_PORT 6080      noVNC web client (websockify)
#   OPENCLAW_BROWSER_VNC_PORT 5900        VNC, bound to loopback (reached through noVNC only)
#   OPENCLAW_BROWSER_NOVNC_PASSWORD ""    VNC password (VNC uses the first 8 characters);
#                                         empty: a random one in ~/.vnc/password. Viewers also
#                                         need a one-time token from openclaw-novnc-link.
#   OPENCLAW_BROWSER_HEADLESS 0           1: Chromium --headless=new, no display, no VNC
#   OPENCLAW_BROWSER_NO_SANDBOX 0         1: Chromium without its own sandbox (needed when the
#                                         container may not create user namespaces)
# The container stops when any of its processes stops, so a crashed browser is noticed.
set -euo pipefail

CDP_PORT="${OPENCLAW_BROWSER_CDP_PORT:-9222}"
CDP_SOURCE_RANGE="${OPENCLAW_BROWSER_CDP_SOURCE_RANGE:-}"
NOVNC_PORT="${OPENCLAW_BROWSER_NOVNC_PORT:-6080}"
VNC_PORT="${OPENCLAW_BROWSER_VNC_PORT:-5900}"
HEADLESS="${OPENCLAW_BROWSER_HEADLESS:-0}"
NO_SANDBOX="${OPENCLAW_BROWSER_NO_SANDBOX:-0}"

die() {
  echo "openclaw-sandbox-browser: $*" >&2
  exit 1
}

for pair in "OPENCLAW_BROWSER_CDP_PORT=$CDP_PORT" "OPENCLAW_BROWSER_NOVNC_PORT=$NOVNC_PORT" \
  "OPENCLAW_BROWSER_VNC_PORT=$VNC_PORT"; do
  value="${pair#*=}"
  if ! [[ "$value" =~ ^[0-9]{1,5}$ ]] || ((value < 1 || value > 65535)); then
    die "${pair%%=*} must be a port number (1-65535), got '$value'"
  fi
done
if [[ -n "$CDP_SOURCE_RANGE" ]] && ! [[ "$CDP_SOURCE_RANGE" =~ ^[0-9a-fA-F:.]+/[0-9]{1,3}$ ]]; then
  die "OPENCLAW_BROWSER_CDP_SOURCE_RANGE must be a CIDR such as 172.30.0.0/16, got '$CDP_SOURCE_RANGE'"
fi
truthy() { [[ "${1,,}" =~ ^(1|true|yes|on)$ ]]; }

# Chromium listens on loopback only; socat exposes it on CDP_PORT (Chromium ignores a
# non-loopback --remote-debugging-address when it has a display).
if ((CDP_PORT == 65535)); then INTERNAL_CDP_PORT=65534; else INTERNAL_CDP_PORT=$((CDP_PORT + 1)); fi

export HOME="${HOME:-/home/sandbox}"
export XDG_CONFIG_HOME="$HOME/.config" XDG_CACHE_HOME="$HOME/.cache"
export DBUS_SESSION_BUS_ADDRESS=disabled:
mkdir -p "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME"

PIDS=()
stop_all() {
  trap - TERM INT
  kill -TERM "${PIDS[@]}" 2>/dev/null || true
  sleep 2
  kill -KILL "${PIDS[@]}" 2>/dev/null || true
}
trap 'stop_all; exit 143' TERM INT

chrome_flags=(
  "--remote-debugging-address=127.0.0.1"
  "--remote-debugging-port=$INTERNAL_CDP_PORT"
  "--user-data-dir=$HOME/.chrome"
  --no-first-run --no-default-browser-check --disable-dev-shm-usage
  --disable-background-networking --disable-breakpad --disable-crash-reporter
  --metrics-recording-only --password-store=basic --use-mock-keychain
  --disable-gpu --disable-extensions --renderer-process-limit=2
)
if truthy "$NO_SANDBOX"; then chrome_flags+=(--no-sandbox --disable-setuid-sandbox); fi

if truthy "$HEADLESS"; then
  chrome_flags+=(--headless=new)
else
  export DISPLAY=:1
  Xvfb :1 -screen 0 1280x800x24 -ac -nolisten tcp &
  PIDS+=($!)
  for _ in $(seq 1 50); do
    [[ -e /tmp/.X11-unix/X1 ]] && break
    sleep 0.1
  done
  [[ -e /tmp/.X11-unix/X1 ]] || die "the virtual display (Xvfb) did not start"
fi

chromium "${chrome_flags[@]}" about:blank &
PIDS+=($!)
CHROME_PID=$!
ready=0
for _ in $(seq 1 100); do
  kill -0 "$CHROME_PID" 2>/dev/null || die "Chromium exited during start-up (see the lines above)"
  if curl -fsS "http://127.0.0.1:$INTERNAL_CDP_PORT/json/version" >/dev/null 2>&1; then
    ready=1
    break
  fi
  sleep 0.2
done
((ready)) || die "Chromium did not open its DevTools port within 20 s"

relay="TCP-LISTEN:$CDP_PORT,fork,reuseaddr"
[[ -n "$CDP_SOURCE_RANGE" ]] && relay="$relay,range=$CDP_SOURCE_RANGE"
socat "$relay" "TCP:127.0.0.1:$INTERNAL_CDP_PORT" &
PIDS+=($!)
echo "openclaw-sandbox-browser: CDP on port $CDP_PORT"

if ! truthy "$HEADLESS"; then
  mkdir -p "$HOME/.vnc/tokens"
  chmod 700 "$HOME/.vnc" "$HOME/.vnc/tokens"
  password="${OPENCLAW_BROWSER_NOVNC_PASSWORD:-}"
  if [[ -z "$password" ]]; then
    password="$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  fi
  (umask 077 && printf '%s\n' "$password" >"$HOME/.vnc/password")
  x11vnc -storepasswd "$password" "$HOME/.vnc/passwd" >/dev/null 2>&1
  chmod 600 "$HOME/.vnc/passwd"
  unset password OPENCLAW_BROWSER_NOVNC_PASSWORD
  x11vnc -display :1 -rfbport "$VNC_PORT" -localhost -shared -forever -quiet \
    -rfbauth "$HOME/.vnc/passwd" &
  PIDS+=($!)
  # Viewers get through only with a one-time token from openclaw-novnc-link (see that script).
  PYTHONPATH=/usr/local/lib/openclaw websockify --web /usr/share/novnc/ \
    --token-plugin openclaw_novnc_tokens.OneTimeTokens --token-source "$HOME/.vnc/tokens" \
    "$NOVNC_PORT" &
  PIDS+=($!)
  echo "openclaw-sandbox-browser: noVNC on port $NOVNC_PORT (one-time links, password protected)"
fi

set +e
wait -n
status=$?
stop_all
exit "$status"
