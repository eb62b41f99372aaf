/** The human form of a sandbox listing (the JSON form is the listing itself). */
import type { SandboxListing, SandboxRow } from './sandbox-inventory.js';

/** `just now`, `12m`, `3h`, `2d 4h`: coarse on purpose, it answers "is this still used?". */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h`;
  const days = Math.floor(hours / 24);
  const rest = hours % 24;
  return rest === 0 ? `${days}d` : `${days}d ${rest}h`;
}

function matchText(row: SandboxRow): string {
  if (row.configMatch === 'yes') return 'matches config';
  const note = row.configNote ? ` (${row.configNote})` : '';
  return row.configMatch === 'no' ? `differs from config${note}` : `unknown${note}`;
}

export function formatSandboxRow(row: SandboxRow, nowMs: number): string {
  const idle = nowMs - row.lastUsedAtMs;
  const age = nowMs - row.createdAtMs;
  return [
    `${row.containerName}  ${row.state}`,
    `  agent ${row.agentId ?? '?'}, scope key ${row.scopeKey || '?'}`,
    `  image ${row.image}: ${matchText(row)}`,
    `  created ${age < 60_000 ? 'just now' : `${formatDuration(age)} ago`}, ${idle < 60_000 ? 'used just now' : `idle ${formatDuration(idle)}`}`,
  ].join('\n');
}

export function formatSandboxListing(
  listing: SandboxListing,
  nowMs: number,
  options: { browser?: boolean; sandboxingOff?: boolean } = {},
): string {
  const rows = options.browser ? listing.browsers : listing.containers;
  if (options.browser && rows.length === 0)
    return 'No browser sandboxes. One starts when a sandboxed run with agents.*.sandbox.browser.enabled first uses the browser tool.';
  if (rows.length === 0)
    return options.sandboxingOff
      ? 'No sandbox containers, and sandboxing is off in this config (agents.defaults.sandbox.mode).'
      : 'No sandbox containers. They are created when a sandboxed agent run starts.';
  const running = rows.filter((r) => r.state === 'running').length;
  const differing = rows.filter((r) => r.configMatch === 'no').length;
  const lines = rows.map((r) => formatSandboxRow(r, nowMs));
  lines.push('', `Total: ${rows.length} (${running} running)`);
  if (differing > 0)
    lines.push(
      `${differing} container(s) differ from the config; they are recreated when idle, or now with: openclaw sandbox recreate --all${options.browser ? ' --browser' : ''}`,
    );
  return lines.join('\n');
}
