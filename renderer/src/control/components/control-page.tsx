/**
 * The frame of every Control UI page: makes sure there is a gateway connection, shows the
 * connection screens while there is none, and the page itself once connected. A page that was
 * connected stays on screen through a drop (with a banner) instead of vanishing.
 */
import { useEffect, useState, type ReactNode } from 'react';
import { ErrorState } from '../../ui/index.js';
import { useControlStore } from '../connection/control-store.js';
import {
  AuthFailedScreen,
  ConnectingScreen,
  PairingRequiredScreen,
  ReconnectingBanner,
  UnreachableScreen,
} from './connection-screens.js';
import { useEnsureGatewayConnection } from './ensure-connection.js';
import './control.css';

/**
 * How long "pairing required" is shown as "Connecting…" after the app was told this window's key.
 * The app approves within a second or two; past this something went wrong (the app's operator
 * connection is down, say) and the person needs the real pairing screen with its other ways in.
 */
export const APP_APPROVAL_GRACE_MS = 10_000;

/** True until `since + APP_APPROVAL_GRACE_MS`, re-rendering when that moment passes. */
function useWithinGrace(since: number | null): boolean {
  const remaining = since === null ? 0 : since + APP_APPROVAL_GRACE_MS - Date.now();
  const active = remaining > 0;
  const [, setExpired] = useState(0);
  useEffect(() => {
    if (since === null) return;
    const left = since + APP_APPROVAL_GRACE_MS - Date.now();
    if (left <= 0) return;
    const timer = setTimeout(() => setExpired((n) => n + 1), left + 50);
    return () => clearTimeout(timer);
  }, [since, active]);
  return active;
}

export function ControlPage({ children }: { children: ReactNode }) {
  const { hostError, retry } = useEnsureGatewayConnection();
  const status = useControlStore((s) => s.gatewayStatus);
  const url = useControlStore((s) => s.gatewayUrl);
  const hello = useControlStore((s) => s.gatewayHello);
  const appApprovalSince = useControlStore((s) => s.appApprovalSince);
  const appApproving = useWithinGrace(appApprovalSince);

  if (hostError && status.state === 'idle') {
    return (
      <div className="cui-screen">
        <div className="cui-screen__panel">
          <ErrorState
            title="The Control UI needs a running gateway"
            message={hostError}
            nextStep="Finish the setup or start the gateway from the Dashboard, then try again."
            onRetry={retry}
          />
        </div>
      </div>
    );
  }
  switch (status.state) {
    case 'connected':
      // The same two slots as the "disconnected" frame below, so a drop and a reconnect keep the
      // page mounted (drafts, scroll, open cards) instead of remounting it in another position.
      return (
        <>
          {null}
          {children}
        </>
      );
    case 'pairing-required':
      // Inside the app the request is the app's to approve: no alarm for the second it takes.
      if (appApproving)
        return <ConnectingScreen url={url} note="OpenClaw Desktop is approving this window…" />;
      return <PairingRequiredScreen status={status} />;
    case 'auth-failed':
      return <AuthFailedScreen status={status} />;
    case 'disconnected':
      // Connected before (the hello is kept): stay on the page, stale, with a banner.
      if (hello) {
        return (
          <>
            <ReconnectingBanner status={status} />
            {children}
          </>
        );
      }
      return <UnreachableScreen status={status} url={url} />;
    default:
      return <ConnectingScreen url={url} />;
  }
}
