/**
 * The chat apps as cards, with what stops them from being read or reported: shared by the Channels
 * page and the wizard's Chat apps step, so both show the same forms and the same errors. Status is
 * asked again every few seconds while it is shown (a bot connecting takes a moment).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ChannelsView } from '../../../../electron/contract/channel-schemas.js';
import { useHostApi } from '../../host/host-context.js';
import { nextStepFor, toHostError, type HostError } from '../../host/host-error.js';
import { Callout, ErrorState, Skeleton } from '../../ui/index.js';
import { ChannelCard } from './channel-card.js';

const STATUS_POLL_MS = 5000;

export interface ChannelsState {
  view?: ChannelsView;
  error?: HostError;
  loading: boolean;
  reload: () => void;
  /** A save's answer: shown at once, then read again. */
  changed: (saved?: ChannelsView) => void;
}

export function useChannels(): ChannelsState {
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
  const changed = useCallback(
    (saved?: ChannelsView) => {
      if (saved) {
        latest.current += 1;
        setView(saved);
      }
      reload();
    },
    [reload],
  );
  return { view, error, loading, reload, changed };
}

export function ChannelList({
  state: { view, error, reload, changed },
  errorNextStep,
}: {
  state: ChannelsState;
  /** What to do when the settings cannot be read (differs between the page and the wizard). */
  errorNextStep: string;
}) {
  return (
    <>
      {error ? (
        <ErrorState
          title="Could not read the channel settings"
          message={error.message}
          nextStep={nextStepFor(error) ?? errorNextStep}
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
          onChanged={changed}
        />
      ))}
    </>
  );
}
