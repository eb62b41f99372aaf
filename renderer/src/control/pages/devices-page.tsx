/**
 * Devices: who is waiting to be let in, and who already is. Approve/reject pending requests (with
 * the scopes each asks for in plain words), and for paired devices rotate or revoke their token or
 * remove them. Reads `device.pair.list` again on every `device.pair.requested|resolved` event.
 */
import { useEffect, useState } from 'react';
import {
  Badge,
  Button,
  Card,
  ConfirmDialog,
  EmptyState,
  ErrorState,
  Page,
  PageHeader,
  Skeleton,
  Table,
  toast,
} from '../../ui/index.js';
import { ControlPage } from '../components/control-page.js';
import { deviceName, PendingRequest } from '../components/pending-request.js';
import { useNow } from '../components/use-now.js';
import { formatRelative, shortId } from '../format.js';
import { gatewayRequest, loadBrowserIdentity } from '../connection/control-store.js';
import { useGatewayQuery } from '../connection/hooks.js';
import {
  parseDevicePairList,
  type PairedDevice,
  type PendingDevice,
} from '../connection/payloads.js';
import { errorText } from '../connection/queries-slice.js';
import { summariseScopes } from '../scopes.js';

const PAIRING_EVENTS = ['device.pair.requested', 'device.pair.resolved'] as const;

function useOwnDeviceId(): string | null {
  const [id, setId] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    loadBrowserIdentity()
      .then((identity) => live && setId(identity.deviceId))
      .catch(() => {});
    return () => {
      live = false;
    };
  }, []);
  return id;
}

type Confirm =
  | { kind: 'remove'; device: PairedDevice }
  | { kind: 'revoke'; device: PairedDevice; role: string }
  | { kind: 'rotate'; device: PairedDevice; role: string };

function DevicesContent() {
  const now = useNow(5000);
  const ownId = useOwnDeviceId();
  const list = useGatewayQuery(
    'devices.list',
    'device.pair.list',
    {},
    { parse: parseDevicePairList, refetchOn: PAIRING_EVENTS },
  );
  const [busy, setBusy] = useState<
    Record<string, 'approve' | 'reject' | 'remove' | 'revoke' | 'rotate'>
  >({});
  const [confirm, setConfirm] = useState<Confirm | null>(null);

  const run = async (
    key: string,
    action: 'approve' | 'reject' | 'remove' | 'revoke' | 'rotate',
    work: () => Promise<unknown>,
    done: string,
  ) => {
    setBusy((b) => ({ ...b, [key]: action }));
    try {
      await work();
      toast({ title: done, tone: 'success' });
    } catch (err) {
      toast({ title: 'That did not work', body: errorText(err), tone: 'danger' });
    } finally {
      setBusy(({ [key]: _removed, ...rest }) => rest);
      void list.refetch();
    }
  };

  const decide = (request: PendingDevice, decision: 'approve' | 'reject') =>
    run(
      request.requestId,
      decision,
      () =>
        gatewayRequest(decision === 'approve' ? 'device.pair.approve' : 'device.pair.reject', {
          requestId: request.requestId,
        }),
      decision === 'approve'
        ? `${deviceName(request)} is approved`
        : `${deviceName(request)} was rejected`,
    );

  const confirmAction = async () => {
    if (!confirm) return;
    const { device } = confirm;
    const current = confirm;
    setConfirm(null);
    if (current.kind === 'remove') {
      await run(
        device.deviceId,
        'remove',
        () => gatewayRequest('device.pair.remove', { deviceId: device.deviceId }),
        `${deviceName(device)} was removed`,
      );
    } else if (current.kind === 'revoke') {
      await run(
        device.deviceId,
        'revoke',
        () =>
          gatewayRequest('device.token.revoke', { deviceId: device.deviceId, role: current.role }),
        `Access token of ${deviceName(device)} revoked`,
      );
    } else {
      await run(
        device.deviceId,
        'rotate',
        () =>
          gatewayRequest('device.token.rotate', { deviceId: device.deviceId, role: current.role }),
        `Access token of ${deviceName(device)} replaced`,
      );
    }
  };

  const pending = list.data?.pending ?? [];
  const paired = list.data?.paired ?? [];
  const firstLoad = list.data === undefined && list.error === null;

  return (
    <Page>
      <PageHeader
        eyebrow="Control UI"
        title="Devices"
        description="Browsers, apps and command-line tools that may use this gateway. New ones wait here until someone approves them."
        actions={
          <Button
            icon="refresh"
            onClick={() => void list.refetch()}
            loading={list.loading && !firstLoad}
          >
            Refresh
          </Button>
        }
      />
      {list.error && !list.data ? (
        <ErrorState
          title="Could not load the devices"
          message={list.error}
          nextStep="This needs the pairing permission; check that this browser was approved with it."
          onRetry={() => void list.refetch()}
        />
      ) : null}

      <Card
        title="Waiting for approval"
        description="Approve only devices you recognise: the request ID is also shown on the device that asks."
        actions={pending.length > 0 ? <Badge tone="accent">{pending.length}</Badge> : undefined}
        flush
      >
        {firstLoad ? (
          <div className="cui-request">
            <Skeleton lines={3} />
          </div>
        ) : pending.length === 0 ? (
          <EmptyState
            compact
            icon="approvals"
            title="No devices are waiting"
            description="A new browser or app that connects shows up here for you to approve."
          />
        ) : (
          <ul className="cui-requests">
            {pending.map((request) => (
              <PendingRequest
                key={request.requestId}
                request={request}
                now={now}
                busy={(busy[request.requestId] as 'approve' | 'reject' | undefined) ?? null}
                onDecide={(d) => void decide(request, d)}
              />
            ))}
          </ul>
        )}
      </Card>

      <Card
        title="Paired devices"
        description="Devices that may connect. Revoking a token or removing a device disconnects it at once."
        flush
      >
        <Table<PairedDevice>
          caption="Paired devices"
          rows={paired}
          rowKey={(d) => d.deviceId}
          loading={firstLoad}
          empty={<EmptyState compact icon="devices" title="No paired devices yet" />}
          columns={[
            {
              key: 'device',
              header: 'Device',
              width: '31%',
              render: (d) => (
                <span className="cui-cell-main">
                  <span className="cui-cell-main__title">
                    {deviceName(d)}{' '}
                    {d.deviceId === ownId ? <Badge tone="info">This browser</Badge> : null}
                  </span>
                  <span className="cui-cell-main__sub" title={d.deviceId}>
                    {shortId(d.deviceId)}
                    {d.remoteIp ? ` · ${d.remoteIp}` : ''}
                  </span>
                </span>
              ),
            },
            {
              key: 'access',
              header: 'Access',
              width: '17%',
              render: (d) => (
                <span className="cui-badges">
                  {summariseScopes(d.scopes).map((s) => (
                    <Badge
                      key={s.scope}
                      tone={s.scope === 'operator.admin' ? 'warning' : 'neutral'}
                      title={s.description}
                    >
                      {s.label}
                    </Badge>
                  ))}
                  {d.scopes.length === 0 ? <span className="ui-muted">connect only</span> : null}
                </span>
              ),
            },
            {
              key: 'token',
              header: 'Token',
              width: '15%',
              render: (d) => {
                const token = d.tokens[0];
                if (!token) return <span className="ui-muted">none issued</span>;
                if (token.revokedAtMs)
                  return (
                    <Badge tone="danger">revoked {formatRelative(token.revokedAtMs, now)}</Badge>
                  );
                return (
                  <span className="ui-text-sm">
                    used {formatRelative(token.lastUsedAtMs ?? token.createdAtMs, now)}
                  </span>
                );
              },
            },
            {
              key: 'approved',
              header: 'Approved',
              width: '14%',
              render: (d) => (
                <span className="cui-cell-main">
                  <span className="ui-text-sm">{formatRelative(d.approvedAtMs, now)}</span>
                  {d.approvedVia === 'silent' ? (
                    <span
                      className="ui-muted ui-text-xs"
                      title="Connected from the gateway's own machine"
                    >
                      automatically
                    </span>
                  ) : null}
                </span>
              ),
            },
            {
              key: 'actions',
              header: 'Actions',
              headerHidden: true,
              align: 'end',
              render: (d) => {
                const role = d.tokens[0]?.role ?? d.roles[0] ?? 'operator';
                const hasLiveToken = d.tokens.some((t) => !t.revokedAtMs);
                const action = busy[d.deviceId];
                return (
                  <span className="cui-row-actions">
                    <Button
                      size="sm"
                      variant="ghost"
                      onClick={() => setConfirm({ kind: 'rotate', device: d, role })}
                      loading={action === 'rotate'}
                      disabled={Boolean(action)}
                      aria-label={`Replace the token of ${deviceName(d)}`}
                    >
                      Rotate
                    </Button>
                    <Button
                      size="sm"
                      variant="ghost"
                      onClick={() => setConfirm({ kind: 'revoke', device: d, role })}
                      loading={action === 'revoke'}
                      disabled={Boolean(action) || !hasLiveToken}
                      aria-label={`Revoke the token of ${deviceName(d)}`}
                    >
                      Revoke
                    </Button>
                    <Button
                      size="sm"
                      variant="ghost"
                      className="cui-danger-text"
                      onClick={() => setConfirm({ kind: 'remove', device: d })}
                      loading={action === 'remove'}
                      disabled={Boolean(action)}
                      aria-label={`Remove ${deviceName(d)}`}
                    >
                      Remove
                    </Button>
                  </span>
                );
              },
            },
          ]}
        />
      </Card>

      <ConfirmDialog
        open={confirm !== null}
        tone={confirm?.kind === 'rotate' ? 'primary' : 'danger'}
        title={
          confirm?.kind === 'remove'
            ? `Remove ${confirm ? deviceName(confirm.device) : ''}?`
            : confirm?.kind === 'revoke'
              ? 'Revoke its access token?'
              : 'Replace its access token?'
        }
        body={
          <p>
            {confirm?.kind === 'remove'
              ? 'It is disconnected now and has to ask for approval again before it can reconnect.'
              : confirm?.kind === 'revoke'
                ? 'It is disconnected now. It can only sign in again with the gateway token.'
                : 'A new token is issued and the device is disconnected; it signs in again with the gateway token.'}
            {confirm && confirm.device.deviceId === ownId ? (
              <strong> This is the browser you are using.</strong>
            ) : null}
          </p>
        }
        confirmLabel={
          confirm?.kind === 'remove'
            ? 'Remove'
            : confirm?.kind === 'revoke'
              ? 'Revoke'
              : 'Replace token'
        }
        onConfirm={() => void confirmAction()}
        onCancel={() => setConfirm(null)}
      />
    </Page>
  );
}

export function DevicesPage() {
  return (
    <ControlPage>
      <DevicesContent />
    </ControlPage>
  );
}
