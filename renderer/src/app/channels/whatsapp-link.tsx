/**
 * Linking WhatsApp: the gateway makes a QR (a PNG data URL) for the phone to scan under WhatsApp →
 * Linked devices. The page then waits for the scan in rounds; WhatsApp rotates the code every
 * ~20 s, and each round hands back the new one, so the picture on screen is always scannable.
 */
import { useEffect, useRef, useState } from 'react';
import { useHostApi } from '../../host/host-context.js';
import { nextStepFor, toHostError, type HostError } from '../../host/host-error.js';
import { Button, Callout, ErrorState, Spinner } from '../../ui/index.js';

type LinkState =
  | { kind: 'idle' }
  | { kind: 'starting' }
  | { kind: 'showing'; qr: string; message: string }
  | { kind: 'linked'; message: string }
  | { kind: 'failed'; error: HostError };

export function WhatsAppLink({
  accountId,
  prepare,
  onLinked,
}: {
  accountId?: string;
  /** Runs first (writes `channels.whatsapp` so the linked account also starts after a restart). */
  prepare?: () => Promise<unknown>;
  onLinked: () => void;
}) {
  const api = useHostApi();
  const [state, setState] = useState<LinkState>({ kind: 'idle' });
  const live = useRef(true);
  useEffect(
    () => () => {
      live.current = false;
    },
    [],
  );

  const start = async () => {
    setState({ kind: 'starting' });
    try {
      await prepare?.();
      const first = await api.call('channels.loginStart', {
        ...(accountId ? { accountId } : {}),
        force: true,
      });
      if (!first.qrDataUrl) {
        setState({ kind: 'linked', message: first.message || 'This phone is already linked.' });
        onLinked();
        return;
      }
      let qr = first.qrDataUrl;
      setState({ kind: 'showing', qr, message: first.message });
      while (live.current) {
        const round = await api.call('channels.loginWait', {
          ...(accountId ? { accountId } : {}),
          currentQrDataUrl: qr,
        });
        if (!live.current) return;
        if (round.connected) {
          setState({ kind: 'linked', message: round.message });
          onLinked();
          return;
        }
        if (!round.qrDataUrl) {
          // No new code and not linked: the login ended (expired or refused); say why.
          setState({
            kind: 'failed',
            error: toHostError(new Error(round.message || 'The QR code expired.')),
          });
          return;
        }
        qr = round.qrDataUrl;
        setState({ kind: 'showing', qr, message: round.message });
      }
    } catch (err) {
      if (live.current) setState({ kind: 'failed', error: toHostError(err) });
    }
  };

  if (state.kind === 'idle')
    return (
      <Button variant="primary" icon="link" onClick={() => void start()}>
        Link a phone
      </Button>
    );
  if (state.kind === 'starting')
    return (
      <p className="ui-text-sm ui-muted">
        <Spinner size="sm" /> Asking WhatsApp for a code…
      </p>
    );
  if (state.kind === 'linked')
    return (
      <Callout tone="success" title="WhatsApp is linked">
        {state.message}
      </Callout>
    );
  if (state.kind === 'failed')
    return (
      <ErrorState
        title="WhatsApp was not linked"
        message={state.error.message}
        nextStep={
          nextStepFor(state.error) ??
          'Press Try again for a fresh code and scan it within a minute.'
        }
        onRetry={() => void start()}
        retryLabel="Try again"
      />
    );
  return (
    <div className="whatsapp-qr">
      <img src={state.qr} alt="WhatsApp link QR code" width={232} height={232} />
      <div>
        <p className="ui-text-sm">
          On your phone open WhatsApp → Settings → <strong>Linked devices</strong> → Link a device,
          and scan this code.
        </p>
        <p className="ui-text-xs ui-muted">
          WhatsApp changes the code about every 20 seconds; the newest one is always shown here.
        </p>
      </div>
    </div>
  );
}
