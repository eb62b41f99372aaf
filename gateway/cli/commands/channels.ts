/**
 * `openclaw channels list|status|add|remove|start|stop|login|logout|qr-preview`. `list` reads the config
 * file only; `status` asks the running gateway (`channels.status`) and, when none answers, shows
 * what the config says with a note; the rest live in their own files.
 */
import { loadConfigSnapshot } from '../../config/config-store.js';
import type { Env, StatePaths } from '../../config/paths.js';
import { CHANNEL_IDS } from '../../channels/contract.js';
import type { ChannelAccountStatus, ChannelsStatus } from '../../channels/service-api.js';
import { errorMessage } from '../../infra/errors.js';
import { createOutput, parseCommandArgs, parseDurationMs } from '../args.js';
import { REMOTE_OPTIONS, resolveTarget } from '../remote.js';
import { callChannels, isUnreachable } from './channels-gateway.js';
import {
  CHANNEL_LABELS,
  configuredAccounts,
  formatAccountLine,
  parseChannel,
  usageError,
  type ConfiguredAccount,
} from './channels-config.js';

export const CHANNELS_USAGE = `openclaw channels <command>
  list [--all] [--json]                        configured channels and accounts (from the config)
  status [--channel c] [--probe] [--timeout ms] [--json]   live state from the running gateway
  add --channel telegram|discord|whatsapp [--account id] [--name n]
      [--token t | --token-file f | --use-env] [--auth-dir d]
  remove --channel c [--account id] [--delete]   disable (or with --delete remove) an account
  start --channel c [--account id]             start an account again (after fixing what stopped it)
  stop --channel c [--account id]              stop an account until start or a restart
  login [--channel whatsapp] [--account id] [--verbose]   link WhatsApp by scanning a QR code
  logout [--channel c] [--account id]          forget a channel's login (WhatsApp credentials)
  qr-preview <text>                            draw a QR code here (checks the terminal)
common: --url ws://… --token T --password P (gateway) --json`;

export async function channels(argv: string[], env: Env, paths: StatePaths): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== undefined && (rest.includes('--help') || rest.includes('-h'))) {
    const usage =
      sub === 'add'
        ? (await import('./channels-add.js')).ADD_USAGE
        : CHANNELS_USAGE.split('\n').find((line) => line.trim().startsWith(`${sub} `));
    process.stdout.write(
      `${usage ? `Usage: ${sub === 'add' ? usage : `openclaw channels ${usage.trim()}`}` : CHANNELS_USAGE}\n`,
    );
    return 0;
  }
  switch (sub) {
    case 'list':
      return channelsList(rest, env, paths);
    case 'status':
      return channelsStatus(rest, env, paths);
    case 'add':
      return (await import('./channels-add.js')).channelsAdd(rest, env, paths);
    case 'remove':
      return (await import('./channels-remove.js')).channelsRemove(rest, env, paths);
    case 'start':
    case 'stop':
      return (await import('./channels-run.js')).channelsStartStop(sub, rest, env, paths);
    case 'login':
      return (await import('./channels-login.js')).channelsLogin(rest, env, paths);
    case 'logout':
      return (await import('./channels-login.js')).channelsLogout(rest, env, paths);
    case 'qr-preview':
      return (await import('./channels-login.js')).channelsQrPreview(rest);
    case undefined:
    case '--help':
    case 'help':
      process.stdout.write(`${CHANNELS_USAGE}\n`);
      return sub === undefined ? 2 : 0;
    default:
      throw usageError(`unknown channels command "${sub}"`, CHANNELS_USAGE);
  }
}

async function readAccounts(env: Env, paths: StatePaths, channel?: (typeof CHANNEL_IDS)[number]) {
  const snapshot = await loadConfigSnapshot(paths, env);
  return configuredAccounts(snapshot.config, env, paths, channel);
}

export async function channelsList(argv: string[], env: Env, paths: StatePaths): Promise<number> {
  const usage = 'openclaw channels list [--all] [--json]';
  const { values, positionals } = parseCommandArgs(
    argv,
    { all: { type: 'boolean' }, json: { type: 'boolean' } },
    usage,
  );
  if (positionals.length > 0) throw usageError(`unexpected argument "${positionals[0]}"`, usage);
  const out = createOutput(values.json === true);
  const rows = await readAccounts(env, paths);
  const missing = CHANNEL_IDS.filter((c) => !rows.some((r) => r.channel === c));
  out.result(
    {
      configPath: paths.configPath,
      accounts: rows,
      ...(values.all ? { notConfigured: missing } : {}),
    },
    () => {
      const lines = [`Channels (${paths.configPath}):`];
      if (rows.length === 0) lines.push('  none configured');
      lines.push(...rows.map(formatAccountLine));
      if (values.all && missing.length > 0) {
        lines.push('Not configured:');
        for (const channel of missing) {
          lines.push(`  ${CHANNEL_LABELS[channel]}: openclaw channels add --channel ${channel} …`);
        }
      } else if (rows.length === 0) {
        lines.push(
          'Add one: openclaw channels add --channel telegram --token <token> (or discord, whatsapp)',
        );
      }
      return lines.join('\n');
    },
  );
  return 0;
}

function ago(ms: number | null | undefined, now: number): string | undefined {
  if (typeof ms !== 'number') return undefined;
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 90) return `${s} s ago`;
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  return `${Math.round(s / 3600)} h ago`;
}

export function formatStatusAccount(
  channel: string,
  a: ChannelAccountStatus,
  now = Date.now(),
): string[] {
  const label = CHANNEL_LABELS[channel as keyof typeof CHANNEL_LABELS] ?? channel;
  const state = !a.enabled
    ? 'disabled'
    : !a.configured
      ? 'not configured'
      : a.linked === false
        ? 'not linked'
        : a.connected
          ? 'connected'
          : a.running
            ? 'running, not connected'
            : 'stopped';
  const facts = [
    a.identity ? `as ${a.identity}` : undefined,
    a.tokenSource ? `token: ${a.tokenSource}` : undefined,
    `dmPolicy ${a.dmPolicy}`,
    a.reconnectAttempts > 0 ? `${a.reconnectAttempts} reconnect attempts` : undefined,
    ago(a.lastInboundAt, now) ? `last in ${ago(a.lastInboundAt, now)}` : undefined,
    ago(a.lastOutboundAt, now) ? `last out ${ago(a.lastOutboundAt, now)}` : undefined,
  ].filter(Boolean);
  const lines = [`  ${label} ${a.accountId}: ${state} (${facts.join(', ')})`];
  if (a.lastError) lines.push(`    last error: ${a.lastError}`);
  const probe = a.probe as { ok?: boolean; identity?: string; error?: string } | undefined;
  if (probe)
    lines.push(
      probe.ok
        ? `    probe: ok${probe.identity ? ` (${probe.identity})` : ''}`
        : `    probe: failed: ${probe.error ?? 'no answer'}`,
    );
  return lines;
}

export function formatStatus(status: ChannelsStatus, now = Date.now()): string {
  const lines = ['Channels (from the gateway):'];
  for (const channel of status.channelOrder) {
    for (const account of status.channelAccounts[channel] ?? []) {
      lines.push(...formatStatusAccount(channel, account, now));
    }
  }
  if (lines.length === 1) {
    lines.push('  none configured: openclaw channels add --channel telegram --token <token>');
  }
  for (const warning of status.warnings ?? []) lines.push(`warning: ${warning}`);
  return lines.join('\n');
}

export async function channelsStatus(argv: string[], env: Env, paths: StatePaths): Promise<number> {
  const usage = 'openclaw channels status [--channel c] [--probe] [--timeout ms] [--json]';
  const { values, positionals } = parseCommandArgs(
    argv,
    { ...REMOTE_OPTIONS, channel: { type: 'string' }, probe: { type: 'boolean' } },
    usage,
  );
  if (positionals.length > 0) throw usageError(`unexpected argument "${positionals[0]}"`, usage);
  const channel = parseChannel(values.channel, usage);
  const timeoutMs = parseDurationMs(values.timeout, '--timeout', 60_000);
  const out = createOutput(values.json === true);
  try {
    const connectMs = Math.min(timeoutMs, 10_000);
    const status = await callChannels(paths, env, values, connectMs, (session) =>
      session.request<ChannelsStatus>(
        'channels.status',
        { ...(channel ? { channel } : {}), ...(values.probe ? { probe: true } : {}), timeoutMs },
        { timeoutMs: timeoutMs + 5000 },
      ),
    );
    out.result({ source: 'gateway', ...status }, () => formatStatus(status));
    return 0;
  } catch (err) {
    // Only "nothing answers" falls back: a gateway that refused us must not be papered over.
    if (!isUnreachable(err) || values.url) throw err;
    const target = await resolveTarget(paths, env, values).catch(() => undefined);
    const rows: ConfiguredAccount[] = await readAccounts(env, paths, channel);
    out.result(
      { source: 'config', gatewayError: errorMessage(err), url: target?.url, accounts: rows },
      () =>
        [
          `Gateway not reachable at ${target?.url ?? '(unknown)'}; showing the config only (start the gateway for live status).`,
          `Channels (${paths.configPath}):`,
          ...(rows.length === 0 ? ['  none configured'] : rows.map(formatAccountLine)),
        ].join('\n'),
    );
    return 0;
  }
}
