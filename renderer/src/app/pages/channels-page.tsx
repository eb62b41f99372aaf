/**
 * Channels: talk to the agent from Telegram, Discord and WhatsApp. Each chat app shows what the
 * gateway reports about it (connected, identity, last messages, last error) next to what
 * openclaw.json says, so a channel set up while the gateway is stopped still shows. Status is
 * asked again every few seconds while the page is open (a bot connecting takes a moment).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ChannelsView } from '../../../../electron/contract/channel-schemas.js';
import { useHostApi } from '../../host/host-context.js';
import { nextStepFor, toHostError, type HostError } from '../../host/host-error.js';
import { Button, Callout, ErrorState, Page, PageHeader, Skeleton } from '../../ui/index.js';
import { ChannelCard } from '../channels/channel-card.js';

const STATUS_POLL_MS = 5000;

export function ChannelsPage() {
  const api = useHostApi();
  const [view, setView] = useState<ChannelsView>();
  const [error, setError] = useState<HostError>();
  const [loading, setLoading] = useState(true);
  // Only the newest answer counts: a poll that was under way while a save landed would otherwise
  // bring back the old file hash, and the next save would be refused as a conflict.
  const latest = useRef(0);
  const reload = useCallback(() => {
    const ticket = ++latest.current;
    setLoading(true);
    api.call('channels.view', {}).then(
      (v) => {
        if (ticket !== latest.current) return;
        setView(v);
        setError(undefined);
        setLoading(false);
      },
      (err: unknown) => {
        if (ticket !== latest.current) return;
        setError(toHostError(err));
        setLoading(false);
      },
    );
  }, [api]);
  useEffect(() => {
    reload();
    const timer = setInterval(reload, STATUS_POLL_MS);
    return () => clearInterval(timer);
  }, [reload]);

  return (
    <Page>
      <PageHeader
        title="Channels"
        description="Talk to your agent from Telegram, Discord or WhatsApp. New senders ask first; you approve them on Approvals."
        actions={
          <Button icon="refresh" onClick={reload} loading={loading && Boolean(view)}>
            Refresh
          </Button>
        }
      />
      {error ? (
        <ErrorState
          title="Could not read the channel settings"
          message={error.message}
          nextStep={nextStepFor(error) ?? 'Finish the setup on the Dashboard first, then retry.'}
          onRetry={reload}
        />
      ) : null}
      {view?.statusError ? (
        <Callout tone="warning" title="Live status unavailable">
          {view.statusError} Settings saved here take effect once the gateway runs.
        </Callout>
      ) : null}
      {view?.warnings.length ? (
        <Callout tone="warning" title="The gateway warns">
          <ul>
            {view.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </Callout>
      ) : null}
      {!view && !error ? <Skeleton lines={6} /> : null}
      {view?.channels.map((c) => (
        <ChannelCard
          key={c.channel}
          channel={c}
          baseHash={view.baseHash}
          connected={!view.statusError}
          onChanged={(saved) => {
            if (saved) {
              latest.current += 1;
              setView(saved);
            }
            reload();
          }}
        />
      ))}
    </Page>
  );
}
