/**
 * `openclaw channels start|stop --channel c [--account id]`: start an account again after it
 * stopped on an error (a revoked token, missing intents…) once the cause is fixed, or stop one
 * without touching the config. Both go to the running gateway (`channels.start` /
 * `channels.stop`); a stop lasts until `start`, a config change of that account or a restart.
 */
import type { Env, StatePaths } from '../../config/paths.js';
import { createOutput, parseCommandArgs } from '../args.js';
import { REMOTE_OPTIONS } from '../remote.js';
import { callChannels, isUnreachable, needsGateway } from './channels-gateway.js';
import { CHANNEL_LABELS, parseAccountId, parseChannel, usageError } from './channels-config.js';

export const START_USAGE = 'openclaw channels start --channel c [--account id]';
export const STOP_USAGE = 'openclaw channels stop --channel c [--account id]';

interface StartResult {
  accountId: string;
  started: boolean;
  outcome: { status: string; reason?: string };
}

export async function channelsStartStop(
  action: 'start' | 'stop',
  argv: string[],
  env: Env,
  paths: StatePaths,
): Promise<number> {
  const usage = action === 'start' ? START_USAGE : STOP_USAGE;
  const { values, positionals } = parseCommandArgs(
    argv,
    { ...REMOTE_OPTIONS, channel: { type: 'string' }, account: { type: 'string' } },
    usage,
  );
  const channel = parseChannel(values.channel ?? positionals[0], usage);
  if (!channel) throw usageError('--channel is required', usage);
  if (positionals.length > (values.channel ? 0 : 1))
    throw usageError(`unexpected argument "${positionals.at(-1)}"`, usage);
  const accountId = parseAccountId(values.account, usage);
  const out = createOutput(values.json === true);
  const params = { channel, ...(accountId ? { accountId } : {}) };
  const label = CHANNEL_LABELS[channel];
  try {
    if (action === 'stop') {
      const result = await callChannels(paths, env, values, 10_000, (session) =>
        session.request<{ accountId: string; stopped: boolean }>('channels.stop', params, {
          timeoutMs: 30_000,
        }),
      );
      out.result({ ok: true, channel, ...result }, () =>
        result.stopped
          ? `Stopped ${label} account ${result.accountId}; \`openclaw channels start --channel ${channel}\` starts it again.`
          : `${label} account ${result.accountId} was not running.`,
      );
      return 0;
    }
    const result = await callChannels(paths, env, values, 10_000, (session) =>
      session.request<StartResult>('channels.start', params, { timeoutMs: 30_000 }),
    );
    const { status, reason } = result.outcome;
    out.result({ ok: true, channel, ...result }, () =>
      status === 'handed-off'
        ? `Starting ${label} account ${result.accountId}; \`openclaw channels status\` shows when it is connected.`
        : status === 'retry'
          ? `${label} account ${result.accountId} is busy (${reason}); try again in a moment.`
          : `${label} account ${result.accountId} was not started: ${reason}${reason === 'unlinked' ? ' (link it with `openclaw channels login`)' : reason === 'disabled' ? ' (enable it in the config or add it again)' : reason === 'unconfigured' || reason === 'secret-unavailable' ? ' (set its token with `openclaw channels add`)' : ''}.`,
    );
    return status === 'skipped' ? 1 : 0;
  } catch (err) {
    if (isUnreachable(err) && !values.url) throw needsGateway(`channels ${action}`, err);
    throw err;
  }
}
