/** One chat app's accounts as the gateway reports them: state, identity, last traffic, last error. */
import type { ChannelAccountView } from '../../../../electron/contract/channel-schemas.js';
import { Badge, Button, StatusDot, type Tone } from '../../ui/index.js';
import { formatRelative } from '../format.js';

export function accountState(a: ChannelAccountView): { label: string; tone: Tone } {
  if (!a.enabled) return { label: 'Turned off', tone: 'neutral' };
  if (!a.configured) return { label: 'Not set up', tone: 'neutral' };
  if (a.connected) return { label: 'Connected', tone: 'success' };
  // Not linked (WhatsApp before its QR scan) is what to fix, whatever error that caused.
  if (!a.linked && !a.running) return { label: 'Not linked', tone: 'warning' };
  if (a.running && a.lastError) return { label: 'Reconnecting', tone: 'warning' };
  if (a.running) return { label: 'Connecting', tone: 'info' };
  if (a.lastError) return { label: 'Stopped with an error', tone: 'danger' };
  return { label: 'Stopped', tone: 'neutral' };
}

const when = (ts: number | null) => (ts ? formatRelative(ts) : 'never');

export function ChannelAccounts({
  accounts,
  errorHint,
  busy,
  onStart,
  onStop,
}: {
  accounts: ChannelAccountView[];
  /** What to do about an account's error on this page (the gateway's words name the CLI). */
  errorHint?: string;
  busy: string | undefined;
  onStart: (accountId: string) => void;
  onStop: (accountId: string) => void;
}) {
  return (
    <ul className="channel-accounts">
      {accounts.map((a) => {
        const state = accountState(a);
        return (
          <li key={a.accountId} className="channel-account">
            <div className="channel-account__main">
              <span className="channel-account__name">
                <StatusDot tone={state.tone} label={state.label} />
                {a.identity ? <strong>{a.identity}</strong> : null}
                <span className="ui-muted ui-text-sm">
                  {a.name ?? (a.accountId === 'default' ? 'default account' : a.accountId)}
                </span>
                {a.tokenSource && a.tokenSource !== 'none' ? (
                  <Badge tone="neutral">token from {a.tokenSource}</Badge>
                ) : null}
              </span>
              <span className="ui-text-xs ui-muted">
                {a.lastInboundAt || a.lastOutboundAt
                  ? `Last message received ${when(a.lastInboundAt)} · sent ${when(a.lastOutboundAt)}`
                  : 'No messages yet'}
                {a.reconnectAttempts > 0 ? ` · ${a.reconnectAttempts} reconnect attempts` : ''}
              </span>
              {a.lastError && a.linked ? (
                <span className="channel-account__error ui-text-sm">{a.lastError}</span>
              ) : null}
              {a.lastError && a.linked && errorHint ? (
                <span className="ui-text-sm">{errorHint}</span>
              ) : null}
            </div>
            <div className="row-actions">
              {a.running ? (
                <Button
                  size="sm"
                  variant="secondary"
                  icon="stop"
                  loading={busy === `stop:${a.accountId}`}
                  disabled={busy !== undefined}
                  onClick={() => onStop(a.accountId)}
                >
                  Stop
                </Button>
              ) : (
                <Button
                  size="sm"
                  variant="secondary"
                  icon="play"
                  loading={busy === `start:${a.accountId}`}
                  disabled={busy !== undefined || !a.enabled || !a.configured || !a.linked}
                  title={!a.linked ? 'Link it first' : undefined}
                  onClick={() => onStart(a.accountId)}
                >
                  Start
                </Button>
              )}
            </div>
          </li>
        );
      })}
    </ul>
  );
}
