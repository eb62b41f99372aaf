/**
 * The frame of every Control UI page: makes sure there is a gateway connection, shows the
 * connection screens while there is none, and the page itself once connected. A page that was
 * connected stays on screen through a drop (with a banner) instead of vanishing.
 */
import type { ReactNode } from 'react';
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

export function ControlPage({ children }: { children: ReactNode }) {
  const { hostError, retry } = useEnsureGatewayConnection();
  const status = useControlStore((s) => s.gatewayStatus);
  const url = useControlStore((s) => s.gatewayUrl);
  const hello = useControlStore((s) => s.gatewayHello);

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
      return <>{children}</>;
    case 'pairing-required':
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
