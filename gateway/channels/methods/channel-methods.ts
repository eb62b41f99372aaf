/**
 * The gateway methods of the channels (`channels.*`, `web.login.*`, `channels.pairing.*`), with
 * the protocol's params validators. `web.login.*` also take the newer `channel` and `sessionKey`
 * (left out of the published schema's validation and checked here). Creating the first command
 * owner on approval is a config write, so it needs `operator.admin` like other config writes.
 */
import { ErrorCode, OpenClawError } from '../../infra/errors.js';
import type { MethodHandler } from '../../server/gateway-server.js';
import { hasScope, OperatorScope } from '../../server/scopes.js';
import type { ChannelsApi } from '../service-api.js';

type Params = Record<string, unknown>;

function asParams(value: unknown): Params {
  return value && typeof value === 'object' ? (value as Params) : {};
}

function optString(params: Params, key: string, method: string): string | undefined {
  const value = params[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '')
    throw new OpenClawError(
      ErrorCode.INVALID_ARGUMENT,
      `invalid ${method} params: ${key} must be a non-empty string`,
    );
  return value;
}

function optNumber(params: Params, key: string): number | undefined {
  return typeof params[key] === 'number' ? params[key] : undefined;
}

/**
 * @param freshConfig re-reads `openclaw.json` before a call that names an account, so an account
 *   the CLI has just written (`channels add`, then `channels login`) is known at once instead of
 *   after the config watcher's next pass.
 */
export function createChannelMethods(
  channels: () => ChannelsApi,
  freshConfig: () => Promise<unknown> = async () => {},
): Array<[string, MethodHandler]> {
  return [
    [
      'channels.status',
      {
        validator: 'validateChannelsStatusParams',
        handle: (raw) => {
          const p = asParams(raw);
          return channels().status({
            channel: optString(p, 'channel', 'channels.status'),
            probe: p.probe === true,
            timeoutMs: optNumber(p, 'timeoutMs'),
          });
        },
      },
    ],
    [
      'channels.start',
      {
        validator: 'validateChannelsStartParams',
        handle: async (raw) => {
          const p = asParams(raw);
          await freshConfig();
          return channels().start(String(p.channel), optString(p, 'accountId', 'channels.start'));
        },
      },
    ],
    [
      'channels.stop',
      {
        validator: 'validateChannelsStopParams',
        handle: (raw) => {
          const p = asParams(raw);
          return channels().stop(String(p.channel), optString(p, 'accountId', 'channels.stop'));
        },
      },
    ],
    [
      'channels.logout',
      {
        validator: 'validateChannelsLogoutParams',
        handle: (raw) => {
          const p = asParams(raw);
          return channels().logout(String(p.channel), optString(p, 'accountId', 'channels.logout'));
        },
      },
    ],
    [
      'web.login.start',
      {
        validator: 'validateWebLoginStartParams',
        extensionParams: ['channel'],
        handle: async (raw) => {
          const p = asParams(raw);
          await freshConfig();
          return channels().webLoginStart({
            channel: optString(p, 'channel', 'web.login.start'),
            accountId: optString(p, 'accountId', 'web.login.start'),
            force: p.force === true,
            timeoutMs: optNumber(p, 'timeoutMs'),
          });
        },
      },
    ],
    [
      'web.login.wait',
      {
        validator: 'validateWebLoginWaitParams',
        extensionParams: ['channel', 'sessionKey'],
        handle: (raw) => {
          const p = asParams(raw);
          return channels().webLoginWait({
            channel: optString(p, 'channel', 'web.login.wait'),
            accountId: optString(p, 'accountId', 'web.login.wait'),
            sessionKey: optString(p, 'sessionKey', 'web.login.wait'),
            timeoutMs: optNumber(p, 'timeoutMs'),
            currentQrDataUrl:
              typeof p.currentQrDataUrl === 'string' ? p.currentQrDataUrl : undefined,
          });
        },
      },
    ],
    [
      'channels.pairing.list',
      {
        validator: 'validateChannelsPairingListParams',
        handle: (raw) => {
          const p = asParams(raw);
          return channels().pairingList({
            channel: optString(p, 'channel', 'channels.pairing.list'),
            accountId: optString(p, 'accountId', 'channels.pairing.list'),
          });
        },
      },
    ],
    [
      'channels.pairing.approve',
      {
        validator: 'validateChannelsPairingApproveParams',
        handle: (raw, session) => {
          const p = asParams(raw);
          if (p.bootstrapCommandOwner === true && !hasScope(session.scopes, OperatorScope.ADMIN))
            throw new OpenClawError(
              ErrorCode.INVALID_ARGUMENT,
              'bootstrapCommandOwner writes commands.ownerAllowFrom to the config and needs operator.admin; approve without it, or connect with an admin device',
            );
          return channels().pairingApprove({
            channel: String(p.channel),
            accountId: String(p.accountId),
            requestId: String(p.requestId),
            notify: p.notify === true,
            bootstrapCommandOwner: p.bootstrapCommandOwner === true,
          });
        },
      },
    ],
    [
      'channels.pairing.dismiss',
      {
        validator: 'validateChannelsPairingDismissParams',
        handle: (raw) => {
          const p = asParams(raw);
          return channels().pairingDismiss({
            channel: String(p.channel),
            accountId: String(p.accountId),
            requestId: String(p.requestId),
          });
        },
      },
    ],
  ];
}
