/**
 * The host API's `channels.*` calls over one operator connection and one state dir: shared by the
 * app host and the renderer's test host, so both run the same code against a gateway.
 */
import type { StatePaths } from '../../../gateway/config/paths.js';
import { DisposableStore, type Disposable } from '../../../gateway/infra/disposable.js';
import type { DmRequestView } from '../../contract/channel-schemas.js';
import type { HostImplementation } from '../api/host-api-handler.js';
import {
  ChannelRequests,
  type ChannelRequestSource,
  type ChannelRequestsOptions,
} from './channel-requests.js';
import { ChannelSettings } from './channel-settings.js';
import { ChannelsHost } from './channels-host.js';

export type ChannelCallName =
  | 'channels.requests'
  | 'channels.approve'
  | 'channels.dismiss'
  | 'channels.view'
  | 'channels.save'
  | 'channels.start'
  | 'channels.stop'
  | 'channels.logout'
  | 'channels.loginStart'
  | 'channels.loginWait';

export interface ChannelCalls extends Disposable {
  calls: Pick<HostImplementation, ChannelCallName>;
  /** DM requests waiting (the tray badge adds them to device requests). */
  pendingCount(): number;
  /** Called when the DM request list changes. */
  onChange(listener: () => void): Disposable;
  /** A chat sender asked for the first time (once per code). */
  onArrival(listener: (request: DmRequestView) => void): Disposable;
}

export function createChannelCalls(
  source: ChannelRequestSource,
  statePaths: () => StatePaths,
  options: ChannelRequestsOptions = {},
): ChannelCalls {
  const requests = new ChannelRequests(source, options);
  const channels = new ChannelsHost(source, new ChannelSettings(statePaths));
  const store = new DisposableStore();
  store.add(requests);
  const ok = { ok: true as const };
  return {
    pendingCount: () => requests.count(),
    onChange: (listener) => requests.onChange(() => listener()),
    onArrival: (listener) => requests.onArrival(listener),
    dispose: () => store.dispose(),
    calls: {
      'channels.requests': async () => {
        await requests.refresh().catch(() => undefined);
        return requests.current();
      },
      'channels.approve': async (action) => ({ ...ok, ...(await requests.approve(action)) }),
      'channels.dismiss': async (action) => (await requests.dismiss(action), ok),
      'channels.view': () => channels.view(),
      'channels.save': async (input) => (await channels.save(input), channels.view()),
      'channels.start': async ({ channel, accountId }) => (
        await channels.start(channel, accountId),
        ok
      ),
      'channels.stop': async ({ channel, accountId }) => (
        await channels.stop(channel, accountId),
        ok
      ),
      'channels.logout': async ({ channel, accountId }) => (
        await channels.logout(channel, accountId),
        ok
      ),
      'channels.loginStart': ({ accountId, force }) => channels.loginStart(accountId, force),
      'channels.loginWait': ({ accountId, currentQrDataUrl }) =>
        channels.loginWait(accountId, currentQrDataUrl),
    },
  };
}
