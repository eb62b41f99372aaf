#!/usr/bin/env bash
# Mints one noVNC link for the browser sandbox: prints "<token> <vnc password>". The token lets
# exactly one viewer connection through websockify (the openclaw_novnc_tokens plugin consumes it on
# first use) and expires after 10 minutes unused; the sandbox engine builds the link from both.
set -euo pipefail
dir="$HOME/.vnc/tokens"
[[ -d "$dir" && -r "$HOME/.vnc/password" ]] || {
  echo "openclaw-novnc-link: noVNC is not running in this container (headless?)" >&2
  exit 1
}
# tr dies of SIGPIPE once head has enough; that is the normal end here, not a failure.
token="$(
  set +o pipefail
  LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom | head -c 32
)"
[[ ${#token} -eq 32 ]] || exit 1
umask 077
find "$dir" -type f -mmin +10 -delete 2>/dev/null || true
printf 'localhost:%s\n' "${OPENCLAW_BROWSER_VNC_PORT:-5900}" >"$dir/.$token"
mv -f "$dir/.$token" "$dir/$token"
printf '%s %s\n' "$token" "$(head -n 1 "$HOME/.vnc/password")"
