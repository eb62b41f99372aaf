/**
 * Chat-app senders waiting for DM pairing (Telegram, Discord, WhatsApp users who wrote to the bot
 * and were sent a code), on the Approvals page next to device requests. The gateway sends no
 * event for them, so the list is asked for every few seconds while the page is open, and again on
 * `approvals.changed` (the host counts them into the tray badge and says when they change).
 */
import { useCallback, useEffect, useState } from 'react';
import type {
  DmRequestView,
  DmRequestsView,
} from '../../../../electron/contract/channel-schemas.js';
import { useHostApi } from '../../host/host-context.js';
import { nextStepFor, toHostError, type HostError } from '../../host/host-error.js';
import {
  Badge,
  Button,
  Card,
  EmptyState,
  ErrorState,
  Icon,
  Skeleton,
  toast,
} from '../../ui/index.js';
import { formatRelative } from '../format.js';

export const DM_POLL_MS = 4000;

export function expiresIn(expiresAt: number, now = Date.now()): string {
  const left = expiresAt - now;
  if (left <= 0) return 'expired';
  if (left < 60_000) return 'expires in under a minute';
  return `expires in ${Math.round(left / 60_000)} min`;
}

function DmRequestRow({
  request,
  offerOwner,
  onDone,
}: {
  request: DmRequestView;
  offerOwner: boolean;
  onDone: () => void;
}) {
  const api = useHostApi();
  const [busy, setBusy] = useState<'approve' | 'dismiss'>();
  const [owner, setOwner] = useState(true);
  const [error, setError] = useState<HostError>();
  const target = {
    channel: request.channel as 'telegram' | 'discord' | 'whatsapp',
    accountId: request.accountId,
    requestId: request.requestId,
  };
  const act = async (kind: 'approve' | 'dismiss') => {
    setBusy(kind);
    setError(undefined);
    try {
      if (kind === 'approve') {
        const result = await api.call('channels.approve', {
          ...target,
          ...(offerOwner && owner ? { bootstrapCommandOwner: true } : {}),
        });
        toast({
          title: `${request.senderLabel} may now talk to the agent on ${request.channelLabel}`,
          ...(result.commandOwner ? { body: 'They are also the command owner.' } : {}),
          tone: 'success',
        });
      } else {
        await api.call('channels.dismiss', target);
        toast({ title: `Dismissed ${request.senderLabel}`, tone: 'success' });
      }
      onDone();
    } catch (err) {
      setError(toHostError(err));
    } finally {
      setBusy(undefined);
    }
  };
  const account = request.accountLabel ?? request.accountId;
  return (
    <li className="request">
      <div className="request__head">
        <span className="request__icon" aria-hidden="true">
          <Icon name="chat" size={20} />
        </span>
        <div className="request__title">
          <h3 className="request__name">
            {request.senderLabel} <Badge tone="info">{request.channelLabel}</Badge>
          </h3>
          <p className="request__meta">
            {account === 'default' ? 'Default account' : `Account ${account}`} · sender{' '}
            <span className="ui-mono">{request.senderId}</span> · asked{' '}
            {formatRelative(request.createdAt)} · {expiresIn(request.expiresAt)}
          </p>
          <p className="request__meta">
            Code <span className="ui-mono dm-code">{request.code}</span>
          </p>
        </div>
        <div className="request__actions">
          <Button
            variant="ghost"
            onClick={() => void act('dismiss')}
            loading={busy === 'dismiss'}
            disabled={Boolean(busy)}
            aria-label={`Dismiss ${request.senderLabel}`}
          >
            Dismiss
          </Button>
          <Button
            variant="primary"
            icon="check"
            onClick={() => void act('approve')}
            loading={busy === 'approve'}
            disabled={Boolean(busy)}
            aria-label={`Approve ${request.senderLabel}`}
          >
            Approve
          </Button>
        </div>
      </div>
      <div className="request__body">
        <p className="request__asks">
          Wants to talk to your agent in a direct message. Approving adds them to the channel’s
          allowed senders; dismissing drops the code (they can ask again by writing).
        </p>
        {offerOwner ? (
          <label className="scope-list__choice ui-text-sm">
            <input
              type="checkbox"
              className="scope-list__check"
              checked={owner}
              onChange={(e) => setOwner(e.currentTarget.checked)}
            />
            <span>
              Make this sender the command owner (no one is yet): they may use the owner-only slash
              commands.
            </span>
          </label>
        ) : null}
        {error ? (
          <ErrorState
            title={`Could not ${busy ?? 'finish'} this request`}
            message={error.message}
            nextStep={
              nextStepFor(error) ??
              'The code may have expired or been handled from the CLI; press Refresh to see the current list.'
            }
          />
        ) : null}
      </div>
    </li>
  );
}

export function DmRequestsCard() {
  const api = useHostApi();
  const [view, setView] = useState<DmRequestsView>();
  const [error, setError] = useState<HostError>();
  const reload = useCallback(() => {
    api.call('channels.requests', {}).then(
      (v) => (setView(v), setError(undefined)),
      (err: unknown) => setError(toHostError(err)),
    );
  }, [api]);
  useEffect(() => {
    reload();
    const timer = setInterval(reload, DM_POLL_MS);
    const off = api.on('approvals.changed', reload);
    return () => {
      clearInterval(timer);
      off();
    };
  }, [api, reload]);
  const count = view?.requests.length ?? 0;
  return (
    <Card
      title="Chat senders waiting"
      description={
        view
          ? `${count} request${count === 1 ? '' : 's'} from Telegram, Discord or WhatsApp`
          : undefined
      }
    >
      {error ? (
        <ErrorState
          title="Could not load chat pairing requests"
          message={error.message}
          nextStep={
            nextStepFor(error) ?? 'Make sure the gateway is running (Dashboard), then retry.'
          }
          onRetry={reload}
        />
      ) : !view ? (
        <Skeleton lines={2} />
      ) : count > 0 ? (
        <ul className="request-list">
          {view.requests.map((r) => (
            <DmRequestRow
              key={`${r.channel}/${r.accountId}/${r.requestId}`}
              request={r}
              offerOwner={!view.commandOwnerConfigured}
              onDone={reload}
            />
          ))}
        </ul>
      ) : (
        <EmptyState
          compact
          icon="chat"
          title="No chat senders waiting"
          description="When someone new writes to your bot, they get a code and show up here for you to approve."
        />
      )}
    </Card>
  );
}
