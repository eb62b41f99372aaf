/**
 * Makes sure a Control UI page has a gateway connection, whichever host the bundle runs in:
 * served by the gateway → connect back to this page's own origin with the fragment token; in the
 * desktop app or the headless host → announce this renderer's device key to the host (which then
 * approves exactly that key, `controlUi.expectDevice`) and connect to the address the host gives
 * (`controlUi.url`) — unless the shell already called `connectGateway`.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useHost } from '../../host/index.js';
import type { HostApi } from '../../host/index.js';
import {
  connectGatewayFromControlUiUrl,
  connectToPageGateway,
  getGatewayConnection,
  loadBrowserIdentity,
  retryGateway,
  useControlStore,
} from '../connection/control-store.js';
import { errorText } from '../connection/queries-slice.js';

export interface EnsureConnection {
  /** Asking the host for the gateway address failed (e.g. the gateway is not set up yet). */
  hostError: string | null;
  retry: () => void;
}

async function announceDevice(api: HostApi): Promise<void> {
  const identity = await loadBrowserIdentity();
  await api.call('controlUi.expectDevice', { publicKey: identity.publicKey });
  // The app now approves this key on its own: the page says "Connecting…", not "pairing required".
  useControlStore.getState().setAppApproval(Date.now());
}

export function useEnsureGatewayConnection(): EnsureConnection {
  const host = useHost();
  const [hostError, setHostError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const api = host.api;
  const status = useControlStore((s) => s.gatewayStatus);
  const announcedFor = useRef<string | null>(null);

  useEffect(() => {
    if (getGatewayConnection()) return;
    if (host.kind === 'none') {
      connectToPageGateway();
      return;
    }
    if (!api) return;
    let cancelled = false;
    setHostError(null);
    // The announcement is best effort: without it the page still gets the pairing screen.
    void announceDevice(api)
      .catch(() => {})
      .then(() => api.call('controlUi.url', {}))
      .then((result) => {
        if (!cancelled && !getGatewayConnection()) connectGatewayFromControlUiUrl(result.url);
      })
      .catch((err: unknown) => {
        if (!cancelled) setHostError(errorText(err));
      });
    return () => {
      cancelled = true;
    };
  }, [host.kind, api, attempt]);

  // Inside the app a pairing request for this renderer is approved by the host once announced;
  // announce again for each new request (the device may have been removed since).
  const pendingId = status.state === 'pairing-required' ? status.requestId : null;
  useEffect(() => {
    if (!api || host.kind === 'none' || !pendingId || announcedFor.current === pendingId) return;
    announcedFor.current = pendingId;
    void announceDevice(api).catch(() => {});
  }, [api, host.kind, pendingId]);

  // The app's approval changes its pairing queue: try again at once instead of at the next
  // pairing poll, so the window connects as soon as it is let in.
  const waiting = status.state === 'pairing-required';
  useEffect(() => {
    if (!api || host.kind === 'none' || !waiting) return;
    return api.on('approvals.changed', () => retryGateway());
  }, [api, host.kind, waiting]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return { hostError, retry };
}
