/**
 * `openclaw channels remove`: stops the account on the running gateway first (so nothing answers
 * between the edit and the reload), then sets `enabled: false` in `openclaw.json`, or with
 * `--delete` removes its block, through the config store guarded by the file's hash.
 */
import { updateConfigDocument } from '../../config/config-store.js';
import type { Env, StatePaths } from '../../config/paths.js';
import { ErrorCode, OpenClawError, errorMessage, isOpenClawError } from '../../infra/errors.js';
import { createOutput, parseCommandArgs } from '../args.js';
import { REMOTE_OPTIONS } from '../remote.js';
import { conflictMessage, readSnapshot } from './channels-add.js';
import { callChannels, isUnknownMethod, isUnreachable } from './channels-gateway.js';
import {
  CHANNEL_LABELS,
  accountBlock,
  accountIds,
  accountsMap,
  channelBlock,
  parseAccountId,
  parseChannel,
  usageError,
  whatsappAuthDir,
} from './channels-config.js';

export const REMOVE_USAGE =
  'openclaw channels remove --channel telegram|discord|whatsapp [--account id] [--delete]';

export async function channelsRemove(argv: string[], env: Env, paths: StatePaths): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    {
      ...REMOTE_OPTIONS,
      channel: { type: 'string' },
      account: { type: 'string' },
      delete: { type: 'boolean' },
    },
    REMOVE_USAGE,
  );
  if (positionals.length > 1 || (positionals[0] && values.channel))
    throw usageError(`unexpected argument "${positionals.at(-1)}"`, REMOVE_USAGE);
  const channel = parseChannel(values.channel ?? positionals[0], REMOVE_USAGE);
  if (!channel) throw usageError('channels remove needs --channel', REMOVE_USAGE);
  const out = createOutput(values.json === true);
  const snapshot = await readSnapshot(env, paths);
  const block = channelBlock(snapshot.parsed ?? {}, channel);
  if (!block) {
    throw new OpenClawError(
      ErrorCode.NOT_FOUND,
      `no ${CHANNEL_LABELS[channel]} channel is configured (see openclaw channels list)`,
    );
  }
  const ids = accountIds(block);
  let accountId = parseAccountId(values.account, REMOVE_USAGE);
  if (accountId === undefined) {
    if (ids.length > 1) {
      throw usageError(
        `${CHANNEL_LABELS[channel]} has several accounts (${ids.join(', ')}); pass --account`,
        REMOVE_USAGE,
      );
    }
    accountId = ids[0]!;
  }
  if (!ids.includes(accountId)) {
    throw new OpenClawError(
      ErrorCode.NOT_FOUND,
      `${CHANNEL_LABELS[channel]} has no account "${accountId}" (configured: ${ids.join(', ')})`,
    );
  }
  // Stop the live connection first so nothing answers between the edit and the reload.
  let stopNote: string;
  try {
    const result = await callChannels(paths, env, values, 5000, (session) =>
      session.request<{ stopped: boolean }>('channels.stop', { channel, accountId }),
    );
    stopNote = result.stopped
      ? 'stopped it on the running gateway'
      : 'the gateway had not started it';
  } catch (err) {
    if (isUnreachable(err)) stopNote = 'no gateway running';
    else if (isUnknownMethod(err) || (isOpenClawError(err) && /channels yet/.test(err.message)))
      stopNote = 'the gateway has no channel support';
    else
      stopNote = `could not stop it live (${errorMessage(err)}); the gateway applies the change on reload`;
  }
  const id = accountId;
  try {
    await updateConfigDocument(
      paths,
      (doc) => {
        const channels = doc.channels as Record<string, unknown>;
        const current = channels[channel] as Record<string, unknown>;
        const accounts = accountsMap(current);
        if (values.delete) {
          if (!accounts || Object.keys(accounts).length === 1) delete channels[channel];
          else {
            delete accounts[id];
            if (current.defaultAccount === id) delete current.defaultAccount;
          }
          if (Object.keys(channels).length === 0) delete doc.channels;
        } else if (accounts) {
          (accounts[id] as Record<string, unknown>).enabled = false;
        } else {
          current.enabled = false;
        }
      },
      { env, baseHash: snapshot.hash },
    );
  } catch (err) {
    throw conflictMessage(err, paths);
  }
  const label = `${CHANNEL_LABELS[channel]} account ${id}`;
  const enabledPath = accountsMap(block)
    ? `channels.${channel}.accounts.${id}.enabled`
    : `channels.${channel}.enabled`;
  const whatsappNote =
    channel === 'whatsapp' && values.delete
      ? [
          `Its WhatsApp login stays in ${whatsappAuthDir(paths, id, accountBlock(block, id))}; delete that folder (or unlink the device in WhatsApp) to end it.`,
        ]
      : [];
  out.result(
    { ok: true, channel, accountId: id, deleted: values.delete === true, live: stopNote },
    () =>
      [
        values.delete
          ? `Removed ${label} from ${paths.configPath} (${stopNote}).`
          : `Disabled ${label} (${stopNote}); turn it on again with openclaw config set ${enabledPath} true, or remove it with --delete.`,
        ...whatsappNote,
      ].join('\n'),
  );
  return 0;
}
