/**
 * One device waiting to be let in: who (name, address, platform, when), the request id it also
 * shows on its own screen, and every permission it asks for in plain words — then Approve/Reject.
 */
import { Badge, Button } from '../../ui/index.js';
import { formatRelative, shortId } from '../format.js';
import type { PendingDevice } from '../connection/payloads.js';
import { describeScopes } from '../scopes.js';

export function deviceName(d: {
  displayName?: string;
  clientId?: string;
  deviceId: string;
}): string {
  return d.displayName ?? d.clientId ?? `Device ${shortId(d.deviceId)}`;
}

export function PendingRequest({
  request,
  now,
  busy,
  onDecide,
}: {
  request: PendingDevice;
  now: number;
  busy: 'approve' | 'reject' | null;
  onDecide: (decision: 'approve' | 'reject') => void;
}) {
  const scopes = describeScopes(request.scopes);
  return (
    <li className="cui-request" aria-label={`Pairing request from ${deviceName(request)}`}>
      <div>
        <div className="cui-request__head">
          <span className="cui-request__name">{deviceName(request)}</span>
          <Badge tone={request.isRepair ? 'warning' : 'accent'}>
            {request.isRepair ? 'Asks for more access' : 'New device'}
          </Badge>
        </div>
        <div className="cui-request__meta">
          <span>
            Request <code className="ui-mono">{request.requestId}</code>
          </span>
          {request.remoteIp ? <span>from {request.remoteIp}</span> : null}
          {request.platform ? <span>{request.platform}</span> : null}
          <span>asked {formatRelative(request.ts, now)}</span>
        </div>
        <ul className="cui-scopes" aria-label="Requested access">
          {request.role && request.role !== 'operator' ? (
            <li>
              <span className="cui-scopes__label">Role</span>
              <span className="cui-scopes__text">{request.role}</span>
            </li>
          ) : null}
          {scopes.length === 0 ? (
            <li>
              <span className="cui-scopes__text">No permissions beyond connecting.</span>
            </li>
          ) : (
            scopes.map((s) => (
              <li key={s.scope}>
                <span className="cui-scopes__label">{s.label}</span>
                <span className="cui-scopes__text">{s.description}</span>
              </li>
            ))
          )}
        </ul>
      </div>
      <div className="cui-request__actions">
        <Button
          variant="ghost"
          onClick={() => onDecide('reject')}
          loading={busy === 'reject'}
          disabled={busy !== null}
        >
          Reject
        </Button>
        <Button
          variant="primary"
          icon="check"
          onClick={() => onDecide('approve')}
          loading={busy === 'approve'}
          disabled={busy !== null}
        >
          Approve
        </Button>
      </div>
    </li>
  );
}
