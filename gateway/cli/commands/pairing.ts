/**
 * `openclaw pairing list|approve`: DM pairing requests of the chat channels (not device pairing,
 * which is `openclaw devices`). The running gateway holds the codes, so both go through it
 * (`channels.pairing.list` / `channels.pairing.approve`). Approving from the CLI asks for the
 * first-owner bootstrap as upstream's CLI does: with no command owner yet, the sender becomes it.
 */
import type { Env, StatePaths } from '../../config/paths.js';
import type {
  PairingApproveResult,
  PairingList,
  PairingRequestRow,
} from '../../channels/service-api.js';
import { ErrorCode, OpenClawError } from '../../infra/errors.js';
import { createOutput, parseCommandArgs, parseDurationMs } from '../args.js';
import { REMOTE_OPTIONS } from '../remote.js';
import { callChannels, isUnreachable, needsGateway } from './channels-gateway.js';
import { CHANNEL_LABELS, parseAccountId, parseChannel, usageError } from './channels-config.js';

export const PAIRING_USAGE = `openclaw pairing <command>   (DM pairing of chat channels; devices: openclaw devices)
  list [channel] [--channel c] [--account id] [--json]
  approve [channel] <code> [--channel c] [--account id] [--notify]
common: --url ws://… --token T --password P --timeout ms`;

const OPTIONS = {
  ...REMOTE_OPTIONS,
  channel: { type: 'string' },
  account: { type: 'string' },
  notify: { type: 'boolean' },
} as const;

export async function pairing(argv: string[], env: Env, paths: StatePaths): Promise<number> {
  const [sub, ...rest] = argv;
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${PAIRING_USAGE}\n`);
    return 0;
  }
  switch (sub) {
    case 'list':
      return pairingList(rest, env, paths);
    case 'approve':
      return pairingApprove(rest, env, paths);
    case undefined:
    case '--help':
    case 'help':
      process.stdout.write(`${PAIRING_USAGE}\n`);
      return sub === undefined ? 2 : 0;
    default:
      throw usageError(`unknown pairing command "${sub}"`, PAIRING_USAGE);
  }
}

function minutes(ms: number): string {
  const m = Math.round(ms / 60_000);
  return m < 1 ? 'under a minute' : `${m} min`;
}

function label(channel: string): string {
  return CHANNEL_LABELS[channel as keyof typeof CHANNEL_LABELS] ?? channel;
}

export function formatPairingList(list: PairingList, now = Date.now()): string {
  const lines: string[] = [];
  if (list.requests.length === 0) {
    lines.push('No pending DM pairing requests.');
    if (list.accounts.length === 0)
      lines.push('No channel account uses pairing (dmPolicy "pairing", the default).');
  } else {
    lines.push(
      `Pending DM pairing requests (at most ${list.limits.pendingPerAccount} per account, codes last ${minutes(list.limits.ttlMs)}):`,
    );
    for (const r of list.requests) {
      const who =
        r.senderLabel && r.senderLabel !== r.senderId
          ? `${r.senderLabel} (${r.senderId})`
          : r.senderId;
      const expires = Date.parse(r.expiresAt) - now;
      lines.push(
        `  ${r.requestId}  ${r.channelLabel || label(r.channel)} ${r.accountId}  ${who}  expires in ${minutes(expires)}`,
      );
    }
    const first = list.requests[0]!;
    lines.push(`Approve: openclaw pairing approve ${first.channel} <code>`);
  }
  if (!list.commandOwnerConfigured && list.accounts.length > 0)
    lines.push('No command owner yet: the first sender approved here becomes it.');
  return lines.join('\n');
}

function parseTarget(
  values: { channel?: string; account?: string },
  channelArg: string | undefined,
  usage: string,
) {
  if (values.channel !== undefined && channelArg !== undefined)
    throw usageError('give the channel once (either as an argument or with --channel)', usage);
  return {
    channel: parseChannel(values.channel ?? channelArg, usage),
    accountId: parseAccountId(values.account, usage),
  };
}

async function fetchList(
  env: Env,
  paths: StatePaths,
  values: Record<string, unknown>,
  filter: { channel?: string; accountId?: string },
): Promise<PairingList> {
  const timeoutMs = parseDurationMs(values.timeout as string | undefined, '--timeout', 10_000);
  try {
    return await callChannels(paths, env, values, timeoutMs, (session) =>
      session.request<PairingList>('channels.pairing.list', filter),
    );
  } catch (err) {
    if (isUnreachable(err)) throw needsGateway('pairing', err);
    throw err;
  }
}

export async function pairingList(argv: string[], env: Env, paths: StatePaths): Promise<number> {
  const usage = 'openclaw pairing list [channel] [--channel c] [--account id] [--json]';
  const { values, positionals } = parseCommandArgs(argv, OPTIONS, usage);
  if (positionals.length > 1) throw usageError(`unexpected argument "${positionals[1]}"`, usage);
  const { channel, accountId } = parseTarget(values, positionals[0], usage);
  const list = await fetchList(env, paths, values, {
    ...(channel ? { channel } : {}),
    ...(accountId ? { accountId } : {}),
  });
  createOutput(values.json === true).result(list, () => formatPairingList(list));
  return 0;
}

function findRequest(list: PairingList, code: string): PairingRequestRow | undefined {
  return list.requests.find(
    (r) => r.requestId.toUpperCase() === code || r.metadata?.code?.toUpperCase() === code,
  );
}

export async function pairingApprove(argv: string[], env: Env, paths: StatePaths): Promise<number> {
  const usage = 'openclaw pairing approve [channel] <code> [--channel c] [--account id] [--notify]';
  const { values, positionals } = parseCommandArgs(argv, OPTIONS, usage);
  if (positionals.length === 0) throw usageError('pairing approve needs the code', usage);
  if (positionals.length > 2) throw usageError(`unexpected argument "${positionals[2]}"`, usage);
  const [channelArg, rawCode] =
    positionals.length === 2 ? positionals : [undefined, positionals[0]];
  const target = parseTarget(values, channelArg, usage);
  const code = rawCode!.trim().toUpperCase();
  if (!/^[A-Z0-9]{4,32}$/.test(code))
    throw usageError(`"${rawCode}" is not a pairing code (8 letters and digits)`, usage);
  const list = await fetchList(env, paths, values, {
    ...(target.channel ? { channel: target.channel } : {}),
    ...(target.accountId ? { accountId: target.accountId } : {}),
  });
  const request = findRequest(list, code);
  if (!request && target.accountId) {
    // The list above was filtered by the account; ask again for all to say which ones exist.
    const all = await fetchList(env, paths, values, {
      ...(target.channel ? { channel: target.channel } : {}),
    });
    const known = all.accounts.filter((a) => !target.channel || a.channel === target.channel);
    if (!known.some((a) => a.accountId === target.accountId))
      throw new OpenClawError(
        ErrorCode.NOT_FOUND,
        `no ${target.channel ? `${label(target.channel)} ` : ''}account "${target.accountId}" takes pairing requests${known.length > 0 ? ` (accounts that do: ${known.map((a) => `${a.channel}/${a.accountId}`).join(', ')})` : ''}; leave out --account to search them all`,
      );
  }
  if (!request) {
    const where = target.channel ? ` for ${label(target.channel)}` : '';
    throw new OpenClawError(
      ErrorCode.NOT_FOUND,
      `no pending pairing request with code ${code}${where}: codes expire after ${minutes(list.limits.ttlMs)}; see openclaw pairing list (the sender gets a new code by writing again)`,
    );
  }
  const timeoutMs = parseDurationMs(values.timeout, '--timeout', 10_000);
  const result = await callChannels(paths, env, values, timeoutMs, (session) =>
    session.request<PairingApproveResult>('channels.pairing.approve', {
      channel: request.channel,
      accountId: request.accountId,
      requestId: request.requestId,
      ...(values.notify ? { notify: true } : {}),
      bootstrapCommandOwner: true,
    }),
  );
  const who =
    request.senderLabel && request.senderLabel !== request.senderId
      ? `${request.senderLabel} (${request.senderId})`
      : request.senderId;
  const channelName = request.channelLabel || label(request.channel);
  createOutput(values.json === true).result(
    { ok: true, channel: request.channel, accountId: request.accountId, ...result },
    () => {
      const lines = [
        `Approved ${who} on ${channelName} ${request.accountId}: they can message the agent directly now.`,
      ];
      if (result.commandOwnerBootstrap === 'configured')
        lines.push(
          `${request.channel}:${result.senderId} is now the command owner (commands.ownerAllowFrom).`,
        );
      if (result.notification === 'sent') lines.push('They were told in the chat.');
      if (result.notification === 'unsupported')
        lines.push(`${channelName} cannot notify them; they can simply write again.`);
      if (result.notification === 'failed')
        lines.push('Telling them failed; they can simply write again.');
      return lines.join('\n');
    },
  );
  return 0;
}
