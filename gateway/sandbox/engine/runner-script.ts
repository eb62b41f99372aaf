/**
 * The resident runner: one long-lived `sh` per sandbox container that starts commands for
 * sandboxd, so a warm command costs a few forks inside the container instead of a Docker exec
 * (create, start, inspect: tens of milliseconds before the command even runs).
 *
 * Only POSIX sh and coreutils (head, tail, wc, mkfifo, rm, mv): custom images work too.
 * Input waits in files that a feeder, woken through a second FIFO, copies into the command's.
 * It checks what it relies on at start and answers `NO` when something is missing; sandboxd then
 * uses one Docker exec per command, as before.
 *
 * Protocol. Requests arrive on stdin as a header line `OP ID A B C`, some followed by a payload
 * of exactly the announced bytes (`head -c` reads no further, so the next header is intact).
 * Only the main loop writes to stdout, answering R and T requests in the order they came;
 * commands ending are announced on stderr as one short line each (`D ID CODE OUTPUT`, OUTPUT 0
 * when the command printed nothing, so nothing needs reading), a single write
 * below PIPE_BUF, so concurrent ends never interleave. The ID doubles as the kill marker.
 *
 *   X id len mode  start `len` bytes of script; mode -1 stdin /dev/null, -2 stdin through a FIFO
 *                  fed by W requests, n ≥ 0 stdin is the next n bytes
 *   R id o|e off max   answer `n size\n` + up to max bytes of stdout/stderr from byte off
 *   T id max       answer `so sn eo en\n` + both streams capped to max (head and tail kept)
 *   W id len seq   the next input chunk (seq counts from 0); E id: end of input
 *   K id len       run the `len` bytes of kill script in the background, again until the
 *                  command ends; `K ID` on stderr says it is done
 *   C id           forget the command's files (in batches)
 */
import { EXEC_MARKER_ENV, PATH_PREFIX } from './exec-runner.js';

export const RUNNER_SCRIPT = String.raw`
exec 4>&2 2>/dev/null
b=
for p in /tmp /var/tmp /run /dev/shm "$HOME"; do
  [ -n "$p" ] && [ -d "$p" ] && [ -w "$p" ] || continue
  t="$p/.openclaw-runner-$$"
  if mkdir -m 700 -p "$t" && mkfifo "$t/probe"; then rm -f "$t/probe"; b=$t; break; fi
done
ok=1
[ -n "$b" ] || ok=0
[ "$(printf abcdef | { head -c 2 >/dev/null; cat; })" = cdef ] || ok=0
[ "$(printf abc | tail -c +2 | head -c 1)" = b ] || ok=0
[ "$(printf abc | wc -c)" -eq 3 ] || ok=0
if [ $ok = 0 ]; then printf 'NO\n'; exit 0; fi
printf 'OK %s\n' "$b"
trap 'rm -rf -- "$b"' EXIT
size() { if [ -f "$1" ]; then wc -c < "$1"; else echo 0; fi; }
capped() {
  s=$(size "$1")
  if [ "$s" -le "$2" ]; then h=$s; t=0; else h=$(( ($2 + 1) / 2 )); t=$(( $2 / 2 )); fi
}
emit() {
  [ "$h" -gt 0 ] && head -c "$h" "$1"
  [ "$t" -gt 0 ] && tail -c +$(( $3 - $t + 1 )) "$1" | head -c "$t"
  return 0
}
feed() {
  # The files say what to do (w.N chunks, w.end, x: the command ended); a line on the bell wakes
  # the feeder to look. Rung before the feeder holds the bell open, a line is lost, so it looks
  # once after opening it.
  exec 3>"$1/f" 5<>"$1/b"
  k=0
  while :; do
    while [ -f "$1/w.$k" ]; do cat "$1/w.$k" >&3 || return; rm -f "$1/w.$k"; k=$((k + 1)); done
    [ -f "$1/w.end" ] || [ -f "$1/x" ] && return
    read -r m <&5 || return
  done
}
g=; n=0
while IFS=' ' read -r op id a1 a2 a3; do
  case $id in ''|*/*|*.*) continue;; esac
  d="$b/$id"
  case $op in
  X)
    if ! mkdir "$d"; then
      head -c "$a1" >/dev/null; [ "$a2" -gt 0 ] && head -c "$a2" >/dev/null
      printf 'D %s 125\n' "$id" >&4; continue
    fi
    head -c "$a1" > "$d/c"
    in=/dev/null
    [ "$a2" -ge 0 ] && { head -c "$a2" > "$d/i"; in="$d/i"; }
    [ "$a2" = -2 ] && mkfifo "$d/f" "$d/b" && in="$d/f"
    # Everything else happens off the main loop, which many sessions' commands share.
    { [ -p "$d/b" ] && { feed "$d" >/dev/null 2>&1 4>&- & }
      ( . "$d/c" ) < "$in" > "$d/o" 2> "$d/e" 4>&-; r=$?; : > "$d/x"
      [ -p "$d/b" ] && echo x 1<>"$d/b"
      f=0; [ -s "$d/o" ] || [ -s "$d/e" ] && f=1
      printf 'D %s %s %s\n' "$id" "$r" "$f" >&4; } >/dev/null 2>&1 &
    ;;
  R)
    s=$(size "$d/$a1"); n=$((s - a2)); [ $n -lt 0 ] && n=0; [ $n -gt "$a3" ] && n=$a3
    printf '%s %s\n' "$n" "$s"
    [ $n -gt 0 ] && tail -c +$((a2 + 1)) "$d/$a1" | head -c "$n"
    ;;
  T)
    capped "$d/o" "$a1"; os=$s; oh=$h; ot=$t
    capped "$d/e" "$a1"; es=$s; eh=$h; et=$t
    printf '%s %s %s %s\n' "$os" $((oh + ot)) "$es" $((eh + et))
    h=$oh; t=$ot; emit "$d/o" x "$os"
    h=$eh; t=$et; emit "$d/e" x "$es"
    ;;
  W)
    if [ -p "$d/b" ]; then head -c "$a1" > "$d/w.tmp" && mv -f "$d/w.tmp" "$d/w.$a2" && echo w 1<>"$d/b"
    else head -c "$a1" >/dev/null; fi
    ;;
  E) [ -p "$d/b" ] && : > "$d/w.end" && echo e 1<>"$d/b" ;;
  K)
    # Again until the command is reported ended: one just started may not carry its marker yet.
    head -c "$a1" > "$b/k.$id"
    { i=0; while [ $i -lt 30 ]; do /bin/sh "$b/k.$id"; [ -d "$d" ] && [ ! -f "$d/x" ] || break; sleep 0.1 || sleep 1; i=$((i + 1)); done; rm -f "$b/k.$id"; printf 'K %s\n' "$id" >&4; } >/dev/null 2>&1 &
    ;;
  C)
    # Forgotten in batches: one rm for many commands keeps forks off the warm path.
    g="$g $id"; n=$((n + 1))
    if [ $n -ge 16 ]; then (cd "$b" && rm -rf -- $g); g=; n=0; fi
    ;;
  Q) break ;;
  esac
done
# sandboxd went away: nobody can follow what still runs, so it ends with the runner.
for d in "$b"/*; do
  [ -d "$d" ] && [ ! -f "$d/x" ] || continue
  m=$(basename -- "$d")
  for p in /proc/[0-9]*; do
    tr '\0' '\n' < "$p/environ" | grep -qx "${EXEC_MARKER_ENV}=$m" && kill -9 "$(basename -- "$p")"
  done
done
`;

const quote = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`;

/** Names `export` accepts; anything else goes through a Docker exec, which takes any name. */
export const SHELL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The script the runner starts for one command: the working folder, the variables (the marker
 * first, so everything the command starts carries it), then the same login shell a Docker exec
 * runs. A per-call PATH goes first; the container's own prepend follows it.
 */
export function commandScript(request: {
  id: string;
  command: string;
  workdir?: string;
  env?: Record<string, string>;
}): string {
  const lines: string[] = [];
  if (request.workdir)
    lines.push(
      `cd -- ${quote(request.workdir)} || { echo "sandbox: cannot enter the working folder ${request.workdir.replace(/["$`\\]/g, '')}" >&2; exit 126; }`,
    );
  lines.push(`export ${EXEC_MARKER_ENV}=${quote(request.id)}`);
  const env = { ...request.env };
  let prefix = '';
  if (env.PATH !== undefined) {
    prefix = `PATH="${'$'}{OPENCLAW_CALL_PATH}:$PATH"; export PATH; unset OPENCLAW_CALL_PATH; `;
    env.OPENCLAW_CALL_PATH = env.PATH;
    delete env.PATH;
  }
  for (const [key, value] of Object.entries(env)) lines.push(`export ${key}=${quote(value)}`);
  lines.push(`exec /bin/sh -lc ${quote(`${PATH_PREFIX}${prefix}${request.command}`)}`);
  return `${lines.join('\n')}\n`;
}
